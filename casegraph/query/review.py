"""The review queue (candidate merges most in doubt first) and the list of reviewer decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from casegraph.errors import QueryError
from casegraph.query.load import load_group_stats
from casegraph.resolve.entities import JUDGEMENTS
from casegraph.resolve.match import AUTO
from casegraph.resolve.update import load_decisions
from casegraph.store import Store, schema

REVIEW_LIMIT = 50


def review_queue(store: Store, *, limit: int = REVIEW_LIMIT) -> list[dict[str, Any]]:
    """Candidate pairs of groups left in two entities, the most uncertain first.

    A pair is uncertain when its score lies close to the automatic-merge threshold, or when it is a
    bare surname that fits several full names. Pairs a reviewer already judged are left out.
    """
    if limit < 1:
        raise QueryError("limit must be at least 1")
    mt, g = schema.matches, schema.groups
    ga, gb = aliased(g), aliased(g)
    ea, eb = aliased(schema.entities), aliased(schema.entities)
    query = (
        select(
            mt, ga.c.entity.label("ea"), gb.c.entity.label("eb"), ea.c.name.label("na"), eb.c.name.label("nb")
        )
        .join(ga, ga.c.id == mt.c.a)
        .join(gb, gb.c.id == mt.c.b)
        .join(ea, ea.c.id == ga.c.entity)
        .join(eb, eb.c.id == gb.c.entity)
        .where(ga.c.entity != gb.c.entity)
    )
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        judged = _judged(conn)
        names = _group_names(conn, {r["a"] for r in rows} | {r["b"] for r in rows})
    items = [
        {
            "a": {"group": r["a"], "name": names.get(r["a"], ""), "entity": r["ea"], "entity_name": r["na"]},
            "b": {"group": r["b"], "name": names.get(r["b"], ""), "entity": r["eb"], "entity_name": r["nb"]},
            "score": round(float(r["score"]), 3),
            "rule": r["rule"],
            "reason": r["reason"],
            "doubt": round(abs(float(r["score"]) - AUTO), 3),
        }
        for r in rows
        if not {frozenset((r["a"], r["b"])), frozenset((r["ea"], r["eb"]))} & judged
    ]
    items.sort(key=lambda i: (i["doubt"], -i["score"], i["a"]["group"], i["b"]["group"]))
    return items[:limit]


def _judged(conn: Any) -> set[frozenset[str]]:
    """Pairs of groups (and of entity ids) a reviewer judged."""
    out: set[frozenset[str]] = set()
    for d in load_decisions(conn):
        if d.kind in JUDGEMENTS and d.b:
            out.add(frozenset((d.a, d.b)))
            out.update(frozenset(p) for p in d.apart())
    return out


def _group_names(conn: Any, ids: set[str]) -> dict[str, str]:
    """Each group's fullest name, from its statistics."""
    return {gid: stats.choose(type_) for gid, (type_, _, stats) in load_group_stats(conn, ids).items()}


def list_decisions(store: Store) -> list[dict[str, Any]]:
    """Every reviewer decision, oldest first, with the names of the entities it concerns today."""
    with store.read() as conn:
        decisions = load_decisions(conn)
        g, e = schema.groups, schema.entities
        refs = {x for d in decisions for x in (d.a, d.b) if x}
        rows = conn.execute(
            select(g.c.id, e.c.id, e.c.name).join(e, e.c.id == g.c.entity).where(g.c.id.in_(sorted(refs)))
        ).all()
    now = {gid: {"entity": eid, "name": name} for gid, eid, name in rows}
    return [
        {
            "id": d.id,
            "kind": d.kind,
            "a": d.a,
            "b": d.b,
            "value": d.value if d.kind not in (*JUDGEMENTS, "split") else None,
            "author": d.author,
            "at": d.at,
            "note": d.note,
            "now": {"a": now.get(d.a), "b": now.get(d.b) if d.b else None},
        }
        for d in decisions
    ]
