"""The case's timeline: incidents and dated sentences in date order, with their evidence.

Until an events extractor fills ``events`` (issue 3), most of the timeline is *dated sentences*: a
time expression resolved against its document's date ("last October" in a 2016-09 article is
2015-10), with the entities its sentence names. Incidents join them as ``event`` items.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, exists, select

from casegraph.errors import QueryError
from casegraph.query.incidents import load_incidents
from casegraph.store import Store, in_chunks, schema

T, M, EM, E, D = schema.times, schema.mentions, schema.entity_mentions, schema.entities, schema.documents
MAX_ITEMS = 5000


def timeline(
    store: Store,
    *,
    entity: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 500,
) -> dict[str, Any]:
    """Dated items (``time``: a dated sentence, ``event``: an incident), earliest first, at most ``limit``.

    ``entity`` keeps the items that name it; ``date_from`` / ``date_to`` (ISO prefixes) keep the items
    whose date overlaps the range at the item's own precision ("2015" is inside 2015-07..2016).
    """
    if not 1 <= limit <= MAX_ITEMS:
        raise QueryError(f"limit must be between 1 and {MAX_ITEMS}")
    with store.read() as conn:
        items = _times(conn, entity) + _events(conn, entity)
    items = [i for i in items if _inside(i["date"], date_from, date_to)]
    items.sort(key=lambda i: (i["date"], i["evidence"]["doc_title"], i["evidence"]["start"], i["id"]))
    return {"items": items[:limit], "total": len(items)}


def _inside(value: str, low: str | None, high: str | None) -> bool:
    """True when an ISO prefix overlaps [low, high], compared at the prefix's own precision."""
    size = len(value)
    return (low is None or value >= low[:size]) and (high is None or value <= high[:size])


def _times(conn: Connection, entity: str | None) -> list[dict[str, Any]]:
    """Resolved time expressions whose sentence names at least one entity (``entity``, when given)."""
    in_sentence = and_(M.c.doc == T.c.doc, M.c.sent_start <= T.c.start, M.c.sent_end >= T.c.end)
    query = select(T.c.id, T.c.doc, T.c.start, T.c.end, T.c.text, T.c.value, T.c.end_value, T.c.precision)
    named = exists().where(in_sentence)
    if entity is not None:
        named = exists().where(in_sentence, EM.c.mention == M.c.id, EM.c.entity == entity)
    rows = conn.execute(query.where(T.c.value.is_not(None), named)).mappings().all()
    docs = sorted({r["doc"] for r in rows})
    sentences = _sentence_entities(conn, docs)
    titles, texts = _documents(conn, docs)
    items = []
    for r in rows:
        found = [s for s in sentences.get(r["doc"], []) if s[0] <= r["start"] and r["end"] <= s[1]]
        if not found:
            continue
        start, end = min(s[0] for s in found), max(s[1] for s in found)
        named_here = {e["id"]: e for s in found for e in s[2]}
        items.append(
            {
                "id": r["id"],
                "kind": "time",
                "date": r["value"],
                "end": r["end_value"],
                "precision": r["precision"],
                "label": r["text"],
                "entities": sorted(named_here.values(), key=lambda e: (e["name"], e["id"])),
                "evidence": {
                    "doc": r["doc"],
                    "doc_title": titles[r["doc"]],
                    "start": start,
                    "end": end,
                    "text": texts[r["doc"]][start:end],
                },
            }
        )
    return items


def _sentence_entities(
    conn: Connection, docs: list[str]
) -> dict[str, list[tuple[int, int, list[dict[str, Any]]]]]:
    """Per document: each sentence span with the entities its mentions belong to."""
    out: dict[str, dict[tuple[int, int], dict[str, dict[str, Any]]]] = {}
    for part in in_chunks(docs):
        rows = conn.execute(
            select(M.c.doc, M.c.sent_start, M.c.sent_end, E.c.id, E.c.name, E.c.type)
            .join(EM, EM.c.mention == M.c.id)
            .join(E, E.c.id == EM.c.entity)
            .where(M.c.doc.in_(part))
        )
        for doc, s, e, eid, name, type_ in rows:
            out.setdefault(doc, {}).setdefault((s, e), {})[eid] = {"id": eid, "name": name, "type": type_}
    return {
        doc: [(s, e, list(ents.values())) for (s, e), ents in sorted(spans.items())]
        for doc, spans in out.items()
    }


def _documents(conn: Connection, docs: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    titles: dict[str, str] = {}
    texts: dict[str, str] = {}
    for part in in_chunks(docs):
        for doc, title, text in conn.execute(select(D.c.id, D.c.title, D.c.text).where(D.c.id.in_(part))):
            titles[doc], texts[doc] = title, text
    return titles, texts


def _events(conn: Connection, entity: str | None) -> list[dict[str, Any]]:
    """Incidents with a date (once events are extracted), as timeline items."""
    records = load_incidents(conn)
    if not records:
        return []
    names = {eid: (name, type_) for eid, name, type_ in conn.execute(select(E.c.id, E.c.name, E.c.type))}
    titles, _ = _documents(conn, sorted({ev["doc"] for r in records for ev in r["evidence"]}))
    items = []
    for r in records:
        ids = sorted(
            {p["entity"] for p in r["participants"] if p["entity"]} | ({r["place"]} if r["place"] else set())
        )
        if not r["date"] or not r["date"]["value"] or (entity is not None and entity not in ids):
            continue
        first = r["evidence"][0]
        items.append(
            {
                "id": r["id"],
                "kind": "event",
                "date": r["date"]["value"],
                "end": r["date"]["end_value"],
                "precision": r["date"]["precision"],
                "label": r["type"],
                "entities": [{"id": i, "name": names[i][0], "type": names[i][1]} for i in ids if i in names],
                "evidence": {
                    **{k: first[k] for k in ("doc", "start", "end", "text")},
                    "doc_title": titles[first["doc"]],
                },
            }
        )
    return items
