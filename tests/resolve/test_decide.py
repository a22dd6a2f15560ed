"""Reviewer decisions on a real store: applied at once, re-applied after re-ingestion, consistent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casegraph.case import Case, open_case
from casegraph.cli import cli
from casegraph.errors import DecisionError, NotFoundError
from casegraph.resolve.update import resolve_store
from casegraph.store import Writer, open_store, schema
from tests.conftest import REPO, copy_store

NOTE = REPO / "examples" / "case" / "notes" / "intercept-aydin-yavuz.txt"


@pytest.fixture
def case(demo_store: Any, tmp_path: Path) -> Iterator[Case]:
    """A writable copy of the sample case (SQLite's backup API copies the WAL as well)."""
    target = tmp_path / "case.db"
    with sqlite3.connect(demo_store.store.location) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with open_case(target) as opened:
        yield opened


def names(case: Case) -> dict[str, Any]:
    return {e.name: e for e in case.entities()}


def entity_of(case: Case, name: str) -> str:
    return str(case.entity(name)["id"])


def reingest(case: Case, path: Path = NOTE) -> None:
    """Delete a document and ingest it again: its mentions are grouped anew."""
    with case.store.read() as conn:
        doc = conn.execute(
            select(schema.documents.c.id).where(schema.documents.c.path.like(f"%{path.name}"))
        ).scalar_one()
    Writer(case.store).delete_document(doc)
    assert case.ingest(path, ref_date="2016-09-20").ingested


def test_merge_joins_two_entities_and_survives_reingestion_and_a_full_recompute(case: Case) -> None:
    assert {"Selim", "Selim Karaca"} <= set(names(case))
    done = case.merge("Selim", "Selim Karaca", author="ann", note="same man, see interview")
    merged = names(case)
    assert "Selim" not in merged and "Selim" in merged["Selim Karaca"].aliases
    assert any(f"decision #{done.id} (positive) by ann" in r for r in merged["Selim Karaca"].reasons)
    reingest(case)
    resolve_store(case.store)
    assert "Selim" not in names(case)


def test_negative_decision_undoes_an_automatic_merge_for_good(case: Case) -> None:
    harun = case.entity("Harun Yavuz")
    assert "Abu Harun" in harun["aliases"] and len(harun["groups"]) == 2  # joined by the alias rule
    other = next(g["id"] for g in harun["groups"] if g["id"] != harun["id"])
    case.judge(harun["id"], other, "negative", author="ann")
    assert "Abu Harun" in names(case)  # apart again
    reingest(case)  # the intercept calls him "Abu Harun" and names Harun Yavuz: the match comes back
    resolve_store(case.store)
    assert {"Abu Harun", "Harun Yavuz"} <= set(names(case))
    assert case.review() == [] or all(
        {i["a"]["group"], i["b"]["group"]} != {harun["id"], other} for i in case.review()
    )


def test_decisions_are_transitive_and_contradictions_are_refused(case: Case) -> None:
    case.merge("Selim", "Selim Karaca")
    case.merge("Selim Karaca", "Erkan")
    assert "Erkan" in names(case)["Selim Karaca"].aliases  # Selim = Selim Karaca = Erkan
    with pytest.raises(DecisionError, match="contradicts earlier decisions"):
        case.judge("Selim", "Erkan", "negative")
    # A later judgement on the same pair replaces the earlier one.
    case.judge("Selim Karaca", "Erkan", "negative")
    assert "Erkan" in names(case)


def test_split_takes_one_mention_out_and_undo_puts_it_back(case: Case) -> None:
    page = case.entity("Kemal Aydın")
    mention = next(m for m in page["mentions"] if m["text"] == "Aydin")
    done = case.split("Kemal Aydın", [mention["id"]], author="ann")
    after = case.entity("Kemal Aydın")
    assert after["totals"]["mentions"] == page["totals"]["mentions"] - 1
    assert mention["id"] not in {m["id"] for m in after["mentions"]}
    with case.store.read() as conn:
        alone = conn.execute(
            select(schema.entity_mentions.c.entity).where(schema.entity_mentions.c.mention == mention["id"])
        ).scalar_one()
    assert alone != after["id"]
    resolve_store(case.store)
    assert mention["id"] not in {m["id"] for m in case.entity("Kemal Aydın")["mentions"]}
    case.undo(done[0].id)
    assert case.entity("Kemal Aydın")["totals"]["mentions"] == page["totals"]["mentions"]


def test_split_refuses_a_mention_of_another_entity(case: Case) -> None:
    other = case.entity("Selim Karaca")["mentions"][0]["id"]
    with pytest.raises(DecisionError, match="is not a mention of entity"):
        case.split("Kemal Aydın", [other])


def test_rename_and_retype_stay_through_new_documents(case: Case) -> None:
    case.rename("EFB", "Eastern Front Brigade (armed group)")
    case.retype("Larkfield Institute", "facility")
    reingest(case, REPO / "examples" / "case" / "notes" / "analyst-note-efb-financing.txt")
    found = names(case)
    assert found["Eastern Front Brigade (armed group)"].type == "organization"
    assert "Eastern Front Brigade" in found["Eastern Front Brigade (armed group)"].aliases
    assert found["Larkfield Institute"].type == "facility"
    with pytest.raises(DecisionError, match="unknown entity type"):
        case.retype("Larkfield Institute", "building")


def test_ambiguous_surname_waits_for_review_and_unsure_takes_it_off(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "demirs"
    folder.mkdir()
    (folder / "a.txt").write_text("Police in Gaziantep detained Yusuf Demir on Tuesday, officials said.\n")
    (folder / "b.txt").write_text("Hasan Demir, a shopkeeper in Kilis, told reporters he had seen nothing.\n")
    (folder / "c.txt").write_text(
        "Prosecutors in Gaziantep said Demir had travelled to Kilis and Raqqa in 2015.\n"
    )
    assert case.ingest(folder, ref_date="2016-09-20").ok
    assert {"Yusuf Demir", "Hasan Demir", "Demir"} <= set(names(case))  # two full names: no merge
    pairs = [i for i in case.review() if i["rule"] == "surname"]
    assert sorted(i["a"]["name"] + "/" + i["b"]["name"] for i in pairs) == [
        "Hasan Demir/Demir",
        "Yusuf Demir/Demir",
    ] or sorted(i["b"]["name"] + "/" + i["a"]["name"] for i in pairs) == [
        "Hasan Demir/Demir",
        "Yusuf Demir/Demir",
    ]
    first = pairs[0]
    case.judge(first["a"]["group"], first["b"]["group"], "unsure")
    left = {frozenset((i["a"]["group"], i["b"]["group"])) for i in case.review()}
    assert frozenset((first["a"]["group"], first["b"]["group"])) not in left and len(left) >= 1
    assert [d["kind"] for d in case.decisions()] == ["unsure"]
    # A reviewer says the bare "Demir" is not Hasan: the surname now fits one full name only.
    hasan = next(i for i in pairs if "Hasan Demir" in (i["a"]["name"], i["b"]["name"]))
    case.judge(hasan["a"]["group"], hasan["b"]["group"], "negative")
    assert "Demir" in names(case)["Yusuf Demir"].aliases


def test_unknown_entities_are_refused_with_a_hint(case: Case) -> None:
    with pytest.raises(NotFoundError, match="no entity named"):
        case.merge("Nobody Atall", "Selim")
    with pytest.raises(NotFoundError, match="no decision #99"):
        case.undo(99)


def test_decisions_are_reapplied_on_postgresql(case: Case, pg_db: str) -> None:
    target = Case(open_store(pg_db))
    try:
        copy_store(case.store, target.store)
        target.merge("Selim", "Selim Karaca", author="ann")
        resolve_store(target.store)
        assert "Selim" not in names(target)
        assert names(target).keys() - {"Selim"} == names(case).keys() - {"Selim"}
    finally:
        target.close()


def test_cli_decision_commands(case: Case) -> None:
    db = str(case.store.location)
    runner = CliRunner()
    merged = runner.invoke(cli, ["merge", "Selim", "Selim Karaca", "--db", db, "--by", "ann"])
    assert merged.exit_code == 0, merged.output
    assert "decision #1" in merged.output
    listed = runner.invoke(cli, ["decisions", "--db", db])
    assert "#1 positive" in listed.output and "by ann" in listed.output
    shown = runner.invoke(cli, ["show", "Selim Karaca", "--db", db])
    assert "Names joined into this entity" in shown.output and "Reviewer decisions" in shown.output
    bad = runner.invoke(cli, ["retype", "Selim Karaca", "building", "--db", db])
    assert bad.exit_code == 2 and "building" in bad.output
    missing = runner.invoke(cli, ["split", "Selim Karaca", "--mention", "m0", "--db", db])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert "is not a mention of entity" in missing.output
    undone = runner.invoke(cli, ["undo", "1", "--db", db])
    assert undone.exit_code == 0 and "removed" in undone.output
    assert "Selim" in names(case)


def test_cli_xref_prints_candidates_and_records_accepted_matches(case: Case) -> None:
    db = str(case.store.location)
    wanted = str(REPO / "tests" / "fixtures" / "resolve" / "wanted.ftm.json")
    runner = CliRunner()
    shown = runner.invoke(cli, ["xref", "--against", wanted, "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "skipped: 1 Ownership, 1 Vessel" in shown.output and "wanted-isil" in shown.output
    assert case.decisions() == []  # without --accept nothing is recorded
    taken = runner.invoke(cli, ["xref", "--against", wanted, "--db", db, "--accept", "0.95", "--json"])
    result = json.loads(taken.output)
    recorded = {c["list_id"]: c["entity_name"] for c in result["candidates"] if c["recorded"]}
    assert recorded == {"wanted-isil": "Islamic State", "wanted-pkk": "Kurdistan Workers' Party"}
    page = case.entity("Islamic State")
    assert [(d["kind"], d["b"]) for d in page["decisions"]] == [("xref", "ftm:wanted-isil")]
    # The decision names the entity's group: it survives a full recompute.
    resolve_store(case.store)
    assert [d["b"] for d in case.entity("Islamic State")["decisions"]] == ["ftm:wanted-isil"]


def test_cli_xref_refuses_a_bad_list_in_one_line(case: Case, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "x", "schema": "Person", "properties": {"name": ["A"]}}\nnot json\n')
    result = CliRunner().invoke(cli, ["xref", "--against", str(bad), "--db", str(case.store.location)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 2" in result.output
    missing = CliRunner().invoke(
        cli, ["xref", "--against", str(tmp_path / "no.json"), "--db", str(case.store.location)]
    )
    assert missing.exit_code == 1 and "no.json" in missing.output


def test_cli_decisions_and_undo_are_in_the_audit_log(case: Case) -> None:
    from casegraph.serve.auth import audit_log

    db = str(case.store.location)
    runner = CliRunner()
    assert runner.invoke(cli, ["merge", "Selim", "Selim Karaca", "--db", db, "--by", "ann"]).exit_code == 0
    assert runner.invoke(cli, ["undo", "1", "--db", db]).exit_code == 0
    entries = audit_log(case.store)["entries"]
    assert [(e["action"], e["user"]) for e in entries][:2] == [("undo", "ann"), ("decision", "ann")]
