"""CSV export: a folder of UTF-8 CSV files, read back with csv.DictReader."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from casegraph.export import write_csv
from casegraph.export.csv import COLUMNS
from tests.conftest import CORPUS


def _read(tmp_path: Path, data: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    written = write_csv(data, tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(f"{name}.csv" for name in COLUMNS)
    tables = {}
    for path in written:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == COLUMNS[path.stem]
            tables[path.stem] = list(reader)
    return tables


def test_write_csv_creates_the_folder_and_writes_plain_utf8(tmp_path: Path, case: dict[str, Any]) -> None:
    written = write_csv(case, tmp_path / "out")
    assert (tmp_path / "out").is_dir() and all(p.parent == tmp_path / "out" for p in written)
    raw = (tmp_path / "out" / "relations.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.startswith(b"id,type,source,")
    assert "the Kaaba — the black cube".encode() in raw


def test_write_csv_round_trips_documents_times_and_values(tmp_path: Path, case: dict[str, Any]) -> None:
    tables = _read(tmp_path, case)
    for name in ("documents", "times", "values"):
        expected = [
            {key: "" if rec.get(key) is None else str(rec[key]) for key in COLUMNS[name]}
            for rec in case[name]
        ]
        assert tables[name] == expected


def test_write_csv_entities_join_aliases_and_count_mentions(tmp_path: Path, case: dict[str, Any]) -> None:
    rows = {row["name"]: row for row in _read(tmp_path, case)["entities"]}
    assert len(rows) == len(case["entities"])
    assert rows["Islamic State"]["aliases"] == "IS; Islamic State group"
    assert rows["Islamic State"]["reasons"] == "acronym; same_name"
    assert (rows["Islamic State"]["mention_count"], rows["Islamic State"]["doc_count"]) == ("5", "2")
    assert rows["Bahram Ghasemi"]["aliases"] == ""


def test_write_csv_mentions_point_into_the_documents(tmp_path: Path, case: dict[str, Any]) -> None:
    paths = {doc["id"]: CORPUS / doc["path"] for doc in case["documents"]}
    texts = {doc: path.read_text(encoding="utf-8") for doc, path in paths.items()}
    rows = _read(tmp_path, case)["mentions"]
    assert len(rows) == sum(len(e["mentions"]) for e in case["entities"])
    names = {e["id"]: e["name"] for e in case["entities"]}
    for row in rows:
        assert texts[row["doc"]][int(row["start"]) : int(row["end"])] == row["text"]
        assert row["entity_name"] == names[row["entity"]]


def test_write_csv_relations_have_one_row_per_evidence(tmp_path: Path, case: dict[str, Any]) -> None:
    rows = _read(tmp_path, case)["relations"]
    assert len(rows) == sum(len(rel["evidence"]) for rel in case["relations"])
    located = [row for row in rows if row["type"] == "located_in"]
    assert [(row["source_name"], row["target_name"]) for row in located] == [("Grand Mosque", "Mecca")] * 2
    assert located[0]["text"].startswith("Authorities in Saudi Arabia")
    assert located[1]["text"].startswith("The Grand Mosque in Mecca, the largest")
    assert int(located[0]["start"]) < int(located[1]["start"])


def test_write_csv_relation_without_evidence_keeps_one_row(tmp_path: Path, case: dict[str, Any]) -> None:
    case["relations"] = [{**case["relations"][0], "evidence": []}]
    [row] = _read(tmp_path, case)["relations"]
    assert row["id"] == case["relations"][0]["id"] and row["doc"] == row["text"] == ""


def test_write_csv_quotes_keep_words_speaker_and_evidence(tmp_path: Path, case: dict[str, Any]) -> None:
    rows = {row["speaker_text"]: row for row in _read(tmp_path, case)["quotes"]}
    assert rows["Egyptian officials"]["speaker"] == rows["Egyptian officials"]["speaker_name"] == ""
    ghasemi = rows["Bahram Ghasemi"]
    assert ghasemi["speaker_name"] == "Bahram Ghasemi"
    assert ghasemi["quote"] == "terrorism is rampant and growing now across the whole world."
    assert (
        ghasemi["text"].startswith("Both Iran and Lebanon's Hezbollah")
        and ghasemi["quote"] in ghasemi["text"]
    )


def test_write_csv_events_flatten_participants_and_counts(tmp_path: Path, case: dict[str, Any]) -> None:
    [row] = _read(tmp_path, case)["events"]
    isis = next(e["id"] for e in case["entities"] if e["name"] == "Islamic State")
    assert (row["type"], row["date_text"], row["date_value"]) == ("attack", "late Friday", "2017-07-07")
    assert row["place_name"] == "Sinai Peninsula"
    # An entity by its id, a participant that names none by its words.
    assert row["participants"] == f"perpetrator={isis}; target=23 soldiers"
    assert row["counts"] == "at least 23 killed"


def test_write_csv_events_write_amounts_with_their_unit(tmp_path: Path, case: dict[str, Any]) -> None:
    [event] = case["events"]
    event["counts"].append({"what": "explosives", "value": 1.5, "qualifier": "about", "unit": "tonnes"})
    event["participants"][1]["text"] = ""  # words not stored: nothing after "="
    [row] = _read(tmp_path, case)["events"]
    assert row["counts"] == "about 1.5 tonnes of explosives; at least 23 killed"
    assert row["participants"].endswith("; target=")


def test_write_csv_quotes_text_with_commas_quotes_and_newlines(tmp_path: Path, case: dict[str, Any]) -> None:
    case["entities"][0]["name"] = 'Al "Arabiya",\nTelevision'
    rows = _read(tmp_path, case)["entities"]
    assert rows[0]["name"] == 'Al "Arabiya",\nTelevision'
