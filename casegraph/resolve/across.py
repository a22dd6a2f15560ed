"""Resolve across the case: in-document clusters joined when they carry the same name and type.

Issue-level scope of the foundation: exact normalised names (diacritics, case, articles and the
alias table folded). Fuzzy and surname-only matching across documents come with reviewer decisions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from casegraph.model import ENTITY_TYPES, Entity, Link, Mention, make_id
from casegraph.resolve.aliases import AliasTable, load_aliases
from casegraph.resolve.clusters import cluster_links
from casegraph.resolve.names import name_key

TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}
# Bump when the rules below change: stores resolved by another version are recomputed once.
RESOLVER_VERSION = "3"
# The key of a group holding one mention a reviewer split from its entity ("split:<mention id>").
SPLIT = "split:"
KeyFn = Callable[[str], str]


def choose_type(mentions: Sequence[Mention]) -> str:
    """The majority type of a cluster's mentions (ties broken by the order of ENTITY_TYPES)."""
    return _majority(Counter(m.type for m in mentions))


def _majority(votes: Counter[str]) -> str:
    return min(votes, key=lambda t: (-votes[t], TYPE_ORDER.get(t, 99)))


def choose_name(mentions: Sequence[Mention], type_: str) -> str:
    """The fullest well-formed name: most words, then most frequent, then earliest."""
    return NameStats.of(mentions).choose(type_)


def canonical_name(mentions: Sequence[Mention], type_: str, aliases: AliasTable) -> str:
    """The alias table's name when a mention of the cluster is a known alias, else the fullest name."""
    return NameStats.of(mentions).canonical(type_, aliases)


def _clean(text: str) -> str:
    return " ".join(text.split())


@dataclass
class NameStats:
    """What an entity's name, type and aliases depend on, summed over its mentions.

    Mergeable, so that an entity with thousands of mentions is updated from a few new ones and a
    summary the store computes, not rebuilt from every mention (casegraph.resolve.update.resolve_pending).
    """

    # (mention text, mention type) -> [how many mentions, first (doc, start)]
    names: dict[tuple[str, str], tuple[int, tuple[str, int]]] = field(default_factory=dict)
    docs: int = 0  # documents the mentions come from (callers add disjoint sets of documents)
    reasons: set[str] = field(default_factory=set)  # in-document links, as "'a' -> 'b': reason"

    @classmethod
    def of(cls, mentions: Sequence[Mention], links: Sequence[Link] = ()) -> NameStats:
        """The statistics of some mentions (all from documents not counted yet) and their links."""
        stats = cls()
        stats.add_mentions(mentions, links)
        return stats

    def add(self, text: str, type_: str, count: int, first: tuple[str, int]) -> None:
        """Count ``count`` mentions written ``text`` of type ``type_``, the earliest at ``first``."""
        old = self.names.get((text, type_))
        if old is not None:
            count, first = old[0] + count, min(old[1], first)
        self.names[(text, type_)] = (count, first)

    def add_mentions(self, mentions: Sequence[Mention], links: Sequence[Link] = ()) -> None:
        """Count mentions from new documents, and the links that start at one of them."""
        texts = {m.id: m.text for m in mentions}
        for m in mentions:
            self.add(m.text, m.type, 1, (m.doc, m.start))
        self.docs += len({m.doc for m in mentions})
        self.reasons.update(
            link_reason(texts[lk.source], texts[lk.target], lk.reason)
            for lk in links
            if lk.source in texts and lk.target in texts
        )

    def to_json(self) -> dict[str, Any]:
        """The statistics as JSON-ready data (stored with the entity, read back by ``from_json``)."""
        names = [[t, ty, n, doc, start] for (t, ty), (n, (doc, start)) in sorted(self.names.items())]
        return {"names": names, "docs": self.docs, "links": sorted(self.reasons)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameStats:
        """Statistics stored by ``to_json``."""
        names = {(t, ty): (int(n), (str(doc), int(start))) for t, ty, n, doc, start in data["names"]}
        return cls(names=names, docs=int(data["docs"]), reasons=set(data["links"]))

    @property
    def count(self) -> int:
        """How many mentions."""
        return sum(n for n, _ in self.names.values())

    def choose(self, type_: str) -> str:
        """The fullest name among mentions of ``type_``: most words, then most frequent, then earliest."""
        pool = {k: v for k, v in self.names.items() if k[1] == type_} or self.names
        counts: Counter[str] = Counter()
        first: dict[str, tuple[str, int]] = {}
        for (text, _), (n, at) in pool.items():
            name = _clean(text)
            counts[name] += n
            first[name] = min(first.get(name, at), at)
        return min(counts, key=lambda n: (-len(n.split()), -counts[n], -len(n), first[n]))

    def canonical(self, type_: str, aliases: AliasTable) -> str:
        """The alias table's name when a mention is a known alias of this type, else the fullest name."""
        known: Counter[str] = Counter()
        for (text, _), (n, _) in self.names.items():
            row = aliases.lookup(text)
            if row is not None and row.type == type_:
                known[row.name] += n
        if known:
            return min(known, key=lambda n: (-known[n], n))
        return self.choose(type_)

    def entity(self, type_: str, key: str, aliases: AliasTable, mentions: Sequence[str] = ()) -> Entity:
        """The entity these statistics describe, grouped under (``type_``, ``key``)."""
        name = self.canonical(type_, aliases)
        reasons = sorted(self.reasons)
        if self.docs > 1:
            reasons.append(f"same name in {self.docs} documents: {key!r}")
        return Entity(
            id=entity_id(type_, key),
            type=type_,
            name=name,
            aliases=sorted({_clean(text) for text, _ in self.names} - {name}),
            mentions=sorted(mentions),
            reasons=reasons,
            key=key,
        )


def link_reason(source: str, target: str, reason: str) -> str:
    """How an in-document link is shown among an entity's reasons."""
    return f"{source!r} -> {target!r}: {reason}"


def entity_id(type_: str, key: str) -> str:
    """The id of the group that gathers every in-document cluster of this type and name key.

    A split mention's group keeps its id whatever type the mention gets. Name keys never hold ":".
    """
    return make_id("e", key) if key.startswith(SPLIT) else make_id("e", type_, key)


def split_group_id(mention: str) -> str:
    """The id of the group of a mention a reviewer split from its entity."""
    return entity_id("", SPLIT + mention)


def fingerprint(aliases: AliasTable | None = None) -> str:
    """What the entities depend on besides the observations: the resolver's rules and alias table."""
    table = aliases if aliases is not None else load_aliases()
    return f"{RESOLVER_VERSION}:{table.fingerprint()}"


@dataclass
class Group:
    """The mentions of the case (or of some documents) that belong to one entity."""

    type: str
    key: str
    mentions: list[Mention]
    links: list[Link]

    @property
    def id(self) -> str:
        """The entity's id."""
        return entity_id(self.type, self.key)


def group_mentions(
    mentions: Sequence[Mention],
    links: Sequence[Link],
    *,
    key: KeyFn = name_key,
    aliases: AliasTable | None = None,
    split: Collection[str] = (),
) -> dict[str, Group]:
    """Cluster mentions by in-document links, then join the clusters that share a type and name key.

    Returns the groups by id. Every in-document cluster lands in exactly one group, and the group of a
    cluster does not depend on the other documents: that is what lets the case be resolved document by
    document. A mention in ``split`` (a reviewer took it out of its entity) loses its links and is a
    group of its own.
    """
    table = aliases if aliases is not None else load_aliases()
    by_id = {m.id: m for m in mentions}
    links = [
        lk
        for lk in links
        if lk.source in by_id and lk.target in by_id and lk.source not in split and lk.target not in split
    ]
    inside = cluster_links(by_id, links)
    links_by_root: dict[str, list[Link]] = {}
    for lk in links:
        links_by_root.setdefault(inside.find(lk.source), []).append(lk)
    groups: dict[str, Group] = {}
    for root, members in inside.groups().items():
        cluster = [by_id[i] for i in members]
        type_ = choose_type(cluster)
        name_key_ = SPLIT + root if root in split else key(canonical_name(cluster, type_, table))
        group = groups.setdefault(entity_id(type_, name_key_), Group(type_, name_key_, [], []))
        group.mentions.extend(cluster)
        group.links.extend(links_by_root.get(root, ()))
    return groups


def resolve_case(
    mentions: Sequence[Mention],
    links: Sequence[Link],
    *,
    key: KeyFn = name_key,
    aliases: AliasTable | None = None,
) -> list[Entity]:
    """Cluster every mention of the case into entities, with the reasons for each merge."""
    return [entity for entity, _ in resolve_with_stats(mentions, links, key=key, aliases=aliases)]


def resolve_with_stats(
    mentions: Sequence[Mention],
    links: Sequence[Link],
    *,
    key: KeyFn = name_key,
    aliases: AliasTable | None = None,
) -> list[tuple[Entity, NameStats]]:
    """``resolve_case``, with each entity's statistics (what later updates start from)."""
    table = aliases if aliases is not None else load_aliases()
    out = []
    for _, g in sorted(group_mentions(mentions, links, key=key, aliases=table).items()):
        stats = NameStats.of(g.mentions, g.links)
        out.append((stats.entity(g.type, g.key, table, [m.id for m in g.mentions]), stats))
    return out
