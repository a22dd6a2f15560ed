"""Load stored observations back into model objects (for the resolver and the exports)."""

from __future__ import annotations

from sqlalchemy import select

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
