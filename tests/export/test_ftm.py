"""FollowTheMoney export: every line is a valid FtM entity, references resolve, the mapping holds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, cast

import pytest
from followthemoney import model, registry
from followthemoney.util import make_entity_id

from casegraph.export import write_ftm
from casegraph.model import RELATION_TYPES


def _export(tmp_path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    written = write_ftm(data, tmp_path / "case.ftm.json")
    lines = written[0].read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _check_entity(raw: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> None:
    schema = model.get(raw["schema"])
    assert schema is not None and not schema.abstract, raw["schema"]
    # Re-read untrusted: every value is cleaned again; nothing may be dropped or rewritten.
    proxy = model.get_proxy(raw, cleaned=False)
    assert proxy.id == raw["id"] and registry.entity.validate(raw["id"])
    assert proxy.to_dict()["properties"] == raw["properties"], raw
    assert set(raw["properties"]) <= set(schema.properties), raw
    assert set(schema.required) <= set(raw["properties"]), raw
    schema.validate(cast(Any, raw))
    for name, values in raw["properties"].items():
        prop = schema.properties[name]
        assert not prop.stub and values
        if prop.type == registry.entity:
            for value in values:
                assert value in by_id, f"{raw['schema']}.{name} -> {value} is not in the file"
                target = model.get(by_id[value]["schema"])
                assert target is not None and prop.range is not None
                assert target.is_a(prop.range), f"{raw['schema']}.{name} -> {target.name}"


def _by_name(entities: list[dict[str, Any]], schema: str, name: str) -> dict[str, Any]:
    [entity] = [e for e in entities if e["schema"] == schema and name in e["properties"].get("name", [])]
    return entity


def test_write_ftm_emits_only_valid_entities_with_resolving_references(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    entities = _export(tmp_path, case)
    by_id = {entity["id"]: entity for entity in entities}
    assert len(by_id) == len(entities)
    for entity in entities:
        _check_entity(entity, by_id)


def test_write_ftm_maps_each_kind_of_record_to_its_schema(tmp_path: Path, case: dict[str, Any]) -> None:
    counts = Counter(entity["schema"] for entity in _export(tmp_path, case))
    distinct_mentions = {(m["doc"], e["id"], m["text"]) for e in case["entities"] for m in e["mentions"]}
    assert counts == {
        "PlainText": 2,
        "Person": 2,
        "Organization": 4,
        "Address": 3,  # two locations, one facility; the misc entity has no FtM schema
        "Mention": len(distinct_mentions),
        "Employment": 2,
        # communicated_with (person -> organisation) and located_in; related_to a misc is left out
        "UnknownLink": 2,
        "Event": 1,
        "Note": 3,
    }


def test_write_ftm_documents_carry_file_metadata(tmp_path: Path, case: dict[str, Any]) -> None:
    entities = _export(tmp_path, case)
    [doc] = [
        e for e in entities if e["properties"].get("fileName") == ["voa-terror-plot-mecca-grand-mosque.txt"]
    ]
    assert doc["schema"] == "PlainText"
    assert doc["id"] == "79e99adf3d2fdf826e4b086359644cd5e8b942aa65cbf611bb7e8a0d75d2c69c"  # its sha256
    assert doc["properties"] == {
        "fileName": ["voa-terror-plot-mecca-grand-mosque.txt"],
        "title": ["Terror Plot in Mecca Targeted Grand Mosque"],
        "language": ["eng"],
        "mimeType": ["text/plain"],
        "processingAgent": ["casegraph"],
    }


def test_write_ftm_document_date_only_when_the_document_states_it(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    # The fixture's date is a reference date (assumed at ingest): FtM must not present it as the document's.
    doc = next(d for d in case["documents"] if d["date"])
    assert all("date" not in e["properties"] for e in _export(tmp_path, case) if e["id"] == doc["id"])
    doc.update(date_source="dateline")
    [entity] = [e for e in _export(tmp_path, case) if e["id"] == doc["id"]]
    assert entity["properties"]["date"] == [doc["date"]]


def test_write_ftm_ids_follow_the_documented_recipe(tmp_path: Path, case: dict[str, Any]) -> None:
    entities = _export(tmp_path, case)
    turki = next(e for e in case["entities"] if e["name"] == "Mansur al-Turki")
    assert _by_name(entities, "Person", "Mansur al-Turki")["id"] == make_entity_id(
        "casegraph", "entity", turki["id"]
    )
    ids = {e["properties"]["recordId"][0]: e["id"] for e in entities if "recordId" in e["properties"]}
    assert ids[case["relations"][0]["id"]] == make_entity_id(
        "casegraph", "relation", case["relations"][0]["id"]
    )


def test_write_ftm_links_carry_evidence_and_the_casegraph_relation_id(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    entities = _export(tmp_path, case)
    turki = _by_name(entities, "Person", "Mansur al-Turki")
    ministry = _by_name(entities, "Organization", "Saudi Interior Ministry")
    [job] = [
        e for e in entities if e["schema"] == "Employment" and e["properties"]["employee"] == [turki["id"]]
    ]
    rel = next(
        r
        for r in case["relations"]
        if r["type"] == "employed_by" and r["evidence"][0]["text"].startswith("Saudi")
    )
    assert job["properties"]["employer"] == [ministry["id"]]
    assert job["properties"]["recordId"] == [rel["id"]]
    assert job["properties"]["description"] == [rel["evidence"][0]["text"]]
    assert len(job["properties"]["proof"]) == 1


def test_write_ftm_located_in_keeps_both_evidence_sentences(tmp_path: Path, case: dict[str, Any]) -> None:
    entities = _export(tmp_path, case)
    mosque = _by_name(entities, "Address", "Grand Mosque")
    [link] = [
        e for e in entities if e["schema"] == "UnknownLink" and e["properties"]["subject"] == [mosque["id"]]
    ]
    assert link["properties"]["role"] == ["located in"]
    assert link["properties"]["object"] == [_by_name(entities, "Address", "Mecca")["id"]]
    assert len(link["properties"]["description"]) == 2
    assert mosque["properties"]["keywords"] == ["facility"] and mosque["properties"]["full"] == [
        "Grand Mosque"
    ]


def test_write_ftm_mentions_resolve_to_legal_entities_only(tmp_path: Path, case: dict[str, Any]) -> None:
    entities = _export(tmp_path, case)
    mentions = {m["properties"]["name"][0]: m for m in entities if m["schema"] == "Mention"}
    isis = _by_name(entities, "Organization", "Islamic State")
    assert mentions["IS"]["properties"]["resolved"] == [isis["id"]]
    assert mentions["IS"]["properties"]["detectedSchema"] == ["Organization"]
    assert "resolved" not in mentions["Mecca"]["properties"]  # Mention.resolved takes a LegalEntity
    assert mentions["Mecca"]["properties"]["detectedSchema"] == ["Address"]
    assert set(mentions["Eid al-Fitr"]["properties"]) == {"document", "name"}  # misc: no FtM entity


def test_write_ftm_event_has_date_place_parties_and_counts(tmp_path: Path, case: dict[str, Any]) -> None:
    entities = _export(tmp_path, case)
    [event] = [e for e in entities if e["schema"] == "Event"]
    props = event["properties"]
    assert props["name"] == ["attack (Sinai Peninsula, 2017-07-07)"]
    assert props["date"] == ["2017-07-07"]
    assert props["location"] == ["Sinai Peninsula"]
    assert props["addressEntity"] == [_by_name(entities, "Address", "Sinai Peninsula")["id"]]
    assert props["involved"] == [_by_name(entities, "Organization", "Islamic State")["id"]]
    assert props["summary"] == ["perpetrator: Islamic State; target: 23 soldiers; at least 23 killed"]
    assert props["description"][0].startswith("Islamic State has claimed responsibility")


def test_write_ftm_event_summary_shows_units_and_participants_without_words(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    [event] = case["events"]
    event["counts"].append({"what": "ammonium nitrate", "value": 2, "qualifier": "exact", "unit": "tonnes"})
    event["participants"][1]["text"] = ""  # stored before participants kept their words
    [ftm_event] = [e for e in _export(tmp_path, case) if e["schema"] == "Event"]
    assert ftm_event["properties"]["summary"] == [
        "perpetrator: Islamic State; target: unknown; 2 tonnes of ammonium nitrate; at least 23 killed"
    ]


def test_write_ftm_quotes_become_notes_with_or_without_a_speaker(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    entities = _export(tmp_path, case)
    notes = {n["properties"]["summary"][0]: n["properties"] for n in entities if n["schema"] == "Note"}
    assert notes["Bahram Ghasemi"]["entity"] == [_by_name(entities, "Person", "Bahram Ghasemi")["id"]]
    assert notes["Bahram Ghasemi"]["description"] == [
        "terrorism is rampant and growing now across the whole world."
    ]
    anonymous = notes["Egyptian officials"]
    assert "entity" not in anonymous
    assert anonymous["notes"][0].startswith("Egyptian officials said a suicide car bomber")


LINK_CASES = [
    ("member_of", "person", "organization", "Membership", "role", "member"),
    ("leader_of", "person", "organization", "Membership", "role", "leader"),
    ("employed_by", "person", "organization", "Employment", "role", "employee"),
    ("employed_by", "organization", "organization", "UnknownLink", "role", "employee"),
    ("member_of", "person", "location", "UnknownLink", "role", "member"),
    ("founded", "person", "organization", "UnknownLink", "role", "founder"),
    ("co_founded_with", "person", "person", "Associate", "relationship", "co-founder"),
    ("communicated_with", "person", "person", "Associate", "relationship", "communicated with"),
    ("communicated_with", "person", "organization", "UnknownLink", "role", "communicated with"),
    ("affiliated_with", "person", "organization", "UnknownLink", "role", "affiliated with"),
    ("located_in", "organization", "location", "UnknownLink", "role", "located in"),
    ("died_in", "person", "location", "UnknownLink", "role", "died in"),
    ("related_to", "person", "person", "UnknownLink", "role", "related to"),
]


def test_link_cases_cover_every_relation_type() -> None:
    assert {case[0] for case in LINK_CASES} == set(RELATION_TYPES)


@pytest.mark.parametrize(("rel_type", "source", "target", "schema", "role_prop", "role"), LINK_CASES)
def test_write_ftm_chooses_the_link_schema_by_type_and_ends(
    tmp_path: Path,
    case: dict[str, Any],
    rel_type: str,
    source: str,
    target: str,
    schema: str,
    role_prop: str,
    role: str,
) -> None:
    ends = {e["type"]: e["id"] for e in case["entities"]}  # one entity of each type
    ends["person2"] = next(
        e["id"] for e in case["entities"] if e["type"] == "person" and e["id"] != ends["person"]
    )
    target_id = ends["person2"] if target == "person" else ends[target]
    if source == target == "organization":
        target_id = next(
            e["id"] for e in case["entities"] if e["type"] == "organization" and e["id"] != ends[source]
        )
    evidence = case["relations"][0]["evidence"]
    case["relations"] = [
        {"id": "r1", "type": rel_type, "source": ends[source], "target": target_id, "evidence": evidence}
    ]
    entities = _export(tmp_path, case)
    by_id = {entity["id"]: entity for entity in entities}
    [link] = [e for e in entities if e["properties"].get("recordId") == ["r1"]]
    assert link["schema"] == schema
    assert link["properties"][role_prop] == [role]
    _check_entity(link, by_id)
