"""The casegraph/1 projection read back from a real store, on both backends."""

from __future__ import annotations

from typing import Any

import psycopg

from casegraph.model import Count, Document, Event, Extraction, Participant
from casegraph.query.case import case_data, entities, failures, summary
from casegraph.query.entity import entity_page, find_entity
from casegraph.resolve.update import resolve_store
from casegraph.store import Writer, open_store
from tests.conftest import pg_database_url
from tests.store.test_store import extraction


def test_case_data_maps_event_mentions_and_dates(store_db: str) -> None:
    store = open_store(store_db)
    ext = extraction()
    bali, place, time = ext.mentions[0], ext.mentions[2], ext.times[0]
    ext.events.append(
        Event(
            "ev1",
            ext.doc.id,
            "attack",
            20,
            24,
            0,
            38,
            date=time.id,
            place=place.id,
            participants=[Participant("attacker", bali.id, bali.start, bali.end, bali.text)],
            counts=[Count("killed", 35, "exact", 0, 5)],
        )
    )
    Writer(store).write_extraction(ext)
    resolve_store(store)
    data = case_data(store)
    owner = {m["id"]: e["id"] for e in data["entities"] for m in e["mentions"]}
    (event,) = data["events"]
    # Events are read as incidents (casegraph.query.incidents): each part names its source document.
    doc = ext.doc.id
    assert event["date"] == {
        "text": time.text,
        "value": time.value,
        "precision": "unknown",
        "end_value": None,
        "modifier": "",
        "source": doc,
    }
    assert event["place"] == owner[place.id]
    assert event["participants"] == [
        {"role": "attacker", "entity": owner[bali.id], "text": bali.text, "sources": [doc]}
    ]
    assert event["counts"] == [
        {
            "what": "killed",
            "value": 35,
            "qualifier": "exact",
            "unit": "",
            "source": doc,
            "event": "ev1",
            "start": 0,
            "end": 5,
            "text": ext.doc.text[0:5],
        }
    ]
    assert event["sources"] == [doc] and event["conflicts"] == []
    assert event["evidence"] == [
        {"doc": doc, "start": 0, "end": 38, "text": ext.doc.text[0:38], "event": "ev1"}
    ]
    assert entities(store) == data["entities"]
    store.close()


# Paths that sort differently by code point (SQLite) and by a language's rules (most PostgreSQL locales).
PATHS = ["news/b.txt", "News/a.txt", "_notes.txt", "court/Z.txt", "al-x.txt", "Al y.txt", "é.txt"]


def write_paths(store: Any) -> None:
    writer = Writer(store)
    for n, path in enumerate(PATHS):
        writer.write_extraction(Extraction(Document(f"{n:064d}", path, path, f"Text {n}."), "1"))
        writer.record_failure("x" + path, "unreadable")


def test_case_data_sorts_text_by_code_point(store_db: str) -> None:
    store = open_store(store_db)
    write_paths(store)
    assert [d["path"] for d in case_data(store)["documents"]] == sorted(PATHS)
    assert [f["path"] for f in failures(store)] == sorted("x" + p for p in PATHS)
    store.close()


def test_case_data_sorts_by_code_point_in_a_locale_database(pg_server: str) -> None:
    name = "cg_test_icu_order"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
        )
        try:
            store = open_store(pg_database_url(pg_server, name))
            write_paths(store)
            found = [d["path"] for d in case_data(store)["documents"]]
            store.close()
        finally:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    assert found == sorted(PATHS)


def test_sample_case_reads_the_same_on_both_backends(demo_store: Any, demo_store_pg: Any) -> None:
    sqlite, pg = demo_store.store, demo_store_pg.store
    assert case_data(pg) == case_data(sqlite)
    assert summary(pg) == summary(sqlite)
    for name in ("Kemal Aydin", "Gaziantep", "Eastern Front Brigade", "Suruc"):
        entity_id = find_entity(sqlite, name)
        assert find_entity(pg, name) == entity_id
        assert same_order(entity_page(pg, entity_id)) == same_order(entity_page(sqlite, entity_id))


def same_order(page: dict[str, Any]) -> dict[str, Any]:
    # entity.py orders relations by (type, doc, start) only: two relations starting at the same
    # offset come in whatever order the database reads them (tie-break by id reported to the lead).
    return {**page, "relations": sorted(page["relations"], key=lambda r: (r["type"], r["id"]))}
