"""GraphML export: read back with networkx, nodes are entities, edges are relations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from casegraph.export import write_graphml


def _read(tmp_path: Path, data: dict[str, Any]) -> nx.MultiDiGraph:
    [path] = write_graphml(data, tmp_path / "case.graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert isinstance(graph, nx.MultiDiGraph)
    return graph


def test_write_graphml_nodes_are_the_entities(tmp_path: Path, case: dict[str, Any]) -> None:
    graph = _read(tmp_path, case)
    assert sorted(graph.nodes) == sorted(e["id"] for e in case["entities"])
    isis = next(e for e in case["entities"] if e["name"] == "Islamic State")
    assert graph.nodes[isis["id"]] == {
        "label": "Islamic State",
        "type": "organization",
        "name": "Islamic State",
        "aliases": "IS; Islamic State group",
        "mention_count": 5,
        "doc_count": 2,
    }
    assert graph.graph["format"] == "casegraph/1"


def test_write_graphml_edges_are_the_relations_with_first_evidence(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    graph = _read(tmp_path, case)
    edges = {key: (source, target, attrs) for source, target, key, attrs in graph.edges(keys=True, data=True)}
    assert set(edges) == {rel["id"] for rel in case["relations"]}
    for rel in case["relations"]:
        source, target, attrs = edges[rel["id"]]
        assert (source, target) == (rel["source"], rel["target"])
        assert attrs["type"] == attrs["label"] == rel["type"]
        assert attrs["relation"] == rel["id"]
        assert attrs["evidence_count"] == len(rel["evidence"])
        first = rel["evidence"][0]
        assert (attrs["evidence"], attrs["evidence_doc"]) == (first["text"], first["doc"])
        assert (attrs["evidence_start"], attrs["evidence_end"]) == (first["start"], first["end"])


def test_write_graphml_keeps_parallel_relations_apart(tmp_path: Path, case: dict[str, Any]) -> None:
    rel = case["relations"][0]
    case["relations"].append({**rel, "id": "r-parallel", "type": "related_to", "evidence": []})
    graph = _read(tmp_path, case)
    assert graph.number_of_edges(rel["source"], rel["target"]) == 2
    parallel = graph.edges[rel["source"], rel["target"], "r-parallel"]
    assert parallel["evidence_count"] == 0 and "evidence" not in parallel


def test_write_graphml_replaces_characters_xml_cannot_hold(tmp_path: Path, case: dict[str, Any]) -> None:
    # Text from PDFs carries form feeds and other control characters; XML 1.0 forbids them.
    case["entities"][0]["name"] = "Al\x0cArabiya\x00"
    case["relations"][0]["evidence"][0]["text"] = "page one\x0cpage two"
    graph = _read(tmp_path, case)
    assert graph.nodes[case["entities"][0]["id"]]["name"] == "Al Arabiya "
    rel = case["relations"][0]
    assert graph.edges[rel["source"], rel["target"], rel["id"]]["evidence"] == "page one page two"


def test_write_graphml_keeps_an_isolated_entity(tmp_path: Path, case: dict[str, Any]) -> None:
    case["relations"] = []
    graph = _read(tmp_path, case)
    assert graph.number_of_nodes() == len(case["entities"]) and graph.number_of_edges() == 0
