"""The casegraph/1 projection read back from a real store."""

from __future__ import annotations

from pathlib import Path

from casegraph.model import Count, Event, Participant
from casegraph.pipeline import resolve_store
from casegraph.query.case import case_data, entities
from casegraph.store import Writer, open_store
from tests.store.test_store import extraction


def test_case_data_maps_event_mentions_and_dates(tmp_path: Path) -> None:
    store = open_store(tmp_path / "case.db")
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
            participants=[Participant("attacker", bali.id)],
            counts=[Count("killed", 35, "exact", 0, 5)],
        )
    )
    Writer(store).write_extraction(ext)
    resolve_store(store)
    data = case_data(store)
    owner = {m["id"]: e["id"] for e in data["entities"] for m in e["mentions"]}
    (event,) = data["events"]
    assert event["date"] == {"text": time.text, "value": time.value}
    assert event["place"] == owner[place.id]
    assert event["participants"] == [{"role": "attacker", "entity": owner[bali.id]}]
    assert event["counts"] == [{"what": "killed", "value": 35, "qualifier": "exact"}]
    assert entities(store) == data["entities"]
