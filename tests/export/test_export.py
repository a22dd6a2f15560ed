"""Dispatch, input checks, atomic writes and determinism, for every export format."""

from __future__ import annotations

import copy
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest

import casegraph.export
from casegraph.errors import ExportError
from casegraph.export import FORMATS, check_data, export_data, sort_data
from tests.conftest import CORPUS
from tests.export.conftest import load_case


def _target(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("case_csv" if fmt == "csv" else f"case.{fmt}")


def _snapshot(paths: list[Path]) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in paths}


def test_fixture_spans_match_the_real_documents(case: dict[str, Any]) -> None:
    texts = {doc["id"]: (CORPUS / doc["path"]).read_text(encoding="utf-8") for doc in case["documents"]}
    spans = [m for e in case["entities"] for m in e["mentions"]]
    spans += [ev for name in ("relations", "quotes", "events") for r in case[name] for ev in r["evidence"]]
    spans += case["times"] + case["values"] + case["quotes"]
    assert len(spans) > 40
    for span in spans:
        assert texts[span["doc"]][span["start"] : span["end"]] == span["text"]


def test_fixture_documents_are_identified_by_their_sha256(case: dict[str, Any]) -> None:
    import hashlib

    for doc in case["documents"]:
        assert doc["id"] == doc["sha256"] == hashlib.sha256((CORPUS / doc["path"]).read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_data_writes_every_format(tmp_path: Path, fmt: str, case: dict[str, Any]) -> None:
    written = export_data(case, format=fmt, output=_target(tmp_path, fmt))
    assert written and all(path.is_file() and path.stat().st_size > 0 for path in written)
    assert not list(tmp_path.rglob("*.tmp"))


def test_export_data_rejects_an_unknown_format(tmp_path: Path, case: dict[str, Any]) -> None:
    with pytest.raises(ExportError, match="unknown export format 'gexf'.*json, ftm, graphml, csv"):
        export_data(case, format="gexf", output=tmp_path / "case.gexf")
    assert list(tmp_path.iterdir()) == []


def _shuffled_case(seed: int) -> dict[str, Any]:
    data = load_case()
    rng = random.Random(seed)
    for name in casegraph.export.LISTS:
        rng.shuffle(data[name])
    for entity in data["entities"]:
        rng.shuffle(entity["mentions"])
        rng.shuffle(entity["aliases"])
    for rel in data["relations"]:
        rng.shuffle(rel["evidence"])
    return data


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_byte_identical_across_runs_and_input_order(tmp_path: Path, fmt: str) -> None:
    runs = []
    for name, data in (("a", load_case()), ("b", load_case()), ("c", _shuffled_case(7))):
        (tmp_path / name).mkdir()
        runs.append(_snapshot(export_data(data, format=fmt, output=_target(tmp_path / name, fmt))))
    assert runs[0] == runs[1] == runs[2]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_names_a_missing_parent_folder(tmp_path: Path, fmt: str, case: dict[str, Any]) -> None:
    output = tmp_path / "missing" / ("out" if fmt == "csv" else "case.out")
    with pytest.raises(ExportError, match=r"missing.*does not exist; create it first"):
        export_data(case, format=fmt, output=output)
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("fmt", ["json", "ftm", "graphml"])
def test_export_refuses_a_folder_as_file_output(tmp_path: Path, fmt: str, case: dict[str, Any]) -> None:
    with pytest.raises(ExportError, match="is a folder; give a file path"):
        export_data(case, format=fmt, output=tmp_path)


def test_csv_export_refuses_a_file_as_folder_output(tmp_path: Path, case: dict[str, Any]) -> None:
    output = tmp_path / "case.csv"
    output.write_text("keep me")
    with pytest.raises(ExportError, match="is a file; give a folder path"):
        export_data(case, format="csv", output=output)
    assert output.read_text() == "keep me"


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_reports_an_unwritable_folder(fmt: str, case: dict[str, Any]) -> None:
    # /proc refuses new files even to root, so this is a real permission failure wherever tests run.
    with pytest.raises(ExportError, match=r"proc.*choose a writable output path"):
        export_data(case, format=fmt, output=Path("/proc") / ("out" if fmt == "csv" else "case.out"))


def test_export_reports_a_permission_error(
    tmp_path: Path, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def deny(**kwargs: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(kwargs["dir"]))

    monkeypatch.setattr(tempfile, "mkstemp", deny)
    with pytest.raises(ExportError, match=r"cannot write .*case\.json: Permission denied; choose a writable"):
        export_data(case, format="json", output=tmp_path / "case.json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_replace_leaves_old_files_and_no_temporary_file(
    tmp_path: Path, fmt: str, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _target(tmp_path, fmt)
    written = export_data(case, format=fmt, output=output)
    before = _snapshot(written)
    case["entities"][0]["name"] = "Changed Name"

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", dst)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left on device"):
        export_data(case, format=fmt, output=output)
    assert _snapshot(written) == before
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_failed_write_midway_leaves_no_file(
    tmp_path: Path, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(ExportError, match=r"cannot write .*case\.json: Input/output error"):
        export_data(case, format="json", output=tmp_path / "case.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unserialisable_value_raises_and_writes_nothing(
    tmp_path: Path, fmt: str, case: dict[str, Any]
) -> None:
    case["entities"][2]["aliases"] = {"IS", "ISIS"}  # a set, not a list
    with pytest.raises(ExportError, match=r"entities\[2\]\.aliases must be a list, got set"):
        export_data(case, format=fmt, output=_target(tmp_path, fmt))
    assert list(tmp_path.iterdir()) == []


def test_json_export_rejects_an_unserialisable_extra_field(tmp_path: Path, case: dict[str, Any]) -> None:
    # Fields outside casegraph/1 pass through to JSON unchecked, so json.dumps is the one to object.
    case["entities"][0]["score"] = object()
    with pytest.raises(ExportError, match="keep only JSON values"):
        export_data(case, format="json", output=tmp_path / "case.json")
    assert list(tmp_path.iterdir()) == []


def test_json_export_rejects_nan(tmp_path: Path, case: dict[str, Any]) -> None:
    case["events"][0]["counts"][0]["value"] = float("nan")
    with pytest.raises(ExportError, match="keep only JSON values"):
        export_data(case, format="json", output=tmp_path / "case.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="casegraph/0"), "format 'casegraph/0', expected 'casegraph/1'"),
        (
            lambda d: d["relations"][0].update(target="e-gone"),
            r"relations\[0\]\.target points to entity 'e-gone'",
        ),
        (lambda d: d["times"][0].update(doc="d-gone"), r"times\[0\]\.doc points to doc 'd-gone'"),
        (lambda d: d["quotes"][0].update(speaker="e-gone"), r"quotes\[0\]\.speaker points to entity"),
        (lambda d: d["events"][0]["participants"][0].update(entity="x"), r"participants\[0\]\.entity points"),
        (lambda d: d["entities"][1]["mentions"][0].pop("start"), r"mentions\[0\] has no 'start'"),
        (lambda d: d["entities"][1]["mentions"][0].update(start=True), r"start must be an integer, got bool"),
        (lambda d: d["documents"].append(copy.deepcopy(d["documents"][0])), "documents has id .* twice"),
        (lambda d: d["events"][0].update(date="2017-07-07"), r"events\[0\]\.date must be an object, got str"),
        (
            lambda d: d["events"][0]["participants"][1].update(text=23),
            r"participants\[1\]\.text must be a string",
        ),
        (
            lambda d: d["events"][0]["counts"][0].update(unit=["t"]),
            r"counts\[0\]\.unit must be a string, got list",
        ),
    ],
)
def test_check_data_rejects_malformed_data(change: Any, message: str, case: dict[str, Any]) -> None:
    change(case)
    with pytest.raises(ExportError, match=message):
        check_data(case)


def test_check_data_accepts_missing_lists_and_optional_fields(case: dict[str, Any]) -> None:
    del case["events"]
    for time in case["times"]:
        del time["end_value"], time["modifier"]
    check_data(case)
    assert sort_data(case)["events"] == []


def test_check_data_accepts_events_written_before_participant_words_and_units(case: dict[str, Any]) -> None:
    # casegraph/1 files exported before participants kept their words and counts their unit.
    [event] = case["events"]
    for part in event["participants"]:
        del part["text"]
    for count in event["counts"]:
        del count["unit"]
    check_data(case)
    assert sort_data(case)["events"][0]["participants"] == event["participants"]


def test_sort_data_orders_participants_by_role_entity_and_words(case: dict[str, Any]) -> None:
    [event] = case["events"]
    event["participants"] += [
        {"role": "target", "entity": None, "text": "a checkpoint"},
        {"role": "instrument", "entity": None, "text": "car bombs"},
    ]
    event["participants"].reverse()
    parts = sort_data(case)["events"][0]["participants"]
    assert [(p["role"], p["text"]) for p in parts] == [
        ("instrument", "car bombs"),
        ("perpetrator", "Islamic State"),
        ("target", "23 soldiers"),
        ("target", "a checkpoint"),
    ]


def test_sort_data_does_not_modify_its_input(case: dict[str, Any]) -> None:
    case["entities"].reverse()
    before = copy.deepcopy(case)
    sort_data(case)
    assert case == before


def test_format_modules_use_the_standard_library_json_and_csv() -> None:
    import csv
    import json

    import casegraph.export.csv as csv_export
    import casegraph.export.json as json_export

    assert vars(json_export)["json"] is json and vars(csv_export)["csv"] is csv
