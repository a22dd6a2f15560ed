"""Opening a store: a SQLite file by default (PostgreSQL joins later through the same schema)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import SQLAlchemyError

from casegraph.errors import StoreError
from casegraph.store import migrations


def store_url(db: str | Path) -> str:
    """Turn a ``--db`` value (a file path or a URL) into an SQLAlchemy URL."""
    raw = str(db)
    if raw.startswith("sqlite:"):
        return raw
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise StoreError(f"unsupported store URL scheme {scheme!r}: give a SQLite file path (e.g. case.db)")
    return "sqlite:///" + str(Path(raw).expanduser())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers keep reading while the writer writes
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Store:
    """A casegraph store: read through ``read()``, write through ``casegraph.store.Writer`` only."""

    def __init__(self, engine: Engine, *, location: str) -> None:
        self.engine = engine
        self.location = location
        self.dialect = engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read connection; errors become StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as err:
            raise StoreError(f"cannot read the store {self.location}: {_reason(err)}") from err

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()


def _reason(err: SQLAlchemyError) -> str:
    orig = getattr(err, "orig", None)
    return str(orig or err).splitlines()[0]


def open_store(db: str | Path, *, create: bool = True, target: int | None = None) -> Store:
    """Open (and if needed create and migrate) the store at ``db``.

    With ``create=False`` a missing SQLite file is an error naming the fix, not a new empty case.
    """
    url = store_url(db)
    path = url.removeprefix("sqlite:///")
    if url.startswith("sqlite:///") and path and path != ":memory:":
        _check_sqlite_path(Path(path), create=create)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine, location=str(db))
    _migrate(store, target=target or migrations.LATEST)
    return store


def _check_sqlite_path(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a file name for the store, e.g. {path / 'case.db'}")
    if not path.exists():
        if not create:
            raise StoreError(f"no case store at {path}: run `casegraph ingest PATH --db {path}` first")
        if not path.parent.exists():
            raise StoreError(f"folder {path.parent} does not exist: create it or choose another --db")
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a casegraph store (not a SQLite file); choose another --db")


def _migrate(store: Store, *, target: int) -> None:
    try:
        with store.engine.begin() as conn:
            version = migrations.current_version(conn)
            if version == 0 and inspect(conn).get_table_names():
                raise StoreError(
                    f"{store.location} holds other data, not a casegraph store; choose another --db"
                )
            if version > migrations.LATEST:
                raise StoreError(
                    f"{store.location} was written by a newer casegraph (schema {version}); upgrade casegraph"
                )
            migrations.migrate(conn, target=target)
    except (SQLAlchemyError, sqlite3.Error) as err:
        raise StoreError(f"cannot open the store {store.location}: {err}") from err
