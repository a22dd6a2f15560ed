"""Neighbourhoods and shortest paths over the bundled sample case (examples/case, see expected.json), on
both backends (`demo_case`: the SQLite sample case, then the same rows in a PostgreSQL database)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casegraph.errors import NotFoundError, QueryError
from casegraph.query.entity import find_entity
from casegraph.query.graph import neighbourhood, shortest_path
from casegraph.store import Store, schema


def ids(case: Any, *names: str) -> list[str]:
    return [find_entity(case.store, name) for name in names]


def names(result: dict[str, Any]) -> dict[str, int]:
    return {n["name"]: n["distance"] for n in result["nodes"]}


def spans(store: Store) -> tuple[dict[str, str], dict[str, tuple[int, int, str]]]:
    """Every document text, and every mention's (start, end, doc)."""
    d, m = schema.documents, schema.mentions
    with store.read() as conn:
        texts = {doc_id: text for doc_id, text in conn.execute(select(d.c.id, d.c.text))}
        rows = conn.execute(select(m.c.id, m.c.start, m.c.end, m.c.doc)).all()
    return texts, {mid: (start, end, doc) for mid, start, end, doc in rows}


def test_neighbourhood_holds_the_organisation_he_leads(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    found = names(neighbourhood(demo_case.store, [aydin]))
    assert found["Kemal Aydın"] == 0
    assert found["Eastern Front Brigade"] == 1
    assert {"Selim Karaca", "Tarık Ersoy", "Harun Yavuz"} <= set(found)
    assert all(distance <= 1 for distance in found.values())


def test_neighbourhood_edges_carry_evidence_naming_both_ends(demo_case: Any) -> None:
    aydin, efb = ids(demo_case, "Kemal Aydın", "Eastern Front Brigade")
    result = neighbourhood(demo_case.store, [aydin])
    texts, _ = spans(demo_case.store)
    leads = [e for e in result["edges"] if (e["source"], e["target"], e["type"]) == (aydin, efb, "leader_of")]
    assert leads and len(leads[0]["relations"]) >= 2  # the raid report and the prosecution summary
    for rel in leads[0]["relations"]:
        evidence = texts[rel["doc"]][rel["start"] : rel["end"]]
        assert "EFB" in evidence and ("Aydın" in evidence or "Aydin" in evidence)
        assert rel["trigger"] in evidence


def test_neighbourhood_evidence_spans_cover_both_mentions(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    result = neighbourhood(demo_case.store, [aydin], depth=2)
    texts, mentions = spans(demo_case.store)
    r = schema.relations
    with demo_case.store.read() as conn:
        ends = {rid: (s, t) for rid, s, t in conn.execute(select(r.c.id, r.c.source, r.c.target))}
    checked = 0
    for edge in result["edges"]:
        for rel in edge["relations"]:
            for mention in ends[rel["id"]]:
                start, end, doc = mentions[mention]
                assert doc == rel["doc"] and rel["start"] <= start < end <= rel["end"]
                assert texts[doc][start:end] in texts[doc][rel["start"] : rel["end"]]
                checked += 1
    assert checked >= 20


def test_neighbourhood_edges_join_only_returned_nodes(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    result = neighbourhood(demo_case.store, [aydin], depth=2)
    nodes = {n["id"] for n in result["nodes"]}
    keys = [(e["source"], e["target"], e["type"]) for e in result["edges"]]
    assert len(keys) == len(set(keys)) == len({e["id"] for e in result["edges"]})
    assert all(
        e["source"] in nodes and e["target"] in nodes and e["source"] != e["target"] for e in result["edges"]
    )


def test_neighbourhood_edges_match_the_case_export(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    exported = {r["id"]: r for r in demo_case.data()["relations"]}
    edges = neighbourhood(demo_case.store, [aydin])["edges"]
    assert edges
    for edge in edges:
        rel = exported[edge["id"]]
        assert (rel["source"], rel["target"], rel["type"]) == (edge["source"], edge["target"], edge["type"])
        assert len(rel["evidence"]) <= len(edge["relations"])  # the export folds identical spans


def test_neighbourhood_depth_two_reaches_members_through_the_brigade(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    near = names(neighbourhood(demo_case.store, [aydin]))
    far = names(neighbourhood(demo_case.store, [aydin], depth=2))
    assert set(near) < set(far)
    assert far["Oğuz Kantarcı"] == 2  # a member of the EFB, never linked to Aydın directly
    assert all(far[name] == distance for name, distance in near.items())


def test_neighbourhood_type_filter_keeps_people(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    result = neighbourhood(demo_case.store, [aydin], depth=2, types={"person"})
    found = names(result)
    assert {"Selim Karaca", "Erkan Tuzcu"} <= set(found)
    assert all(n["type"] == "person" for n in result["nodes"])
    # Kantarcı is reached only through the brigade, which the filter leaves out.
    assert "Oğuz Kantarcı" not in found and "Eastern Front Brigade" not in found


def test_neighbourhood_limit_keeps_the_closest_deterministically(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    first = neighbourhood(demo_case.store, [aydin], depth=2, limit=4)
    assert first == neighbourhood(demo_case.store, [aydin], depth=2, limit=4)
    distances = [n["distance"] for n in first["nodes"]]
    assert len(distances) == 4 and distances == sorted(distances) and distances[0] == 0
    full = names(neighbourhood(demo_case.store, [aydin], depth=2))
    assert all(full[n["name"]] == n["distance"] for n in first["nodes"])


def test_neighbourhood_of_two_starts(demo_case: Any) -> None:
    marsh, tuzcu = ids(demo_case, "Helen Marsh", "Erkan Tuzcu")
    found = names(neighbourhood(demo_case.store, [marsh, tuzcu]))
    assert found["Helen Marsh"] == found["Erkan Tuzcu"] == 0
    assert found["Larkfield Institute"] == found["Eastern Front Brigade"] == 1


def test_neighbourhood_unknown_entity_names_the_fix(demo_case: Any) -> None:
    with pytest.raises(NotFoundError, match="casegraph search"):
        neighbourhood(demo_case.store, ["e0000000000000000"])


@pytest.mark.parametrize(
    "options", [{"depth": 0}, {"depth": 99}, {"limit": 0}, {"limit": -5}, {"depth": True}]
)
def test_neighbourhood_bad_options_are_query_errors(demo_case: Any, options: dict[str, Any]) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    with pytest.raises(QueryError):
        neighbourhood(demo_case.store, [aydin], **options)


def test_neighbourhood_without_start_is_a_query_error(demo_case: Any) -> None:
    with pytest.raises(QueryError):
        neighbourhood(demo_case.store, [])


def test_shortest_path_goes_through_the_common_contact(demo_case: Any) -> None:
    tuzcu, yavuz, aydin = ids(demo_case, "Erkan Tuzcu", "Harun Yavuz", "Kemal Aydın")
    path = shortest_path(demo_case.store, tuzcu, yavuz)
    assert len(path) == 2
    hops = [{e["source"], e["target"]} for e in path]
    assert hops == [{tuzcu, aydin}, {aydin, yavuz}]
    texts, _ = spans(demo_case.store)
    surnames = {tuzcu: ("Tuzcu",), aydin: ("Aydın", "Aydin"), yavuz: ("Yavuz",)}
    for edge in path:
        assert edge["relations"]
        for rel in edge["relations"]:
            evidence = texts[rel["doc"]][rel["start"] : rel["end"]]
            for end in (edge["source"], edge["target"]):
                assert any(name in evidence for name in surnames[end])


def test_shortest_path_direct_link_is_one_hop(demo_case: Any) -> None:
    aydin, efb = ids(demo_case, "Kemal Aydın", "Eastern Front Brigade")
    path = shortest_path(demo_case.store, efb, aydin)
    assert len(path) == 1 and {path[0]["source"], path[0]["target"]} == {aydin, efb}


def test_shortest_path_none_beyond_max_depth_or_across_components(demo_case: Any) -> None:
    tuzcu, yavuz, marsh = ids(demo_case, "Erkan Tuzcu", "Harun Yavuz", "Helen Marsh")
    assert shortest_path(demo_case.store, tuzcu, yavuz, max_depth=1) == []
    assert shortest_path(demo_case.store, marsh, yavuz) == []  # Marsh only comments; nobody links her in
    assert shortest_path(demo_case.store, yavuz, yavuz) == []


def test_shortest_path_unknown_entity_and_bad_depth(demo_case: Any) -> None:
    (aydin,) = ids(demo_case, "Kemal Aydın")
    with pytest.raises(NotFoundError):
        shortest_path(demo_case.store, aydin, "e_missing")
    with pytest.raises(QueryError):
        shortest_path(demo_case.store, aydin, aydin, max_depth=0)
