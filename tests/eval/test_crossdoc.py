"""Cross-document evaluation: re-spelling rules on hand-checked names, and one run on real documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casegraph.cli import cli
from casegraph.errors import EvalError
from casegraph.eval import DATASETS
from casegraph.eval.crossdoc import (
    EXAMPLES,
    KINDS,
    VARIANTS,
    Original,
    acronym_of,
    add_diacritics,
    apply_edits,
    corpus_dir,
    cut_point,
    diacritics_map,
    evaluate_crossdoc,
    find_edits,
    move_span,
    prepare,
    split_paths,
    strip_diacritics,
    surname_of,
    translit_map,
    translit_word,
)
from casegraph.resolve.aliases import load_aliases
from tests.conftest import CORPUS, EVAL


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    """One run on the first three documents of the dev split."""
    return evaluate_crossdoc(split="dev", data_dir=EVAL, limit=3)


def test_strip_diacritics_folds_turkish_letters_only() -> None:
    assert strip_diacritics("İlhami Balı") == "Ilhami Bali"
    assert strip_diacritics("Suruç") == "Suruc"
    assert strip_diacritics("Recep Tayyip Erdoğan") == "Recep Tayyip Erdogan"
    assert strip_diacritics("Hendricks’") == "Hendricks’"  # punctuation is not a letter: kept


def test_add_diacritics_turns_the_first_letter_with_a_turkish_counterpart() -> None:
    assert add_diacritics("Idiz") == "İdiz"
    assert add_diacritics("Semih") == "Şemih"
    assert add_diacritics("Erdogan") == "Erdögan"
    assert add_diacritics("Akar") == "Akar"
    assert diacritics_map("Semih Idiz") == {"Semih": "Şemih", "Idiz": "İdiz"}
    assert diacritics_map("GPS al-Masafi Akar") == {}  # capitals, hyphens and no such letter: left


def test_surname_of_person_names() -> None:
    assert surname_of("Semih Idiz") == "Idiz"
    assert surname_of("Gen. Joseph Dunford") == "Dunford"
    assert surname_of("Allen, Phillip K") == "Allen"
    assert surname_of("Abu Bakr al-Baghdadi") == "al-Baghdadi"
    assert surname_of("Erdogan") is None
    assert surname_of("President Erdogan") is None  # a title and one name


def test_translit_word_table_first_then_a_doubled_letter() -> None:
    assert translit_word("Mohamed") == "Mohammed"
    assert translit_word("Abu") == "Abou"
    assert translit_word("Abaaoud") == "Abaoud"
    assert translit_word("Raqqa") == "Raqa"
    assert translit_word("Raqqa", doubled=False) is None
    assert translit_word("Ankara") is None
    assert translit_word("Allen") == "Alen"
    assert translit_word("Abba") is None  # too short to stay recognisable
    assert translit_map("Phillip K. Allen") == {"Allen": "Alen"}  # the last word first
    assert translit_map("Mohamed Morsi") == {"Mohamed": "Mohammed"}
    assert translit_map("Joseph Dunford") == {}


def test_acronym_of_prefers_the_documents_own_then_the_alias_table() -> None:
    table = load_aliases()
    own = Counter({"Syrian Democratic Forces": 3, "SDF": 2})
    assert acronym_of(own, "organization", table) == "SDF"
    assert acronym_of(Counter({"Kurdistan Workers Party": 1}), "organization", table) == "PKK"
    assert acronym_of(own, "person", table) is None
    assert acronym_of(Counter({"Enron": 2, "ENRON": 1}), "organization", table) is None


def test_cut_point_takes_the_paragraph_break_nearest_the_middle() -> None:
    text = "One.\n\nTwo two two.\n\nThree.\nFour four."
    cut = cut_point(text)
    assert cut == text.index("Three")
    assert cut_point("Title\nFirst line of the body.\nSecond line.") == len(
        "Title\nFirst line of the body.\n"
    )
    assert cut_point("no break at all") is None


def original(gid: str, type_: str, texts: dict[str, int], kind: str, new: str) -> Original:
    """An original entity whose variant writes every name as ``new``."""
    return Original(gid, type_, gid, max(texts, key=len), Counter(texts), [], kind, lambda _t: new)


def test_find_edits_rewrites_names_outside_other_mentions_and_moves_spans() -> None:
    text = "Semih Idiz spoke. Later Semih Idiz visited the Semih Idiz Center with Idiz."
    idiz = original("g1", "person", {"Semih Idiz": 2, "Idiz": 1}, "surname", "Idiz")
    center = original("g2", "facility", {"Semih Idiz Center": 1}, "unchanged", "Semih Idiz Center")
    center_span = (text.index("Semih Idiz Center"), text.index(" with"))
    spans = {(0, 10): "g1", center_span: "g2", (text.index("Idiz."), len(text) - 1): "g1"}
    edits = find_edits(text, {"g1": idiz, "g2": center}, spans)
    new = apply_edits(text, edits)
    assert new == "Idiz spoke. Later Idiz visited the Semih Idiz Center with Idiz."
    moved = move_span(center_span, edits)
    assert moved is not None and new[moved[0] : moved[1]] == "Semih Idiz Center"
    first = move_span((0, 10), edits)
    assert first is not None and new[first[0] : first[1]] == "Idiz"
    assert move_span((0, 5), edits) is None  # "Semih" alone: an edit cuts across it


def test_split_paths_halves_every_kind_without_overlap() -> None:
    dev, test = split_paths("dev", CORPUS), split_paths("test", CORPUS)
    assert not set(dev) & set(test)
    for kind in KINDS:
        files = [p for p in (CORPUS / kind).iterdir() if p.suffix != ".md"]
        in_dev = [p for p in dev if p.parent.name == kind]
        in_test = [p for p in test if p.parent.name == kind]
        assert len(in_dev) + len(in_test) == len(files)
        assert abs(len(in_dev) - len(in_test)) <= 1
    assert split_paths("dev", CORPUS) == dev  # deterministic


def test_corpus_dir_missing_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match=str(tmp_path.parent / "corpus")):
        corpus_dir(tmp_path)
    assert corpus_dir(EVAL).samefile(CORPUS)


def test_evaluate_crossdoc_refuses_bad_arguments() -> None:
    with pytest.raises(EvalError, match="split"):
        evaluate_crossdoc(split="train", data_dir=EVAL, limit=1)
    with pytest.raises(EvalError, match="limit"):
        evaluate_crossdoc(split="dev", data_dir=EVAL, limit=0)
    assert DATASETS["crossdoc"] is evaluate_crossdoc


def test_prepare_places_every_mention_on_its_text(tmp_path: Path) -> None:
    plans, exts, skipped = prepare(split_paths("dev", CORPUS), CORPUS, tmp_path, limit=1)
    assert len(plans) == len(exts) == 1 and not skipped
    plan, text = plans[0], exts[0].doc.text
    assert plan.parts[0] == text[: len(plan.parts[0])]
    assert plan.parts[1] != text[len(plan.parts[0]) :]  # part B was re-spelled
    for (part, start, end), gid in plan.spans.items():
        orig = plan.originals[gid]
        written = {" ".join(t.split()) for t in orig.texts}
        if part == 1:
            written |= {orig.change(t) for t in written}
        assert " ".join(plan.parts[part][start:end].split()) in written


def test_evaluate_crossdoc_scores_casegraph_beside_the_baseline(result: dict[str, Any]) -> None:
    assert result["documents"] == 3 and result["split"] == "dev"
    for row in (result, result["baseline"]):
        assert set(row["per_variant"]) == set(VARIANTS)
        assert row["support"] == sum(v["support"] for v in row["per_variant"].values())
        assert row["correct"] <= min(row["merges"], row["support"])
        assert 0 <= row["precision"] <= 100 and 0 <= row["recall"] <= 100
    assert result["pairs"] == {
        "gold": result["support"],
        "merges": result["merges"],
        "correct": result["correct"],
    }
    assert result["mentions"]["aligned"] <= result["mentions"]["placed"] <= result["mentions"]["original"]
    assert len(result["false_merges"]) == min(result["cross_document"]["false"], EXAMPLES)


def test_evaluate_crossdoc_casegraph_beats_exact_keys_on_respelled_names(result: dict[str, Any]) -> None:
    ours, base = result["per_variant"], result["baseline"]["per_variant"]
    assert ours["surname"]["support"] > 0
    assert ours["surname"]["recall"] > base["surname"]["recall"]
    assert ours["diacritics"]["recall"] >= base["diacritics"]["recall"]
    assert result["recall"] > result["baseline"]["recall"]


def test_eval_command_prints_crossdoc_scores() -> None:
    run = CliRunner().invoke(cli, ["eval", "crossdoc", "--split", "dev", "--limit", "1", "--data", str(EVAL)])
    assert run.exit_code == 0, run.output
    assert "crossdoc dev: F1" in run.output
