"""Crashes and restarts: a real `casegraph ingest` (and `casegraph merge`) killed with SIGKILL at seeded
moments leaves a consistent store, and running the same command again gives what one clean run gives.

The checks are scripts/crash.py's, which runs many more kills (`python scripts/crash.py --runs 30`).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from random import Random
from typing import Any

import pytest

from casegraph.errors import StoreError
from casegraph.store import migrations, open_store
from tests.test_concurrency import load_crash

crash = load_crash()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A folder of 17 real documents and what one clean, uninterrupted ingest of it stores (SQLite)."""
    where = tmp_path_factory.mktemp("crash")
    folder = crash.build_folder(where / "docs", small=True)
    return folder, crash.clean_run(folder, str(where / "clean.db"))


def test_killed_ingest_and_merge_resume_to_the_clean_result(clean: tuple[Path, Any], tmp_path: Path) -> None:
    folder, reference = clean
    db = str(tmp_path / "case.db")
    rng = Random(7)
    # Killed: while it starts, while two workers extract, between document writes, while it resolves.
    # Checked after each kill and at the end; worker processes must not outlive the kill (SIGKILL gives
    # the ingest no chance to stop its pool: they notice on their own).
    result = crash.crash_run(folder, db, reference, kinds=["start", "workers", "docs", "resolve"], rng=rng)
    merged = crash.kill_merge(db, *crash.pick_pair(reference), rng=rng)
    assert crash.problems(result, merged) == {}
    assert [k.kind for k in result.kills if k.hit] == ["start", "workers", "docs", "resolve"]
    docs = next(k for k in result.kills if k.kind == "docs")
    assert 0 < docs.docs < len(reference.docs)  # killed mid-run, with documents still to come
    resolving = next(k for k in result.kills if k.kind == "resolve")
    assert resolving.docs == len(reference.docs) and resolving.queued > 0  # killed before resolving
    assert sum(result.resumed) == len(reference.docs)  # stored by the killed runs: skipped
    _report("SQLite", result, reference)


def _report(backend: str, result: Any, reference: Any) -> None:
    """The figures docs/reliability.md quotes (shown with pytest -s)."""
    kills = [f"{k.kind} at {k.docs} documents" for k in result.kills if k.hit]
    print(
        f"\nkill-and-resume on {backend}: {len(kills)} kills ({'; '.join(kills)}), "
        f"{len(reference.docs)} documents expected, {result.problems['lost']} lost, "
        f"{result.problems['duplicates']} duplicates"
    )


def test_killed_ingest_into_postgresql_resumes_to_the_clean_result(
    clean: tuple[Path, Any], pg_db: str
) -> None:
    folder, reference = clean  # the backends store the same documents and entities
    result = crash.crash_run(folder, pg_db, reference, kinds=["docs"], rng=Random(8))
    assert crash.problems(result) == {}
    assert all(k.hit for k in result.kills)
    _report("PostgreSQL", result, reference)


_DIE_IN_MIGRATION = """
import os, signal, sys
from casegraph.store import migrations, open_store
number, step = migrations.MIGRATIONS[{index}]
def die(conn):
    step(conn)
    os.kill(os.getpid(), signal.SIGKILL)
migrations.MIGRATIONS[{index}] = (number, die)
open_store(sys.argv[1])
"""


def test_store_killed_while_being_created_opens_again(store_db: str) -> None:
    # Killed halfway through the migrations of a new store (tables made, the version not yet written):
    # nothing of it stays, so the next command creates the store as if it were the first.
    code = _DIE_IN_MIGRATION.format(index=len(migrations.MIGRATIONS) // 2)
    died = subprocess.run([sys.executable, "-c", code, store_db], capture_output=True, check=False)
    assert died.returncode == -signal.SIGKILL, died.stderr
    with pytest.raises(StoreError, match="no case store"):  # nothing half-made: there is no store yet
        open_store(store_db, create=False)
    store = open_store(store_db)
    try:
        with store.read() as conn:
            assert migrations.current_version(conn) == migrations.LATEST
    finally:
        store.close()
