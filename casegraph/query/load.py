"""Load stored observations back into model objects (for the resolver and the exports)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, Text, cast, distinct, func, select
from sqlalchemy.orm import aliased

from casegraph.model import Link, Mention
from casegraph.resolve.across import NameStats, link_reason
from casegraph.store import Store, in_chunks, schema


def load_mentions(store: Store) -> list[Mention]:
    """Every stored mention, ordered by document and position."""
    t = schema.mentions
    with store.read() as conn:
        rows = conn.execute(select(t).order_by(t.c.doc, t.c.start, t.c.end)).mappings()
        return [Mention(**dict(row)) for row in rows]


def load_links(store: Store) -> list[Link]:
    """Every stored in-document link between mentions."""
    t = schema.links
    with store.read() as conn:
        rows = conn.execute(
            select(t.c.source, t.c.target, t.c.reason, t.c.score).order_by(t.c.source, t.c.target)
        )
        return [Link(source=s, target=tg, reason=r, score=sc) for s, tg, r, sc in rows]


def load_mentions_of(conn: Connection, docs: Collection[str]) -> list[Mention]:
    """The mentions of some documents, ordered by document and position."""
    t = schema.mentions
    found: list[Mention] = []
    for part in in_chunks(docs):
        found.extend(
            Mention(**dict(row)) for row in conn.execute(select(t).where(t.c.doc.in_(part))).mappings()
        )
    return sorted(found, key=lambda m: (m.doc, m.start, m.end, m.id))


def load_links_of(conn: Connection, mention_ids: Collection[str]) -> list[Link]:
    """The stored links that start at one of the given mentions."""
    t = schema.links
    found: list[Link] = []
    for part in in_chunks(mention_ids):
        rows = conn.execute(select(t.c.source, t.c.target, t.c.reason, t.c.score).where(t.c.source.in_(part)))
        found.extend(Link(source=s, target=tg, reason=r, score=sc) for s, tg, r, sc in rows)
    return sorted(found, key=lambda lk: (lk.source, lk.target, lk.reason))


def _first_key(conn: Connection) -> Any:
    """A sortable "doc + zero-padded start" per mention, so MIN() finds the earliest (doc, start)."""
    m = schema.mentions
    if conn.dialect.name == "postgresql":
        return m.c.doc + func.lpad(cast(m.c.start, Text), 10, "0")
    return func.printf("%s%010d", m.c.doc, m.c.start)


def load_group_stats(
    conn: Connection, ids: Collection[str], *, exact: Collection[str] = ()
) -> dict[str, tuple[str, str, NameStats]]:
    """For stored groups: (type, key, statistics of their current mentions).

    The statistics stored with a group are used as they are, unless its id is in ``exact`` (it lost
    mentions) or none were stored: then the database sums them from the mentions, in a few aggregate
    queries rather than one Python object per mention.
    """
    e = schema.groups
    out: dict[str, tuple[str, str, NameStats]] = {}
    recount: list[str] = []
    for part in in_chunks(ids):
        for eid, type_, key, stored in conn.execute(
            select(e.c.id, e.c.type, e.c.key, e.c.stats).where(e.c.id.in_(part))
        ):
            if stored is None or eid in exact:
                out[eid] = (type_, key, NameStats())
                recount.append(eid)
            else:
                out[eid] = (type_, key, NameStats.from_json(stored))
    _sum_stats(conn, {eid: out[eid][2] for eid in recount})
    return out


def _sum_stats(conn: Connection, stats: dict[str, NameStats]) -> None:
    """Fill empty statistics from the groups' mentions and links, summed by the database."""
    em, m, lk = schema.entity_mentions, schema.mentions, schema.links
    first = _first_key(conn)
    source, target = aliased(m), aliased(m)
    for part in in_chunks(stats):
        names = (
            select(em.c.grp, m.c.text, m.c.type, func.count(), func.min(first))
            .join(m, m.c.id == em.c.mention)
            .where(em.c.grp.in_(part))
            .group_by(em.c.grp, m.c.text, m.c.type)
        )
        for eid, text, type_, count, at in conn.execute(names):
            if eid in stats:
                stats[eid].add(text, type_, int(count), (at[:-10], int(at[-10:])))
        docs = (
            select(em.c.grp, func.count(distinct(m.c.doc)))
            .join(m, m.c.id == em.c.mention)
            .where(em.c.grp.in_(part))
            .group_by(em.c.grp)
        )
        for eid, count in conn.execute(docs):
            if eid in stats:
                stats[eid].docs = int(count)
        reasons = (
            select(em.c.grp, source.c.text, target.c.text, lk.c.reason)
            .distinct()
            .join(em, em.c.mention == lk.c.source)
            .join(source, source.c.id == lk.c.source)
            .join(target, target.c.id == lk.c.target)
            .where(em.c.grp.in_(part))
        )
        for eid, src, tgt, reason in conn.execute(reasons):
            if eid in stats:
                stats[eid].reasons.add(link_reason(src, tgt, reason))
