"""The documented Python API: casegraph.open(), Case.ingest/entities/entity/search/export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import casegraph
from casegraph.errors import NotFoundError, SettingsError
from tests.conftest import CORPUS

ARTICLE = CORPUS / "news" / "voa-terror-plot-mecca-grand-mosque.txt"


def test_open_ingest_entities_export(tmp_path: Path) -> None:
    with casegraph.open(tmp_path / "case.db") as case:
        report = case.ingest(ARTICLE, ref_date="2017-06-24")
        assert report.ok and len(report.ingested) == 1
        people = case.entities(type="person")
        assert people and all(e.type == "person" for e in people)
        assert all(len(a.mentions) >= len(b.mentions) for a, b in zip(people, people[1:], strict=False))
        written = case.export(tmp_path / "case.json", format="json")
    data = json.loads(written[0].read_text())
    assert {e["id"] for e in data["entities"]} >= {e.id for e in people}
    assert data["documents"][0]["date"] == "2017-06-24"


def test_entity_page_by_alias_and_by_id(tmp_path: Path) -> None:
    with casegraph.open(tmp_path / "case.db") as case:
        case.ingest(ARTICLE)
        mecca = case.entity("mecca")
        assert mecca["name"] == "Mecca" and mecca["type"] == "location"
        assert case.entity(mecca["id"])["id"] == mecca["id"]
        with pytest.raises(NotFoundError):
            case.entity("Atlantis Submarine Authority")


def test_search_returns_highlighted_hits(tmp_path: Path) -> None:
    with casegraph.open(tmp_path / "case.db") as case:
        case.ingest(ARTICLE)
        result = case.search("Grand Mosque")
    assert len(result.hits) == 1
    assert any(match for _, match in result.hits[0].snippet)


def test_ingest_refuses_a_bad_reference_date_before_touching_files(tmp_path: Path) -> None:
    with casegraph.open(tmp_path / "case.db") as case:
        with pytest.raises(SettingsError, match="YYYY-MM-DD"):
            case.ingest(ARTICLE, ref_date="next Tuesday")
        assert case.summary()["counts"]["documents"] == 0


def test_default_store_is_casegraph_db_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEGRAPH_DB", raising=False)
    with casegraph.open() as case:
        case.ingest(ARTICLE)
    assert (tmp_path / "casegraph.db").exists()
