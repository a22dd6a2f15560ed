"""The command line on real files: every command, its output, its errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from casegraph.cli import cli
from tests.conftest import CORPUS

NEWS = CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "case.db"
    result = CliRunner().invoke(
        cli, ["ingest", str(NEWS), "--db", str(path), "--date", "2017-01-02", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return str(path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_ingest_prints_a_summary_line(tmp_path: Path) -> None:
    code, output = run("ingest", str(NEWS), "--db", str(tmp_path / "c.db"), "--quiet")
    assert code == 0
    assert "ingested 1, skipped 0 duplicate(s), failed 0" in output


def test_ingest_exit_code_says_a_file_failed(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    code, output = run("ingest", str(NEWS), str(bad), "--db", str(tmp_path / "c.db"), "--quiet")
    assert code == 1
    assert "ingested 1" in output and "failed 1" in output
    assert "empty.txt" in output
    code, output = run("failures", "--db", str(tmp_path / "c.db"), "--json")
    assert code == 0 and [Path(r["path"]).name for r in json.loads(output)] == ["empty.txt"]


def test_ingest_rejects_a_bad_reference_date(tmp_path: Path) -> None:
    code, output = run("ingest", str(NEWS), "--db", str(tmp_path / "c.db"), "--date", "20-09-2016")
    assert code == 1
    assert "YYYY-MM-DD" in output
    assert not (tmp_path / "c.db").exists()


def test_search_highlights_matches(db: str) -> None:
    code, output = run("search", "Bosphorus", "--db", db, "--json")
    assert code == 0
    hits = json.loads(output)["hits"]
    assert len(hits) == 1
    assert any(part["match"] and part["text"].lower() == "bosphorus" for part in hits[0]["snippet"])


def test_search_survives_query_syntax(db: str) -> None:
    for query in ('"unbalanced', "AND OR NOT", "a*b(c)", "NEAR(x y)", "Erdoğan"):
        code, output = run("search", query, "--db", db)
        assert code == 0, (query, output)


def test_search_ignores_diacritics(db: str) -> None:
    _, with_mark = run("search", "Erdoğan", "--db", db, "--json")
    _, without = run("search", "Erdogan", "--db", db, "--json")
    assert json.loads(with_mark)["hits"] and json.loads(with_mark)["hits"] == json.loads(without)["hits"]


def test_search_on_a_missing_store_names_the_fix(tmp_path: Path) -> None:
    code, output = run("search", "x", "--db", str(tmp_path / "none.db"))
    assert code == 1
    assert "casegraph ingest" in output
    assert not (tmp_path / "none.db").exists()


def test_show_prints_aliases_mentions_and_sentences(db: str) -> None:
    code, output = run("show", "Mark Almond", "--db", db, "--json")
    assert code == 0, output
    page = json.loads(output)
    assert page["type"] == "person"
    assert page["name"] == "Mark Almond"
    assert any(m["text"] == "Almond" for m in page["mentions"])
    for m in page["mentions"]:
        sent = m["sentence"]
        assert sent["text"][m["start"] - sent["start"] : m["end"] - sent["start"]] == m["text"]


def test_show_limit_says_how_many_were_left_out(db: str) -> None:
    code, output = run("show", "Mark Almond", "--db", db, "--limit", "1")
    assert code == 0, output
    assert "Mentions (first 1 of " in output and "--limit shows more" in output
    code, output = run("show", "Mark Almond", "--db", db, "--limit", "0")
    assert code == 2 and "--limit" in output


def test_show_unknown_entity_is_one_line(db: str) -> None:
    code, output = run("show", "Nobody Anywhere", "--db", db)
    assert code == 1
    assert output.strip().count("\n") == 0 and "no entity named" in output


@pytest.mark.parametrize("fmt", ["json", "ftm", "graphml", "csv"])
def test_export_every_format(db: str, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"case.{fmt}"
    code, text = run("export", "--db", db, "--format", fmt, "--output", str(output))
    assert code == 0, text
    if fmt == "json":
        data = json.loads(output.read_text())
        assert data["format"] == "casegraph/1" and data["entities"]
    elif fmt == "graphml":
        assert nx.read_graphml(output).number_of_nodes() > 5
    elif fmt == "csv":
        assert (output / "entities.csv").read_text().count("\n") > 5
    else:
        assert all(json.loads(line)["schema"] for line in output.read_text().splitlines())


def test_export_unknown_format_is_a_usage_error(db: str, tmp_path: Path) -> None:
    code, output = run("export", "--db", db, "--format", "xml", "--output", str(tmp_path / "x"))
    assert code == 2
    assert "json" in output


def test_summary_counts(db: str) -> None:
    code, output = run("summary", "--db", db, "--json")
    assert code == 0
    counts = json.loads(output)["counts"]
    assert counts["documents"] == 1 and counts["entities"] > 5


def test_cli_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("plain text")
    proc = subprocess.run(
        [sys.executable, "-m", "casegraph", "summary", "--db", str(not_a_db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "not a casegraph store" in proc.stderr


def test_settings_lists_every_variable() -> None:
    code, output = run("settings")
    assert code == 0
    assert "CASEGRAPH_MODEL_EN" in output and "CASEGRAPH_DB" in output
