"""The case's timeline: incidents and dated sentences in date order, with their evidence.

``timeline`` mixes two kinds of item (the web UI's timeline, ``GET /api/timeline``): *dated sentences*,
a time expression resolved against its document's date ("last October" in a 2016-09 article is
2015-10) with the entities its sentence names, and incidents as ``event`` items. ``events_timeline``
lists the incidents alone, each in full: date, place, participants, counts and every evidence sentence
(``casegraph timeline``, ``GET /api/events``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, exists, select

from casegraph.errors import QueryError
from casegraph.query.incidents import load_incidents
from casegraph.store import Store, in_chunks, schema

T, M, EM, E, D = schema.times, schema.mentions, schema.entity_mentions, schema.entities, schema.documents
MAX_ITEMS = 5000
DATE_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


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
    whose date, from its value to its end, overlaps the range ("2015" is inside 2015-07..2016).
    """
    _check_limit(limit)
    with store.read() as conn:
        incidents, names = _incident_items(conn, entity)
        events = [_timeline_item(i, names) for i in incidents]
        items = _times(conn, entity) + [e for e in events if e is not None]
    items = [i for i in items if _inside(i["date"], date_from, date_to, i["end"])]
    items.sort(key=lambda i: (i["date"], i["evidence"]["doc_title"], i["evidence"]["start"], i["id"]))
    return {"items": items[:limit], "total": len(items)}


def _inside(value: str, low: str | None, high: str | None, end: str | None = None) -> bool:
    """True when the ISO prefix ``value`` (to ``end``, when given) overlaps [low, high], each pair
    compared at the coarser of its two precisions ("2016-06-15" is inside ..2016-06, "2015" inside
    2015-07..)."""
    last = end or value
    return (low is None or not _before(last, low)) and (high is None or not _before(high, value))


def _before(a: str, b: str) -> bool:
    """True when the ISO prefix ``a`` ends before ``b`` begins."""
    size = min(len(a), len(b))
    return a[:size] < b[:size]


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


def _titles(conn: Connection, docs: list[str]) -> dict[str, str]:
    """The documents' titles, without reading their texts."""
    titles: dict[str, str] = {}
    for part in in_chunks(docs):
        for doc, title in conn.execute(select(D.c.id, D.c.title).where(D.c.id.in_(part))):
            titles[doc] = title
    return titles


def events_timeline(
    store: Store,
    *,
    entity: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 500,
) -> dict[str, Any]:
    """The case's incidents in date order, undated ones last, each with its place, participants, counts
    and evidence sentences; at most ``limit`` (``total`` counts them all).

    ``entity`` (an entity id) keeps the incidents whose place or a participant it is; ``date_from`` /
    ``date_to`` (ISO prefixes, checked by ``check_date_range``) keep the dated incidents whose date,
    from its value to its end value, overlaps the range (an incident in "2016-06" is inside ..2016,
    one in "2016" inside 2016-06..).
    """
    _check_limit(limit)
    check_date_range(date_from, date_to)
    with store.read() as conn:
        items, _ = _incident_items(conn, entity)
    if date_from is not None or date_to is not None:
        items = [i for i in items if _date_value(i) and _inside_range(i, date_from, date_to)]
    items.sort(key=_event_order)
    return {"items": items[:limit], "total": len(items)}


def check_date_range(date_from: str | None, date_to: str | None) -> None:
    """Raise QueryError unless each bound is a real date as an ISO prefix and ``date_from`` is not after
    ``date_to``."""
    for name, value in (("from", date_from), ("to", date_to)):
        if value is not None and _first_day(value) is None:
            raise QueryError(f"{name} must be a date such as 2015, 2015-07 or 2015-07-20, not {value!r}")
    if date_from is not None and date_to is not None and _before(date_to, date_from):
        raise QueryError(f"from {date_from} is after to {date_to}; give the earlier date as from")


def _first_day(value: str) -> date | None:
    """The first day of an ISO prefix ("2015", "2015-07", "2015-07-20"), None if it names no real date."""
    match = DATE_PREFIX.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_ITEMS:
        raise QueryError(f"limit must be between 1 and {MAX_ITEMS}")


def _date_value(item: dict[str, Any]) -> str | None:
    return item["date"]["value"] if item["date"] else None


def _inside_range(item: dict[str, Any], low: str | None, high: str | None) -> bool:
    return _inside(item["date"]["value"], low, high, item["date"]["end_value"])


def _event_order(item: dict[str, Any]) -> tuple[bool, str, str, int, str]:
    """Dated incidents first, by date; then by the title and position of their first evidence."""
    first: dict[str, Any] = item["evidence"][0]  # an incident has at least one event
    value = _date_value(item)
    return (value is None, value or "", first["doc_title"], first["start"], item["id"])


def _incident_items(
    conn: Connection, entity: str | None
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every incident (naming ``entity`` as place or participant, when given) as an events_timeline item
    (its casegraph/1 record with the place's and participants' names and the evidence's document
    titles), and the entities they name by id ({"id", "name", "type"})."""
    records = load_incidents(conn)
    if entity is not None:
        records = [r for r in records if entity in _named(r)]
    if not records:
        return [], {}
    names = _entity_names(conn, sorted(set().union(*map(_named, records))))
    titles = _titles(conn, sorted({ev["doc"] for r in records for ev in r["evidence"]}))
    items = [
        {
            "id": r["id"],
            "type": r["type"],
            "date": r["date"],
            "place": names.get(r["place"]) if r["place"] else None,
            "participants": [
                {**p, "name": names[p["entity"]]["name"] if p["entity"] in names else None}
                for p in r["participants"]
            ],
            "counts": r["counts"],
            "conflicts": r["conflicts"],
            "sources": r["sources"],
            "evidence": [{**ev, "doc_title": titles[ev["doc"]]} for ev in r["evidence"]],
        }
        for r in records
    ]
    return items, names


def _named(record: dict[str, Any]) -> set[str]:
    """The entities an incident record names: its place and its participant entities."""
    named = {p["entity"] for p in record["participants"] if p["entity"]}
    if record["place"]:
        named.add(record["place"])
    return named


def _entity_names(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for part in in_chunks(ids):
        for eid, name, type_ in conn.execute(select(E.c.id, E.c.name, E.c.type).where(E.c.id.in_(part))):
            found[eid] = {"id": eid, "name": name, "type": type_}
    return found


def _timeline_item(item: dict[str, Any], names: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """An incident as a ``timeline`` item of kind ``event``; None when it has no known date."""
    if not _date_value(item):
        return None
    named = {p["entity"] for p in item["participants"] if p["entity"]}
    if item["place"]:
        named.add(item["place"]["id"])
    first = item["evidence"][0]
    return {
        "id": item["id"],
        "kind": "event",
        "date": item["date"]["value"],
        "end": item["date"]["end_value"],
        "precision": item["date"]["precision"],
        "label": item["type"],
        "entities": [names[i] for i in sorted(named) if i in names],
        "evidence": {k: first[k] for k in ("doc", "doc_title", "start", "end", "text")},
    }
