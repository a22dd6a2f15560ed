"""The event ontology: roles, slots, dotted types, and the mappings to KAIROS (WikiEvents) and MUC-4."""

from __future__ import annotations

import json

import pytest

from casegraph.extract.ontology import (
    EVENT_TYPES,
    KAIROS_EXTRA,
    KAIROS_ROLES,
    MUC_ROLES,
    PHRASES,
    ROLES,
    SLOTS,
    TYPES,
    event_type,
    from_kairos,
    kairos_role,
    parents,
    slot_of,
    to_kairos,
    to_muc,
    trigger_types,
)
from tests.conftest import EVAL


@pytest.mark.parametrize("etype", TYPES, ids=lambda t: t.name)
def test_event_type_roles_are_known_roles(etype) -> None:
    assert set(etype.roles) <= set(ROLES)
    assert len(set(etype.roles)) == len(etype.roles)


@pytest.mark.parametrize("etype", TYPES, ids=lambda t: t.name)
def test_event_type_slots_play_its_roles(etype) -> None:
    assert set(etype.slots) <= set(SLOTS)
    assert set(etype.slots.values()) <= set(etype.roles) | {"place"}


@pytest.mark.parametrize("etype", TYPES, ids=lambda t: t.name)
def test_event_type_slots_cover_all_its_roles(etype) -> None:
    assert set(etype.roles) <= set(etype.slots.values())


def test_event_type_names_are_unique() -> None:
    assert len(set(EVENT_TYPES)) == len(EVENT_TYPES)


def test_event_type_unknown_name() -> None:
    with pytest.raises(KeyError):
        event_type("picnic")


def test_subtype_slots_are_its_root_types() -> None:
    assert event_type("attack.bombing").slots == event_type("attack").slots
    assert event_type("attack.bombing").root == "attack"
    assert event_type("transaction.purchase").slots["source"] == "seller"


def test_parents() -> None:
    assert parents("attack.bombing") == ["attack.bombing", "attack"]
    assert parents("attack") == ["attack"]
    assert parents("a.b.c") == ["a.b.c", "a.b", "a"]


def test_to_kairos_from_kairos_round_trip() -> None:
    own = [t for t in TYPES if t.kairos is not None]
    for t in own:
        assert to_kairos(t.name) == t.kairos
        # The KAIROS type maps back to the first casegraph type that claims it ...
        first = next(u.name for u in TYPES if u.kairos == t.kairos)
        assert from_kairos(t.kairos) == first
        # ... whose KAIROS type is the same again.
        assert to_kairos(from_kairos(t.kairos)) == t.kairos
    unique = [t for t in own if sum(u.kairos == t.kairos for u in TYPES) == 1]
    assert unique
    for t in unique:
        assert from_kairos(to_kairos(t.name)) == t.name


def test_to_kairos_of_a_subtype_without_its_own_is_the_parents() -> None:
    assert to_kairos("attack.kidnapping") == "Conflict.Attack.Unspecified"
    assert to_kairos("attack.arson") == "Conflict.Attack.Unspecified"
    assert to_kairos("claim") is None and to_kairos("robbery") is None


def test_from_kairos_extra_and_unknown() -> None:
    for kairos, name in KAIROS_EXTRA.items():
        assert from_kairos(kairos) == name
    assert from_kairos("ArtifactExistence.DamageDestroyDisableDismantle.Destroy") == "damage"
    assert from_kairos("Cognitive.IdentifyCategorize.Unspecified") is None
    assert from_kairos("Conflict.Attack") is None  # only full types map


def test_kairos_role_picks_the_longest_prefix() -> None:
    assert kairos_role("Conflict.Attack.DetonateExplode", "instrument") == "ExplosiveDevice"
    assert kairos_role("Conflict.Attack.Unspecified", "instrument") == "Instrument"
    # Roles the longer prefix does not name come from the shorter one.
    assert kairos_role("Conflict.Attack.DetonateExplode", "attacker") == "Attacker"
    assert kairos_role("Contact.Contact.Broadcast", "speaker") == "Communicator"
    assert kairos_role("Contact.Contact.Broadcast", "topic") == "Topic"
    assert kairos_role("Contact.Contact.Meet", "speaker") == "Participant"
    assert kairos_role("Justice.ArrestJailDetain.Unspecified", "agent") == "Jailer"
    assert kairos_role("Justice.ChargeIndict.Unspecified", "defendant") == "Defendant"


def test_kairos_role_matches_whole_type_parts_only() -> None:
    assert kairos_role("Conflict.AttackPlus.Unspecified", "attacker") is None
    assert kairos_role("Conflict.Attack", "attacker") == "Attacker"
    assert kairos_role("Life.Die.Unspecified", "target") is None
    assert kairos_role("Movement.Transportation.Unspecified", "place") is None


def test_kairos_roles_name_known_roles() -> None:
    for roles in KAIROS_ROLES.values():
        assert set(roles) <= set(ROLES)


def test_to_muc() -> None:
    assert to_muc("attack.shooting") == "attack"
    assert to_muc("attack.bombing") == "bombing"
    assert to_muc("attack.kidnapping") == "kidnapping"
    assert to_muc("attack.arson") == "arson"
    assert to_muc("robbery") == "robbery"
    assert to_muc("death") is None
    assert to_muc("claim") is None
    assert to_muc("not.a.type") is None


def test_muc_roles_are_known_roles() -> None:
    assert set(MUC_ROLES) <= set(ROLES)
    assert sorted(MUC_ROLES.values()) == ["PerpInd", "PerpOrg", "Target", "Victim", "Weapon"]


def test_trigger_types_respect_part_of_speech() -> None:
    assert trigger_types("bomb", "NOUN") == ()
    assert trigger_types("bomb", "VERB") == ("attack.bombing",)
    assert trigger_types("bomb") == ()  # "bomb/VERB" needs the verb
    assert trigger_types("bombing", "NOUN") == ("attack.bombing",)
    assert trigger_types("picnic", "NOUN") == ()


def test_trigger_types_in_ontology_order() -> None:
    # "murder" is a trigger of attack and of death; the verb "claim" alone is a statement (a claim of
    # responsibility needs the phrase, see test_events).
    assert trigger_types("murder", "VERB") == ("attack", "death")
    assert trigger_types("claim", "VERB") == ("communication.statement",)
    assert trigger_types("responsibility", "NOUN") == ("claim",)
    assert trigger_types("call", "VERB") == ("communication", "communication.call")


def test_phrases_name_known_types() -> None:
    assert set(PHRASES.values()) <= set(EVENT_TYPES)
    assert PHRASES[("plant", "bomb")] == "attack.bombing"


def test_slot_of_picks_agent_org_for_organisations() -> None:
    assert slot_of("communication.statement", "speaker", organisation=True) == "agent_org"
    assert slot_of("communication.statement", "speaker") == "agent"
    assert slot_of("raid", "agent", organisation=True) == "agent_org"
    assert slot_of("raid", "agent", organisation=False) == "agent"
    # In an attack the organisation is its own role, played by one slot whatever the kind.
    assert slot_of("attack", "perpetrator") == "agent_org"
    assert slot_of("attack", "attacker", organisation=True) == "agent"


def test_slot_of_picks_patient_for_people() -> None:
    assert slot_of("movement", "item", person=True) == "patient"
    assert slot_of("movement", "item", person=False) == "theme"
    assert slot_of("attack", "victim") == "patient"
    assert slot_of("attack.bombing", "target", person=True) == "theme"


def test_slot_of_a_role_the_type_lacks() -> None:
    assert slot_of("attack", "court") is None
    assert slot_of("death", "target") is None


def test_kairos_mapping_covers_most_wikievents_test_events() -> None:
    """The issue asks that at least 80% of WikiEvents' gold events map into the ontology (this reads the
    test split for the mapping's coverage only; nothing is tuned on it)."""
    path = EVAL / "wikievents" / "test.jsonl"
    kinds = [
        e["event_type"]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for e in json.loads(line)["event_mentions"]
    ]
    assert len(kinds) == 365  # SOURCE.md
    mapped = sum(from_kairos(k) is not None for k in kinds)
    assert mapped / len(kinds) >= 0.8
