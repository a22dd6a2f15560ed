"""Opening a store: a SQLite file by default, or a PostgreSQL database given as a postgresql:// URL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from casegraph.errors import StoreError
from casegraph.store import migrations

_PG_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_PG_DRIVER = "postgresql+psycopg"
# Any constant works: advisory locks are per database. This one spells "casegrap".
_MIGRATION_LOCK = 0x6361736567726170


def store_url(db: str | Path) -> str:
    """Turn a ``--db`` value (a file path, a sqlite:/// or a postgresql:// URL) into an SQLAlchemy URL."""
    raw = str(db)
    if raw.startswith("sqlite:"):
        return raw
    if raw.startswith(_PG_SCHEMES):
        return _PG_DRIVER + "://" + raw.split("://", 1)[1]
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise StoreError(
            f"unsupported store URL scheme {scheme!r}: give a SQLite file path (e.g. case.db) "
            "or a PostgreSQL URL (postgresql://user@host:5432/dbname)"
        )
    return "sqlite:///" + str(Path(raw).expanduser())


def describe_url(url: str | URL) -> str:
    """A store URL as it may be shown to a user: host, port and database, never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return parsed.database or str(parsed)
    user = f"{parsed.username}@" if parsed.username else ""
    host = parsed.host or "localhost"
    return f"postgresql://{user}{host}:{parsed.port or 5432}/{parsed.database or ''}"


IN_LIST_SIZE = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's bound-parameter limits


def in_chunks(items: Iterable[str]) -> Iterator[list[str]]:
    """The items, sorted, in pieces small enough for one ``IN (...)`` list on every backend."""
    ordered = sorted(items)
    for start in range(0, len(ordered), IN_LIST_SIZE):
        yield ordered[start : start + IN_LIST_SIZE]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait for another opener
    _retry_locked(lambda: cur.execute("PRAGMA journal_mode=WAL"))  # readers read while the writer writes
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _retry_locked(work: Callable[[], Any], *, tries: int = 100, pause: float = 0.05) -> Any:
    """Run ``work``, retrying while SQLite says "database is locked" without waiting on its busy
    handler (it does so while another process switches a new file to WAL or recovers its index)."""
    for attempt in range(tries):
        try:
            return work()
        except (sqlite3.OperationalError, StoreError) as err:
            if "database is locked" not in str(err) or attempt == tries - 1:
                raise
            time.sleep(pause)
    return None


class Store:
    """A casegraph store: read through ``read()``, write through ``casegraph.store.Writer`` only."""

    def __init__(self, engine: Engine, *, location: str) -> None:
        self.engine = engine
        self.location = location
        self.dialect = engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read connection that sees one state of the store throughout; errors become StoreError.

        Pages are read in several queries (an entity, then its groups and mentions; a graph walk, then
        its nodes): what a writer commits meanwhile shows in the next read, never halfway through one.
        """
        try:
            with self.engine.connect() as conn:
                _snapshot(conn)
                yield conn
        except SQLAlchemyError as err:
            raise StoreError(f"cannot read the store {self.location}: {_reason(err, self.engine)}") from err

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()


def _snapshot(conn: Connection) -> None:
    """Make the connection's reads one transaction over one snapshot of the store."""
    if conn.dialect.name == "sqlite":
        # pysqlite opens no transaction for a SELECT: each statement would see the latest commit.
        # A deferred BEGIN takes its snapshot at the first read and, in WAL mode, blocks no writer.
        conn.exec_driver_sql("BEGIN")
    elif conn.dialect.name == "postgresql":
        # READ COMMITTED gives each statement its own snapshot; a read-only REPEATABLE READ
        # transaction keeps the first one and never fails to serialise.
        conn.execution_options(isolation_level="REPEATABLE READ")


def _reason(err: BaseException, engine: Engine) -> str:
    """The first line of a driver's message, with the password (if any) blanked out."""
    orig = getattr(err, "orig", None)
    line = str(orig or err).splitlines()[0] if str(orig or err) else err.__class__.__name__
    password = engine.url.password
    return line.replace(str(password), "***") if password else line


def open_store(db: str | Path, *, create: bool = True, target: int | None = None) -> Store:
    """Open (and if needed create and migrate) the store at ``db``.

    With ``create=False`` a missing SQLite file or an empty database is an error naming the fix,
    not a new empty case.
    """
    url = store_url(db)
    path = url.removeprefix("sqlite:///")
    if url.startswith("sqlite:///") and path and path != ":memory:":
        _check_sqlite_path(Path(path), create=create)
    engine = _engine(url)
    location = describe_url(engine.url) if engine.dialect.name == "postgresql" else str(db)
    store = Store(engine, location=location)
    try:
        _migrate(store, target=target or migrations.LATEST, create=create)
    except StoreError:
        store.close()
        raise
    return store


def _engine(url: str) -> Engine:
    try:
        if url.startswith(_PG_DRIVER):
            # pre_ping: a pooled connection the server dropped (restart, idle timeout) is replaced,
            # not handed to a query; connect_timeout: an unreachable host fails in seconds, not minutes.
            return create_engine(
                url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=10,
                connect_args={"connect_timeout": 10, "application_name": "casegraph"},
            )
        engine = create_engine(url)
    except (ArgumentError, ValueError) as err:  # the message may quote the URL: keep the password out
        raise StoreError(
            f"cannot parse the store URL ending {url.split('@')[-1]!r}: "
            "fix --db, e.g. postgresql://user@host:5432/dbname"
        ) from err
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _check_sqlite_path(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a file name for the store, e.g. {path / 'case.db'}")
    if not path.exists():
        if not create:
            raise StoreError(f"no case store at {path}: run `casegraph ingest PATH --db {path}` first")
        if not path.parent.exists():
            raise StoreError(f"folder {path.parent} does not exist: create it or choose another --db")
    # The file's header is not read here: closing a file of our own would drop every SQLite lock this
    # process holds on it (POSIX locks belong to a process, not to a file handle), and another process
    # closing the store would then delete the write-ahead log under this one's open connections, losing
    # what either writes next. SQLite itself refuses a file that is not a database (_open_failure).


def _migrate(store: Store, *, target: int, create: bool) -> None:
    def migrate() -> None:
        _migrate_once(store, target=target, create=create)

    if store.dialect == "sqlite":  # first opens of one new file side by side may find it locked
        _retry_locked(migrate)
    else:
        migrate()


def _migrate_once(store: Store, *, target: int, create: bool) -> None:
    try:
        with store.engine.begin() as conn:
            version = migrations.current_version(conn)
            _check_version(store, conn, version, create=create)
        if version >= target:
            return
        with store.engine.begin() as conn:
            # Two processes opening a new store at once: the second waits here, then finds it migrated.
            _lock_for_migration(store, conn)
            version = migrations.current_version(conn)
            _check_version(store, conn, version, create=create)
            migrations.migrate(conn, target=target)
    except (SQLAlchemyError, sqlite3.Error) as err:
        raise StoreError(_open_failure(store, err)) from err


def _lock_for_migration(store: Store, conn: Connection) -> None:
    if store.dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    elif store.dialect == "sqlite":
        # The write lock now, not at the first write, so the version read below is still true then.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_version(store: Store, conn: Connection, version: int, *, create: bool) -> None:
    if version == 0 and inspect(conn).get_table_names():
        raise StoreError(f"{store.location} holds other data, not a casegraph store; choose another --db")
    if version == 0 and not create:
        raise StoreError(
            f"no case store in {store.location}: run `casegraph ingest PATH --db {store.location}` first"
        )
    if version > migrations.LATEST:
        raise StoreError(
            f"{store.location} was written by a newer casegraph (schema {version}); upgrade casegraph"
        )


def _open_failure(store: Store, err: BaseException) -> str:
    """One line naming what went wrong opening the store and the fix (PostgreSQL's usual failures)."""
    reason = _reason(err, store.engine)
    if store.dialect != "postgresql":
        if "file is not a database" in reason:
            return f"{store.location} is not a casegraph store (not a SQLite file); choose another --db"
        return f"cannot open the store {store.location}: {reason}"
    url = store.engine.url
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    lowered = reason.lower()
    if "connection refused" in lowered or "timeout expired" in lowered or "no such file" in lowered:
        return f"no PostgreSQL server answers at {where}: start it, or fix the host and port in --db"
    if "resolve host" in lowered or "translate host name" in lowered:
        return f"unknown PostgreSQL host {url.host!r}: fix the host in --db ({store.location})"
    if "database" in lowered and "does not exist" in lowered:
        user = f" -U {url.username}" if url.username else ""
        return (
            f"PostgreSQL database {url.database!r} does not exist at {where}: create it "
            f"(createdb -h {url.host or 'localhost'} -p {url.port or 5432}{user} {url.database}) or fix --db"
        )
    if "authentication" in lowered or "role" in lowered or "pg_hba" in lowered or "password" in lowered:
        why = reason.split("FATAL:")[-1].strip()
        return (
            f"PostgreSQL at {where} refused user {url.username!r} for database {url.database!r} ({why}): "
            "fix the user or password in --db, or set PGPASSWORD or ~/.pgpass"
        )
    return f"cannot open the store {store.location}: {reason}"
