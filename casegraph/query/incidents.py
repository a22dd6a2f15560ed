"""The case's incidents: stored events read back and grouped by ``casegraph.resolve.incidents``.

Events are observations that point at mentions and time expressions; here they are read in a few
queries (events, their times, their documents' dates, the entities of their mentions), mapped to the
case's current entities, grouped into incidents and returned as casegraph/1 ``events`` records.

Rows stored before participants carried their words and counts their unit read with the defaults of
``casegraph.model``: a participant without ``text`` has "" (and a ``mention`` that may be null), a count
without ``unit`` has "". Incidents keep a participant's words, not its span (one participant gathers
the spans of several reports); the document page (``casegraph.query.document``) gives the spans.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from casegraph.model import Count
from casegraph.query.entity import evidence
from casegraph.resolve.incidents import EventFact, Incident, Party, When, resolve_incidents
from casegraph.store import in_chunks, schema


def load_incidents(
    conn: Connection, *, entity_of: Mapping[str, str] | None = None, texts: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every incident of the case as a casegraph/1 ``events`` record, with its sources and evidence.

    ``entity_of`` (mention id -> entity id) and ``texts`` (document id -> text) are read from the store
    when not given; a caller that already holds them passes them in.
    """
    facts = load_event_facts(conn, entity_of=entity_of)
    if texts is None:
        texts = _texts(conn, {f.doc for f in facts})
    return [incident_record(incident, texts) for incident in resolve_incidents(facts)]


def load_event_facts(conn: Connection, *, entity_of: Mapping[str, str] | None = None) -> list[EventFact]:
    """Every stored event as an EventFact: its date from its time expression, place and participants as
    the entities their mentions belong to now (None for a mention not resolved yet)."""
    ev = schema.events
    rows = conn.execute(
        select(ev.c.id, ev.c.doc, ev.c.type, ev.c.start, ev.c.end, ev.c.data).order_by(
            ev.c.doc, ev.c.start, ev.c.id
        )
    ).all()
    datas = [row.data for row in rows]
    dates = _dates(conn, {d["date"] for d in datas if d.get("date")})
    doc_dates = _doc_dates(conn, {row.doc for row in rows})
    if entity_of is None:
        entity_of = _entities_of(conn, {m for d in datas for m in _mentions(d)})
    return [
        EventFact(
            id=row.id,
            doc=row.doc,
            type=row.type,
            start=row.start,
            end=row.end,
            doc_date=doc_dates.get(row.doc),
            date=dates.get(data["date"]) if data.get("date") else None,
            place=entity_of.get(data["place"]) if data.get("place") else None,
            participants=tuple(_party(p, entity_of) for p in data.get("participants", [])),
            counts=tuple(_count(c) for c in data.get("counts", [])),
        )
        for row, data in zip(rows, datas, strict=True)
    ]


def _party(participant: dict[str, Any], entity_of: Mapping[str, str]) -> Party:
    """(role, entity, words) of a stored participant; entity None when it names no entity or its mention
    is not resolved yet."""
    mention = participant.get("mention")
    entity = entity_of.get(mention) if mention else None
    return participant["role"], entity, participant.get("text") or ""


def _count(count: dict[str, Any]) -> Count:
    return Count(
        count["what"],
        count["value"],
        count["qualifier"],
        count["start"],
        count["end"],
        unit=count.get("unit") or "",
    )


def _mentions(data: dict[str, Any]) -> Iterable[str]:
    if data.get("place"):
        yield data["place"]
    yield from (p["mention"] for p in data.get("participants", []) if p.get("mention"))


def _dates(conn: Connection, ids: Collection[str]) -> dict[str, When]:
    t = schema.times
    cols = (t.c.id, t.c.value, t.c.precision, t.c.end_value, t.c.modifier, t.c.text)
    found: dict[str, When] = {}
    for part in in_chunks(ids):
        for tid, value, precision, end_value, modifier, text in conn.execute(
            select(*cols).where(t.c.id.in_(part))
        ):
            found[tid] = When(value, precision, end_value, modifier, text)
    return found


def _doc_dates(conn: Connection, ids: Collection[str]) -> dict[str, str | None]:
    d = schema.documents
    return _lookup(conn, d.c.id, d.c.date, ids)


def _entities_of(conn: Connection, mention_ids: Collection[str]) -> dict[str, str]:
    em = schema.entity_mentions
    return _lookup(conn, em.c.mention, em.c.entity, mention_ids)


def _texts(conn: Connection, ids: Collection[str]) -> dict[str, str]:
    d = schema.documents
    return _lookup(conn, d.c.id, d.c.text, ids)


def _lookup(conn: Connection, key: Any, value: Any, ids: Collection[str]) -> dict[str, Any]:
    """``value`` by ``key`` for the rows whose key is one of ``ids`` (IN lists cut into chunks)."""
    found: dict[str, Any] = {}
    for part in in_chunks(ids):
        found.update(conn.execute(select(key, value).where(key.in_(part))).all())
    return found


def incident_record(incident: Incident, texts: dict[str, str]) -> dict[str, Any]:
    """An incident as a casegraph/1 ``events`` record (see docs/formats.md)."""
    return {
        "id": incident.id,
        "type": incident.type,
        "date": _date_record(incident),
        "place": incident.place,
        "participants": [
            {"role": p.role, "entity": p.entity, "text": p.text, "sources": list(p.docs)}
            for p in incident.participants
        ],
        "counts": [
            {
                "what": c.what,
                "value": c.value,
                "qualifier": c.qualifier,
                "unit": c.unit,
                "source": c.doc,
                "event": c.event,
                "start": c.start,
                "end": c.end,
                "text": texts[c.doc][c.start : c.end],
            }
            for c in incident.counts
        ],
        "conflicts": [
            {
                "what": conflict.what,
                "values": [
                    {
                        "value": r.value,
                        "qualifier": r.qualifier,
                        "unit": r.unit,
                        "sources": list(r.docs),
                        "events": list(r.events),
                    }
                    for r in conflict.readings
                ],
            }
            for conflict in incident.conflicts
        ],
        "sources": list(incident.sources),
        "evidence": [{**evidence(texts, f.doc, f.start, f.end), "event": f.id} for f in incident.facts],
    }


def _date_record(incident: Incident) -> dict[str, Any] | None:
    when, source = incident.date, incident.date_source
    if when is None or source is None:
        return None
    return {
        "text": when.text,
        "value": when.value,
        "precision": when.precision,
        "end_value": when.end_value,
        "modifier": when.modifier,
        "source": source.doc,
    }
