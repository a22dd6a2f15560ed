"""GraphML export: entities as nodes, relations as edges, for Gephi, yEd, Cytoscape and networkx."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import networkx as nx

from casegraph.export import FORMAT_NAME, check_output_file, sort_data, write_files

# Characters XML 1.0 cannot hold (control characters from PDFs, lone surrogates): lxml refuses them.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write_graphml(data: dict[str, Any], output: Path) -> list[Path]:
    """Write the entity graph of ``data`` as one GraphML file at ``output``."""
    output = Path(output)
    check_output_file(output)
    buffer = io.BytesIO()
    nx.write_graphml(make_graph(data), buffer)
    return write_files({output: buffer.getvalue()})


def make_graph(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Return a MultiDiGraph: one node per entity, one edge (keyed by relation id) per relation."""
    data = sort_data(data)
    graph = nx.MultiDiGraph(format=FORMAT_NAME)
    for entity in data["entities"]:
        graph.add_node(entity["id"], **node_attributes(entity))
    for rel in data["relations"]:
        graph.add_edge(rel["source"], rel["target"], key=rel["id"], **edge_attributes(rel))
    return graph


def node_attributes(entity: dict[str, Any]) -> dict[str, Any]:
    """Return the GraphML attributes of an entity's node."""
    return {
        "label": _clean(entity["name"]),  # Gephi and yEd show "label"
        "type": entity["type"],
        "name": _clean(entity["name"]),
        "aliases": _clean("; ".join(entity["aliases"])),
        "mention_count": len(entity["mentions"]),
        "doc_count": len({mention["doc"] for mention in entity["mentions"]}),
    }


def edge_attributes(rel: dict[str, Any]) -> dict[str, Any]:
    """Return the GraphML attributes of a relation's edge; evidence_* describe its first evidence."""
    attrs: dict[str, Any] = {
        "label": rel["type"],
        "type": rel["type"],
        "relation": rel["id"],
        "evidence_count": len(rel["evidence"]),
    }
    if rel["evidence"]:
        first = rel["evidence"][0]
        attrs |= {
            "evidence": _clean(first["text"]),
            "evidence_doc": first["doc"],
            "evidence_start": first["start"],
            "evidence_end": first["end"],
        }
    return attrs


def _clean(text: str) -> str:
    return XML_ILLEGAL.sub(" ", text)
