"""Resolve across the case: in-document clusters joined when they carry the same name and type.

Issue-level scope of the foundation: exact normalised names (diacritics, case, articles and the
alias table folded). Fuzzy and surname-only matching across documents come with reviewer decisions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from casegraph.model import ENTITY_TYPES, Entity, Link, Mention, make_id
from casegraph.resolve.aliases import AliasTable, load_aliases
from casegraph.resolve.clusters import Clusters, cluster_links
from casegraph.resolve.names import name_key

TYPE_ORDER = {t: i for i, t in enumerate(ENTITY_TYPES)}
# Bump when the rules below change: stores resolved by another version are recomputed once.
RESOLVER_VERSION = "1"
KeyFn = Callable[[str], str]


def choose_type(mentions: Sequence[Mention]) -> str:
    """The majority type of a cluster's mentions (ties broken by the order of ENTITY_TYPES)."""
    votes = Counter(m.type for m in mentions)
    return min(votes, key=lambda t: (-votes[t], TYPE_ORDER.get(t, 99)))


def choose_name(mentions: Sequence[Mention], type_: str) -> str:
    """The fullest well-formed name: most words, then most frequent, then earliest."""
    pool = [m for m in mentions if m.type == type_] or list(mentions)
    counts = Counter(_clean(m.text) for m in pool)
    first: dict[str, tuple[str, int]] = {}
    for m in sorted(pool, key=lambda m: (m.doc, m.start)):
        first.setdefault(_clean(m.text), (m.doc, m.start))
    return min(counts, key=lambda n: (-len(n.split()), -counts[n], -len(n), first[n]))


def _clean(text: str) -> str:
    return " ".join(text.split())


def canonical_name(mentions: Sequence[Mention], type_: str, aliases: AliasTable) -> str:
    """The alias table's name when a mention of the cluster is a known alias, else the fullest name."""
    known = Counter(
        row.name for m in mentions if (row := aliases.lookup(m.text)) is not None and row.type == type_
    )
    if known:
        return min(known, key=lambda n: (-known[n], n))
    return choose_name(mentions, type_)


def fingerprint(aliases: AliasTable | None = None) -> str:
    """What the entities depend on besides the observations: the resolver's rules and alias table."""
    table = aliases if aliases is not None else load_aliases()
    return f"{RESOLVER_VERSION}:{table.fingerprint()}"


def resolve_case(
    mentions: Sequence[Mention],
    links: Sequence[Link],
    *,
    key: KeyFn = name_key,
    aliases: AliasTable | None = None,
) -> list[Entity]:
    """Cluster every mention of the case into entities, with the reasons for each merge."""
    table = aliases if aliases is not None else load_aliases()
    by_id = {m.id: m for m in mentions}
    links = [lk for lk in links if lk.source in by_id and lk.target in by_id]
    inside = cluster_links(by_id, links)
    case = Clusters(by_id)
    named: dict[tuple[str, str], str] = {}
    for root, members in inside.groups().items():
        group = [by_id[i] for i in members]
        type_ = choose_type(group)
        name_id = named.setdefault((type_, key(canonical_name(group, type_, table))), root)
        for member in members:
            case.union(name_id, member)
    links_from: dict[str, list[Link]] = {}
    for lk in links:
        links_from.setdefault(lk.source, []).append(lk)
    groups = case.groups().values()
    return [_entity([by_id[i] for i in ids], links_from, key=key, table=table) for ids in groups]


def _entity(
    group: list[Mention], links_from: dict[str, list[Link]], *, key: KeyFn, table: AliasTable
) -> Entity:
    type_ = choose_type(group)
    name = canonical_name(group, type_, table)
    ids = {m.id for m in group}
    texts = {m.id: m.text for m in group}
    reasons = sorted(
        {
            f"{texts[lk.source]!r} -> {texts[lk.target]!r}: {lk.reason}"
            for source in ids
            for lk in links_from.get(source, ())
        }
    )
    docs = {m.doc for m in group}
    if len(docs) > 1:
        reasons.append(f"same name in {len(docs)} documents: {key(name)!r}")
    aliases = sorted({_clean(m.text) for m in group} - {name})
    return Entity(
        id=make_id("e", type_, key(name)),
        type=type_,
        name=name,
        aliases=aliases,
        mentions=sorted(ids),
        reasons=reasons,
    )
