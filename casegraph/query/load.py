"""Load stored observations back into model objects (for the resolver and the exports)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import Connection, select

from casegraph.model import Link, Mention
from casegraph.store import Store, schema


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


def _chunks(items: Collection[str], size: int = 500) -> Iterator[Sequence[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def load_mentions_of(
    conn: Connection, *, docs: Collection[str] = (), entities: Collection[str] = ()
) -> list[Mention]:
    """The mentions of some documents and of some entities, ordered by document and position."""
    t, em = schema.mentions, schema.entity_mentions
    found: dict[str, Mention] = {}
    for part in _chunks(docs):
        for row in conn.execute(select(t).where(t.c.doc.in_(part))).mappings():
            found[row["id"]] = Mention(**dict(row))
    for part in _chunks(entities):
        query = select(t).join(em, em.c.mention == t.c.id).where(em.c.entity.in_(part))
        for row in conn.execute(query).mappings():
            found[row["id"]] = Mention(**dict(row))
    return sorted(found.values(), key=lambda m: (m.doc, m.start, m.end, m.id))


def load_links_of(conn: Connection, mention_ids: Collection[str]) -> list[Link]:
    """The stored links that start at one of the given mentions."""
    t = schema.links
    found: list[Link] = []
    for part in _chunks(mention_ids):
        rows = conn.execute(select(t.c.source, t.c.target, t.c.reason, t.c.score).where(t.c.source.in_(part)))
        found.extend(Link(source=s, target=tg, reason=r, score=sc) for s, tg, r, sc in rows)
    return sorted(found, key=lambda lk: (lk.source, lk.target, lk.reason))
