"""Numbered schema migrations; a store records the last one applied in ``schema_version``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from casegraph.errors import StoreError
from casegraph.store import schema

Migration = Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    """1: every table of the first schema."""
    schema.metadata.create_all(conn)


def _create_fulltext(conn: Connection) -> None:
    """2: the full-text index over document titles and texts (SQLite FTS5, PostgreSQL tsvector + GIN)."""
    if conn.dialect.name == "postgresql":
        _create_pg_fulltext(conn)
        return
    conn.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS doc_fts USING fts5("
            "title, text, content='documents', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    )
    # Backfill documents written before this migration.
    conn.execute(text("INSERT INTO doc_fts(doc_fts) VALUES('rebuild')"))


# PostgreSQL folds diacritics with the `unaccent` dictionary inside a text search configuration
# `casegraph`, a copy of 'simple' (no stemming, like FTS5's unicode61). Folding inside the
# configuration, rather than in a function over the text, lets ts_headline highlight the stored text
# with the very rule that matched ("Suruc" highlights "Suruç"), and unaccent also folds what FTS5
# leaves alone (Turkish ı and İ, ß, æ, ø). unaccent ships with PostgreSQL (contrib: in Debian's server
# package) and is a trusted extension since PostgreSQL 13, so a database owner may create it. Case
# folding is the 'simple' dictionary's lower(), i.e. the database's LC_CTYPE: a UTF-8 locale folds
# every script; LC_CTYPE 'C' folds ASCII only (accented Latin capitals still fold: unaccent runs first).
_PG_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION casegraph (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION casegraph ALTER MAPPING FOR word, hword, hword_part WITH {unaccent}, simple;
"""

# A tsvector holds at most 1 MB of words and positions, and documents may have 5,000,000 characters
# (setting max_doc_chars). Ordinary prose fits whole (5,000,000 characters of MUC-4 news wires: 21,000
# distinct words, 350 kB), but a text of distinct codes does not (about 80,000 words fit). Rather than
# refuse such a document, index the longest first part that fits: shrink the text by the ratio the
# error reports (by half when the message cannot be read) until it does. A title cut to 100,000
# characters always fits.
_PG_VECTOR = """
CREATE FUNCTION casegraph_search_vector(cfg regconfig, title text, body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    size integer := length(body);
    msg text;
    bytes bigint;
BEGIN
    LOOP
        BEGIN
            RETURN setweight(to_tsvector(cfg, left(title, 100000)), 'A')
                || setweight(to_tsvector(cfg, left(body, size)), 'B');
        EXCEPTION WHEN program_limit_exceeded THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            bytes := coalesce(substring(msg FROM '[(]([0-9]+) bytes')::bigint, 2097150);
            size := (size::bigint * 943717 / greatest(bytes, 1048576))::integer;  -- at most 90%
        END;
    END LOOP;
END
$$;
"""


def _create_pg_fulltext(conn: Connection) -> None:
    """PostgreSQL: a stored tsvector column on documents (title above text) and a GIN index over it."""
    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", err)).splitlines()[0]
        raise StoreError(
            f"search needs PostgreSQL's unaccent extension ({reason}): have the database owner run "
            "CREATE EXTENSION unaccent in this database (Debian: install postgresql-contrib), then retry"
        ) from err
    schema_name = conn.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
    ).scalar_one()
    unaccent = conn.dialect.identifier_preparer.quote(schema_name) + ".unaccent"
    conn.exec_driver_sql(_PG_CONFIG.format(unaccent=unaccent))
    conn.exec_driver_sql(_PG_VECTOR)
    # Generated and stored: every insert (and the existing rows, now) computes it; the writer needs no
    # PostgreSQL branch, and ranking reads the vector instead of re-parsing the text.
    conn.exec_driver_sql(
        "ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS "
        "(casegraph_search_vector('casegraph', title, text)) STORED"
    )
    conn.exec_driver_sql("CREATE INDEX ix_documents_search ON documents USING gin (search)")


def _create_queue(conn: Connection) -> None:
    """3: the resolution queue, the store's own facts, and an index for loading links by mention."""
    for table in (schema.pending_docs, schema.pending_entities, schema.store_meta):
        table.create(conn, checkfirst=True)
    for index in schema.links.indexes:
        index.create(conn, checkfirst=True)
    # Stores from before the queue have resolved entities but no fingerprint: the next ingest
    # recomputes every entity once (casegraph.resolve.update.resolve_pending).


def _add_entity_keys(conn: Connection) -> None:
    """4: an entity's name key and statistics, kept so that an entity can be updated in place."""
    columns = {c["name"] for c in inspect(conn).get_columns("entities")}
    if "key" not in columns:
        conn.execute(text("ALTER TABLE entities ADD COLUMN key TEXT NOT NULL DEFAULT ''"))
    if "stats" not in columns:
        conn.execute(text("ALTER TABLE entities ADD COLUMN stats JSON"))
    # Entities written before have no key: the resolver fingerprint changed with this version, so
    # the next ingest recomputes them all.


def _add_groups(conn: Connection) -> None:
    """5: groups, their blocking keys and candidate matches, and reviewer decisions."""
    for table in (schema.groups, schema.group_blocks, schema.matches, schema.decisions):
        table.create(conn, checkfirst=True)
    columns = {c["name"] for c in inspect(conn).get_columns("entity_mentions")}
    if "grp" not in columns:
        conn.execute(text("ALTER TABLE entity_mentions ADD COLUMN grp VARCHAR(40)"))
        conn.execute(text("CREATE INDEX ix_entity_mentions_grp ON entity_mentions (grp)"))
    for index in schema.decisions.indexes:
        index.create(conn, checkfirst=True)
    # The resolver fingerprint changed with this version: the next ingest regroups every document.


def _add_access(conn: Connection) -> None:
    """6: users, hashed API tokens and sessions, and the audit log of `casegraph serve`."""
    for table in (schema.users, schema.tokens, schema.sessions, schema.audit):
        table.create(conn, checkfirst=True)  # with its indexes


def _add_page_indexes(conn: Connection) -> None:
    """7: covering indexes for the entity page's choice of an entity's first mentions."""
    for table, name in (
        (schema.entity_mentions, "ix_entity_mentions_page"),
        (schema.mentions, "ix_mentions_page"),
    ):
        for index in table.indexes:
            if index.name == name:
                index.create(conn, checkfirst=True)


MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _create_tables),
    (2, _create_fulltext),
    (3, _create_queue),
    (4, _add_entity_keys),
    (5, _add_groups),
    (6, _add_access),
    (7, _add_page_indexes),
]
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
