"""Numbered schema migrations; a store records the last one applied in ``schema_version``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select, text

from casegraph.store import schema

Migration = Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    """1: every table of the first schema."""
    schema.metadata.create_all(conn)


def _create_fulltext(conn: Connection) -> None:
    """2: the full-text index over document titles and texts (SQLite FTS5)."""
    conn.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS doc_fts USING fts5("
            "title, text, content='documents', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    )
    # Backfill documents written before this migration.
    conn.execute(text("INSERT INTO doc_fts(doc_fts) VALUES('rebuild')"))


def _create_queue(conn: Connection) -> None:
    """3: the resolution queue, the store's own facts, and an index for loading links by mention."""
    for table in (schema.pending_docs, schema.pending_entities, schema.store_meta):
        table.create(conn, checkfirst=True)
    for index in schema.links.indexes:
        index.create(conn, checkfirst=True)
    # Stores from before the queue have resolved entities but no fingerprint: the next ingest
    # recomputes every entity once (casegraph.pipeline.resolve_pending).


MIGRATIONS: list[tuple[int, Migration]] = [(1, _create_tables), (2, _create_fulltext), (3, _create_queue)]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    """Return the schema version of the store (0 for an empty database)."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(select(schema.schema_version.c.version)).scalar()
    return int(value or 0)


def migrate(conn: Connection, *, target: int = LATEST) -> int:
    """Apply every migration newer than the store's version, up to ``target``; return the new version."""
    version = current_version(conn)
    for number, step in MIGRATIONS:
        if version < number <= target:
            step(conn)
            conn.execute(schema.schema_version.delete())
            conn.execute(schema.schema_version.insert().values(version=number))
            version = number
    return version
