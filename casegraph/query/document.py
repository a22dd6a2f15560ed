"""One document with every fact located in its text: mentions, relations, quotes, times and events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from casegraph.errors import NotFoundError
from casegraph.store import Store, schema

D, M, EM, E = schema.documents, schema.mentions, schema.entity_mentions, schema.entities


def document_page(store: Store, doc_id: str) -> dict[str, Any]:
    """The document's text and every observation in it, each with the offsets it spans in ``text``."""
    with store.read() as conn:
        row = conn.execute(select(D).where(D.c.id == doc_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id!r}; casegraph search finds documents")
        page = {k: row[k] for k in ("id", "path", "title", "date", "language", "format", "text")}
        mentions = _mentions(conn, doc_id)
        entity_of = {m["id"]: (m["entity"], m["entity_name"]) for m in mentions}
        page["mentions"] = mentions
        page["relations"] = _relations(conn, doc_id, entity_of)
        page["quotes"] = _quotes(conn, doc_id, entity_of)
        page["times"] = _times(conn, doc_id)
        page["events"] = _events(conn, doc_id, entity_of, row["text"])
    return page


def _mentions(conn: Connection, doc_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(M.c.id, M.c.start, M.c.end, M.c.text, M.c.type, EM.c.entity, E.c.name)
        .outerjoin(EM, EM.c.mention == M.c.id)
        .outerjoin(E, E.c.id == EM.c.entity)
        .where(M.c.doc == doc_id)
        .order_by(M.c.start, M.c.end, M.c.id)
    )
    return [
        {"id": i, "start": s, "end": e, "text": t, "type": ty, "entity": ent, "entity_name": name}
        for i, s, e, t, ty, ent, name in rows
    ]


def _relations(
    conn: Connection, doc_id: str, entity_of: dict[str, tuple[str | None, str | None]]
) -> list[dict[str, Any]]:
    r = schema.relations
    rows = conn.execute(select(r).where(r.c.doc == doc_id).order_by(r.c.start, r.c.id)).mappings()
    out = []
    for row in rows:
        source, source_name = entity_of.get(row["source"], (None, None))
        target, target_name = entity_of.get(row["target"], (None, None))
        out.append(
            {
                "id": row["id"],
                "type": row["type"],
                "source": source,
                "target": target,
                "source_name": source_name,
                "target_name": target_name,
                "start": row["start"],
                "end": row["end"],
                "trigger": row["trigger"],
            }
        )
    return out


def _quotes(
    conn: Connection, doc_id: str, entity_of: dict[str, tuple[str | None, str | None]]
) -> list[dict[str, Any]]:
    q = schema.quotes
    rows = conn.execute(select(q).where(q.c.doc == doc_id).order_by(q.c.start, q.c.id)).mappings()
    out = []
    for row in rows:
        speaker, name = entity_of.get(row["speaker"], (None, None)) if row["speaker"] else (None, None)
        keys = ("id", "speaker_text", "text", "start", "end", "ev_start", "ev_end")
        out.append({**{k: row[k] for k in keys}, "speaker": speaker, "speaker_name": name})
    return out


def _times(conn: Connection, doc_id: str) -> list[dict[str, Any]]:
    t = schema.times
    rows = conn.execute(
        select(t.c.id, t.c.start, t.c.end, t.c.text, t.c.value, t.c.precision)
        .where(t.c.doc == doc_id)
        .order_by(t.c.start, t.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def _events(
    conn: Connection, doc_id: str, entity_of: dict[str, tuple[str | None, str | None]], text: str
) -> list[dict[str, Any]]:
    """The document's events: type, evidence and trigger spans, participants and counts with their spans.

    A participant that names no entity ("six Jesuit priests") has ``entity`` null; one stored before
    participants kept their words has ``text`` "" and ``start`` = ``end`` = 0.
    """
    ev = schema.events
    rows = conn.execute(select(ev).where(ev.c.doc == doc_id).order_by(ev.c.start, ev.c.id)).mappings()
    return [
        {
            "id": r["id"],
            "type": r["type"],
            "start": r["start"],
            "end": r["end"],
            "trigger_start": r["data"].get("trigger_start"),
            "trigger_end": r["data"].get("trigger_end"),
            "participants": [_participant(p, entity_of) for p in r["data"].get("participants", [])],
            "counts": [_count(c, text) for c in r["data"].get("counts", [])],
        }
        for r in rows
    ]


def _participant(
    participant: dict[str, Any], entity_of: dict[str, tuple[str | None, str | None]]
) -> dict[str, Any]:
    mention = participant.get("mention")
    entity, name = entity_of.get(mention, (None, None)) if mention else (None, None)
    return {
        "role": participant["role"],
        "text": participant.get("text") or "",
        "start": participant.get("start", 0),
        "end": participant.get("end", 0),
        "mention": mention,
        "entity": entity,
        "entity_name": name,
    }


def _count(count: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "what": count["what"],
        "value": count["value"],
        "qualifier": count["qualifier"],
        "unit": count.get("unit") or "",
        "start": count["start"],
        "end": count["end"],
        "text": text[count["start"] : count["end"]],
    }
