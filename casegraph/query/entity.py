"""One entity: find it by name or id, and gather its page (aliases, mentions, relations, quotes)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, or_, select

from casegraph.errors import NotFoundError, QueryError
from casegraph.resolve.across import NameStats, split_group_id
from casegraph.resolve.names import name_key
from casegraph.store import Store, schema

E, EM, M, R, Q, D = (
    schema.entities,
    schema.entity_mentions,
    schema.mentions,
    schema.relations,
    schema.quotes,
    schema.documents,
)


def find_entity(store: Store, name_or_id: str) -> str:
    """Return the id of the entity best matching an id, a name or an alias."""
    wanted = name_or_id.strip()
    if not wanted:
        raise NotFoundError("give an entity name or id, e.g. casegraph show 'Islamic State'")
    with store.read() as conn:
        if conn.execute(select(E.c.id).where(E.c.id == wanted)).first():
            return wanted
        rows = conn.execute(select(E.c.id, E.c.name, E.c.aliases, E.c.mention_count)).all()
    key = name_key(wanted)
    ranked = sorted(
        (_match_rank(key, wanted.lower(), name, aliases), -count, name, eid)
        for eid, name, aliases, count in rows
    )
    ranked = [r for r in ranked if r[0] < 3]
    if not ranked:
        raise NotFoundError(f"no entity named {wanted!r}; try casegraph search {wanted!r}")
    return str(ranked[0][3])


def _match_rank(key: str, lowered: str, name: str, aliases: list[str]) -> int:
    """0 exact name, 1 same normalised name or alias, 2 partial name, 3 no match."""
    if name.lower() == lowered:
        return 0
    if key and (name_key(name) == key or any(name_key(a) == key for a in aliases)):
        return 1
    if key and key in name_key(name):
        return 2
    return 3


PAGE_LIMIT = 200  # facts of each kind on one entity page; the page says how many there are in all


def require_entity(store: Store, entity_id: str) -> None:
    """Raise NotFoundError unless the case has an entity with this id (one indexed lookup)."""
    with store.read() as conn:
        if conn.execute(select(E.c.id).where(E.c.id == entity_id)).first() is None:
            raise NotFoundError(f"no entity with id {entity_id!r}")


def entity_page(store: Store, entity_id: str, *, limit: int = PAGE_LIMIT) -> dict[str, Any]:
    """Everything known about one entity, each fact with its evidence sentence.

    Mentions, relations and quotes come in document order, at most ``limit`` of each; ``totals``
    counts them all. Evidence is cut out of the stored text by the database, so an entity named in
    thousands of documents costs what its first ``limit`` facts cost, not its whole case.
    """
    if limit < 1:
        raise QueryError("limit must be at least 1")
    with store.read() as conn:
        row = conn.execute(select(E).where(E.c.id == entity_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no entity with id {entity_id!r}")
        page = {k: v for k, v in row.items() if k != "stats"}
        page["groups"] = _groups(conn, entity_id)
        page["decisions"] = _decisions(conn, [g["id"] for g in page["groups"]])
        page["mentions"] = _mentions(conn, entity_id, limit)
        page["relations"] = _relations(conn, entity_id, limit)
        page["quotes"] = _quotes(conn, entity_id, limit)
        page["totals"] = {
            "mentions": int(row["mention_count"]),
            "relations": _count(conn, select(R.c.id).where(_touching(entity_id))),
            "quotes": _count(conn, select(Q.c.id).where(Q.c.speaker.in_(_mention_ids(entity_id)))),
        }
    return page


def _groups(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    """The groups joined into the entity: one per name key, with its fullest name and size."""
    g = schema.groups
    rows = conn.execute(
        select(g.c.id, g.c.type, g.c.stats, g.c.mention_count).where(g.c.entity == entity_id).order_by(g.c.id)
    )
    return [
        {"id": gid, "name": NameStats.from_json(stats).choose(type_), "type": type_, "mentions": int(count)}
        for gid, type_, stats, count in rows
    ]


def _decisions(conn: Connection, groups: list[str]) -> list[dict[str, Any]]:
    """The reviewer decisions that name one of the groups (xref matches to lists included), and the
    splits that took a mention out of them or made one of them."""
    t = schema.decisions
    mine = set(groups)
    rows = conn.execute(select(t).where(or_(t.c.a.in_(groups), t.c.b.in_(groups), t.c.kind == "split")))
    found = []
    for row in rows.mappings():
        if row["kind"] == "split":
            took_from = set(json.loads(row["value"] or "[]"))
            if split_group_id(row["a"]) not in mine and not took_from & mine:
                continue
        found.append(dict(row))
    return sorted(found, key=lambda d: d["id"])


def evidence(texts: dict[str, str], doc: str, start: int, end: int) -> dict[str, Any]:
    """An evidence record: the document, the span and the words it covers."""
    return {"doc": doc, "start": start, "end": end, "text": texts[doc][start:end]}


def _cut(start: Any, end: Any) -> Any:
    """The document text between two offsets, cut by the database (substr counts characters)."""
    return func.substr(D.c.text, start + 1, end - start)


def _count(conn: Connection, query: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0)


def _mention_ids(entity_id: str) -> Any:
    return select(EM.c.mention).where(EM.c.entity == entity_id)


def _first(query: Any, limit: int) -> Any:
    """The ids of the first ``limit`` rows: chosen before any text is cut (SQLite would otherwise cut
    the evidence of every row before sorting)."""
    return query.limit(limit).subquery()


def _mentions(conn: Connection, entity_id: str, limit: int) -> list[dict[str, Any]]:
    order = (D.c.path, M.c.start, M.c.end, M.c.id)
    first = _first(
        select(M.c.id)
        .join(EM, EM.c.mention == M.c.id)
        .join(D, D.c.id == M.c.doc)
        .where(EM.c.entity == entity_id)
        .order_by(*order),
        limit,
    )
    rows = conn.execute(
        select(M, D.c.title, D.c.path, _cut(M.c.sent_start, M.c.sent_end).label("sentence"))
        .join(first, first.c.id == M.c.id)
        .join(D, D.c.id == M.c.doc)
        .order_by(*order)
    ).mappings()
    return [
        {
            "id": r["id"],
            "doc": r["doc"],
            "doc_title": r["title"],
            "doc_path": r["path"],
            "start": r["start"],
            "end": r["end"],
            "text": r["text"],
            "type": r["type"],
            "source": r["source"],
            "sentence": {
                "doc": r["doc"],
                "start": r["sent_start"],
                "end": r["sent_end"],
                "text": r["sentence"],
            },
        }
        for r in rows
    ]


def _touching(entity_id: str) -> Any:
    """The relations with an end among the entity's mentions (two indexed lookups, not an OR scan)."""
    ids = (
        select(R.c.id)
        .where(R.c.source.in_(_mention_ids(entity_id)))
        .union(select(R.c.id).where(R.c.target.in_(_mention_ids(entity_id))))
    )
    return R.c.id.in_(ids)


def _relation_rows(ids: Any) -> Any:
    """Some relations: both ends' entities, names and types, and the evidence."""
    src, tgt = EM.alias("src"), EM.alias("tgt")
    se, te = E.alias("se"), E.alias("te")
    return (
        select(
            R,
            src.c.entity.label("src_entity"),
            tgt.c.entity.label("tgt_entity"),
            se.c.name.label("src_name"),
            se.c.type.label("src_type"),
            te.c.name.label("tgt_name"),
            te.c.type.label("tgt_type"),
            _cut(R.c.start, R.c.end).label("evidence"),
        )
        .join(src, src.c.mention == R.c.source)
        .join(tgt, tgt.c.mention == R.c.target)
        .join(se, se.c.id == src.c.entity)
        .join(te, te.c.id == tgt.c.entity)
        .join(D, D.c.id == R.c.doc)
        .join(ids, ids.c.id == R.c.id)
    )


def _relations(conn: Connection, entity_id: str, limit: int) -> list[dict[str, Any]]:
    order = (R.c.type, R.c.doc, R.c.start, R.c.id)
    first = _first(select(R.c.id).where(_touching(entity_id)).order_by(*order), limit)
    out = []
    for r in conn.execute(_relation_rows(first).order_by(*order)).mappings():
        outgoing = r["src_entity"] == entity_id
        side = "tgt" if outgoing else "src"
        out.append(
            {
                "id": r["id"],
                "type": r["type"],
                "direction": "out" if outgoing else "in",
                "other": {"id": r[f"{side}_entity"], "name": r[f"{side}_name"], "type": r[f"{side}_type"]},
                "trigger": r["trigger"],
                "evidence": {"doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["evidence"]},
            }
        )
    return out


def _quotes(conn: Connection, entity_id: str, limit: int) -> list[dict[str, Any]]:
    order = (Q.c.doc, Q.c.start, Q.c.id)
    first = _first(select(Q.c.id).where(Q.c.speaker.in_(_mention_ids(entity_id))).order_by(*order), limit)
    rows = conn.execute(
        select(Q, _cut(Q.c.ev_start, Q.c.ev_end).label("evidence"))
        .join(first, first.c.id == Q.c.id)
        .join(D, D.c.id == Q.c.doc)
        .order_by(*order)
    ).mappings()
    return [
        {
            "id": r["id"],
            "text": r["text"],
            "speaker_text": r["speaker_text"],
            "evidence": {"doc": r["doc"], "start": r["ev_start"], "end": r["ev_end"], "text": r["evidence"]},
        }
        for r in rows
    ]


def count_entities(store: Store) -> dict[str, int]:
    """Number of entities per type."""
    with store.read() as conn:
        rows = conn.execute(select(E.c.type, func.count()).group_by(E.c.type)).all()
    return {t: int(n) for t, n in rows}
