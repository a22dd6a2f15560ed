"""docs/formats.md stays honest: its example is valid data, and every field, column and schema is in it."""

from __future__ import annotations

import json
import re
from typing import Any

from casegraph.export import RECORDS, check_data
from casegraph.export.csv import COLUMNS
from casegraph.export.ftm import ftm_entities
from casegraph.export.graphml import make_graph
from tests.conftest import CORPUS, REPO

DOC = REPO / "docs" / "formats.md"


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_formats_doc_example_is_valid_casegraph_data() -> None:
    [block] = re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), flags=re.S)
    data = json.loads(block)
    check_data(data)
    texts = {doc["id"]: (CORPUS / doc["path"]).read_text(encoding="utf-8") for doc in data["documents"]}
    spans = [m for e in data["entities"] for m in e["mentions"]] + data["times"] + data["values"]
    spans += [
        ev for name in ("relations", "events", "quotes") for rec in data[name] for ev in rec["evidence"]
    ]
    assert all(texts[s["doc"]][s["start"] : s["end"]] == s["text"] for s in spans)
    assert all(data[name] for name in RECORDS)


def test_formats_doc_lists_every_casegraph_field() -> None:
    section = _section("casegraph/1 JSON")
    for name, fields in RECORDS.items():
        assert f"### {name}[]" in section
        part = section[section.index(f"### {name}[]") :].split("\n### ")[0]
        for field in fields:
            assert f"`{field}`" in part, f"{name}.{field} is not documented"


def test_formats_doc_lists_every_csv_column() -> None:
    section = _section("CSV")
    for name, columns in COLUMNS.items():
        [line] = [line for line in section.splitlines() if line.startswith(f"| `{name}.csv` |")]
        assert line.split("|")[2].strip() == ", ".join(f"`{c}`" for c in columns)


def test_formats_doc_names_every_ftm_schema_and_property_used(case: dict[str, Any]) -> None:
    section = _section("FollowTheMoney")
    for proxy in ftm_entities(case):
        assert f"`{proxy.schema.name}`" in section
        for prop in proxy.properties:
            assert f"`{prop}`" in section, f"{proxy.schema.name}.{prop} is not documented"


def test_formats_doc_names_every_graphml_attribute(case: dict[str, Any]) -> None:
    section = _section("GraphML")
    graph = make_graph(case)
    attrs = {a for _, data in graph.nodes(data=True) for a in data}
    attrs |= {a for _, _, data in graph.edges(data=True) for a in data} | set(graph.graph)
    for attr in attrs:
        assert f"`{attr}`" in section, attr
