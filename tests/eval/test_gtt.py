"""GTT's template-filling metric: hand-checked cases, and the released GTT predictions (F1 50.23)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casegraph.eval.gtt import clean_gold, mappings, normalise, score_document, score_templates
from tests.conftest import EVAL as EVAL_DIR


def template(kind: str = "attack", **roles: list[list[str]]) -> dict[str, object]:
    base: dict[str, object] = {r: [] for r in ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")}
    base.update(roles)
    base["incident_type"] = kind
    return base


def test_normalise_drops_case_punctuation_articles() -> None:
    assert normalise("The Shining-Path's  Members") == "shiningpaths members"
    assert normalise("a bomb") == "bomb"
    assert normalise("an  attack on the embassy") == "attack on embassy"


def test_mappings_are_one_to_one_in_product_order() -> None:
    # itertools.product([0, 1, -1], repeat=2) filtered to one-to-one maps, in that order.
    assert list(mappings(2, 2)) == [(0, 1), (0, -1), (1, 0), (1, -1), (-1, 0), (-1, 1), (-1, -1)]
    assert list(mappings(0, 3)) == [()]
    assert list(mappings(1, 0)) == [(-1,)]


def test_score_perfect_template() -> None:
    gold = [
        template(
            "bombing", PerpOrg=[["fmln", "farabundo marti national liberation front"]], Weapon=[["bomb"]]
        )
    ]
    pred = [template("bombing", PerpOrg=[["FMLN"]], Weapon=[["a bomb"]])]
    result = score_templates({"d": pred}, {"d": gold})
    assert (result["precision"], result["recall"], result["f1"]) == (100.0, 100.0, 100.0)
    assert result["counts"]["gold"] == 3  # incident type + 2 fillers


def test_score_hand_counted_document() -> None:
    # Gold: attack (PerpInd: guerrillas; Victim: two people) and kidnapping (Victim: mayor).
    gold = [
        template("attack", PerpInd=[["guerrillas", "rebels"]], Victim=[["peasants"], ["teacher"]]),
        template("kidnapping", Victim=[["mayor"]]),
    ]
    # Prediction: one attack with one right and one wrong victim, a wrong perpetrator,
    # and a bombing that aligns with nothing.
    pred = [
        template("attack", PerpInd=[["soldiers"]], Victim=[["peasants"], ["priest"]]),
        template("bombing", Weapon=[["dynamite"]]),
    ]
    result = score_templates({"d": pred}, {"d": gold})
    # Precision: incident 1 of 2, PerpInd 0/1, Victim 1/2, Weapon 0/1 -> 2 of 6.
    # Recall: incident 1 of 2, PerpInd 0/1, Victim 1/2 + kidnapping victim 0/1 -> 2 of 6.
    assert result["counts"]["predicted"] == 6 and result["counts"]["gold"] == 6
    assert result["precision"] == pytest.approx(33.33) and result["recall"] == pytest.approx(33.33)
    assert result["per_role"]["Victim"]["f1"] == pytest.approx(40.0)  # P 1/2, R 1/3


def test_incident_type_must_be_part_of_gold_type() -> None:
    gold = [template("attack / bombing", Weapon=[["bomb"]])]
    assert score_templates({"d": [template("bombing", Weapon=[["bomb"]])]}, {"d": gold})["f1"] == 100.0
    assert score_templates({"d": [template("kidnapping", Weapon=[["bomb"]])]}, {"d": gold})["f1"] == 0.0


def test_entity_matches_only_when_every_mention_is_gold() -> None:
    gold = clean_gold([template(PerpOrg=[["shining path", "sendero luminoso"]])])
    assert score_document([template(PerpOrg=[["shining path", "sendero luminoso"]])], gold).f1() == 1.0
    mixed = score_document([template(PerpOrg=[["shining path", "army"]])], gold)
    assert mixed.roles["PerpOrg"].p_num == 0


def test_best_alignment_is_chosen() -> None:
    gold = [template("attack", Victim=[["mayor"]]), template("attack", Victim=[["judge"]])]
    pred = [template("attack", Victim=[["judge"]])]
    tally = score_document(pred, clean_gold(gold))
    assert tally.roles["Victim"].p_num == 1  # aligned with the second gold template, not the first


def test_gold_duplicates_and_empty_entities_are_dropped() -> None:
    gold = [template(PerpInd=[[], ["men"]]), template(PerpInd=[[], ["men"]])]
    assert clean_gold(gold) == [template(PerpInd=[["men"]])]


def test_document_without_prediction_counts_as_missed() -> None:
    result = score_templates({}, {"d": [template(Victim=[["mayor"]])]})
    assert result["recall"] == 0.0 and result["counts"]["gold"] == 2


@pytest.mark.slow
def test_gtt_released_predictions_score_50_23() -> None:
    """The released GTT predictions on MUC-4 test, scored as GTT's eval.py scores them (F1 50.23)."""
    from casegraph.eval.muc4 import read_reference, read_split

    folder = EVAL_DIR / "muc4"
    docs = read_split("test", EVAL_DIR)
    preds = read_reference(folder / "reference_predictions" / "gtt_preds_gtt.out")
    result = score_templates(preds, {d.gtt_id: d.templates for d in docs})
    assert result["f1"] == pytest.approx(50.23, abs=0.1)
    assert (result["precision"], result["recall"]) == (
        pytest.approx(61.69, abs=0.01),
        pytest.approx(42.36, abs=0.01),
    )
    per_role = {k: v["f1"] for k, v in result["per_role"].items()}
    assert per_role == pytest.approx(
        {
            "incident_type": 67.44,
            "PerpInd": 44.04,
            "PerpOrg": 41.79,
            "Target": 32.39,
            "Victim": 54.12,
            "Weapon": 59.71,
        },
        abs=0.01,
    )


def test_read_reference_refuses_other_files(tmp_path: Path) -> None:
    from casegraph.errors import EvalError
    from casegraph.eval.muc4 import read_reference

    bad = tmp_path / "preds.json"
    bad.write_text(json.dumps({"30001": {"templates": []}}))
    with pytest.raises(EvalError, match="not a GTT prediction file"):
        read_reference(bad)
    with pytest.raises(EvalError, match="cannot read"):
        read_reference(tmp_path / "missing.json")
