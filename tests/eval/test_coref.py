"""WikiEvents in-document coreference: reading the real dev split, clustering, scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casegraph.cli import cli
from casegraph.errors import EvalError
from casegraph.eval import DATASETS
from casegraph.eval.coref import (
    build_document,
    casegraph_clusters,
    evaluate_wikievents_coref,
    named_mentions,
    read_split,
    rebuild_text,
    restrict,
    same_string_clusters,
    score_clusterings,
)
from tests.conftest import EVAL

WIKIEVENTS = EVAL / "wikievents"


def sentence(text: str, start: int) -> list[Any]:
    """A WikiEvents sentence: [[token, start, end], ...] with offsets from ``start``, and its text."""
    tokens, pos = [], 0
    for word in text.split(" "):
        tokens.append([word, start + pos, start + pos + len(word)])
        pos += len(word) + 1
    return [tokens, text]


def mention(mid: str, sent: int, start: int, end: int, kind: str, text: str) -> dict[str, Any]:
    return {"id": mid, "sent_idx": sent, "start": start, "end": end, "entity_type": kind, "text": text}


# Two sentences whose token offsets leave 3 characters between them, as the real files do.
RAW = {
    "doc_id": "tiny",
    "sentences": [
        sentence("Kurdistan Workers Party ( PKK ) fighters attacked Cizre .", 0),
        sentence("He said PKK and President Erdogan met in the US .", 60),
    ],
    "entity_mentions": [
        mention("T1", 0, 0, 3, "ORG", "Kurdistan Workers Party"),
        mention("T2", 0, 6, 7, "PER", "fighters"),
        mention("T3", 0, 8, 9, "GPE", "Cizre"),
        mention("T4", 1, 10, 11, "PER", "He"),
        mention("T5", 1, 12, 13, "ORG", "PKK"),
        mention("T6", 1, 14, 15, "PER", "President"),
        mention("T7", 1, 15, 16, "PER", "Erdogan"),
        mention("T8", 1, 19, 20, "GPE", "US"),
    ],
}
CLUSTERS = [["T1", "T5"], ["T6", "T7", "T4"]]


@pytest.fixture(scope="module")
def dev() -> list[Any]:
    """The first three documents of the real WikiEvents dev split."""
    return read_split("dev", EVAL, limit=3)


def test_rebuild_text_joins_sentences_and_shifts_offsets() -> None:
    text, tokens, sentences = rebuild_text(RAW["sentences"])
    assert text.split("\n")[1] == "He said PKK and President Erdogan met in the US ."
    first_of_second = len(RAW["sentences"][0][1]) + 1
    assert sentences[1] == (first_of_second, len(text))
    assert tokens[10] == (first_of_second, first_of_second + 2)  # "He", though its file offset is 60
    assert all(
        text[s:e] == word
        for (s, e), (word, _, _) in zip(
            tokens, [*RAW["sentences"][0][0], *RAW["sentences"][1][0]], strict=True
        )
    )


def test_build_document_maps_types_and_gold_singletons() -> None:
    cdoc = build_document(RAW, CLUSTERS, split="dev")
    by_text = {m.text: m for m in cdoc.mentions}
    assert [by_text[t].type for t in ("Kurdistan Workers Party", "fighters", "Cizre", "US")] == [
        "organization",
        "person",
        "location",
        "location",
    ]
    assert by_text["Erdogan"].label == "PERSON" and by_text["PKK"].label == "ORG"
    # 8 mentions: two gold clusters (2 + 3) and the three unclustered mentions as singletons.
    assert sorted(len(c) for c in cdoc.clusters) == [1, 1, 1, 2, 3]
    assert {by_text["fighters"].id} in cdoc.clusters


def test_build_document_refuses_mention_text_that_does_not_match() -> None:
    raw = {**RAW, "entity_mentions": [mention("T1", 0, 0, 2, "ORG", "Kurdistan Workers Party")]}
    with pytest.raises(EvalError, match="mention T1 reads 'Kurdistan Workers'"):
        build_document(raw, [], split="dev")


def test_build_document_refuses_cluster_with_unknown_mention() -> None:
    with pytest.raises(EvalError, match="names mention T99"):
        build_document(RAW, [["T1", "T99"]], split="dev")


def test_named_mentions_keeps_names_not_pronouns_nominals_or_titles(nlp: Any) -> None:
    cdoc = build_document(RAW, CLUSTERS, split="dev")
    named = named_mentions(cdoc.mentions, nlp(cdoc.doc.text))
    texts = {m.text for m in cdoc.mentions if m.id in named}
    assert {"Kurdistan Workers Party", "PKK", "Erdogan", "US", "Cizre"} <= texts
    assert not texts & {"He", "fighters", "President"}


def test_casegraph_clusters_link_through_added_acronym_and_drop_it(nlp: Any) -> None:
    # The "(PKK)" in the first sentence is no gold mention: the resolver adds it as the acronym of
    # "Kurdistan Workers Party" and links the later "PKK" to it; the gold pair must stay together.
    cdoc = build_document(RAW, CLUSTERS, split="dev")
    clusters = casegraph_clusters(cdoc.mentions, cdoc.doc, nlp(cdoc.doc.text))
    by_text = {m.text: m.id for m in cdoc.mentions}
    assert {by_text["Kurdistan Workers Party"], by_text["PKK"]} in clusters
    assert sorted(i for c in clusters for i in c) == sorted(m.id for m in cdoc.mentions)


def test_same_string_clusters_join_equal_keys() -> None:
    cdoc = build_document(RAW, CLUSTERS, split="dev")
    extra = build_document(
        {**RAW, "entity_mentions": [*RAW["entity_mentions"], mention("T9", 0, 4, 5, "ORG", "PKK")]},
        CLUSTERS,
        split="dev",
    )
    assert len(same_string_clusters(cdoc.mentions)) == len(cdoc.mentions)
    pkk = {m.id for m in extra.mentions if m.text == "PKK"}
    assert pkk in same_string_clusters(extra.mentions)


def test_read_split_real_dev_offsets_and_clusters(dev: list[Any]) -> None:
    assert [d.doc.title for d in dev] == [
        "wikievents/dev/road_ied_8",
        "wikievents/dev/scenario_en_62",
        "wikievents/dev/scenario_en_kairos_60",
    ]
    for cdoc in dev:
        for m in cdoc.mentions:
            assert cdoc.doc.text[m.start : m.end] == m.text
            assert cdoc.doc.text[m.sent_start : m.sent_end].find(m.text) >= 0
        members = [i for c in cdoc.clusters for i in c]
        assert sorted(members) == sorted(m.id for m in cdoc.mentions)  # a partition of the mentions


def test_score_clusterings_perfect_response_scores_100(dev: list[Any]) -> None:
    scores = score_clusterings((d.clusters, d.clusters) for d in dev)
    assert scores["conll_f1"] == 100.0
    assert all(scores[m][k] == 100.0 for m in ("muc", "b3", "ceafe") for k in ("precision", "recall"))


def test_evaluate_wikievents_coref_real_dev(dev: list[Any]) -> None:
    result = evaluate_wikievents_coref(split="dev", data_dir=EVAL, limit=3)
    assert result["documents"] == 3
    assert result["mentions"] == sum(len(d.mentions) for d in dev)
    assert 0 < result["names_only"]["mentions"] < result["mentions"]
    for view in (result, result["names_only"]):
        for system in ("casegraph", "baseline"):
            row = view[system]
            assert all(
                0 <= row[m][k] <= 100 for m in ("muc", "b3", "ceafe") for k in ("precision", "recall", "f1")
            )
            mean = (row["muc"]["f1"] + row["b3"]["f1"] + row["ceafe"]["f1"]) / 3
            assert row["conll_f1"] == pytest.approx(mean, abs=0.01)
    assert result["muc_f1"] == result["casegraph"]["muc"]["f1"]
    assert result["conll_f1"] == result["casegraph"]["conll_f1"]
    # Leaving every named mention alone links nothing (MUC 0) and B³ precision perfect; casegraph's
    # links must find real coreference: a positive MUC F1 and a better B³ F1 than that.
    alone = score_clusterings(
        (restrict(d.clusters, d.named), [{m.id} for m in d.mentions if m.id in d.named]) for d in dev
    )
    names = result["names_only"]["casegraph"]
    assert alone["muc"]["f1"] == 0.0
    assert names["muc"]["f1"] > 0.0
    assert names["b3"]["f1"] > alone["b3"]["f1"]


def test_evaluate_wikievents_coref_registered_and_checks_arguments(tmp_path: Path) -> None:
    assert DATASETS["wikievents-coref"] is evaluate_wikievents_coref
    with pytest.raises(EvalError, match="unknown WikiEvents split 'train'"):
        evaluate_wikievents_coref(split="train", data_dir=EVAL)
    with pytest.raises(EvalError, match="pass --data"):
        evaluate_wikievents_coref(split="dev", data_dir=tmp_path)
    with pytest.raises(EvalError, match="positive number"):
        evaluate_wikievents_coref(split="dev", data_dir=EVAL, limit=0)


def test_cli_eval_wikievents_coref_prints_both_systems() -> None:
    result = CliRunner().invoke(cli, ["eval", "wikievents-coref", "--limit", "1", "--data", str(EVAL)])
    assert result.exit_code == 0, result.output
    assert "wikievents-coref dev: 1 documents" in result.output
    assert "casegraph" in result.output and "same string" in result.output
    assert "names only" in result.output


def test_build_document_refuses_two_mentions_on_one_span() -> None:
    raw = {**RAW, "entity_mentions": [*RAW["entity_mentions"], mention("T9", 0, 8, 9, "LOC", "Cizre")]}
    with pytest.raises(EvalError, match="mention T9 repeats the span"):
        build_document(raw, CLUSTERS, split="dev")
