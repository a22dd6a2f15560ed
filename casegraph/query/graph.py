"""The graph around entities: neighbourhoods and shortest paths, every edge with its evidence.

Relations link mentions; an edge between two entities is read by mapping both of its mentions to
their current entities (``entity_mentions``), so a merge or a split never rewrites a relation.
Traversal is breadth-first with a few queries per level (IN lists cut into chunks every database
accepts), served by the indexes on ``entity_mentions.entity``, ``entity_mentions.mention`` (the
primary key), ``relations.source`` and ``relations.target``; nothing here is specific to SQLite.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from casegraph.errors import NotFoundError, QueryError
from casegraph.model import make_id
from casegraph.store import Store, in_chunks, schema

R, EM, E = schema.relations, schema.entity_mentions, schema.entities
SRC, TGT = EM.alias("src"), EM.alias("tgt")
MAX_DEPTH = 6  # past this a neighbourhood is the whole case, and a path no longer explains anything
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class _Rel:
    """One relation observation, its mentions mapped to entities."""

    id: str
    doc: str
    type: str
    start: int
    end: int
    trigger: str
    source: str  # entity id
    target: str  # entity id

    def other(self, entity: str) -> str:
        """The entity at the other end from ``entity``."""
        return self.target if self.source == entity else self.source


def neighbourhood(
    store: Store,
    entity_ids: Sequence[str],
    *,
    depth: int = 1,
    types: Collection[str] | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """The entities reachable from ``entity_ids`` within ``depth`` relations, and the edges between them.

    Nodes come closest first; within one distance, the entities linked by more relations to the nodes
    already chosen come first (then by id), and at most ``limit`` nodes are returned. With ``types``,
    only entities of those types are reached (and walked through); the start entities always appear.
    Edges join (source, target, relation type) and carry the evidence span of every relation.
    """
    _check_range("depth", depth, 1, MAX_DEPTH)
    _check_range("limit", limit, 1, MAX_LIMIT)
    starts = list(dict.fromkeys(entity_ids))
    if not starts:
        raise QueryError("give at least one entity id, e.g. from casegraph search NAME")
    if len(starts) > limit:
        raise QueryError(f"{len(starts)} start entities but limit is {limit}: raise the limit")
    with store.read() as conn:
        info = _entities(conn, starts)
        _require(starts, info)
        walk = _Walk(conn, starts, types=None if types is None else set(types), limit=limit)
        walk.run(depth)
        info.update(_entities(conn, [e for e in walk.distance if e not in info]))
    return {
        "nodes": [_node(info[e], walk.distance[e]) for e in walk.distance],
        "edges": _edges(
            r for r in walk.rels.values() if r.source in walk.distance and r.target in walk.distance
        ),
    }


class _Walk:
    """A breadth-first walk from the start entities that keeps at most ``limit`` nodes."""

    def __init__(self, conn: Connection, starts: list[str], *, types: set[str] | None, limit: int) -> None:
        self.conn = conn
        self.types = types
        self.limit = limit
        self.distance = {e: 0 for e in sorted(starts)}  # insertion order is the output order
        self.rels: dict[str, _Rel] = {}
        self.expanded: set[str] = set()

    def run(self, depth: int) -> None:
        frontier = list(self.distance)
        for level in range(1, depth + 1):
            if not frontier or len(self.distance) >= self.limit:
                break
            frontier = self._expand(frontier, level)
        # Edges between two nodes that were never expanded (the last level) are still wanted.
        rest = [e for e in self.distance if e not in self.expanded]
        chosen = set(self.distance)
        for rel in _touching(self.conn, rest, sides=(SRC,)):
            if rel.target in chosen:
                self.rels[rel.id] = rel

    def _expand(self, frontier: list[str], level: int) -> list[str]:
        found = _touching(self.conn, frontier)
        self.expanded.update(frontier)
        strength: Counter[str] = Counter()
        for rel in found:
            self.rels[rel.id] = rel
            for end in (rel.source, rel.target):
                if end not in self.distance:
                    strength[end] += 1
        allowed = self._allowed(list(strength))
        ranked = sorted(allowed, key=lambda e: (-strength[e], e))[: self.limit - len(self.distance)]
        for entity in ranked:
            self.distance[entity] = level
        return ranked

    def _allowed(self, candidates: list[str]) -> list[str]:
        if self.types is None:
            return candidates
        found = _entities(self.conn, candidates)
        return [e for e in candidates if e in found and found[e]["type"] in self.types]


def shortest_path(
    store: Store, source_id: str, target_id: str, *, max_depth: int = 4
) -> list[dict[str, Any]]:
    """The edges of one shortest path between two entities (relation direction ignored), in path order.

    Each hop is the edge (with its evidence) linking the two entities by the most relations; two
    entities linked by several relation types keep the strongest type on the path. [] when no path of
    at most ``max_depth`` hops exists, or when source and target are the same entity.
    """
    _check_range("max_depth", max_depth, 1, MAX_DEPTH)
    with store.read() as conn:
        _require([source_id, target_id], _entities(conn, [source_id, target_id]))
        if source_id == target_id:
            return []
        search = _PathSearch(conn, source_id, target_id)
        hops = search.run(max_depth)
        return [_strongest(search.rels.values(), a, b) for a, b in zip(hops, hops[1:], strict=False)]


class _PathSearch:
    """Breadth-first search from both ends at once, expanding the smaller frontier level by level."""

    def __init__(self, conn: Connection, source: str, target: str) -> None:
        self.conn = conn
        # For each side: entity -> (distance from that side's root, the entity before it).
        self.seen: tuple[dict[str, tuple[int, str | None]], ...] = ({source: (0, None)}, {target: (0, None)})
        self.frontiers = [[source], [target]]
        self.rels: dict[str, _Rel] = {}

    def run(self, max_depth: int) -> list[str]:
        """The entities along a shortest path from source to target, or [] when none is found."""
        hops = 0
        while all(self.frontiers) and hops < max_depth:
            side = 0 if len(self.frontiers[0]) <= len(self.frontiers[1]) else 1
            reached = self._expand(side)
            hops += 1
            other = self.seen[1 - side]
            meeting = [e for e in reached if e in other]
            if meeting:
                best = min(meeting, key=lambda e: (other[e][0], e))
                return self._join(best)
        return []

    def _expand(self, side: int) -> list[str]:
        seen, frontier = self.seen[side], self.frontiers[side]
        level = seen[frontier[0]][0] + 1
        reached: list[str] = []
        for rel in _touching(self.conn, frontier):
            self.rels[rel.id] = rel
            for here, there in ((rel.source, rel.target), (rel.target, rel.source)):
                if there not in seen and seen.get(here, (-1, None))[0] == level - 1:
                    seen[there] = (level, here)
                    reached.append(there)
        self.frontiers[side] = reached
        return reached

    def _join(self, middle: str) -> list[str]:
        halves = [self._trace(side, middle) for side in (0, 1)]
        return halves[0][::-1] + halves[1][1:]

    def _trace(self, side: int, entity: str) -> list[str]:
        chain = [entity]
        while (before := self.seen[side][chain[-1]][1]) is not None:
            chain.append(before)
        return chain


def _strongest(rels: Iterable[_Rel], a: str, b: str) -> dict[str, Any]:
    """The edge between a and b (either direction) with the most relations; ties go to the type name."""
    between = [r for r in rels if {r.source, r.target} == {a, b}]
    edges = _edges(between)
    return min(edges, key=lambda e: (-len(e["relations"]), e["type"], e["source"] != a))


def _edges(rels: Iterable[_Rel]) -> list[dict[str, Any]]:
    """Relations grouped by (source, target, type), each group an edge with every evidence span."""
    grouped: dict[tuple[str, str, str], list[_Rel]] = defaultdict(list)
    for rel in rels:
        if rel.source != rel.target:  # a relation inside one entity is no edge (as in case exports)
            grouped[(rel.source, rel.target, rel.type)].append(rel)
    return [
        {
            # The same id as the relation in casegraph's JSON export.
            "id": make_id("r", rtype, source, target),
            "source": source,
            "target": target,
            "type": rtype,
            "relations": [
                {"id": r.id, "doc": r.doc, "start": r.start, "end": r.end, "trigger": r.trigger}
                for r in sorted(group, key=lambda r: (r.doc, r.start, r.id))
            ],
        }
        for (source, target, rtype), group in sorted(grouped.items())
    ]


def _node(row: dict[str, Any], distance: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["type"],
        "name": row["name"],
        "mentions": row["mention_count"],
        "distance": distance,
    }


def _touching(conn: Connection, entities: Sequence[str], *, sides: Sequence[Any] = (SRC, TGT)) -> list[_Rel]:
    """Every relation with an end (on the given sides) among ``entities``, without repeats."""
    found: dict[str, _Rel] = {}
    for side in sides:
        for part in in_chunks(entities):
            for row in conn.execute(_relation_select().where(side.c.entity.in_(part))):
                found.setdefault(row[0], _Rel(*row))
    return [found[k] for k in sorted(found)]


def _relation_select() -> Select[Any]:
    return select(
        R.c.id, R.c.doc, R.c.type, R.c.start, R.c.end, R.c.trigger, SRC.c.entity, TGT.c.entity
    ).select_from(R.join(SRC, SRC.c.mention == R.c.source).join(TGT, TGT.c.mention == R.c.target))


def _entities(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for part in in_chunks(ids):
        rows = conn.execute(select(E.c.id, E.c.type, E.c.name, E.c.mention_count).where(E.c.id.in_(part)))
        found.update({row["id"]: dict(row) for row in rows.mappings()})
    return found


def _require(ids: Iterable[str], found: Collection[str]) -> None:
    for entity_id in ids:
        if entity_id not in found:
            raise NotFoundError(
                f"no entity with id {entity_id!r}; find ids with casegraph search NAME or casegraph show NAME"
            )


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QueryError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
