"""The store on both backends (SQLite files, PostgreSQL databases): migrations, one writer, a document
fully in or fully out. Tests taking `store_db` run once per backend; see tests/conftest.py."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Table, create_engine, func, select, text

from casegraph.errors import StoreError
from casegraph.model import Document, Extraction, Link, Mention, Quote, Relation, TimeExpr
from casegraph.query.search import search
from casegraph.store import Store, Writer, open_store, schema
from casegraph.store.base import describe_url, store_url
from casegraph.store.migrations import LATEST, current_version
from tests.conftest import fresh_pg_database, pg_database_url

TEXT = 'Ilhami Bali led the cell in Gaziantep. Bali said: "We are ready." Suruç is near.'


def mention(doc: str, text: str, type_: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    end = start + len(text)
    sent = (TEXT.rfind(".", 0, start) + 1, TEXT.index(".", end) + 1)
    return Mention(Mention.make_id(doc, start, end), doc, start, end, text, type_, "PERSON", "spacy", *sent)


def extraction(doc_id: str = "a" * 64, *, path: str = "a.txt", text: str = TEXT) -> Extraction:
    doc = Document(id=doc_id, path=path, title="A", text=text, date="2016-09-20", date_source="reference")
    bali, short = mention(doc_id, "Ilhami Bali", "person"), mention(doc_id, "Bali", "person", nth=1)
    place = mention(doc_id, "Gaziantep", "location")
    return Extraction(
        doc=doc,
        version="1",
        mentions=[bali, short, place],
        links=[Link(short.id, bali.id, "surname")],
        relations=[Relation("r1" + doc_id[:8], doc_id, "located_in", bali.id, place.id, 0, 38, "in")],
        quotes=[Quote("q1" + doc_id[:8], doc_id, short.id, "Bali", "We are ready.", 51, 64, 39, 66)],
        times=[TimeExpr("t1" + doc_id[:8], doc_id, 0, 6, "Ilhami", None, "unknown")],
    )


def count(store: Store, table: Table) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def found(store: Store, query: str) -> list[str]:
    return [hit.path for hit in search(store, query).hits]


# Both backends


def test_open_store_creates_and_migrates(store_db: str) -> None:
    store = open_store(store_db)
    with store.read() as conn:
        assert current_version(conn) == LATEST
    assert store.dialect == ("postgresql" if "://" in store_db else "sqlite")
    store.close()


def test_open_store_without_create_refuses_an_empty_location(store_db: str) -> None:
    with pytest.raises(StoreError, match="casegraph ingest"):
        open_store(store_db, create=False)


def test_open_store_refuses_a_database_holding_other_data(store_db: str) -> None:
    engine = create_engine(store_url(store_db))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE people (name TEXT)"))
        conn.execute(text("INSERT INTO people VALUES ('Bali')"))
    with pytest.raises(StoreError, match="other data"):
        open_store(store_db)
    with engine.connect() as conn:  # refused, and left as it was
        assert conn.execute(text("SELECT name FROM people")).scalars().all() == ["Bali"]
    engine.dispose()


def test_open_store_refuses_a_store_from_a_newer_casegraph(store_db: str) -> None:
    store = open_store(store_db)
    with store.engine.begin() as conn:
        conn.execute(schema.schema_version.update().values(version=LATEST + 1))
    store.close()
    with pytest.raises(StoreError, match="newer casegraph"):
        open_store(store_db)


def test_open_store_concurrent_first_opens_migrate_once(store_db: str) -> None:
    openers = 4
    barrier, errors = threading.Barrier(openers), []

    def open_one() -> None:
        barrier.wait()
        try:
            open_store(store_db).close()
        except StoreError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=open_one) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = open_store(store_db)
    with store.read() as conn:
        assert current_version(conn) == LATEST
        assert conn.execute(select(func.count()).select_from(schema.schema_version)).scalar() == 1
    store.close()


def test_migrate_upgrades_old_store_and_backfills_search(store_db: str) -> None:
    old = open_store(store_db, target=1)
    with old.read() as conn:
        assert current_version(conn) == 1
    with old.engine.begin() as conn:  # a document written by a version-1 casegraph
        conn.execute(schema.documents.insert(), [Writer._document_row(extraction().doc, "1", True)])
    old.close()
    store = open_store(store_db)
    with store.read() as conn:
        assert current_version(conn) == LATEST
    assert found(store, "gaziantep") == ["a.txt"]
    store.close()


def test_migration_7_adds_the_entity_page_indexes_to_an_older_store(store_db: str) -> None:
    from sqlalchemy import inspect

    old = open_store(store_db, target=6)
    with old.engine.begin() as conn:  # a version-6 store had neither index
        for name in ("ix_entity_mentions_page", "ix_mentions_page"):
            conn.execute(text(f"DROP INDEX {name}"))
        assert current_version(conn) == 6
    old.close()
    store = open_store(store_db)
    with store.read() as conn:
        assert current_version(conn) == LATEST
        found = {
            index["name"]: index["column_names"]
            for table in ("entity_mentions", "mentions")
            for index in inspect(conn).get_indexes(table)
        }
    assert found["ix_entity_mentions_page"] == ["entity", "mention"]
    assert found["ix_mentions_page"] == ["id", "doc", "start", "end"]
    store.close()


def test_write_extraction_round_trips_every_observation(store_db: str) -> None:
    store = open_store(store_db)
    Writer(store).write_extraction(extraction())
    assert [count(store, t) for t in (schema.documents, schema.mentions, schema.links)] == [1, 3, 1]
    assert [count(store, t) for t in (schema.relations, schema.quotes, schema.times)] == [1, 1, 1]
    with store.read() as conn:
        row = (
            conn.execute(select(schema.mentions).where(schema.mentions.c.text == "Gaziantep"))
            .mappings()
            .one()
        )
        doc_text = conn.execute(select(schema.documents.c.text)).scalar_one()
    assert doc_text == TEXT
    assert doc_text[row["start"] : row["end"]] == "Gaziantep"
    store.close()


def test_write_extraction_twice_replaces_instead_of_duplicating(store_db: str) -> None:
    store = open_store(store_db)
    Writer(store).write_extraction(extraction())
    Writer(store).write_extraction(extraction())
    assert count(store, schema.mentions) == 3
    assert found(store, "bali") == ["a.txt"]
    store.close()


def test_delete_document_removes_it_from_search(store_db: str) -> None:
    store = open_store(store_db)
    Writer(store).write_extraction(extraction())
    Writer(store).write_extraction(extraction("b" * 64, path="b.txt"))
    Writer(store).delete_document("a" * 64)
    assert found(store, "bali") == ["b.txt"]
    assert count(store, schema.mentions) == 3
    store.close()


def test_write_extraction_failure_leaves_nothing_half_written(store_db: str) -> None:
    store = open_store(store_db)
    bad = extraction()
    bad.mentions.append(bad.mentions[0])  # duplicate primary key: the insert fails midway
    with pytest.raises(StoreError):
        Writer(store).write_extraction(bad)
    assert count(store, schema.documents) == 0
    assert count(store, schema.mentions) == 0
    store.close()


def test_record_failure_is_cleared_when_the_file_succeeds(store_db: str) -> None:
    store = open_store(store_db)
    Writer(store).record_failure("a.txt", "empty file")
    assert count(store, schema.failures) == 1
    Writer(store).write_extraction(extraction(path="a.txt"))
    assert count(store, schema.failures) == 0
    store.close()


def huge_text(chars: int) -> str:
    """Distinct words (the worst case for a tsvector's size) up to ``chars`` characters."""
    words, size, n = [], 0, 0
    while size < chars:
        word = f"w{n:07d}"
        words.append(word)
        size += len(word) + 1
        n += 1
    return " ".join(words)[:chars]


def test_write_huge_document_is_stored_whole_and_searchable(store_db: str) -> None:
    body = "Opening words about Gaziantep. " + huge_text(5_000_000 - 31)
    doc = Document(id="c" * 64, path="huge.txt", title="Court file", text=body)
    store = open_store(store_db)
    Writer(store).write_extraction(Extraction(doc=doc, version="1"))
    with store.read() as conn:
        assert conn.execute(select(func.length(schema.documents.c.text))).scalar_one() == 5_000_000
    assert found(store, "gaziantep") == found(store, "w0000100") == found(store, "court") == ["huge.txt"]
    store.close()


# SQLite only: files


def test_open_store_writes_a_sqlite_file(tmp_path: Path) -> None:
    open_store(tmp_path / "case.db").close()
    assert (tmp_path / "case.db").read_bytes()[:16] == b"SQLite format 3\x00"


def test_open_store_refuses_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="casegraph ingest"):
        open_store(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_open_store_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_open_store_refuses_non_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, not a database")
    with pytest.raises(StoreError, match="not a casegraph store"):
        open_store(path)
    assert path.read_text() == "hello, not a database"


def test_open_store_refuses_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(StoreError, match="other data"):
        open_store(path)


# URLs and PostgreSQL


def test_store_url_maps_postgres_urls_to_psycopg() -> None:
    assert store_url("postgresql://u@h:5433/case") == "postgresql+psycopg://u@h:5433/case"
    assert (
        store_url("postgres://u:pw@h/case?sslmode=require")
        == "postgresql+psycopg://u:pw@h/case?sslmode=require"
    )
    assert store_url("postgresql+psycopg://u@h/case") == "postgresql+psycopg://u@h/case"
    assert store_url("sqlite:///x.db") == "sqlite:///x.db"
    assert store_url("case.db") == "sqlite:///case.db"


def test_open_store_refuses_unknown_url_scheme() -> None:
    with pytest.raises(StoreError, match="unsupported store URL.*postgresql://"):
        open_store("mysql://localhost/case")


def test_describe_url_never_shows_the_password() -> None:
    shown = describe_url(store_url("postgresql://ana:s3cret-pw@db.example:6432/case"))
    assert shown == "postgresql://ana@db.example:6432/case"
    assert describe_url(store_url("postgres:///case")) == "postgresql://localhost:5432/case"


def test_open_store_server_down_names_host_and_port_not_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://ana:s3cret-pw@127.0.0.1:1/case")
    message = str(caught.value)
    assert "s3cret-pw" not in message and "\n" not in message
    assert "no PostgreSQL server answers at 127.0.0.1:1" in message and "start it" in message


def test_open_store_unknown_database_names_createdb(pg_server: str) -> None:
    url = pg_database_url(pg_server, "cg_no_such_database")
    with pytest.raises(StoreError, match="'cg_no_such_database' does not exist.*createdb"):
        open_store(url)


def test_open_store_refused_user_hides_the_password(pg_server: str) -> None:
    url = store_url(pg_server).replace("://postgres@", "://cg_nobody:s3cret-pw@")
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "refused user 'cg_nobody'" in message and "s3cret-pw" not in message


def test_open_store_pg_location_hides_the_password(pg_server: str) -> None:
    with fresh_pg_database(pg_server) as url:
        store = open_store(url.replace("://postgres@", "://postgres:any-pw@"))  # trust auth ignores it
        assert "any-pw" not in store.location and store.location.endswith(url.rsplit("/", 1)[1])
        store.close()


def test_open_store_without_unaccent_rights_names_the_fix(pg_server: str) -> None:
    role = f"cg_user_{uuid.uuid4().hex[:8]}"
    with fresh_pg_database(pg_server) as url, psycopg.connect(url, autocommit=True) as admin:
        # May create tables but not extensions (no CREATE on the database).
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
        try:
            with pytest.raises(StoreError, match="unaccent.*CREATE EXTENSION unaccent"):
                open_store(url.replace("://postgres@", f"://{role}@"))
            admin.execute("CREATE EXTENSION unaccent")  # what the owner is asked to do
            store = open_store(url.replace("://postgres@", f"://{role}@"))
            Writer(store).write_extraction(extraction())
            assert found(store, "suruc") == ["a.txt"]
            store.close()
        finally:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


def test_pg_huge_document_indexes_its_first_part(pg_db: str) -> None:
    body = huge_text(5_000_000)
    store = open_store(pg_db)
    Writer(store).write_extraction(Extraction(Document("d" * 64, "huge.txt", "Court file", body), "1"))
    with store.read() as conn:
        words = conn.execute(text("SELECT length(search) FROM documents")).scalar_one()
    # About as many words as fit in a 1 MB tsvector (~87,000 of these: 12 bytes each), not all 555,556.
    assert 70_000 < words < 555_556
    assert found(store, "w0000001") == ["huge.txt"]
    assert found(store, body.rsplit(" ", 2)[-2]) == []  # the end of the text did not fit
    store.close()
