"""The store: real SQLite files, migrations, one writer, a document fully in or fully out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casegraph.errors import StoreError
from casegraph.model import Document, Extraction, Link, Mention, Quote, Relation, TimeExpr
from casegraph.store import Writer, open_store, schema
from casegraph.store.migrations import LATEST, current_version

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


def count(store, table) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar())


def test_open_store_creates_and_migrates(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
    with store.read() as conn:
        assert current_version(conn) == LATEST
    assert (tmp_path / "case.db").read_bytes()[:16] == b"SQLite format 3\x00"


def test_open_store_refuses_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="casegraph ingest"):
        open_store(tmp_path / "nope.db", create=False)


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


def test_open_store_refuses_unknown_url_scheme() -> None:
    with pytest.raises(StoreError, match="unsupported store URL"):
        open_store("mysql://localhost/case")


def test_migrate_upgrades_old_store_and_backfills_search(tmp_path: Path) -> None:
    old = open_store(tmp_path / "case.db", target=1)
    with old.read() as conn:
        assert current_version(conn) == 1
    with old.engine.begin() as conn:  # a document written by a version-1 casegraph
        conn.execute(schema.documents.insert(), [Writer._document_row(extraction().doc, "1", True)])
    old.close()
    store = open_store(tmp_path / "case.db")
    with store.read() as conn:
        assert current_version(conn) == LATEST
        hits = conn.exec_driver_sql("SELECT rowid FROM doc_fts WHERE doc_fts MATCH 'gaziantep'").all()
    assert len(hits) == 1


def test_write_extraction_round_trips_every_observation(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
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
    assert doc_text[row["start"] : row["end"]] == "Gaziantep"


def test_write_extraction_twice_replaces_instead_of_duplicating(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
    Writer(store).write_extraction(extraction())
    Writer(store).write_extraction(extraction())
    assert count(store, schema.mentions) == 3
    with store.read() as conn:
        assert len(conn.exec_driver_sql("SELECT rowid FROM doc_fts WHERE doc_fts MATCH 'bali'").all()) == 1


def test_write_extraction_failure_leaves_nothing_half_written(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
    bad = extraction()
    bad.mentions.append(bad.mentions[0])  # duplicate primary key: the insert fails midway
    with pytest.raises(StoreError):
        Writer(store).write_extraction(bad)
    assert count(store, schema.documents) == 0
    assert count(store, schema.mentions) == 0


def test_record_failure_is_cleared_when_the_file_succeeds(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
    Writer(store).record_failure("a.txt", "empty file")
    assert count(store, schema.failures) == 1
    Writer(store).write_extraction(extraction(path="a.txt"))
    assert count(store, schema.failures) == 0
