"""Joining groups into entities: automatic matches, surnames, and reviewer decisions (pure)."""

from __future__ import annotations

import json

import pytest

from casegraph.resolve.across import NameStats
from casegraph.resolve.aliases import AliasTable
from casegraph.resolve.entities import Decision, Edge, Group, Region, effective, join_region
from casegraph.resolve.match import AUTO, REVIEW

NO_ALIASES = AliasTable()


def group(gid: str, name: str, type_: str = "person", count: int = 1) -> Group:
    stats = NameStats()
    stats.add(name, type_, count, (f"doc-{gid}", 0))
    stats.docs = 1
    return Group(gid, type_, name.lower(), stats)


def join(groups: list[Group], edges: list[Edge], decisions: list[Decision] = ()) -> list[list[str]]:  # type: ignore[assignment]
    region = Region({g.id: g for g in groups}, edges, list(decisions), {})
    return [members for _, members in join_region(region, NO_ALIASES)]


def test_join_region_merges_automatic_matches_and_not_review_ones() -> None:
    groups = [
        group("g1", "Suruç", "location"),
        group("g2", "Suruc", "location"),
        group("g3", "Sure", "location"),
    ]
    edges = [Edge("g1", "g2", 0.97, "translit", "same letters"), Edge("g2", "g3", REVIEW, "fuzzy", "close")]
    assert join(groups, edges) == [["g1", "g2"], ["g3"]]


def test_join_region_entity_id_is_the_smallest_group_id_and_reasons_name_the_match() -> None:
    groups = [group("gb", "Ilhami Bali", count=3), group("ga", "İlhami Balı")]
    region = Region(
        {g.id: g for g in groups}, [Edge("ga", "gb", 0.98, "translit", "'İlhami Balı' ~ 'Ilhami Bali'")], []
    )
    ((entity, members),) = join_region(region, NO_ALIASES)
    assert entity.id == "ga" and members == ["ga", "gb"]
    assert entity.name == "Ilhami Bali"  # the most frequent of the fullest names
    assert "İlhami Balı" in entity.aliases
    assert any("'İlhami Balı' ~ 'Ilhami Bali'" in r and "[translit]" in r for r in entity.reasons)


def test_join_region_bare_surname_joins_only_an_unambiguous_full_name() -> None:
    bare, ilhami, ahmet = group("g0", "Bali"), group("g1", "Ilhami Bali"), group("g2", "Ahmet Bali")
    one = [Edge("g0", "g1", AUTO, "surname", "surname")]
    assert join([bare, ilhami], one) == [["g0", "g1"]]
    two = one + [Edge("g0", "g2", AUTO, "surname", "surname")]
    assert join([bare, ilhami, ahmet], two) == [["g0"], ["g1"], ["g2"]]


def test_join_region_two_full_names_already_one_entity_are_not_ambiguous_for_a_surname() -> None:
    bare, full, variant = group("g0", "Bali"), group("g1", "Ilhami Bali"), group("g2", "Ilhami Balı")
    edges = [
        Edge("g1", "g2", 0.97, "translit", "same"),
        Edge("g0", "g1", AUTO, "surname", "surname"),
        Edge("g0", "g2", AUTO, "surname", "surname"),
    ]
    assert join([bare, full, variant], edges) == [["g0", "g1", "g2"]]


def negative(a: str, b: str, did: int = 1, sides: list[list[str]] | None = None) -> Decision:
    return Decision(did, "negative", a, b, json.dumps(sides) if sides else None, "ann", "2026-11-25")


def test_join_region_a_negative_decision_is_never_overridden_by_matches() -> None:
    groups = [group("g1", "John Smith"), group("g2", "Jon Smith"), group("g3", "John Smyth")]
    edges = [Edge("g1", "g2", 0.99, "fuzzy", "x"), Edge("g2", "g3", 0.99, "fuzzy", "y")]
    assert join(groups, edges) == [["g1", "g2", "g3"]]
    # g1 and g3 are kept apart: the chain through g2 may not join them either.
    parts = join(groups, edges, [negative("g1", "g3")])
    assert ["g1", "g3"] not in parts and len(parts) == 2
    assert not any({"g1", "g3"} <= set(p) for p in parts)


def test_join_region_negative_keeps_every_group_each_side_had() -> None:
    groups = [group("g1", "A One"), group("g2", "A Two"), group("g3", "B")]
    edges = [Edge("g2", "g3", 0.99, "fuzzy", "x"), Edge("g1", "g2", 0.95, "fuzzy", "y")]
    # The reviewer saw entity {g1, g2} and said it is not g3: g2 must not leave g1 to join g3.
    parts = join(groups, edges, [negative("g1", "g3", sides=[["g1", "g2"], ["g3"]])])
    assert parts == [["g1", "g2"], ["g3"]]


def test_join_region_positive_decision_joins_without_a_match_and_transitively() -> None:
    groups = [group("g1", "Abu Harun"), group("g2", "Harun Yavuz"), group("g3", "H. Yavuz")]
    decisions = [
        Decision(1, "positive", "g1", "g2", None, "ann", "t"),
        Decision(2, "positive", "g2", "g3", None, "bob", "t"),
    ]
    region = Region({g.id: g for g in groups}, [], decisions)
    ((entity, members),) = join_region(region, NO_ALIASES)
    assert members == ["g1", "g2", "g3"]
    assert sum("decision #" in r for r in entity.reasons) == 2


def test_join_region_rename_and_retype_apply_to_the_whole_entity() -> None:
    groups = [group("g1", "Bali", "person"), group("g2", "Bali island", "person")]
    decisions = [
        Decision(1, "positive", "g1", "g2", None, "ann", "t"),
        Decision(2, "rename", "g2", None, "Bali", "ann", "t"),
        Decision(3, "retype", "g1", None, "location", "ann", "t"),
        Decision(4, "rename", "g1", None, "Island of Bali", "bob", "t"),
    ]
    ((entity, _),) = join_region(Region({g.id: g for g in groups}, [], decisions), NO_ALIASES)
    assert (entity.name, entity.type) == ("Island of Bali", "location")  # the latest rename wins


def test_join_region_split_mention_group_stays_apart_from_its_old_entity() -> None:
    groups = [group("g1", "Ilhami Bali"), group("gs", "Bali")]
    split = Decision(1, "split", "m1", None, json.dumps(["g1"]), "ann", "t")
    region = Region({g.id: g for g in groups}, [Edge("g1", "gs", 0.99, "alias", "x")], [split], {"m1": "gs"})
    assert [m for _, m in join_region(region, NO_ALIASES)] == [["g1"], ["gs"]]


def test_effective_keeps_the_latest_judgement_on_a_pair() -> None:
    first = Decision(1, "positive", "g1", "g2", None, "ann", "t")
    later = Decision(2, "negative", "g2", "g1", None, "bob", "t")
    other = Decision(3, "rename", "g1", None, "X", "bob", "t")
    assert effective([first, later, other]) == [later, other]


@pytest.mark.parametrize("order", [0, 1])
def test_join_region_does_not_depend_on_edge_order(order: int) -> None:
    groups = [group(f"g{i}", f"Name {i}") for i in range(5)]
    edges = [Edge(f"g{i}", f"g{i + 1}", 0.9 + i / 100, "fuzzy", str(i)) for i in range(4)]
    decisions = [negative("g0", "g4")]
    ordered = edges if order == 0 else list(reversed(edges))
    assert join(groups, ordered, decisions) == join(groups, edges, decisions)


def test_join_region_bare_surname_needs_context_shared_with_the_full_name() -> None:
    bare, full = group("g0", "Jones"), group("g1", "Rupert Jones")
    edge = [Edge("g0", "g1", AUTO, "surname", "surname")]
    apart = {"g0": frozenset({"enron"}), "g1": frozenset({"army", "london"})}
    region = Region({g.id: g for g in (bare, full)}, edge, [], {}, apart)
    assert [m for _, m in join_region(region, NO_ALIASES)] == [["g0"], ["g1"]]
    shared = {"g0": frozenset({"london", "enron"}), "g1": frozenset({"army", "london"})}
    region = Region({g.id: g for g in (bare, full)}, edge, [], {}, shared)
    assert [m for _, m in join_region(region, NO_ALIASES)] == [["g0", "g1"]]


def test_join_region_surname_candidates_without_context_do_not_make_it_ambiguous() -> None:
    bare, here, elsewhere = (
        group("g0", "Sanders"),
        group("g1", "Paul Sanders"),
        group("g2", "Richard B Sanders"),
    )
    edges = [Edge("g0", "g1", AUTO, "surname", "s"), Edge("g0", "g2", AUTO, "surname", "s")]
    context = {"g0": frozenset({"court"}), "g1": frozenset({"court"}), "g2": frozenset({"enron"})}
    region = Region({g.id: g for g in (bare, here, elsewhere)}, edges, [], {}, context)
    assert [m for _, m in join_region(region, NO_ALIASES)] == [["g0", "g1"], ["g2"]]
