"""Cross-referencing a case against a FollowTheMoney list: reading the list, matching, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casegraph.errors import CasegraphError, SettingsError
from casegraph.resolve.match import AUTO, REVIEW, Side
from casegraph.resolve.xref import SURNAME_SCORE, ListEntry, load_list, read_list, xref
from tests.conftest import CORPUS, FIXTURES

WANTED = FIXTURES / "resolve" / "wanted.ftm.json"

# Groups as the case would hold them, named as the corpus and the Gaziantep fixture name them.
CASE = [
    Side("e-hendricks", "person", ("Erick Jamal Hendricks", "Hendricks", "Abu Harb"), 40),
    Side("e-bali", "person", ("Ilhami Bali", "Bali"), 6),
    Side("e-adnani", "person", ("Abu Muhammad Al-Adnani", "Al-Adnani"), 2),
    Side("e-isil", "organization", ("Islamic State of Iraq and the Levant", "ISIL", "Islamic State"), 30),
    Side("e-pkk", "organization", ("Kurdistan Workers Party", "PKK"), 3),
    Side("e-ankara", "location", ("Ankara",), 2),
    Side("e-durmaz", "person", ("Yunus Durmaz", "Durmaz"), 3),
    Side("e-sahin", "person", ("Sahin",), 2),
    Side("e-stein", "person", ("Stein",), 1),
]


def test_case_names_come_from_the_corpus() -> None:
    text = (CORPUS / "court" / "fbi-affidavit-criminal-complaint-hendricks-ndohio-2016.txt").read_text(
        encoding="utf-8"
    )
    text += (FIXTURES / "resolve" / "gaziantep-cell.txt").read_text(encoding="utf-8")
    for s in CASE:
        for name in s.names:
            assert name in text, name


def test_load_list_reads_persons_organizations_and_places() -> None:
    entries = {e.id: e for e in load_list(WANTED)}
    assert set(entries) == {
        "wanted-hendricks",
        "wanted-bali",
        "wanted-adnani",
        "wanted-isil",
        "wanted-pkk",
        "decoy-ahmet-bali",
        "decoy-erica-hendricks",
        "decoy-ankara-office",
        "decoy-bali-island",
    }
    bali = entries["wanted-bali"]
    assert bali.type == "person" and bali.caption == "İlhami Balı"
    assert bali.names == ("İlhami Balı", "Ilhami Bali")  # firstName + lastName joined
    assert bali.properties == {"nationality": ("tr",)}
    isil = entries["wanted-isil"]
    assert isil.type == "organization" and isil.names[0] == "Islamic State of Iraq and the Levant"
    assert "ISIL" in isil.names and "Daesh" in isil.names
    assert entries["decoy-ankara-office"].type == "organization"  # PublicBody
    assert entries["decoy-bali-island"].type == "location"  # Address, named by its full text
    assert entries["wanted-adnani"].properties["birthDate"] == ("1977",)


def test_read_list_counts_the_skipped_schemata() -> None:
    loaded = read_list(WANTED)
    assert dict(loaded.skipped) == {"Vessel": 1, "Ownership": 1}


def test_load_list_accepts_a_json_array(tmp_path: Path) -> None:
    lines = [json.loads(line) for line in WANTED.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / "wanted.json"
    path.write_text(json.dumps(lines, indent=2), encoding="utf-8")
    assert load_list(path) == load_list(WANTED)


def test_xref_finds_the_listed_entities_best_first() -> None:
    found = xref(CASE, load_list(WANTED))
    pairs = {(m.entity, m.list_id): m for m in found}
    for entity, listed, rule in [
        ("e-hendricks", "wanted-hendricks", "alias"),
        ("e-bali", "wanted-bali", "alias"),
        ("e-adnani", "wanted-adnani", "translit"),
        ("e-isil", "wanted-isil", "alias"),
        ("e-pkk", "wanted-pkk", "alias"),
    ]:
        m = pairs[(entity, listed)]
        assert m.rule == rule and m.score >= AUTO, m
    assert pairs[("e-adnani", "wanted-adnani")].caption == "Abu Mohammed al-Adnani"
    assert "muhammad/mohammed" in pairs[("e-adnani", "wanted-adnani")].reason
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    ties = [(m.score, m.entity, m.list_id) for m in found]
    assert ties == sorted(ties, key=lambda t: (-t[0], t[1], t[2]))


def test_xref_keeps_decoys_below_auto() -> None:
    found = xref(CASE, load_list(WANTED))
    pairs = {(m.entity, m.list_id): m for m in found}
    assert ("e-bali", "decoy-ahmet-bali") not in pairs  # other given name
    assert ("e-ankara", "decoy-ankara-office") not in pairs  # a place is not its prosecutor's office
    assert not any(m.list_id == "decoy-bali-island" for m in found)  # persons are not islands
    erica = pairs.get(("e-hendricks", "decoy-erica-hendricks"))
    assert erica is None or erica.score < AUTO
    assert all(m.score < AUTO for m in found if m.list_id.startswith("decoy-"))


def test_xref_bare_surnames_are_only_candidates() -> None:
    entries = [ListEntry("wanted-durmaz", "Person", "Yunus Durmaz", "person", ("Yunus Durmaz",))]
    bare = [Side("e-durmaz-bare", "person", ("Durmaz",), 4)]
    (found,) = xref(bare, entries)
    assert found.rule == "surname" and found.score == SURNAME_SCORE < AUTO
    assert found.reason.endswith(f"or a namesake ({SURNAME_SCORE:.2f})")


def test_xref_threshold_filters_candidates() -> None:
    entries = load_list(WANTED)
    everything = xref(CASE, entries, threshold=REVIEW)
    sure = xref(CASE, entries, threshold=AUTO)
    assert sure == [m for m in everything if m.score >= AUTO]
    assert len(sure) < len(everything)


def test_xref_is_deterministic_whatever_the_order() -> None:
    entries = load_list(WANTED)
    assert xref(CASE, entries) == xref(list(reversed(CASE)), list(reversed(entries)))


# ---------------------------------------------------------------------------------------- bad files


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "list.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


PERSON = '{"id": "p1", "schema": "Person", "properties": {"name": ["Yunus Durmaz"]}}'


def error_of(path: Path) -> CasegraphError:
    with pytest.raises(SettingsError) as info:
        load_list(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return info.value


def test_load_list_refuses_a_missing_file(tmp_path: Path) -> None:
    err = error_of(tmp_path / "nope.ftm.json")
    assert "does not exist" in str(err)


def test_load_list_names_the_line_that_is_not_json(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, PERSON, PERSON.replace("p1", "p2"), "{not json"))
    assert "line 3 is not JSON" in str(err) and "one FollowTheMoney entity per line" in str(err)
    assert err.__cause__ is not None


def test_load_list_names_the_line_that_is_not_an_entity(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, PERSON, "42"))
    assert "line 2 is not an entity" in str(err)
    err = error_of(write(tmp_path, '{"id": "x", "properties": {}}'))
    assert "line 1 is not an entity (no 'schema')" in str(err)


def test_load_list_refuses_an_unknown_schema(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, PERSON, '{"id": "s1", "schema": "Spaceship", "properties": {}}'))
    assert "line 2: 'Spaceship' is not a FollowTheMoney schema" in str(err)


def test_load_list_refuses_an_entity_without_id(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, '{"schema": "Person", "properties": {"name": ["Yunus Durmaz"]}}'))
    assert "line 1: the entity has no 'id'" in str(err)


def test_load_list_names_the_array_item_that_is_not_an_entity(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([json.loads(PERSON), ["not", "an", "entity"]]), encoding="utf-8")
    err = error_of(path)
    assert "item 2 is not an entity" in str(err)
