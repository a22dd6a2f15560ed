"""The timeline read from a real store: incidents in date order with their evidence (events_timeline,
behind `casegraph timeline` and GET /api/events), and the mixed timeline of the web UI.

The case is the reports of tests/query/test_incidents.py: real documents with events built by hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casegraph.errors import QueryError
from casegraph.query.entity import find_entity
from casegraph.query.timeline import events_timeline, timeline
from casegraph.store import schema
from tests.query.test_incidents import case_reports, stored

D = schema.documents


@pytest.fixture
def case_store(store_db: str) -> Any:
    store = stored(store_db, case_reports())
    yield store
    store.close()


def dates(result: dict[str, Any]) -> list[str | None]:
    return [i["date"]["value"] if i["date"] else None for i in result["items"]]


def test_events_timeline_lists_incidents_by_date_then_the_undated(case_store: Any) -> None:
    result = events_timeline(case_store)
    assert dates(result) == ["2015-07", "2016-03-14", "2016-12", "2016-12-26", "2016-12-31", None]
    assert [i["type"] for i in result["items"]] == [
        "transaction.purchase",
        "attack.bombing",
        "attack.bombing",
        "arrest",
        "attack.shooting",
        "attack.bombing",
    ]
    assert result["total"] == 6
    purchase, kilis, *_, trucks = result["items"]
    assert purchase["date"]["text"] == "July 2015" and purchase["date"]["precision"] == "month"
    assert purchase["place"]["name"] == "Gaziantep" and purchase["place"]["type"] == "location"
    shown = [(p["role"], p["name"] or p["text"]) for p in purchase["participants"]]
    assert ("item", "ammonium nitrate fertiliser") in shown and ("buyer", "EFB") in shown
    assert all(p["name"] is None for p in purchase["participants"] if p["entity"] is None)
    assert [(c["value"], c["qualifier"], c["unit"]) for c in purchase["counts"]][0] == (
        1.5,
        "exact",
        "tonnes",
    )
    assert len(kilis["evidence"]) == 3 and len(kilis["sources"]) == 3
    assert {c["what"] for c in kilis["conflicts"]} == {"killed", "wounded"}
    assert trucks["date"] is None and trucks["place"]["name"] == "Syria"
    with case_store.read() as conn:
        docs = {doc: (text, title) for doc, text, title in conn.execute(select(D.c.id, D.c.text, D.c.title))}
    for item in result["items"]:
        for ev in item["evidence"]:
            assert docs[ev["doc"]] == (docs[ev["doc"]][0], ev["doc_title"])
            assert docs[ev["doc"]][0][ev["start"] : ev["end"]] == ev["text"]


def test_events_timeline_keeps_the_incidents_naming_an_entity(case_store: Any) -> None:
    efb = find_entity(case_store, "EFB")
    found = events_timeline(case_store, entity=efb)
    assert [i["type"] for i in found["items"]] == ["transaction.purchase", "attack.bombing"]
    istanbul = find_entity(case_store, "Istanbul")  # a place names its incidents too
    found = events_timeline(case_store, entity=istanbul)
    assert dates(found) == ["2016-12", "2016-12-31"]


def test_events_timeline_keeps_dates_overlapping_the_range(case_store: Any) -> None:
    assert dates(events_timeline(case_store, date_from="2016", date_to="2016-06")) == ["2016-03-14"]
    assert dates(events_timeline(case_store, date_to="2015")) == ["2015-07"]  # 2015-07 is inside ..2015
    # The arrest's week runs to 2017-01-01, so it overlaps a range that starts after its first day.
    assert dates(events_timeline(case_store, date_from="2017-01")) == ["2016-12-26"]
    assert dates(events_timeline(case_store, date_from="2016-12-27")) == [
        "2016-12",
        "2016-12-26",
        "2016-12-31",
    ]
    assert dates(events_timeline(case_store, date_from="2016-12-15", date_to="2016-12-20")) == ["2016-12"]
    assert dates(events_timeline(case_store, date_from="2018")) == []  # undated incidents are left out


def test_events_timeline_limit_keeps_the_total(case_store: Any) -> None:
    result = events_timeline(case_store, limit=2)
    assert dates(result) == ["2015-07", "2016-03-14"] and result["total"] == 6


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_from": "2015-13"}, "from must be a date such as 2015, 2015-07 or 2015-07-20, not '2015-13'"),
        ({"date_to": "yesterday"}, "to must be a date such as"),
        ({"date_to": "2016-02-30"}, "not '2016-02-30'"),
        ({"date_from": "2017", "date_to": "2016-12"}, "from 2017 is after to 2016-12"),
        ({"limit": 0}, "limit must be between 1 and 5000"),
    ],
)
def test_events_timeline_rejects_bad_options(case_store: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        events_timeline(case_store, **options)


def test_timeline_shows_dated_incidents_among_dated_sentences(case_store: Any) -> None:
    items = timeline(case_store)["items"]
    events = [i for i in items if i["kind"] == "event"]
    assert [i["date"] for i in events] == ["2015-07", "2016-03-14", "2016-12", "2016-12-26", "2016-12-31"]
    assert [i["date"] for i in items] == sorted(i["date"] for i in items)
    purchase = events[0]
    assert purchase["label"] == "transaction.purchase" and purchase["evidence"]["doc_title"]
    names = {e["name"] for e in purchase["entities"]}
    assert {"Gaziantep", "EFB", "Aydin", "Tuzcu", "Bereket Agricultural Supplies"} == names
    # An item is inside a range when any of its days is: 2016-12-26..2017-01-01 is inside 2017-01-01.
    ranged = timeline(case_store, date_from="2017-01-01", date_to="2017-01-01")["items"]
    assert [i["date"] for i in ranged if i["kind"] == "event"] == ["2016-12-26"]
