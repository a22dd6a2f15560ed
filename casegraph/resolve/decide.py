"""Record reviewer decisions and apply them: merge, keep apart, split a mention, rename, retype, undo.

A decision names groups (the entity id is the id of its first group) or mentions, never entity rows,
so it survives re-ingestion and re-extraction: it is stored once and re-applied by every later
resolution (``resolve.update``). Each function stores the decision and queues the groups it changes in
one transaction, then resolves the queue; an interruption between the two leaves the work queued.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casegraph import settings
from casegraph.errors import DecisionError, NotFoundError
from casegraph.model import ENTITY_TYPES
from casegraph.query.entity import find_entity
from casegraph.resolve.clusters import Clusters
from casegraph.resolve.entities import JUDGEMENTS, Decision, effective
from casegraph.resolve.match import Side
from casegraph.resolve.names import name_key
from casegraph.resolve.update import load_decisions, resolve_pending
from casegraph.resolve.xref import read_list, xref
from casegraph.store import Store, Writer, schema


def judge(
    store: Store, a: str, b: str, judgement: str, *, author: str | None = None, note: str = ""
) -> Decision:
    """Record that two entities are the same (positive), different (negative) or unsure, and apply it."""
    if judgement not in JUDGEMENTS:
        raise DecisionError(f"unknown judgement {judgement!r}: use one of {', '.join(JUDGEMENTS)}")
    first, second = sorted((find_group(store, a), find_group(store, b)))
    if first == second:
        raise DecisionError(
            f"{a!r} and {b!r} name the same group of mentions ({first}); to take a mention out of it use "
            f"casegraph split {first} --mention ID"
        )
    entities = _entity_of(store, [first, second])
    if first not in entities or second not in entities:
        raise DecisionError(
            "this case was resolved by an older casegraph: run casegraph ingest once (any path) "
            "to regroup it, then decide again"
        )
    if entities[first] != entities[second]:
        sides = [_groups_of(store, [entities[first]]), _groups_of(store, [entities[second]])]
    else:  # both in one entity: the judgement is about these two groups only
        sides = [[first], [second]]
    decision = _new(judgement, first, second, value=json.dumps(sides), author=author, note=note)
    with store.read() as conn:
        check_consistent(load_decisions(conn), decision)
    return _apply(store, decision, queue=sides[0] + sides[1])


def split(
    store: Store, entity: str, mentions: Sequence[str], *, author: str | None = None, note: str = ""
) -> list[Decision]:
    """Take mentions out of an entity: each becomes an entity of its own, kept apart from this one."""
    if not mentions:
        raise DecisionError("name the mentions to split off with --mention ID (see casegraph show)")
    eid = find_entity(store, entity)
    groups = _groups_of(store, [eid])
    em, m = schema.entity_mentions, schema.mentions
    with store.read() as conn:
        rows = dict(
            conn.execute(
                select(em.c.mention, m.c.doc)
                .join(m, m.c.id == em.c.mention)
                .where(em.c.mention.in_(list(mentions)), em.c.entity == eid)
            ).all()
        )
    missing = [mid for mid in mentions if mid not in rows]
    if missing:
        raise DecisionError(
            f"mention {missing[0]} is not a mention of entity {eid}; casegraph show {eid} lists its mentions"
        )
    done = []
    for mid in dict.fromkeys(mentions):
        decision = _new("split", mid, None, value=json.dumps(sorted(groups)), author=author, note=note)
        done.append(_record(store, decision, queue=groups, requeue=[rows[mid]]))
    resolve_pending(store)
    return done


def rename(store: Store, entity: str, name: str, *, author: str | None = None, note: str = "") -> Decision:
    """Give an entity the name a reviewer chose; it stays through later merges and re-ingestion."""
    clean = " ".join(name.split())
    if not clean:
        raise DecisionError("give the new name, e.g. casegraph rename 'ISIL' 'Islamic State'")
    eid = find_entity(store, entity)
    return _apply(store, _new("rename", eid, None, value=clean, author=author, note=note), queue=[eid])


def retype(store: Store, entity: str, type_: str, *, author: str | None = None, note: str = "") -> Decision:
    """Give an entity the type a reviewer chose."""
    if type_ not in ENTITY_TYPES:
        raise DecisionError(f"unknown entity type {type_!r}: use one of {', '.join(ENTITY_TYPES)}")
    eid = find_entity(store, entity)
    return _apply(store, _new("retype", eid, None, value=type_, author=author, note=note), queue=[eid])


def record_xref(
    store: Store, entity: str, ref: str, *, caption: str, author: str | None = None, note: str = ""
) -> Decision:
    """Record that an entity is the entity ``ref`` ("ftm:<id>") of a list (accepted by a reviewer)."""
    eid = find_entity(store, entity)
    decision = _new("xref", eid, ref, value=caption, author=author, note=note)
    decision_id = Writer(store).add_decision(decision)
    return _with_id(decision, decision_id)


def xref_list(
    store: Store, path: Path, *, threshold: float, accept: float | None, author: str | None = None
) -> dict[str, Any]:
    """Match the case's entities against a FollowTheMoney list; record those scoring ``accept`` or more.

    Returns the candidates (best first), how many list entries were read, and the schemata skipped."""
    if not 0 < threshold <= 1 or (accept is not None and not 0 < accept <= 1):
        raise DecisionError("scores are between 0 and 1: e.g. --threshold 0.6 --accept 0.95")
    listed = read_list(path)
    e = schema.entities
    with store.read() as conn:
        rows = conn.execute(
            select(e.c.id, e.c.type, e.c.name, e.c.aliases, e.c.mention_count).order_by(e.c.id)
        )
        sides = [Side(eid, type_, (name, *aliases), int(n)) for eid, type_, name, aliases, n in rows]
    names = {s.id: s.names[0] for s in sides}
    found = []
    for match in xref(sides, listed.entries, threshold=threshold):
        item = {**dataclasses.asdict(match), "entity_name": names.get(match.entity, ""), "recorded": None}
        if accept is not None and match.score >= accept:
            note = f"{match.score:.2f} {match.reason} (from {path.name})"
            done = record_xref(
                store, match.entity, f"ftm:{match.list_id}", caption=match.caption, author=author, note=note
            )
            item["recorded"] = done.id
        found.append(item)
    return {
        "candidates": found,
        "entries": len(listed.entries),
        "skipped": dict(sorted(listed.skipped.items())),
    }


def undo(store: Store, decision_id: int) -> Decision:
    """Remove a decision; what it changed is recomputed without it."""
    with store.read() as conn:
        found = [d for d in load_decisions(conn) if d.id == decision_id]
    if not found:
        raise NotFoundError(f"no decision #{decision_id}; casegraph decisions lists them")
    decision = found[0]
    queue = [g for g in (decision.a, decision.b) if g and not g.startswith("ftm:")]
    requeue: list[str] = []
    if decision.kind == "split":
        queue = decision.split_from()
        with store.read() as conn:
            doc = conn.execute(
                select(schema.mentions.c.doc).where(schema.mentions.c.id == decision.a)
            ).scalar()
        requeue = [doc] if doc else []
    Writer(store).remove_decision(decision_id, queue=_groups_of(store, queue) + queue, requeue=requeue)
    resolve_pending(store)
    return decision


def check_consistent(decisions: Sequence[Decision], new: Decision) -> None:
    """Refuse a judgement that contradicts the reviewer's earlier ones, transitively.

    Positive decisions join groups (A = B and B = C make A = C); a negative decision or a split inside
    such a set is a contradiction. The latest judgement on a pair replaces the earlier one.
    """
    kept = effective([*decisions, new])
    same = Clusters()
    for d in kept:
        if d.kind == "positive" and d.b:
            same.union(d.a, d.b)
    for d in kept:
        for a, b in d.apart():
            if same.find(a) == same.find(b):
                raise DecisionError(
                    f"this contradicts earlier decisions: {a} and {b} were judged different (decision "
                    f"#{d.id or 'new'}) but positive decisions join them; casegraph decisions lists them, "
                    "casegraph undo ID removes one"
                )


def reviewer(author: str | None = None) -> str:
    """Who decides: the given name, else setting ``reviewer``, else the login name."""
    name = author or settings.get("reviewer")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name (some containers): say so rather than fail
            name = "unknown"
    return name


def _new(
    kind: str, a: str, b: str | None, *, value: str | None = None, author: str | None, note: str
) -> Decision:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return Decision(id=0, kind=kind, a=a, b=b, value=value, author=reviewer(author), at=at, note=note)


def _with_id(decision: Decision, decision_id: int) -> Decision:
    return Decision(
        decision_id,
        decision.kind,
        decision.a,
        decision.b,
        decision.value,
        decision.author,
        decision.at,
        decision.note,
    )


def _record(
    store: Store, decision: Decision, *, queue: Sequence[str], requeue: Sequence[str] = ()
) -> Decision:
    return _with_id(decision, Writer(store).add_decision(decision, queue=queue, requeue=requeue))


def _apply(store: Store, decision: Decision, *, queue: Sequence[str]) -> Decision:
    done = _record(store, decision, queue=queue)
    resolve_pending(store)
    return done


def find_group(store: Store, ref: str) -> str:
    """The group a reference names: a group id, else the group whose name key is the name's (the most
    mentioned), else the first group of the entity ``find_entity`` finds."""
    g = schema.groups
    wanted = ref.strip()
    with store.read() as conn:
        if conn.execute(select(g.c.id).where(g.c.id == wanted)).first():
            return wanted
        found = conn.execute(
            select(g.c.id)
            .where(g.c.key == name_key(wanted))
            .order_by(g.c.mention_count.desc(), g.c.id)
            .limit(1)
        ).scalar()
    return str(found) if found and wanted else find_entity(store, ref)


def _entity_of(store: Store, groups: Sequence[str]) -> dict[str, str]:
    g = schema.groups
    with store.read() as conn:
        return dict(conn.execute(select(g.c.id, g.c.entity).where(g.c.id.in_(list(groups)))).all())


def _groups_of(store: Store, entities: Sequence[str]) -> list[str]:
    """The groups of some entities (an entity id is also the id of its first group)."""
    g = schema.groups
    with store.read() as conn:
        found = set(conn.execute(select(g.c.id).where(g.c.entity.in_(list(entities)))).scalars())
    return sorted(found | set(entities))
