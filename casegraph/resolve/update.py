"""Keep a store's entities up to date: group queued documents' mentions, match groups, join entities.

Two layers (docs/resolution.md):

* **groups**: the in-document clusters of the case joined by type and name key
  (``across.group_mentions``). A queued document only touches the groups that share a key with its
  mentions; each is updated from its stored statistics (``across.NameStats``), not from its mentions.
* **entities**: groups joined by the matcher's scored candidates (``match.compare``; only groups
  sharing a blocking key are compared) and by reviewer decisions (``entities.join_region``). Only the
  region of the touched groups (what automatic matches and positive decisions connect them to) is
  joined again, so adding a document to a large case costs about what it costs in an empty one, and
  the result equals a full recompute.

Everything one chunk of queued documents changes is written in one transaction, which also takes the
documents off the queue: an interrupted run leaves its work queued for the next one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, or_, select

from casegraph.model import Entity
from casegraph.query.load import load_group_stats, load_links_of, load_mentions_of
from casegraph.resolve.across import NameStats, fingerprint, group_mentions, split_group_id
from casegraph.resolve.aliases import AliasTable, load_aliases
from casegraph.resolve.entities import Decision, Edge, Group, Region, effective, join_region, merge_edges
from casegraph.resolve.match import AUTO, block_keys, compare
from casegraph.store import Store, Writer, in_chunks, schema

RESOLVE_CHUNK = 1000  # queued documents resolved per transaction (bounds memory on large ingests)
BLOCK_LIMIT = 1000  # a blocking key shared by more groups than this is too common to compare on


@dataclass
class CaseUpdate:
    """Everything one resolution step writes (see ``Writer.update_case``)."""

    docs: list[str]  # queued documents done
    stale: set[str]  # queued groups done
    dropped: set[str]  # groups whose rows, blocks and matches are replaced (or removed)
    groups: dict[str, Group] = field(default_factory=dict)  # groups (re)written, by id
    group_entity: dict[str, str] = field(default_factory=dict)  # group id -> entity id
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (block key, group id)
    edges: list[Edge] = field(default_factory=list)
    old_entities: set[str] = field(default_factory=set)  # entity rows removed
    entities: list[tuple[Entity, int]] = field(default_factory=list)  # (entity, mention count)
    members: list[tuple[str, str]] = field(default_factory=list)  # new (mention, group)
    doc_groups: set[tuple[str, str]] = field(default_factory=set)  # (document, group) of the new members


def resolve_pending(store: Store, *, chunk: int = RESOLVE_CHUNK) -> int:
    """Resolve the queued documents and groups into the case's entities; return the entities rewritten."""
    table = load_aliases()
    writer = Writer(store)
    current = fingerprint(table)
    with store.read() as conn:
        stored = conn.execute(
            select(schema.store_meta.c.value).where(schema.store_meta.c.key == "resolver")
        ).scalar()
    if stored != current:
        writer.restart_resolution(current)
    rewritten = 0
    # Each step reads the queue and the case under the write lock and writes its result before letting
    # go: another process resolving at the same time (a reviewer's decision during an ingest) takes
    # the next turn and finds this one's work done, instead of redoing it over a stale state.
    while (update := writer.update_case(lambda conn: _next_step(conn, table, chunk=chunk))) is not None:
        rewritten += len(update.entities)
    return rewritten


def _next_step(conn: Connection, table: AliasTable, *, chunk: int) -> CaseUpdate | None:
    """The next resolution step: the first ``chunk`` queued documents and every queued group (None when
    the queue is empty)."""
    docs = list(
        conn.execute(
            select(schema.pending_docs.c.doc).order_by(schema.pending_docs.c.doc).limit(chunk)
        ).scalars()
    )
    stale = set(conn.execute(select(schema.pending_entities.c.entity)).scalars())
    if not docs and not stale:
        return None
    decisions = decisions_in_force(conn)
    update = _update_groups(conn, docs, stale, table, decisions)
    _join(conn, update, decisions, table)
    return update


def resolve_store(store: Store) -> int:
    """Recompute every group and entity of the case from its stored mentions; return the entities."""
    Writer(store).restart_resolution(fingerprint(load_aliases()))
    resolve_pending(store)
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.entities)).scalar_one())


def load_decisions(conn: Connection) -> list[Decision]:
    """Every reviewer decision, oldest first."""
    t = schema.decisions
    rows = conn.execute(select(t).order_by(t.c.id)).mappings()
    return [Decision(**dict(row)) for row in rows]


def decisions_in_force(conn: Connection) -> list[Decision]:
    """The decisions resolution applies: the latest judgement on each pair of groups."""
    return effective(load_decisions(conn))


def _update_groups(
    conn: Connection, docs: Sequence[str], stale: set[str], table: AliasTable, decisions: Sequence[Decision]
) -> CaseUpdate:
    """The groups touched by some documents or stale, updated; new memberships of the documents' mentions.

    A group that only gains mentions is updated from its stored statistics; a stale one (it lost
    mentions) is summed again from its mentions by the database; one left with no mention goes.
    """
    split = {d.a for d in decisions if d.kind == "split"}
    new = load_mentions_of(conn, docs)
    grouped = group_mentions(new, load_links_of(conn, [m.id for m in new]), aliases=table, split=split)
    known = load_group_stats(conn, stale | set(grouped), exact=stale)
    for gid, group in grouped.items():
        _, _, stats = known.setdefault(gid, (group.type, group.key, NameStats()))
        stats.add_mentions(group.mentions, group.links)
    update = CaseUpdate(docs=list(docs), stale=set(stale), dropped=set(known))
    update.groups = {
        gid: Group(gid, type_, key, stats)
        for gid, (type_, key, stats) in sorted(known.items())
        if stats.count
    }
    update.members = [(m.id, gid) for gid, group in grouped.items() for m in group.mentions]
    update.doc_groups = {(m.doc, gid) for gid, group in grouped.items() for m in group.mentions}
    return update


def _join(conn: Connection, update: CaseUpdate, decisions: Sequence[Decision], table: AliasTable) -> None:
    """Match the updated groups against the case, then join their region into entities."""
    touched = update.groups
    keys = {gid: block_keys(g.side) for gid, g in touched.items()}
    update.blocks = sorted((k, gid) for gid, ks in keys.items() for k in ks)
    others = _candidates(conn, keys, exclude=update.dropped)
    update.edges = _score(touched, others)
    region = _region(conn, update, decisions)
    groups = {**_load_groups(conn, region - set(touched)), **touched}
    edges = [e for e in update.edges if e.a in groups and e.b in groups]
    edges += _stored_edges(conn, groups, exclude=update.dropped)
    split_groups = {d.a: split_group_id(d.a) for d in decisions if d.kind == "split"}
    bare = {g for e in edges if e.rule == "surname" and e.merges for g in (e.a, e.b)}
    context = _contexts(conn, bare, update)
    joined = join_region(Region(groups, edges, list(decisions), split_groups, context), table)
    update.groups = groups
    for entity, members in joined:
        update.entities.append((entity, sum(groups[g].stats.count for g in members)))
        update.group_entity.update((g, entity.id) for g in members)


CONTEXT_DOCS = 200  # documents of a group read for its context (the first by id)


def _contexts(conn: Connection, ids: Collection[str], update: CaseUpdate) -> dict[str, frozenset[str]]:
    """For each group: the other groups named in its documents (stored ones and this step's new ones)."""
    em, m = schema.entity_mentions, schema.mentions
    docs_of: dict[str, set[str]] = {g: set() for g in ids}
    for doc, gid in _doc_groups(conn, em.c.grp, ids, update):
        docs_of[gid].add(doc)
    docs_of = {g: set(sorted(docs)[:CONTEXT_DOCS]) for g, docs in docs_of.items()}
    named: dict[str, set[str]] = {}
    for doc, gid in _doc_groups(conn, m.c.doc, set().union(*docs_of.values(), set()), update):
        named.setdefault(doc, set()).add(gid)
    return {g: frozenset(x for d in docs for x in named.get(d, ())) - {g} for g, docs in docs_of.items()}


def _doc_groups(
    conn: Connection, column: Any, values: Collection[str], update: CaseUpdate
) -> set[tuple[str, str]]:
    """The (document, group) pairs, stored or new in this step, whose ``column`` is one of ``values``."""
    em, m = schema.entity_mentions, schema.mentions
    side = 1 if column is em.c.grp else 0
    found = {pair for pair in update.doc_groups if pair[side] in values}
    for part in in_chunks(values):
        rows = conn.execute(
            select(m.c.doc, em.c.grp).distinct().join(em, em.c.mention == m.c.id).where(column.in_(part))
        )
        found.update((doc, gid) for doc, gid in rows if gid)
    return found


def _candidates(conn: Connection, keys: dict[str, set[str]], *, exclude: Collection[str]) -> dict[str, Group]:
    """The stored groups (not among ``exclude``) that share a blocking key with the given groups."""
    t = schema.group_blocks
    wanted = {k for ks in keys.values() for k in ks}
    found: dict[str, set[str]] = {}
    for part in in_chunks(wanted):
        common = set(
            conn.execute(
                select(t.c.block)
                .where(t.c.block.in_(part))
                .group_by(t.c.block)
                .having(func.count() > BLOCK_LIMIT)
            ).scalars()
        )
        for block, gid in conn.execute(
            select(t.c.block, t.c.grp).where(t.c.block.in_(sorted(set(part) - common)))
        ):
            if gid not in exclude:
                found.setdefault(block, set()).add(gid)
    ids = {gid for gids in found.values() for gid in gids}
    loaded = _load_groups(conn, ids)
    # Each touched group is compared with the stored groups that share one of its own keys.
    out: dict[str, Group] = {}
    for gid, ks in keys.items():
        for k in ks:
            for other in found.get(k, ()):
                out.setdefault(f"{gid}\x1f{other}", loaded[other])
    return out


def _score(touched: dict[str, Group], pairs: dict[str, Group]) -> list[Edge]:
    """Compare each touched group with its stored candidates and with the other touched groups."""
    edges: dict[tuple[str, str], Edge] = {}
    for pair, other in pairs.items():
        _add_edge(edges, touched[pair.split("\x1f")[0]], other)
    by_key: dict[str, list[str]] = {}
    for gid, g in touched.items():
        for k in block_keys(g.side):
            by_key.setdefault(k, []).append(gid)
    for ids in by_key.values():
        if len(ids) > BLOCK_LIMIT:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                _add_edge(edges, touched[a], touched[b])
    return [edges[k] for k in sorted(edges)]


def _add_edge(edges: dict[tuple[str, str], Edge], a: Group, b: Group) -> None:
    pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    if a.id == b.id or pair in edges:
        return
    found = compare(a.side, b.side)
    if found is not None:
        edges[pair] = Edge(pair[0], pair[1], found.score, found.rule, found.reason)


def _region(conn: Connection, update: CaseUpdate, decisions: Sequence[Decision]) -> set[str]:
    """The groups to join again: the touched ones, and every group connected to them by edges that may
    merge (new or stored) or positive decisions, or that shared an entity with one of these before."""
    g = schema.groups
    new_pairs = merge_edges(update.edges, decisions)
    region: set[str] = set()
    frontier = set(update.groups) | update.dropped
    while frontier:
        region |= frontier
        old = _old_entities(conn, frontier)
        update.old_entities |= old
        step: set[str] = set()
        for part in in_chunks(old):
            step.update(conn.execute(select(g.c.id).where(g.c.entity.in_(part))).scalars())
        for a, b in new_pairs:
            if a in frontier or b in frontier:
                step |= {a, b}
        step |= _stored_neighbours(conn, frontier, exclude=update.dropped)
        frontier = _existing(conn, step - region, update)
    return {gid for gid in region if gid in update.groups or gid not in update.dropped}


def _old_entities(conn: Connection, ids: Collection[str]) -> set[str]:
    """The entities the stored groups belong to."""
    g = schema.groups
    old: set[str] = set()
    for part in in_chunks(ids):
        old.update(conn.execute(select(g.c.entity).where(g.c.id.in_(part))).scalars())
    return old


def _existing(conn: Connection, ids: set[str], update: CaseUpdate) -> set[str]:
    """The ids that are groups of the case (touched ones included, removed ones excluded)."""
    keep = {i for i in ids if i in update.groups}
    rest = ids - keep - update.dropped
    g = schema.groups
    for part in in_chunks(rest):
        keep.update(conn.execute(select(g.c.id).where(g.c.id.in_(part))).scalars())
    return keep


def _stored_neighbours(conn: Connection, ids: Collection[str], *, exclude: Collection[str]) -> set[str]:
    """Groups joined to ``ids`` by a stored match that may merge (matches of ``exclude`` are replaced)."""
    t = schema.matches
    out: set[str] = set()
    for part in in_chunks(ids):
        rows = conn.execute(
            select(t.c.a, t.c.b).where(t.c.score >= AUTO, or_(t.c.a.in_(part), t.c.b.in_(part)))
        )
        for a, b in rows:
            if a not in exclude and b not in exclude:
                out |= {a, b}
    return out


def _stored_edges(conn: Connection, groups: Collection[str], *, exclude: Collection[str]) -> list[Edge]:
    """The stored matches between two of ``groups`` that may merge (none touching ``exclude``)."""
    t = schema.matches
    inside = set(groups)
    out: list[Edge] = []
    for part in in_chunks(inside - set(exclude)):
        rows = conn.execute(select(t).where(t.c.score >= AUTO, t.c.a.in_(part))).mappings()
        out.extend(
            Edge(r["a"], r["b"], r["score"], r["rule"], r["reason"])
            for r in rows
            if r["b"] in inside and r["b"] not in exclude
        )
    return out


def _load_groups(conn: Connection, ids: Iterable[str]) -> dict[str, Group]:
    """Stored groups with their statistics."""
    return {gid: Group(gid, t, k, s) for gid, (t, k, s) in load_group_stats(conn, set(ids)).items()}
