"""The sample case against its answer key (examples/expected.json, written with the documents).

The floors are the quality the foundation promises a reader of the demo; docs/quality.md has the
measured numbers and what is still missed.
"""

from __future__ import annotations

from typing import Any

from tests.demo_key import score_entities, score_quotes, score_relations, score_times


def test_demo_key_people_organisations_and_places_are_found_and_merged(demo_store: Any) -> None:
    found, total, misses = score_entities(demo_store.data())
    assert found / total >= 0.85, misses


def test_demo_key_quotes_have_their_speakers(demo_store: Any) -> None:
    found, total, misses = score_quotes(demo_store.data())
    assert found / total >= 0.8, misses


def test_demo_key_times_are_normalised_against_the_document_date(demo_store: Any) -> None:
    found, total, misses = score_times(demo_store.data())
    assert found / total >= 0.8, misses


def test_demo_key_relations_are_found_with_their_evidence(demo_store: Any) -> None:
    found, total, misses = score_relations(demo_store.data())
    assert found / total >= 0.8, misses


def test_demo_key_relations_found_are_between_expected_people(demo_store: Any) -> None:
    data = demo_store.data()
    names = {e["id"]: e["name"] for e in data["entities"]}
    for rel in data["relations"]:
        assert rel["source"] != rel["target"]
        assert names[rel["source"]] and names[rel["target"]]
        assert all(ev["text"].strip() for ev in rel["evidence"])
