"""Events on WikiEvents: reading the real dev split, BART-Gen's head rule, role and type mapping, scoring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from casegraph.errors import EvalError
from casegraph.eval.wikievents import (
    GoldArgument,
    GoldEvent,
    Tally,
    build_events,
    eval_type,
    head_of,
    our_role,
    read_events,
    score_arguments,
    score_triggers,
)
from casegraph.extract.ontology import from_kairos
from tests.conftest import EVAL

DEV = EVAL / "wikievents" / "dev.jsonl"


def raw_docs(path: Path = DEV) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def small_raw() -> dict[str, Any]:
    """Two sentences whose token offsets leave a gap the document's text lacks (as WikiEvents does)."""
    return {
        "doc_id": "T1",
        "sentences": [
            [
                [["Gunmen", 0, 6], ["attacked", 7, 15], ["a", 16, 17], ["bus", 18, 21], [".", 21, 22]],
                "Gunmen attacked a bus.",
            ],
            [[["Two", 30, 33], ["died", 34, 38], [".", 38, 39]], "Two died."],
        ],
        "entity_mentions": [
            {"id": "e1", "sent_idx": 0, "start": 0, "end": 1, "entity_type": "PER", "text": "Gunmen"},
            {"id": "e2", "sent_idx": 0, "start": 2, "end": 4, "entity_type": "VEH", "text": "a bus"},
            {"id": "e3", "sent_idx": 1, "start": 5, "end": 6, "entity_type": "PER", "text": "Two"},
        ],
        "event_mentions": [
            {
                "id": "ev1",
                "event_type": "Conflict.Attack.Unspecified",
                "trigger": {"start": 1, "end": 2, "text": "attacked", "sent_idx": 0},
                "arguments": [
                    {"entity_id": "e1", "role": "Attacker", "text": "Gunmen"},
                    {"entity_id": "e2", "role": "Target", "text": "a bus"},
                ],
            },
            {
                "id": "ev2",
                "event_type": "Life.Die.Unspecified",
                "trigger": {"start": 6, "end": 7, "text": "died", "sent_idx": 1},
                "arguments": [{"entity_id": "e3", "role": "Victim", "text": "Two"}],
            },
        ],
    }


# --- reading ------------------------------------------------------------------------------------


def test_build_events_rebuilds_text_and_character_spans() -> None:
    wdoc = build_events(small_raw(), split="dev")
    # Sentences joined by a newline: the second sentence starts at 22 + 1 = 23, not at its offset 30.
    assert wdoc.doc.text == "Gunmen attacked a bus.\nTwo died."
    assert wdoc.doc.path == "wikievents/dev/T1" and wdoc.doc.language == "en"
    attack, death = wdoc.events
    assert (attack.id, attack.kairos, attack.start, attack.end) == (
        "ev1",
        "Conflict.Attack.Unspecified",
        7,
        15,
    )
    assert attack.arguments == [
        GoldArgument("Attacker", 0, 6, "PER"),
        GoldArgument("Target", 16, 21, "VEH"),
    ]
    assert (death.start, death.end) == (27, 31)
    assert death.arguments == [GoldArgument("Victim", 23, 26, "PER")]
    assert (attack.mapped, death.mapped) == ("attack", "death")


def test_build_events_refuses_a_document_without_sentences() -> None:
    with pytest.raises(EvalError, match="T9 is malformed"):
        build_events({"doc_id": "T9", "entity_mentions": [], "event_mentions": []}, split="dev")


def test_build_events_refuses_an_argument_of_an_unknown_entity() -> None:
    raw = small_raw()
    raw["event_mentions"][0]["arguments"][0]["entity_id"] = "e404"
    with pytest.raises(EvalError, match="T1 is malformed"):
        build_events(raw, split="dev")


def test_read_events_dev_has_345_events_with_exact_spans() -> None:
    docs = read_events("dev", EVAL)
    raws = raw_docs()
    # SOURCE.md: dev has 20 documents, 345 events and 428 arguments.
    assert len(docs) == 20
    assert sum(len(d.events) for d in docs) == 345
    assert sum(len(e.arguments) for d in docs for e in d.events) == 428
    for wdoc, raw in zip(docs, raws, strict=True):
        assert wdoc.doc.title == f"wikievents/dev/{raw['doc_id']}"
        text = wdoc.doc.text
        for gold, row in zip(wdoc.events, raw["event_mentions"], strict=True):
            assert gold.id == row["id"] and gold.kairos == row["event_type"]
            assert text[gold.start : gold.end] == row["trigger"]["text"]
            for arg, raw_arg in zip(gold.arguments, row["arguments"], strict=True):
                assert arg.role == raw_arg["role"]
                assert text[arg.start : arg.end] == raw_arg["text"]


def test_read_events_limit_reads_the_first_documents() -> None:
    docs = read_events("dev", EVAL, limit=3)
    assert [d.doc.title for d in docs] == [f"wikievents/dev/{r['doc_id']}" for r in raw_docs()[:3]]


def test_read_events_finds_the_split_in_the_folder_itself(tmp_path: Path) -> None:
    (tmp_path / "test.jsonl").write_text(json.dumps(small_raw()) + "\n\n", encoding="utf-8")
    docs = read_events("test", tmp_path)
    assert len(docs) == 1 and docs[0].doc.path == "wikievents/test/T1"


def test_read_events_missing_split_file_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="dev.jsonl not found.*--data.*CASEGRAPH_EVAL_DIR"):
        read_events("dev", tmp_path)


def test_read_events_unknown_split() -> None:
    with pytest.raises(EvalError, match="unknown WikiEvents split 'train'"):
        read_events("train", EVAL)


def test_read_events_malformed_json_line(tmp_path: Path) -> None:
    folder = tmp_path / "wikievents"
    folder.mkdir()
    good = json.dumps(small_raw())
    (folder / "dev.jsonl").write_text(f"{good}\n{good}\n{{not json\n", encoding="utf-8")
    with pytest.raises(EvalError, match="not JSON") as info:
        read_events("dev", tmp_path)
    assert str(folder / "dev.jsonl") in str(info.value)


def test_read_events_malformed_json_names_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "wikievents"
    folder.mkdir()
    good = json.dumps(small_raw())
    (folder / "dev.jsonl").write_text(f"{good}\n{good}\n{{not json\n", encoding="utf-8")
    with pytest.raises(EvalError, match=r"dev\.jsonl:3:"):
        read_events("dev", tmp_path)


def test_read_events_json_line_that_is_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "dev.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(EvalError):
        read_events("dev", tmp_path)


# --- head words ---------------------------------------------------------------------------------

WORDS = "Heavily armed gunmen attacked the central police station in Kabul .".split()
# Hand-made parse: armed <- Heavily, gunmen <- armed, attacked <- gunmen, station <- the/central/police,
# attacked <- station, station <- in, in <- Kabul, attacked <- "."
HEADS = [1, 2, 3, 3, 7, 7, 7, 3, 7, 8, 3]
DEPS = ["advmod", "amod", "nsubj", "ROOT", "det", "amod", "compound", "dobj", "prep", "pobj", "punct"]


@pytest.fixture(scope="module")
def parsed() -> Doc:
    spaces = [True] * (len(WORDS) - 2) + [False, False]
    return Doc(Vocab(), words=WORDS, spaces=spaces, heads=HEADS, deps=DEPS)


def chars(sdoc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens first..last (inclusive)."""
    return sdoc[first].idx, sdoc[last].idx + len(sdoc[last])


def test_head_of_climbs_while_the_head_is_inside(parsed: Doc) -> None:
    assert parsed.text == "Heavily armed gunmen attacked the central police station in Kabul."
    # "Heavily" -> "armed" -> "gunmen"; gunmen's head "attacked" is outside the span.
    assert head_of(parsed, *chars(parsed, 0, 2)) == 2
    # "the" -> "station"; the rest of the span ("in Kabul") hangs below it.
    assert head_of(parsed, *chars(parsed, 4, 9)) == 7
    # The whole sentence climbs to the root, which is its own head.
    assert head_of(parsed, 0, len(parsed.text)) == 3


def test_head_of_stops_at_the_first_token_when_its_head_is_outside(parsed: Doc) -> None:
    # BART-Gen's rule starts from the first token: "in Kabul" -> "in" (its head "station" is outside),
    # although "Kabul" is below "in" in the span.
    assert head_of(parsed, *chars(parsed, 8, 9)) == 8
    assert head_of(parsed, *chars(parsed, 9, 9)) == 9


def test_head_of_expands_a_partial_span(parsed: Doc) -> None:
    # "police stat" expands to "police station": police -> station.
    start = parsed[6].idx
    assert head_of(parsed, start, start + len("police stat")) == 7


def test_head_of_on_a_real_parse(nlp: Any) -> None:
    sdoc = nlp("Heavily armed gunmen attacked the central police station in Kabul on Monday.")
    station = next(t for t in sdoc if t.text == "station")
    gunmen = next(t for t in sdoc if t.text == "gunmen")
    start = sdoc.text.index("the central")
    # Checked by hand on the parse: the noun of each noun phrase has its head (the verb) outside it.
    assert station.head.text == "attacked" and gunmen.head.text == "attacked"
    assert head_of(sdoc, start, start + len("the central police station")) == station.i
    assert head_of(sdoc, 0, len("Heavily armed gunmen")) == gunmen.i


# --- roles and types ----------------------------------------------------------------------------


def attack(kairos: str = "Conflict.Attack.Unspecified") -> GoldEvent:
    return GoldEvent("ev", kairos, 0, 1)


@pytest.mark.parametrize(
    ("role", "entity_type", "expected"),
    [
        ("Attacker", "ORG", "perpetrator"),
        ("Attacker", "PER", "attacker"),
        ("Target", "PER", "victim"),
        ("Target", "FAC", "target"),
        ("Place", "GPE", "place"),
        ("Instrument", "WEA", "instrument"),
    ],
)
def test_our_role_in_an_attack(role: str, entity_type: str, expected: str) -> None:
    gold = attack()
    assert our_role(gold, GoldArgument(role, 0, 1, entity_type), "attack") == expected


def test_our_role_explosive_device_of_a_bombing() -> None:
    gold = attack("Conflict.Attack.DetonateExplode")
    arg = GoldArgument("ExplosiveDevice", 0, 1, "WEA")
    assert our_role(gold, arg, "attack.bombing") == "instrument"


def test_our_role_of_a_death() -> None:
    gold = GoldEvent("ev", "Life.Die.Unspecified", 0, 1)
    assert our_role(gold, GoldArgument("Victim", 0, 1, "PER"), "death") == "victim"
    assert our_role(gold, GoldArgument("Killer", 0, 1, "ORG"), "death") == "perpetrator"
    assert our_role(gold, GoldArgument("Killer", 0, 1, "PER"), "death") == "attacker"


def test_our_role_without_a_counterpart_is_none() -> None:
    # casegraph's attack has no role that plays the KAIROS "Participant".
    assert our_role(attack(), GoldArgument("Participant", 0, 1, "PER"), "attack") is None


@pytest.mark.parametrize(
    ("etype", "expected"),
    [
        ("attack", "attack"),
        ("attack.shooting", "attack"),  # no KAIROS type of its own: Conflict.Attack.Unspecified
        ("attack.kidnapping", "attack"),  # no KAIROS type: its parent's
        ("attack.bombing", "attack.bombing"),  # Conflict.Attack.DetonateExplode
        ("claim", None),
        ("raid", None),
        ("robbery", None),
        ("communication.call", "communication.message"),  # both Contact.Contact.Correspondence
        ("communication.message", "communication.message"),
        ("death", "death"),
    ],
)
def test_eval_type_at_the_granularity_of_wikievents(etype: str, expected: str | None) -> None:
    assert eval_type(etype) == expected


# --- scoring ------------------------------------------------------------------------------------


def test_tally_scores_rounds_to_two_decimals() -> None:
    # P = 2/3, R = 2/7, F1 = 2 * (2/3) * (2/7) / (2/3 + 2/7) = (8/21) / (20/21) = 0.4
    assert Tally(predicted=3, gold=7, correct=2).scores() == {
        "precision": 66.67,
        "recall": 28.57,
        "f1": 40.0,
        "predicted": 3,
        "gold": 7,
        "correct": 2,
    }
    # P = 1/3, R = 1/6, F1 = 2 * (1/18) / (1/2) = 2/9 = 22.222...
    scores = Tally(predicted=3, gold=6, correct=1).scores()
    assert (scores["precision"], scores["recall"], scores["f1"]) == (33.33, 16.67, 22.22)


def test_tally_scores_without_counts_are_zero() -> None:
    assert Tally().scores() == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "predicted": 0,
        "gold": 0,
        "correct": 0,
    }
    assert Tally(predicted=4, gold=0, correct=0).scores()["f1"] == 0.0


def test_score_arguments_hand_counted() -> None:
    predicted = {(3, "Victim"), (5, "Place")}
    gold = {(3, "Victim"), (7, "Attacker")}
    ident, classed = score_arguments([(predicted, gold)])
    # One of two predictions has a gold head (and the right role); one of two gold arguments found.
    assert ident.scores()["precision"] == 50.0 and ident.scores()["recall"] == 50.0
    assert classed.scores()["precision"] == 50.0 and classed.scores()["recall"] == 50.0


def test_score_arguments_right_head_wrong_role_counts_for_identification_only() -> None:
    ident, classed = score_arguments([({(3, "Attacker")}, {(3, "Victim")})])
    assert (ident.predicted, ident.gold, ident.correct) == (1, 1, 1)
    assert (classed.predicted, classed.gold, classed.correct) == (1, 1, 0)


def test_score_arguments_sums_over_events() -> None:
    events = [
        ({(3, "Victim"), (5, "Place")}, {(3, "Victim"), (7, "Attacker")}),  # I 1, C 1
        ({(7, "Target")}, {(7, "Attacker")}),  # I 1, C 0
        (set(), {(9, "Place")}),  # a missed argument
        ({(3, "Victim")}, set()),  # head 3 is gold only in the first event: no credit here
    ]
    ident, classed = score_arguments(events)
    assert (ident.predicted, ident.gold, ident.correct) == (4, 4, 2)
    assert (classed.predicted, classed.gold, classed.correct) == (4, 4, 1)
    assert classed.scores()["f1"] == 25.0


def test_score_arguments_pairs_are_sets() -> None:
    # The same pair twice is one pair; one head with two roles is two predictions, both identified.
    repeated = [(3, "Victim"), (3, "Victim")]
    ident, classed = score_arguments([(set(repeated), {(3, "Victim")})])
    assert (ident.predicted, ident.correct, classed.correct) == (1, 1, 1)
    ident, classed = score_arguments([({(3, "Victim"), (3, "Target")}, {(3, "Victim")})])
    assert (ident.predicted, ident.gold, ident.correct) == (2, 1, 2)
    assert (classed.predicted, classed.gold, classed.correct) == (2, 1, 1)


def test_score_triggers_hand_counted() -> None:
    docs = [
        ({(3, "attack"), (9, "death")}, {(3, "attack"), (9, "injury"), (12, "arrest")}),
        ({(3, "attack")}, set()),  # token 3 of another document: not a gold trigger there
    ]
    ident, classed = score_triggers(docs)
    assert (ident.predicted, ident.gold, ident.correct) == (3, 3, 2)
    assert (classed.predicted, classed.gold, classed.correct) == (3, 3, 1)
    # Trigger-I: P = R = 2/3; Trigger-C: P = R = 1/3.
    assert ident.scores()["f1"] == 66.67 and classed.scores()["f1"] == 33.33


# --- end to end ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_evaluate_wikievents_dev_two_documents() -> None:
    from casegraph.eval import evaluate

    result = evaluate("wikievents", split="dev", limit=2)
    raws = raw_docs()[:2]
    kinds = [e["event_type"] for raw in raws for e in raw["event_mentions"]]
    mapped = sum(from_kairos(k) is not None for k in kinds)
    assert (result["dataset"], result["split"], result["documents"]) == ("wikievents", "dev", 2)
    assert (result["events"], result["mapped_events"]) == (len(kinds), mapped)
    assert result["coverage"] == round(mapped / len(kinds), 4)
    for key in ("coverage", "arg_i_head_f1", "arg_c_head_f1", "trigger_i_f1", "trigger_c_f1"):
        assert 0 <= result[key] <= 100, key
    for key in ("arguments", "triggers"):
        assert set(result[key]) == {"identification", "classification"}
        for scores in result[key].values():
            assert 0 <= scores["precision"] <= 100 and 0 <= scores["recall"] <= 100
            assert 0 <= scores["f1"] <= 100
        # Classification is identification plus the role (type): never more correct.
        assert result[key]["classification"]["correct"] <= result[key]["identification"]["correct"]
    assert result["arg_c_head_f1"] == result["arguments"]["classification"]["f1"]
    assert result["trigger_i_f1"] == result["triggers"]["identification"]["f1"]
    # Gold triggers: one per mapped event (two events at one head and type would be one).
    assert result["triggers"]["identification"]["gold"] <= mapped
    assert sum(result["mapped_types"].values()) <= mapped
