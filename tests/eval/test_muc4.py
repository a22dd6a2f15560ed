"""MUC-4: datelines, answer-key dates, the GTT split, casegraph's events read as templates, date scoring."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from casegraph.errors import EvalError
from casegraph.eval.muc4 import (
    ROLE_CONFIDENCE,
    KeyDate,
    MucDoc,
    datelines,
    key_interval,
    key_templates,
    read_key_dates,
    read_split,
    score_dates,
    templates_from,
    to_document,
)
from casegraph.model import Document, Event, Extraction, Participant, TimeExpr
from tests.conftest import EVAL

MUC = EVAL / "muc4"
RAW = MUC / "raw_muc34_tst"

SMALL_RAW = """TST3-MUC4-0001

   SAN SALVADOR, 12 JAN 90 (RADIO CADENA YSU) -- [TEXT] THE FMLN ATTACKED A
MILITARY POST IN SAN MIGUEL, 11 JAN 90, ACCORDING TO THE ARMED FORCES.

TST3-MUC4-0002

   LIMA, NO DATE (EFE) -- [TEXT] THE POLICE REPORTED THAT A BOMB EXPLODED.

TST3-MUC4-0003

   MEXICO CITY (MEXICO), 6 JUN 90 (NOTIMEX) -- [TEXT] A CANDIDATE SAID THAT
"""


# --- datelines ----------------------------------------------------------------------------------


def test_datelines_of_a_small_raw_file() -> None:
    assert datelines(SMALL_RAW) == {
        "TST3-MUC4-0001": "1990-01-12",  # not the 11 JAN 90 of the text
        "TST3-MUC4-0002": None,
        "TST3-MUC4-0003": "1990-06-06",
    }


def test_datelines_impossible_day_is_none() -> None:
    assert datelines("TST1-MUC3-0007\n\n   BOGOTA, 31 FEB 90 (EFE) -- [TEXT] X\n") == {"TST1-MUC3-0007": None}


def test_datelines_of_a_dev_file_with_a_site_after_the_id() -> None:
    raw = "DEV-MUC3-0001 (NOSC)\n\n   SAN SALVADOR, 3 JAN 90 -- [REPORT] [TEXT] THE ARCE BATTALION\n"
    assert datelines(raw) == {"DEV-MUC3-0001": "1990-01-03"}


def test_datelines_of_the_real_tst3_file() -> None:
    raw = (RAW / "tst3-muc4").read_text(encoding="latin-1")
    found = datelines(raw)
    assert len(found) == 100
    # Read in the file: TST3-MUC4-0001 "SAN SALVADOR, NO DATE (RADIO CADENA YSU) --",
    # TST3-MUC4-0002 "SAN SALVADOR, 10 JAN 90 --", TST3-MUC4-0005 "MEXICO CITY (MEXICO), 12 JAN 90 (DPA) --".
    assert found["TST3-MUC4-0001"] is None
    assert found["TST3-MUC4-0002"] == "1990-01-10"
    assert found["TST3-MUC4-0005"] == "1990-01-12"
    # Every document without a date says NO DATE on the line after its id.
    lines = raw.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("TST3-MUC4-"):
            dateline = next(ln for ln in lines[i + 1 :] if ln.strip())
            assert (found[line.strip()] is None) == ("NO DATE" in dateline), dateline


# --- answer keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 NOV 89", (date(1989, 11, 16), date(1989, 11, 16))),
        ("- 13 NOV 89", (date.min, date(1989, 11, 13))),
        ("10 NOV 89 - 12 NOV 89", (date(1989, 11, 10), date(1989, 11, 12))),
        ("12 NOV 89 - 10 NOV 89", (date(1989, 11, 10), date(1989, 11, 12))),
        ("*", None),
        ("-", None),
        ("", None),
        ("31 FEB 90", None),
    ],
)
def test_key_interval(text: str, expected: tuple[date, date] | None) -> None:
    assert key_interval(text) == expected


def test_key_interval_alternative_on_or_before() -> None:
    # TST3-MUC4-0018: "(- 25 MAY 89) / (25 MAY 89)": any day up to 25 May 1989.
    assert key_interval("(- 25 MAY 89) / (25 MAY 89)") == (date.min, date(1989, 5, 25))


def test_key_templates_of_the_real_tst3_key() -> None:
    raw = (RAW / "key-tst3.v2").read_text(encoding="latin-1")
    found = list(key_templates(raw))
    assert len(found) == raw.count("MESSAGE: ID")
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for docid, kind, when in found:
        by_doc.setdefault(docid, []).append((kind, when))
    # Read in the key file.
    assert by_doc["TST3-MUC4-0001"] == [("attack", "-")]
    assert by_doc["TST3-MUC4-0002"] == [("attack", "16 NOV 89")]
    assert by_doc["TST3-MUC4-0003"] == [("attack", "09 JAN 90")]
    assert by_doc["TST3-MUC4-0004"] == [("*", "*")]
    assert by_doc["TST3-MUC4-0005"] == [("kidnapping", "12 JAN 90")]


def test_read_key_dates_of_the_test_split() -> None:
    keys = read_key_dates(MUC, "test")
    nov16 = date(1989, 11, 16)
    assert keys["TST3-MUC4-0002"] == [KeyDate("attack", nov16, nov16)]
    assert keys["TST3-MUC4-0005"] == [KeyDate("kidnapping", date(1990, 1, 12), date(1990, 1, 12))]
    assert "TST3-MUC4-0001" not in keys  # INCIDENT: DATE "-"
    assert "TST3-MUC4-0004" not in keys  # no template ("*")
    # SOURCE.md: TST3+TST4 have 205 dated templates.
    assert sum(len(v) for v in keys.values()) == 205


def test_read_key_dates_train_has_no_keys() -> None:
    assert read_key_dates(MUC, "train") == {}


def test_read_key_dates_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="key-tst3.v2 not found"):
        read_key_dates(tmp_path, "test")


# --- the GTT split ------------------------------------------------------------------------------


def test_read_split_test_has_200_documents_with_datelines() -> None:
    docs = read_split("test", EVAL)
    assert len(docs) == 200
    by_id = {d.docid: d for d in docs}
    assert by_id["TST3-MUC4-0002"].date == "1990-01-10"
    assert by_id["TST3-MUC4-0001"].date is None  # NO DATE
    assert by_id["TST3-MUC4-0001"].gtt_id == "30001"
    assert by_id["TST4-MUC4-0100"].gtt_id == "40100"
    # gtt_processed/test.json: the mention strings of each entity, offsets dropped.
    assert by_id["TST3-MUC4-0002"].templates == [
        {
            "incident_type": "attack",
            "PerpInd": [["military", "some military", "military suspects", "armed forces members"]],
            "PerpOrg": [["armed forces"]],
            "Target": [],
            "Victim": [],
            "Weapon": [],
        }
    ]
    assert by_id["TST3-MUC4-0002"].text.startswith("those accused of the assassination of six jesuits")


def test_read_split_limit() -> None:
    docs = read_split("dev", EVAL, limit=2)
    assert [d.docid for d in docs] == ["TST1-MUC3-0001", "TST1-MUC3-0002"]


def test_read_split_train_documents_are_dated() -> None:
    (doc,) = read_split("train", EVAL, limit=1)
    # raw_muc34_dev/dev-muc3-0001-0100: "DEV-MUC3-0001 (NOSC)" then "SAN SALVADOR, 3 JAN 90 --".
    assert (doc.docid, doc.date) == ("DEV-MUC3-0001", "1990-01-03")


def test_read_split_unknown_split() -> None:
    with pytest.raises(EvalError, match="unknown MUC-4 split 'validation'"):
        read_split("validation", EVAL)


def test_read_split_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="gtt_processed/ not found.*--data"):
        read_split("dev", tmp_path)


def test_read_split_malformed_json(tmp_path: Path) -> None:
    (tmp_path / "gtt_processed").mkdir()
    (tmp_path / "gtt_processed" / "dev.json").write_text('{"docid": "TST1-MUC3-0001"\n', encoding="utf-8")
    with pytest.raises(EvalError, match="not JSON"):
        read_split("dev", tmp_path)


def test_gtt_id_of_other_documents_is_the_docid() -> None:
    assert MucDoc("TST1-MUC3-0042", "", []).gtt_id == "10042"
    assert MucDoc("DEV-MUC3-0001", "", []).gtt_id == "DEV-MUC3-0001"


def test_to_document_dates_by_the_dateline() -> None:
    dated = to_document(MucDoc("TST3-MUC4-0002", "text", [], date="1990-01-10"))
    assert (dated.date, dated.date_source, dated.text) == ("1990-01-10", "dateline", "text")
    assert to_document(MucDoc("TST3-MUC4-0001", "text", [])).date_source == "none"


# --- templates from casegraph's events ----------------------------------------------------------


def part(role: str, text: str, confidence: float = 1.0) -> Participant:
    return Participant(role=role, mention=None, text=text, confidence=confidence)


def event(etype: str, start: int, *parts: Participant, when: str | None = None) -> Event:
    return Event(
        id=f"e{start}",
        doc="d",
        type=etype,
        trigger_start=start,
        trigger_end=start + 4,
        start=0,
        end=500,
        date=when,
        participants=list(parts),
    )


def extraction(*events: Event, times: list[TimeExpr] | None = None) -> Extraction:
    doc = Document(id="d", path="d", title="d", text=" " * 500)
    return Extraction(doc=doc, version="test", events=list(events), times=times or [])


def template(kind: str, **roles: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"incident_type": kind}
    out.update(
        {r: [[t] for t in roles.get(r, [])] for r in ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")}
    )
    return out


def test_templates_from_fills_slots_by_role_and_confidence() -> None:
    below = ROLE_CONFIDENCE["Victim"] - 0.01
    attack = event(
        "attack",
        10,
        part("attacker", "urban guerrillas", 0.9),
        part("perpetrator", "FMLN", 0.8),
        part("target", "the embassy", ROLE_CONFIDENCE["Target"]),  # exactly the threshold: kept
        part("victim", "two  guards", 0.95),  # spaces collapsed
        part("victim", "a priest", below),  # too unsure
        part("instrument", "rifles", 1.0),
        part("place", "San Salvador", 1.0),  # no MUC-4 slot
    )
    assert templates_from(extraction(attack)) == [
        (
            template(
                "attack",
                PerpInd=["urban guerrillas"],
                PerpOrg=["FMLN"],
                Target=["the embassy"],
                Victim=["two guards"],
                Weapon=["rifles"],
            ),
            None,
        )
    ]


def test_templates_from_death_after_an_attack_adds_its_victim() -> None:
    found = templates_from(
        extraction(
            event("attack", 10, part("attacker", "gunmen")),
            event("death", 40, part("victim", "the mayor")),
            event("claim", 80, part("perpetrator", "Shining Path")),
        )
    )
    assert [t for t, _ in found] == [
        template("attack", PerpInd=["gunmen"], Victim=["the mayor"], PerpOrg=["Shining Path"])
    ]


def test_templates_from_only_a_death_makes_an_attack() -> None:
    found = templates_from(extraction(event("death", 5, part("victim", "three peasants"))))
    assert found == [(template("attack", Victim=["three peasants"]), None)]


def test_templates_from_consequences_without_fillers_make_nothing() -> None:
    below = ROLE_CONFIDENCE["Victim"] / 2
    assert templates_from(extraction(event("death", 5))) == []
    assert templates_from(extraction(event("injury", 5, part("victim", "a guard", below)))) == []


def test_templates_from_bombing_and_attack_are_two_templates_in_order_of_report() -> None:
    found = templates_from(
        extraction(
            event("attack.bombing", 50, part("instrument", "a car bomb")),
            event("attack", 10, part("attacker", "gunmen")),
            event("attack.shooting", 70, part("attacker", "snipers")),  # one more attack
        )
    )
    assert [t for t, _ in found] == [
        template("attack", PerpInd=["gunmen", "snipers"]),
        template("bombing", Weapon=["a car bomb"]),
    ]


def test_templates_from_consequences_join_the_incident_before_them() -> None:
    found = templates_from(
        extraction(
            event("attack.bombing", 10, part("instrument", "a bomb")),
            event("attack", 50, part("attacker", "gunmen")),
            event("death", 5, part("victim", "a child")),  # before every incident: the first one
            event("injury", 30, part("victim", "two guards")),
            event("death", 60, part("victim", "the mayor")),
        )
    )
    assert [t for t, _ in found] == [
        template("bombing", Weapon=["a bomb"], Victim=["a child", "two guards"]),
        template("attack", PerpInd=["gunmen"], Victim=["the mayor"]),
    ]


def test_templates_from_consequence_joins_the_nearest_incident() -> None:
    found = templates_from(
        extraction(
            event("attack", 10, part("attacker", "gunmen")),
            event("attack.bombing", 50, part("instrument", "a bomb")),
            event("attack.shooting", 100, part("attacker", "snipers")),
            event("death", 110, part("victim", "the mayor")),  # nearest incident before: the shooting
        )
    )
    assert [t for t, _ in found] == [
        template("attack", PerpInd=["gunmen", "snipers"], Victim=["the mayor"]),
        template("bombing", Weapon=["a bomb"]),
    ]


def test_templates_from_keeps_the_same_words_once_per_slot() -> None:
    found = templates_from(
        extraction(
            event("attack", 10, part("victim", "the Mayor"), part("perpetrator", "F.M.L.N.")),
            event("attack.shooting", 30, part("victim", "mayor"), part("perpetrator", "FMLN")),
            event("death", 40, part("victim", "The  mayor"), part("attacker", "mayor")),
        )
    )
    # "the Mayor", "mayor" and "The mayor" normalise alike: kept once, as first written; the same
    # words in another slot are another filler.
    assert [t for t, _ in found] == [
        template("attack", Victim=["the Mayor"], PerpOrg=["F.M.L.N."], PerpInd=["mayor"])
    ]


def test_templates_from_date_is_the_most_precise() -> None:
    times = [
        TimeExpr("t1", "d", 0, 4, "1989", "1989", "year"),
        TimeExpr("t2", "d", 0, 8, "november", "1989-11", "month"),
        TimeExpr("t3", "d", 0, 6, "16 nov", "1989-11-16", "day"),
        TimeExpr("t4", "d", 0, 6, "17 nov", "1989-11-17", "day"),
        TimeExpr("t5", "d", 0, 9, "yesterday", None, "unknown"),
    ]
    events = [  # listed out of text order: the first reported of equals is the earlier trigger
        event("attack", 50, when="t5"),
        event("attack", 40, when="t1"),
        event("attack", 30, when="t4"),
        event("attack.shooting", 20, when="t3"),
        event("attack", 10, part("attacker", "gunmen"), when="t2"),
    ]
    assert templates_from(extraction(*events, times=times)) == [
        (template("attack", PerpInd=["gunmen"]), "1989-11-16")
    ]
    assert templates_from(extraction(events[1], events[4], times=times))[0][1] == "1989-11"
    unresolved = event("attack", 10, part("attacker", "gunmen"), when="t5")
    unknown = event("attack", 20, when="t404")
    assert templates_from(extraction(unresolved, unknown, times=times))[0][1] is None


# --- incident dates -----------------------------------------------------------------------------


def dated(kind: str, value: str | None) -> list[tuple[dict[str, Any], str | None]]:
    return [(template(kind), value)]


ON_OR_BEFORE = KeyDate("attack", date.min, date(1989, 11, 13))


@pytest.mark.parametrize(
    ("value", "correct"),
    [
        ("1989-11-10", True),
        ("1989-11-13", True),
        ("1989-11-14", False),
        ("1989-10", True),  # every day of October is on or before 13 November
        ("1989-11", False),  # 14-30 November are not
        ("1988", True),
        ("1989", False),
        ("1989-13", False),  # not a date
    ],
)
def test_score_dates_on_or_before(value: str, correct: bool) -> None:
    score = score_dates({"d": dated("attack", value)}, {"d": [ON_OR_BEFORE]})
    assert (score.gold, score.given, score.correct) == (1, 1, int(correct))
    assert score.details[0]["correct"] is correct


def test_score_dates_range_and_whole_december() -> None:
    nov = KeyDate("bombing", date(1989, 11, 10), date(1989, 11, 12))
    dec = KeyDate("attack", date(1989, 12, 1), date(1989, 12, 31))
    score = score_dates(
        {
            "a": dated("bombing", "1989-11-12"),
            "b": dated("bombing", "1989-11-13"),
            "c": dated("attack", "1989-12"),
        },
        {"a": [nov], "b": [nov], "c": [dec]},
    )
    assert (score.gold, score.given, score.correct) == (3, 3, 2)
    assert [d["correct"] for d in score.details] == [True, False, True]
    assert score.details[0]["gold"] == ["1989-11-10", "1989-11-12"]


def test_score_dates_other_type_is_not_compared() -> None:
    key = KeyDate("kidnapping", date(1990, 1, 12), date(1990, 1, 12))
    score = score_dates({"d": dated("attack", "1990-01-12")}, {"d": [key]})
    assert (score.gold, score.given, score.correct) == (1, 0, 0)
    assert score.details[0]["casegraph"] is None


def test_score_dates_type_part_of_the_key_type_and_first_template() -> None:
    key = KeyDate("attack / bombing", date(1990, 1, 12), date(1990, 1, 12))
    predicted = {"d": [(template("bombing"), "1990-01-12"), (template("attack"), "1990-01-11")]}
    score = score_dates(predicted, {"d": [key]})
    assert (score.gold, score.given, score.correct) == (1, 1, 1)


def test_score_dates_missing_document_or_date_is_wrong() -> None:
    key = KeyDate("attack", date(1990, 1, 12), date(1990, 1, 12))
    score = score_dates({"d": dated("attack", None)}, {"d": [key], "e": [key]})
    assert (score.gold, score.given, score.correct) == (2, 0, 0)


# --- evaluate -----------------------------------------------------------------------------------


def test_evaluate_reference_only_for_muc4(tmp_path: Path) -> None:
    from casegraph.eval import evaluate

    preds = MUC / "reference_predictions" / "gtt_preds_gtt.out"
    with pytest.raises(EvalError, match="--reference.*muc4"):
        evaluate("wikievents", split="dev", data_dir=EVAL, reference=preds)


def test_evaluate_muc4_refuses_train() -> None:
    from casegraph.eval import evaluate

    with pytest.raises(EvalError, match="trained on MUC-4 train"):
        evaluate("muc4", split="train", data_dir=EVAL)


def test_evaluate_muc4_refuses_a_limit_below_one() -> None:
    from casegraph.eval import evaluate

    with pytest.raises(EvalError, match="positive number"):
        evaluate("muc4", split="dev", data_dir=EVAL, limit=0)


@pytest.mark.slow
def test_evaluate_muc4_dev_three_documents() -> None:
    from casegraph.eval import evaluate

    result = evaluate("muc4", split="dev", limit=3)
    assert (result["dataset"], result["split"], result["system"], result["documents"]) == (
        "muc4",
        "dev",
        "casegraph",
        3,
    )
    for key in ("f1", "precision", "recall", "date_accuracy", "date_accuracy_found"):
        assert 0 <= result[key] <= 100, key
    assert set(result["per_role"]) == {"incident_type", "PerpInd", "PerpOrg", "Target", "Victim", "Weapon"}
    for row in result["per_role"].values():
        assert 0 <= row["f1"] <= 100
    # key-tst1.v7: TST1-MUC3-0001 has 5 dated templates, TST1-MUC3-0002 one, TST1-MUC3-0003 none.
    assert result["dated_templates"] == 6
    assert result["date_accuracy"] <= result["date_accuracy_found"]
    # gtt_processed/dev.json, counted by hand: TST1-MUC3-0001 has 5 templates (attack, arson, robbery,
    # attack, arson) with 4 + 3 + 3 + 1 + 2 fillers, TST1-MUC3-0002 one attack with 3, TST1-MUC3-0003 none.
    gold = {name: row["gold"] for name, row in result["per_role"].items()}
    assert gold == {"incident_type": 6, "PerpInd": 6, "PerpOrg": 4, "Target": 5, "Victim": 1, "Weapon": 0}
    assert result["counts"]["gold"] == 22
