"""The whole case as one casegraph/1 projection (the input of every export), and its summary."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from casegraph.model import make_id
from casegraph.query.entity import evidence
from casegraph.query.incidents import load_incidents
from casegraph.store import Store, schema

FORMAT = "casegraph/1"


def case_data(store: Store) -> dict[str, Any]:
    """Every document, entity, relation, quote, time, value and event, with evidence spans."""
    with store.read() as conn:
        texts = {d: t for d, t in conn.execute(select(schema.documents.c.id, schema.documents.c.text))}
        entity_of = dict(
            conn.execute(select(schema.entity_mentions.c.mention, schema.entity_mentions.c.entity)).all()
        )
        return {
            "format": FORMAT,
            "documents": _documents(conn),
            "entities": _entities(conn),
            "relations": _relations(conn, entity_of, texts),
            "events": _events(conn, entity_of, texts),
            "quotes": _quotes(conn, entity_of, texts),
            "times": _spans(conn, schema.times, ("value", "precision", "end_value", "modifier")),
            "values": _spans(conn, schema.vals, ("kind",)),
        }


def _documents(conn: Connection) -> list[dict[str, Any]]:
    d = schema.documents
    cols = (d.c.id, d.c.path, d.c.title, d.c.date, d.c.date_source, d.c.language, d.c.format)
    rows = conn.execute(select(*cols).order_by(d.c.path, d.c.id)).mappings()
    return [{**row, "sha256": row["id"]} for row in rows]


def entities(store: Store) -> list[dict[str, Any]]:
    """Every entity with its mentions, as in the casegraph/1 projection."""
    with store.read() as conn:
        return _entities(conn)


def _entities(conn: Connection) -> list[dict[str, Any]]:
    m, em = schema.mentions, schema.entity_mentions
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = conn.execute(
        select(em.c.entity, m.c.id, m.c.doc, m.c.start, m.c.end, m.c.text)
        .join(m, m.c.id == em.c.mention)
        .order_by(m.c.doc, m.c.start, m.c.end, m.c.id)
    )
    for entity, mid, doc, start, end, text in rows:
        mentions[entity].append({"id": mid, "doc": doc, "start": start, "end": end, "text": text})
    e = schema.entities
    entities = conn.execute(
        select(e.c.id, e.c.type, e.c.name, e.c.aliases, e.c.reasons).order_by(e.c.id)
    ).mappings()
    return [{**row, "mentions": mentions[row["id"]]} for row in entities]


def _relations(conn: Connection, entity_of: dict[str, str], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Relations between entities: observations with the same type and ends become one, with all evidence."""
    r = schema.relations
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for rtype, source, target, doc, start, end in conn.execute(
        select(r.c.type, r.c.source, r.c.target, r.c.doc, r.c.start, r.c.end).order_by(
            r.c.doc, r.c.start, r.c.end, r.c.id
        )
    ):
        src, tgt = entity_of.get(source), entity_of.get(target)
        if src and tgt and src != tgt:
            ev = evidence(texts, doc, start, end)
            if ev not in grouped[(rtype, src, tgt)]:
                grouped[(rtype, src, tgt)].append(ev)
    return [
        {"id": make_id("r", *key), "type": key[0], "source": key[1], "target": key[2], "evidence": evs}
        for key, evs in sorted(grouped.items())
    ]


def _quotes(conn: Connection, entity_of: dict[str, str], texts: dict[str, str]) -> list[dict[str, Any]]:
    q = schema.quotes
    rows = conn.execute(select(q).order_by(q.c.doc, q.c.start, q.c.id)).mappings()
    return [
        {
            "id": row["id"],
            "doc": row["doc"],
            "start": row["start"],
            "end": row["end"],
            "speaker": entity_of.get(row["speaker"]) if row["speaker"] else None,
            "speaker_text": row["speaker_text"],
            "text": row["text"],
            "evidence": [evidence(texts, row["doc"], row["ev_start"], row["ev_end"])],
        }
        for row in rows
    ]


def _events(conn: Connection, entity_of: dict[str, str], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Incidents: the stored events that report one happening, grouped, each with every source and its
    evidence, and conflicting counts side by side (casegraph.resolve.incidents)."""
    return load_incidents(conn, entity_of=entity_of, texts=texts)


def _spans(conn: Connection, table: Any, extra: tuple[str, ...]) -> list[dict[str, Any]]:
    cols = [table.c.id, table.c.doc, table.c.start, table.c.end, table.c.text, *(table.c[c] for c in extra)]
    rows = conn.execute(
        select(*cols).order_by(table.c.doc, table.c.start, table.c.end, table.c.id)
    ).mappings()
    return [dict(row) for row in rows]


def summary(store: Store, *, top: int = 5) -> dict[str, Any]:
    """Counts of what the case holds and its most-mentioned entities per type."""
    with store.read() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
            for name, table in (
                ("documents", schema.documents),
                ("mentions", schema.mentions),
                ("entities", schema.entities),
                ("relations", schema.relations),
                ("quotes", schema.quotes),
                ("times", schema.times),
                ("events", schema.events),
                ("failures", schema.failures),
            )
        }
        e = schema.entities
        leaders: dict[str, list[dict[str, Any]]] = {}
        for etype in conn.execute(select(e.c.type).distinct().order_by(e.c.type)).scalars():
            rows = conn.execute(
                select(e.c.id, e.c.name, e.c.mention_count)
                .where(e.c.type == etype)
                .order_by(e.c.mention_count.desc(), e.c.name, e.c.id)
                .limit(top)
            ).mappings()
            leaders[etype] = [dict(r) for r in rows]
    return {"counts": counts, "top_entities": leaders}


def failures(store: Store) -> list[dict[str, Any]]:
    """Files that failed to ingest, with their reasons."""
    f = schema.failures
    with store.read() as conn:
        return [dict(r) for r in conn.execute(select(f).order_by(f.c.path)).mappings()]
