"""Join groups into entities: automatic matches across documents, then reviewer decisions.

A group gathers the mentions of the case that share a type and a name key (``across.group_mentions``).
Groups that name the same entity in other ways ("Suruç" / "Suruc", "ISIL" / "Islamic State of Iraq
and the Levant", "Bali" / "Ilhami Bali") are joined here, within a *region*: the groups connected by
edges that may merge (matches scoring at least ``match.AUTO`` and positive decisions). Regions are
independent, so recomputing one region gives what a full recompute would give.

Order of work inside a region, each step refused when it would join two groups a reviewer kept apart
(a negative decision, or a split):

1. positive decisions (a reviewer's "these are the same"), in the order they were made;
2. automatic matches, best score first (ties by ids), except bare surnames;
3. a bare surname ("Bali") joins the one entity whose full name carries it and shares context with
   it (their documents name some other group in common: a place, an organisation, a person), and
   only when exactly one such entity in the region does (leaving out those a reviewer kept apart from
   it); otherwise it waits for review.

Rename and retype decisions then set the entity's name and type. The entity id is the smallest
group id among its groups: the id of a group that is alone is the id it had before any merge.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from casegraph.model import Entity
from casegraph.resolve.across import TYPE_ORDER, NameStats
from casegraph.resolve.aliases import AliasTable
from casegraph.resolve.clusters import Clusters
from casegraph.resolve.match import AUTO, Side

# What reviewers may decide (see docs/resolution.md).
JUDGEMENTS = ("positive", "negative", "unsure")
DECISION_KINDS = (*JUDGEMENTS, "split", "rename", "retype", "xref")


@dataclass(frozen=True)
class Group:
    """A stored group as the joiner sees it."""

    id: str
    type: str
    key: str
    stats: NameStats

    @cached_property
    def side(self) -> Side:
        """The group for the matcher: its names, canonical first, then the most frequent."""
        return side_of(self.id, self.type, self.stats)


def side_of(group_id: str, type_: str, stats: NameStats) -> Side:
    """A matcher's view of a group's statistics."""
    counts: Counter[str] = Counter()
    for (text, _), (n, _) in stats.names.items():
        counts[" ".join(text.split())] += n
    first = stats.choose(type_)
    rest = sorted((n for n in counts if n != first), key=lambda n: (-counts[n], n))
    return Side(id=group_id, type=type_, names=(first, *rest), count=stats.count)


@dataclass(frozen=True)
class Edge:
    """A scored candidate pair of groups (``a`` < ``b``)."""

    a: str
    b: str
    score: float
    rule: str
    reason: str

    @property
    def merges(self) -> bool:
        """True when the pair may be joined without a reviewer."""
        return self.score >= AUTO


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision, as stored."""

    id: int
    kind: str  # one of DECISION_KINDS
    a: str  # group id; for split, the mention id
    b: str | None = None  # the other group id (judgements)
    value: str | None = None  # rename: name; retype: type; split: JSON list of the groups it left
    author: str = ""
    at: str = ""
    note: str = ""

    def apart(self) -> list[tuple[str, str]]:
        """For a negative judgement: every pair of groups it keeps apart (the groups each entity had)."""
        if self.kind != "negative" or not self.b:
            return []
        sides = json.loads(self.value) if self.value else [[self.a], [self.b]]
        pairs = {(x, y) for x in [self.a, *sides[0]] for y in [self.b, *sides[1]] if x != y}
        return sorted(pairs)

    def split_from(self) -> list[str]:
        """For a split: the groups of the entity the mention was taken from."""
        return list(json.loads(self.value or "[]")) if self.kind == "split" else []

    def describe(self) -> str:
        """One line for an entity's reasons."""
        note = f": {self.note}" if self.note else ""
        return f"decision #{self.id} ({self.kind}) by {self.author or 'unknown'} at {self.at}{note}"


@dataclass
class Region:
    """The groups, edges and decisions a join needs, and its result."""

    groups: dict[str, Group]
    edges: list[Edge]
    decisions: list[Decision]
    split_groups: Mapping[str, str] = field(default_factory=dict)  # mention id -> its own group id
    # For the groups of bare-surname matches: the other groups named in their documents (None: unknown,
    # every candidate counts).
    context: Mapping[str, frozenset[str]] | None = None


def effective(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions in force: the latest judgement on each pair replaces earlier ones on it."""
    latest: dict[frozenset[str], int] = {}
    ordered = sorted(decisions, key=lambda d: (d.id == 0, d.id))  # an unsaved decision (id 0) is newest
    for i, d in enumerate(ordered):
        if d.kind in JUDGEMENTS and d.b:
            latest[frozenset((d.a, d.b))] = i
    return [
        d
        for i, d in enumerate(ordered)
        if not (d.kind in JUDGEMENTS and d.b) or latest[frozenset((d.a, d.b))] == i
    ]


def merge_edges(edges: Iterable[Edge], decisions: Iterable[Decision]) -> list[tuple[str, str]]:
    """The pairs that may join two groups: automatic matches and positive decisions."""
    pairs = [(e.a, e.b) for e in edges if e.merges]
    pairs.extend((d.a, d.b) for d in decisions if d.kind == "positive" and d.b)
    return pairs


def negative_pairs(decisions: Iterable[Decision], split_groups: Mapping[str, str]) -> set[frozenset[str]]:
    """Pairs of groups a reviewer kept apart: negative decisions and splits."""
    pairs: set[frozenset[str]] = set()
    for d in decisions:
        if d.kind == "negative":
            pairs.update(frozenset(p) for p in d.apart())
        elif d.kind == "split" and d.a in split_groups:
            pairs.update(frozenset((split_groups[d.a], g)) for g in d.split_from())
    return {p for p in pairs if len(p) == 2}


class _Joiner:
    """Union-find over groups that refuses to join sets a reviewer kept apart."""

    def __init__(self, ids: Iterable[str], apart: set[frozenset[str]]) -> None:
        self.sets = Clusters(ids)
        self.members: dict[str, set[str]] = {i: {i} for i in self.sets.groups()}
        self.apart: dict[str, set[str]] = {}
        for pair in apart:
            a, b = sorted(pair)
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        self.used: dict[str, list[str]] = {}  # root -> reasons of the joins made

    def kept_apart(self, a: str, b: str) -> bool:
        """True when some group of a's set was kept apart from some group of b's set."""
        ra, rb = self.sets.find(a), self.sets.find(b)
        small, other = sorted((self.members[ra], self.members[rb]), key=len)
        return any(self.apart.get(g, set()) & other for g in small)

    def join(self, a: str, b: str, reason: str) -> bool:
        """Join the sets of a and b unless they are one already or were kept apart."""
        ra, rb = self.sets.find(a), self.sets.find(b)
        if ra == rb or self.kept_apart(a, b):
            return False
        root = self.sets.union(a, b)
        other = rb if root == ra else ra
        self.members[root] |= self.members.pop(other)
        self.used[root] = self.used.pop(root, []) + self.used.pop(other, []) + [reason]
        return True


def join_region(region: Region, aliases: AliasTable) -> list[tuple[Entity, list[str]]]:
    """Join a region's groups into entities; return each entity with its group ids."""
    joiner = _Joiner(region.groups, negative_pairs(region.decisions, region.split_groups))
    inside = [d for d in region.decisions if d.a in region.groups and d.b in region.groups]
    for d in sorted(inside, key=lambda d: d.id):
        if d.kind == "positive" and d.b is not None:
            joiner.join(d.a, d.b, d.describe())
    edges = [e for e in region.edges if e.a in region.groups and e.b in region.groups and e.merges]
    surnames = [e for e in edges if e.rule == "surname"]
    for e in sorted((e for e in edges if e.rule != "surname"), key=lambda e: (-e.score, e.a, e.b)):
        joiner.join(e.a, e.b, f"{e.reason} [{e.rule}]")
    _join_surnames(joiner, region, surnames)
    return [_entity(region, joiner, members, aliases) for members in _sets(joiner)]


def _join_surnames(joiner: _Joiner, region: Region, edges: Sequence[Edge]) -> None:
    """Join each bare surname to the one entity whose full name carries it, if only one does."""
    by_bare: dict[str, list[tuple[str, Edge]]] = {}
    for e in edges:
        bare, full = (e.a, e.b) if _is_bare(region.groups[e.a], region.groups[e.b]) else (e.b, e.a)
        by_bare.setdefault(bare, []).append((full, e))
    for bare, fulls in sorted(by_bare.items()):
        fulls = [(full, e) for full, e in fulls if not joiner.kept_apart(bare, full)]
        if region.context is not None:
            fulls = [(full, e) for full, e in fulls if _shared_context(region.context, bare, full)]
        roots = {joiner.sets.find(full) for full, _ in fulls} - {joiner.sets.find(bare)}
        if len(roots) == 1:
            full, e = min(fulls, key=lambda fe: fe[0])
            joiner.join(bare, full, f"{e.reason} (the only full name with it) [surname]")


def _shared_context(context: Mapping[str, frozenset[str]], bare: str, full: str) -> bool:
    """True when the documents of the bare surname and of the full name name some other group in common."""
    return bool((context.get(bare, frozenset()) & context.get(full, frozenset())) - {bare, full})


def _is_bare(a: Group, b: Group) -> bool:
    """True when a's name has fewer words than b's (a is the bare surname of the pair)."""
    return len(a.side.names[0].split()) < len(b.side.names[0].split())


def _sets(joiner: _Joiner) -> list[list[str]]:
    return sorted((sorted(members) for members in joiner.sets.groups().values()), key=lambda m: m[0])


def _entity(
    region: Region, joiner: _Joiner, members: list[str], aliases: AliasTable
) -> tuple[Entity, list[str]]:
    groups = [region.groups[g] for g in members]
    stats = NameStats()
    for g in groups:
        for (text, type_), (n, at) in g.stats.names.items():
            stats.add(text, type_, n, at)
        stats.reasons |= g.stats.reasons
    type_ = _decided(region, members, "retype") or _majority_type(groups)
    first = region.groups[members[0]]
    entity = stats.entity(type_, first.key, aliases)
    reasons = sorted(r for g in groups for r in g.stats.entity(g.type, g.key, aliases).reasons)
    reasons += joiner.used.get(joiner.sets.find(members[0]), [])
    name = _decided(region, members, "rename") or entity.name
    renamed = dataclasses.replace(
        entity,
        id=first.id,
        type=type_,
        name=name,
        aliases=sorted((set(entity.aliases) | {entity.name}) - {name}),
        reasons=_unique(reasons + _decision_reasons(region, members)),
    )
    return renamed, members


def _majority_type(groups: Sequence[Group]) -> str:
    votes: Counter[str] = Counter()
    for g in groups:
        votes[g.type] += g.stats.count
    return min(votes, key=lambda t: (-votes[t], TYPE_ORDER.get(t, 99)))


def _decided(region: Region, members: Sequence[str], kind: str) -> str | None:
    """The value of the latest rename or retype decision on one of the groups."""
    found = [d for d in region.decisions if d.kind == kind and d.a in members and d.value]
    return max(found, key=lambda d: d.id).value if found else None


def _decision_reasons(region: Region, members: Sequence[str]) -> list[str]:
    inside = set(members)
    return [
        d.describe()
        for d in sorted(region.decisions, key=lambda d: d.id)
        if d.kind in ("rename", "retype") and d.a in inside
    ]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
