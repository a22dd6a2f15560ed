"""Readers and reviewers keep working while a real `casegraph ingest` subprocess writes the store: queries
in this process, the `casegraph search` command, the HTTP API served by uvicorn, and decisions that
resolve the queue at the same time as the ingest, on SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, func, select

from casegraph.case import Case
from casegraph.errors import NotFoundError
from casegraph.store import Writer, open_store, schema
from tests.conftest import CORPUS, REPO, copy_store


def load_crash() -> ModuleType:
    """scripts/crash.py, the kill-and-resume runner, whose store checks the tests share."""
    if "casegraph_crash" in sys.modules:
        return sys.modules["casegraph_crash"]
    spec = importlib.util.spec_from_file_location("casegraph_crash", REPO / "scripts" / "crash.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


crash = load_crash()
# Batches of two: the ingest writes between extractions all through its run, not in one burst.
ENV = {**os.environ, "CASEGRAPH_BATCH_SIZE": "2"}


def _start_ingest(folder: Path, db: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(crash.ingest_command(folder, db), env=ENV, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the ingest and require that it succeeded (killing it if the test failed first)."""
    try:
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr.decode()[-500:]


@contextmanager
def served(db: str) -> Iterator[str]:
    """The HTTP API over ``db``, served by a real uvicorn on a free loopback port in a thread."""
    import uvicorn

    from casegraph.serve.app import create_app

    app = create_app(db)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.store.close()


class Readers:
    """Reader threads that loop until told to stop, counting their reads and every error they meet."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.reads = 0
        self.docs_seen: set[int] = set()
        self.threads: list[threading.Thread] = []

    def start(self, name: str, step: Callable[[], None]) -> None:
        """Run ``step`` over and over in a thread until ``stop`` is set."""

        def loop() -> None:
            while not self.stop.is_set():
                try:
                    step()
                    self.reads += 1
                except Exception as err:  # noqa: BLE001 - every failure of a reader is what we count
                    self.errors.append(f"{name}: {type(err).__name__}: {err}")
                time.sleep(0.02)  # leave the ingest some of the machine's cores

        self.threads.append(threading.Thread(target=loop, daemon=True))
        self.threads[-1].start()

    def join(self) -> None:
        """Stop the readers and wait for them."""
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def _get(base: str, path: str, *, missing_ok: bool = False) -> Any:
    """GET a JSON API route: 200 required, or 404 where resolution may have rewritten what was listed."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        body = err.read().decode(errors="replace")
        if missing_ok and err.code == 404 and json.loads(body)["error"]["code"] == "not_found":
            return None
        raise AssertionError(f"GET {path} answered {err.code}: {body[:300]}") from err


def _http_step(base: str, readers: Readers) -> Callable[[], None]:
    def step() -> None:
        readers.docs_seen.add(int(_get(base, "/api/summary")["counts"]["documents"]))
        _get(base, "/api/search?q=" + quote("Aydin OR Turkey OR police"))
        for entity in _get(base, "/api/entities?limit=2")["entities"]:
            _get(base, f"/api/entities/{entity['id']}?limit=20", missing_ok=True)
            _get(base, f"/api/graph?entity={entity['id']}", missing_ok=True)
        _get(base, "/api/timeline?limit=50")
        for hit in _get(base, "/api/search?q=the&limit=2")["hits"]:
            _get(base, f"/api/documents/{hit['doc']}")

    return step


def _case_step(case: Case) -> Callable[[], None]:
    def step() -> None:
        case.search("Aydin OR Turkey OR police")
        for entity in case.entities()[:2]:
            try:
                case.entity(entity.id, limit=20)
            except NotFoundError:  # rewritten by resolution since it was listed
                pass

    return step


def _reviewer_step(case: Case, decided: list[int]) -> Callable[[], None]:
    def step() -> None:
        done = case.merge("Islamic State", "Eastern Front Brigade", note="concurrency test")
        case.undo(done.id)
        decided.append(done.id)

    return step


def test_readers_and_reviewers_work_while_an_ingest_writes(
    store_db: str, tmp_path: Path, demo_store: Any
) -> None:
    # The sample case is in the store; an ingest adds six news articles while, all the while, this
    # process searches and reads entity pages, a uvicorn server answers the API, `casegraph search`
    # runs, and a reviewer merges and unmerges two entities: each decision resolves the queue, as the
    # ingest does, at the same time.
    store = open_store(store_db)
    copy_store(demo_store.store, store)
    if store.dialect == "sqlite":  # the copy's full-text index, kept by the writer, is rebuilt
        with store.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO doc_fts(doc_fts) VALUES('rebuild')")
    folder = tmp_path / "news"
    shutil.copytree(CORPUS / "news", folder)
    search = [sys.executable, "-m", "casegraph", "search", "Aydin", "--db", store_db, "--json"]
    readers = Readers()
    decided: list[int] = []
    proc = _start_ingest(folder, store_db)
    try:
        with Case(store) as case, Case(open_store(store_db)) as reviewer, served(store_db) as base:
            readers.start("python", _case_step(case))
            readers.start("http", _http_step(base, readers))
            readers.start("reviewer", _reviewer_step(reviewer, decided))
            searched = subprocess.run(search, capture_output=True, text=True, env=ENV, check=False)
            _finish(proc)
            readers.join()
            assert crash.queued(case.store) == 0
            assert crash.entity_signature(case.store) == crash.recompute(case.store)
    finally:
        readers.join()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert readers.errors == []
    assert searched.returncode == 0, searched.stderr
    assert "hits" in json.loads(searched.stdout)
    assert readers.reads >= 10 and len(decided) >= 2
    # The readers read while the store grew, not only before or after the ingest.
    assert len(readers.docs_seen) >= 3, readers.docs_seen


def test_sqlite_read_connections_wait_for_a_writer(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
    try:
        with store.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()) >= 5000
    finally:
        store.close()


def _count_failures(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(schema.failures)).scalar_one())


def test_one_read_sees_one_state_of_the_store(store_db: str) -> None:
    # Pages are read in several queries (an entity, then its groups, mentions, relations; a graph walk,
    # then its nodes): a resolution committed between two of them must not show half of itself.
    reader, other = open_store(store_db), open_store(store_db)
    try:
        with reader.read() as conn:
            before = _count_failures(conn)
            Writer(other).record_failure("late.txt", "written while a page was being read")
            assert _count_failures(conn) == before
        with reader.read() as conn:
            assert _count_failures(conn) == before + 1
    finally:
        reader.close()
        other.close()


_WRITE = (
    "import sys; from casegraph.store import Writer, open_store; s = open_store(sys.argv[1]); "
    "Writer(s).record_failure(sys.argv[2], 'written by another process'); s.close()"
)


def test_a_store_opened_twice_loses_nothing_another_process_writes(tmp_path: Path) -> None:
    # A process that opens a store it already has open (a server and a Case, a notebook cell run
    # twice) must keep its SQLite locks: without them another process closing the store takes itself
    # for the last one, deletes the write-ahead log under the open connections, and what one of them
    # writes next overwrites what the other wrote.
    db = tmp_path / "case.db"
    first, second = open_store(db), None
    try:
        writer = Writer(first)
        writer.record_failure("first.txt", "written before the store was opened again")
        second = open_store(db)
        subprocess.run([sys.executable, "-c", _WRITE, str(db), "other-1.txt"], check=True)
        assert db.with_name("case.db-wal").exists()  # the other process knew it was not the last
        for n in range(50):
            writer.record_failure(f"mine-{n}.txt", "written after the other process closed " * 20)
        subprocess.run([sys.executable, "-c", _WRITE, str(db), "other-2.txt"], check=True)
        writer.record_failure("last.txt", "written last")
    finally:
        first.close()
        if second is not None:
            second.close()
    check = open_store(db)
    try:
        with check.read() as conn:
            paths = set(conn.execute(select(schema.failures.c.path)).scalars())
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        check.close()
    assert {"first.txt", "other-1.txt", "other-2.txt", "last.txt"} <= paths
    assert len(paths) == 54
