"""Shared fixtures: paths to ../shared, one loaded spaCy pipeline, a real SQLite store."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CASEGRAPH_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
EVAL = SHARED / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real public documents in ../shared/corpus."""
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}; set CASEGRAPH_SHARED"
    return CORPUS


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The default English spaCy pipeline, loaded once per test session."""
    from casegraph.extract.nlp import load_pipeline

    return load_pipeline("en")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled sample case ingested once into a real SQLite file (read-only for tests)."""
    from casegraph.case import open_case

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    case = open_case(db)
    report = case.ingest(REPO / "examples" / "case", ref_date="2016-09-20", recursive=True)
    assert report.ok, report.failed
    yield case
    case.close()


# PostgreSQL: the store and query tests run on both backends through `store_db`. `make test` starts a
# private server (scripts/postgres.sh) and sets CASEGRAPH_TEST_PG; without it the PostgreSQL half is
# skipped, except under CI, where a missing server must fail the run rather than pass it quietly.
PG_ENV = "CASEGRAPH_TEST_PG"


def _pg_missing(reason: str) -> None:
    hint = f"{reason}; run `make test` (scripts/postgres.sh starts a server) or set {PG_ENV}"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"PostgreSQL tests cannot run under CI: {hint}", pytrace=False)
    pytest.skip(hint)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """URL of the PostgreSQL server for tests (env CASEGRAPH_TEST_PG), checked to answer."""
    import psycopg

    url = os.environ.get(PG_ENV, "")
    if not url:
        _pg_missing(f"{PG_ENV} is not set")
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as err:
        _pg_missing(f"no PostgreSQL server at {PG_ENV}={url} ({str(err).splitlines()[0]})")
    return url


def pg_database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the server at ``server``."""
    from sqlalchemy import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_pg_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (byte-order collation, like SQLite), dropped afterwards."""
    import psycopg

    name = f"cg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        try:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' {_pg_locale(admin)}")
            yield pg_database_url(server, name)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _pg_locale(admin: Any) -> str:
    """LC_COLLATE C sorts text by bytes as SQLite does; a UTF-8 LC_CTYPE folds the case of every script."""
    found = admin.execute("SELECT 1 FROM pg_collation WHERE collname = 'C.utf8' OR collname = 'C.UTF-8'")
    ctype = "C.UTF-8" if found.fetchone() else "C"
    return f"LC_COLLATE 'C' LC_CTYPE '{ctype}'"


@pytest.fixture
def pg_db(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_pg_database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store location on each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "case.db")
        return
    with fresh_pg_database(request.getfixturevalue("pg_server")) as url:
        yield url


def copy_store(source: Any, target: Any) -> None:
    """Copy every row of every casegraph table from one store into another, freshly migrated, one."""
    from sqlalchemy import select

    from casegraph.store import schema

    with source.read() as src, target.engine.begin() as dst:
        for table in schema.metadata.sorted_tables:
            rows = [dict(row) for row in src.execute(select(table)).mappings()]
            if rows and table is not schema.schema_version:
                dst.execute(table.insert(), rows)


@pytest.fixture(scope="session")
def demo_store_pg(demo_store: Any, pg_server: str) -> Iterator[Any]:
    """The sample case of `demo_store` copied into a PostgreSQL database (read-only for tests)."""
    from casegraph.case import Case
    from casegraph.store import open_store

    with fresh_pg_database(pg_server) as url:
        case = Case(open_store(url))
        copy_store(demo_store.store, case.store)
        yield case
        case.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_case(request: pytest.FixtureRequest) -> Any:
    """The sample case on each backend: `demo_store`, then `demo_store_pg` (read-only for tests)."""
    return request.getfixturevalue("demo_store" if request.param == "sqlite" else "demo_store_pg")
