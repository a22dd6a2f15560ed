"""casegraph/1 JSON: round trip, canonical text, and read_json's checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casegraph.errors import ExportError
from casegraph.export import read_json, sort_data, write_json
from tests.export.conftest import CASE_JSON


def test_write_json_round_trips_through_read_json(tmp_path: Path, case: dict[str, Any]) -> None:
    written = write_json(case, tmp_path / "case.json")
    assert written == [tmp_path / "case.json"]
    assert read_json(written[0]) == case


def test_write_json_round_trips_unsorted_input_to_its_canonical_order(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    case["entities"].reverse()
    case["entities"][0]["mentions"].reverse()
    back = read_json(write_json(case, tmp_path / "case.json")[0])
    assert back == sort_data(case)
    assert back["entities"] != case["entities"]
    assert [e["id"] for e in back["entities"]] == sorted(e["id"] for e in case["entities"])


def test_write_json_reproduces_the_fixture_byte_for_byte(tmp_path: Path, case: dict[str, Any]) -> None:
    # The fixture was written canonically (indent 2, sorted keys, UTF-8, final newline).
    written = write_json(case, tmp_path / "case.json")[0]
    assert written.read_bytes() == CASE_JSON.read_bytes()


def test_write_json_keeps_non_ascii_text_and_extra_fields(tmp_path: Path, case: dict[str, Any]) -> None:
    case["entities"][0]["score"] = 0.5
    text = write_json(case, tmp_path / "case.json")[0].read_text(encoding="utf-8")
    assert "the Kaaba — the black cube" in text
    assert "\\u2014" not in text
    assert text.startswith('{\n  "documents": [\n')
    assert json.loads(text)["entities"][0]["score"] == 0.5


def test_read_json_rejects_another_format(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "ftm", "entities": []}))
    with pytest.raises(ExportError, match="is not casegraph/1 JSON \\(format 'ftm'\\)"):
        read_json(path)


def test_read_json_rejects_a_json_list(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]")
    with pytest.raises(ExportError, match="format 'list'"):
        read_json(path)


def test_read_json_rejects_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "casegraph/1", ')
    with pytest.raises(ExportError, match="broken.json is not JSON"):
        read_json(path)


def test_read_json_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot read .*nope.json: No such file"):
        read_json(tmp_path / "nope.json")


def test_read_json_checks_the_records(tmp_path: Path, case: dict[str, Any]) -> None:
    case["relations"][0]["source"] = "e-gone"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    with pytest.raises(ExportError, match=r"case.json: malformed casegraph/1 data: relations\[0\]\.source"):
        read_json(path)
