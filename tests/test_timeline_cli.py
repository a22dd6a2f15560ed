"""`casegraph timeline` on a real store: the case's incidents in date order, as a table and as JSON, with
its filters and its errors. The case is the reports of tests/query/test_incidents.py: real documents
with events built by hand (no extractor fills them here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casegraph.cli import cli
from tests.query.test_incidents import case_reports, stored


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("timeline") / "case.db"
    stored(str(path), case_reports()).close()
    return str(path)


def run(*args: str) -> tuple[int, str]:
    # A wide terminal, so that the table's cells are not wrapped in the middle of what a test looks for.
    result = CliRunner().invoke(cli, ["timeline", *args], env={"COLUMNS": "400"})
    return result.exit_code, result.output


def items(*args: str) -> list[dict[str, Any]]:
    code, output = run(*args, "--json")
    assert code == 0, output
    data = json.loads(output)
    assert set(data) == {"items", "total"}
    found: list[dict[str, Any]] = data["items"]
    return found


def dates(found: list[dict[str, Any]]) -> list[str | None]:
    return [i["date"]["value"] if i["date"] else None for i in found]


def test_timeline_json_lists_incidents_by_date_with_the_undated_last(db: str) -> None:
    found = items("--db", db)
    assert dates(found) == ["2015-07", "2016-03-14", "2016-12", "2016-12-26", "2016-12-31", None]
    purchase = found[0]
    assert purchase["type"] == "transaction.purchase"
    date = dict(purchase["date"])
    assert date.pop("source") in purchase["sources"]
    assert date == {
        "text": "July 2015",
        "value": "2015-07",
        "precision": "month",
        "end_value": None,
        "modifier": "",
    }
    assert purchase["place"]["name"] == "Gaziantep" and purchase["place"]["id"].startswith("e")
    roles = {(p["role"], p["name"], p["text"]) for p in purchase["participants"]}
    assert ("seller", None, "an agricultural supplier") in roles
    assert ("buyer", "EFB", "EFB") in roles
    assert {(c["value"], c["qualifier"], c["unit"], c["what"]) for c in purchase["counts"]} == {
        (1.5, "exact", "tonnes", "ammonium nitrate"),
        (30, "exact", "bags", "ammonium nitrate"),
    }
    assert len(purchase["evidence"]) == 2
    assert {ev["doc_title"] for ev in purchase["evidence"]} == {
        "Turkey charges suspected leader of Gaziantep bomb cell",
        "Prosecution summary, Investigation No. 2016/4417 (Aydin and others)",
    }
    assert all({"doc", "doc_title", "start", "end", "text"} <= set(ev) for ev in purchase["evidence"])


def test_timeline_table_shows_each_incident_with_its_evidence(db: str) -> None:
    code, output = run("--db", db)
    assert code == 0, output
    for header in ("date", "type", "place", "participants", "counts", "evidence"):
        assert header in output.splitlines()[1]
    rows = ["2015-07 ", "2016-03-14", "2016-12 ", "2016-12-26 – 2017-01-01", "2016-12-31", "undated"]
    at = [output.index(row) for row in rows]
    assert at == sorted(at)  # in date order, the undated last
    assert "transaction.purchase" in output and "Gaziantep" in output
    assert "seller: an agricultural supplier" in output and "buyer: EFB" in output
    assert "1.5 tonnes of ammonium nitrate" in output and "more than 100 killed" in output
    assert "“In July 2015 Aydin and Tuzcu bought 1.5 tonnes" in output
    assert "(Prosecution summary, Investigation No. 2016/4417 (Aydin and others))" in output
    assert output.rstrip().endswith("Events (6)")


def test_timeline_limit_says_how_many_were_left_out(db: str) -> None:
    code, output = run("--db", db, "--limit", "2")
    assert code == 0, output
    assert "Events (first 2 of 6; --limit shows more)" in output
    assert "2016-12-31" not in output
    code, output = run("--db", db, "--limit", "2", "--json")
    assert code == 0 and json.loads(output)["total"] == 6 and len(json.loads(output)["items"]) == 2


def test_timeline_entity_takes_a_name_or_an_id(db: str) -> None:
    by_name = items("--db", db, "--entity", "EFB")
    assert [i["type"] for i in by_name] == ["transaction.purchase", "attack.bombing"]
    efb = next(p["entity"] for p in by_name[0]["participants"] if p["name"] == "EFB")
    assert items("--db", db, "--entity", efb) == by_name
    at_istanbul = items("--db", db, "--entity", "istanbul")  # case is ignored, as for casegraph show
    assert dates(at_istanbul) == ["2016-12", "2016-12-31"]


def test_timeline_from_and_to_keep_the_incidents_in_range(db: str) -> None:
    assert dates(items("--db", db, "--from", "2016", "--to", "2016-06")) == ["2016-03-14"]
    assert dates(items("--db", db, "--from", "2016-12-28")) == ["2016-12", "2016-12-26", "2016-12-31"]
    assert dates(items("--db", db, "--to", "2015-12-31")) == ["2015-07"]
    code, output = run("--db", db, "--from", "2030")
    assert code == 0 and output.strip() == "no events match"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--from", "2015-13"], 1, "from must be a date such as 2015, 2015-07 or 2015-07-20, not '2015-13'"),
        (["--to", "yesterday"], 1, "to must be a date such as 2015, 2015-07 or 2015-07-20, not 'yesterday'"),
        (["--from", "2017", "--to", "2016"], 1, "from 2017 is after to 2016; give the earlier date as from"),
        (["--entity", "Nobody Anywhere"], 1, "no entity named 'Nobody Anywhere'; try casegraph search"),
        (["--limit", "0"], 2, "Invalid value for '--limit': 0 is not in the range 1<=x<=5000"),
    ],
)
def test_timeline_bad_input_is_one_clear_error(db: str, args: list[str], code: int, message: str) -> None:
    exit_code, output = run("--db", db, *args)
    assert exit_code == code
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0]
    if code == 1:  # a usage error (2) also shows the usage, as click does for every command
        assert output.strip() == errors[0]


def test_timeline_on_a_case_without_events(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    stored(str(empty), []).close()
    code, output = run("--db", str(empty))
    assert code == 0 and output.strip() == "no events in the case"
    assert items("--db", str(empty)) == []
