"""The document page read from a real store: its events with their participants and counts located in
its text, for the page to highlight them (GET /api/documents/{doc_id})."""

from __future__ import annotations

from sqlalchemy import select, update

from casegraph.query.document import document_page
from casegraph.store import schema
from tests.query.test_incidents import purchase_reports, stored


def test_document_page_locates_event_participants_and_counts(store_db: str) -> None:
    news, court = purchase_reports()
    store = stored(store_db, [news, court])
    page = document_page(store, court.doc.id)
    store.close()
    [event] = page["events"]
    assert event["type"] == "transaction.purchase"
    assert page["text"][event["trigger_start"] : event["trigger_end"]] == "bought"
    parts = {p["text"]: p for p in event["participants"]}
    assert [p["role"] for p in event["participants"]] == ["buyer", "buyer", "seller", "item"]
    for part in event["participants"]:
        assert page["text"][part["start"] : part["end"]] == part["text"]
    mentions = {m["id"]: m for m in page["mentions"]}
    aydin = parts["Aydin"]
    assert aydin["entity"] == mentions[aydin["mention"]]["entity"] and aydin["entity_name"] == "Aydin"
    item = parts["ammonium nitrate fertiliser"]
    assert (item["role"], item["mention"], item["entity"], item["entity_name"]) == ("item", None, None, None)
    assert [(c["what"], c["value"], c["qualifier"], c["unit"], c["text"]) for c in event["counts"]] == [
        ("ammonium nitrate", 1.5, "exact", "tonnes", "1.5 tonnes"),
        ("ammonium nitrate", 30, "exact", "bags", "30 bags"),
    ]
    for count in event["counts"]:
        assert page["text"][count["start"] : count["end"]] == count["text"]


def test_document_page_reads_events_stored_before_words_and_units(store_db: str) -> None:
    news = purchase_reports()[0]
    store = stored(store_db, [news])
    ev = schema.events
    with store.engine.begin() as conn:
        [(event_id, data)] = conn.execute(select(ev.c.id, ev.c.data)).all()
        old = {
            **data,
            "participants": [
                {"role": p["role"], "mention": p["mention"]} for p in data["participants"] if p["mention"]
            ],
            "counts": [
                {k: c[k] for k in ("what", "value", "qualifier", "start", "end")} for c in data["counts"]
            ],
        }
        conn.execute(update(ev).where(ev.c.id == event_id).values(data=old))
    [event] = document_page(store, news.doc.id)["events"]
    store.close()
    [buyer] = event["participants"]
    assert (buyer["role"], buyer["text"], buyer["start"], buyer["end"]) == ("buyer", "", 0, 0)
    assert buyer["entity_name"] == "EFB"
    [count] = event["counts"]
    assert count["unit"] == "" and count["text"] == "1.5 tonnes"
