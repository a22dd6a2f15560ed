"""Incidents read from a real store: events written with their documents, resolved, exported.

The documents are real files read by casegraph's own readers, and every span is located in their text:
two VOA reports of the Reina nightclub attack (../shared/corpus/news; the corpus holds no text on the
Suruç or Ankara bombings, see its SOURCES.md), the sample case's three reports of the Kilis bus
station bombing (examples/case, fiction written for casegraph) whose death tolls disagree, 35 and 34,
and two of its reports of the fertiliser purchase, with participants that name no entity ("an
agricultural supplier") and an amount with its unit (1.5 tonnes).
The events are built by hand, as the events stage (issue 3) will build them; times are normalised by
casegraph's own ``normalise_time`` against each document's date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from casegraph.export import check_data, export_data
from casegraph.extract.times import normalise_time
from casegraph.ingest import read_file
from casegraph.model import Count, Event, Extraction, Mention, Participant, TimeExpr, make_id
from casegraph.query.case import case_data
from casegraph.query.incidents import load_event_facts, load_incidents
from casegraph.resolve.update import resolve_pending
from casegraph.store import Writer, open_store, schema
from tests.conftest import CORPUS, REPO

Span = tuple[int, int]
NIGHTCLUB = CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt"
DRONE = CORPUS / "news" / "voa-is-drone-footage-suicide-attacks.txt"
KILIS_NEWS = REPO / "examples" / "case" / "news" / "aydin-charged-over-kilis-bombing.txt"
KILIS_WEB = REPO / "examples" / "case" / "news" / "gaziantep-safe-house-raid.html"
KILIS_COURT = REPO / "examples" / "case" / "court" / "prosecution-summary-2016-4417.pdf"
LABELS = {"person": "PERSON", "organization": "ORG", "location": "GPE"}


class Report:
    """One real document and the observations a test locates in its text."""

    def __init__(self, path: Path, ref_date: str) -> None:
        [doc] = read_file(path, display=str(path.relative_to(path.parents[2])), ref_date=ref_date)
        self.doc = doc
        self.ext = Extraction(doc=doc, version="test")

    def span(self, phrase: str, within: Span | None = None) -> Span:
        """The span of ``phrase`` in the text (inside ``within`` when given); fails if it is not there."""
        lo, hi = within or (0, len(self.doc.text))
        start = self.doc.text.index(phrase, lo, hi)
        return start, start + len(phrase)

    def sentence(self, first: str, last: str) -> Span:
        """The span from the words ``first`` to the words ``last`` after them."""
        start = self.span(first)[0]
        return start, self.span(last, (start, len(self.doc.text)))[1]

    def mention(self, phrase: str, type_: str, sent: Span) -> str:
        start, end = self.span(phrase, sent)
        mid = Mention.make_id(self.doc.id, start, end)
        self.ext.mentions.append(
            Mention(mid, self.doc.id, start, end, phrase, type_, LABELS[type_], "spacy", *sent)
        )
        return mid

    def time(self, phrase: str, sent: Span) -> str:
        start, end = self.span(phrase, sent)
        norm = normalise_time(phrase, self.doc.date)
        tid = make_id("t", self.doc.id, start, end)
        self.ext.times.append(
            TimeExpr(
                tid,
                self.doc.id,
                start,
                end,
                phrase,
                norm.value,
                norm.precision,
                norm.end_value,
                norm.modifier,
            )
        )
        return tid

    def count(
        self, what: str, value: float, phrase: str, sent: Span, qualifier: str = "exact", unit: str = ""
    ) -> Count:
        return Count(what, value, qualifier, *self.span(phrase, sent), unit=unit)

    def participant(self, role: str, phrase: str, sent: Span, type_: str | None = None) -> Participant:
        """A participant at ``phrase``: an entity's mention when ``type_`` is given, else words only."""
        start, end = self.span(phrase, sent)
        mention = self.mention(phrase, type_, sent) if type_ else None
        return Participant(role, mention, start, end, phrase)

    def event(self, type_: str, trigger: str, sent: Span, **facts: Any) -> str:
        start, end = self.span(trigger, sent)
        eid = make_id("v", self.doc.id, type_, start, end)
        self.ext.events.append(Event(eid, self.doc.id, type_, start, end, *sent, **facts))
        return eid


def reina_reports() -> tuple[Report, Report, dict[str, str]]:
    """The Reina attack told twice, with the Istanbul stadium bombing and an arrest beside it."""
    drone, club = Report(DRONE, "2017-01-05"), Report(NIGHTCLUB, "2017-01-02")
    ids: dict[str, str] = {}
    s = drone.sentence("Just days before the IS-claimed", "burned alive.")
    ids["claimed"] = drone.event(
        "attack",
        "attack",
        s,
        date=drone.time("New Year’s Eve", s),
        place=drone.mention("Istanbul", "location", s),
        participants=[Participant("perpetrator", drone.mention("IS", "organization", s))],
        counts=[drone.count("killed", 39, "39 dead", s)],
    )
    s = club.sentence("Few security experts doubt", "terror group.")
    ids["killing"] = club.event(
        "attack.shooting",
        "killing",
        s,
        date=club.time("Saturday night", s),
        participants=[Participant("suspect", club.mention("Islamic State", "organization", s))],
    )
    s = club.sentence("But it is not only Turkey", "same way as 2016.")
    ids["saturday"] = club.event("attack", "attack", s, date=club.time("Saturday", s))
    s = club.sentence("Last month alone saw", "football stadium in Istanbul.")
    ids["stadium"] = club.event(
        "attack.bombing",
        "bomb attack",
        s,
        date=club.time("Last month", s),
        place=club.mention("Istanbul", "location", s),
        counts=[
            club.count("killed", 44, "44 people killed", s),
            club.count("wounded", 163, "163 wounded", s),
        ],
    )
    s = club.sentence("Eight IS members were detained", "New Year's Eve.")
    ids["arrest"] = club.event(
        "arrest",
        "detained",
        s,
        date=club.time("last week", s),
        participants=[Participant("detained", club.mention("IS", "organization", s))],
        counts=[club.count("detained", 8, "Eight", s)],
    )
    return drone, club, ids


def kilis_reports() -> list[Report]:
    """Three reports of the Kilis bus station bombing that disagree on the toll."""
    news, web, court = (Report(p, "2016-09-20") for p in (KILIS_NEWS, KILIS_WEB, KILIS_COURT))
    s = news.sentence("The EFB is also accused", "on the cell's trail.")
    news.event(
        "attack.bombing",
        "car bomb",
        s,
        date=news.time("March", s),
        place=news.mention("Kilis", "location", s),
        participants=[Participant("perpetrator", news.mention("EFB", "organization", s))],
        counts=[news.count("killed", 35, "35 killed", s), news.count("wounded", 112, "112 wounded", s)],
    )
    s = web.sentence("Police believe the EFB", "more than 100.")
    web.event(
        "attack.bombing",
        "car bombing",
        s,
        date=web.time("March", s),
        place=web.mention("Kilis", "location", s),
        participants=[Participant("perpetrator", web.mention("EFB", "organization", s))],
        counts=[
            web.count("killed", 34, "killed 34 people", s),
            web.count("wounded", 100, "wounded more than 100", s, "more than"),
        ],
    )
    s = court.sentence("On 14 March 2016 a car bomb", "injured.")
    court.event(
        "attack",
        "car bomb",
        s,
        date=court.time("14 March 2016", s),
        place=court.mention("Kilis", "location", s),
        counts=[court.count("killed", 35, "35 killed", s), court.count("injured", 112, "112\ninjured", s)],
    )
    return [news, web, court]


def purchase_reports() -> list[Report]:
    """The fertiliser purchase as the Kilis news report and the prosecution summary tell it: the buyer
    named as the group in one and as two men in the other, the seller once as words only, the item as
    words only in both, the amount in tonnes in both and in bags in the summary."""
    news, court = Report(KILIS_NEWS, "2016-09-20"), Report(KILIS_COURT, "2016-09-20")
    add_purchase(news, court)
    return [news, court]


def add_purchase(news: Report, court: Report) -> None:
    """The events of ``purchase_reports`` added to reports of the Kilis news and the summary."""
    s = news.sentence("According to the summary, the EFB bought", "summer of 2015.")
    news.event(
        "transaction.purchase",
        "bought",
        s,
        date=news.time("the summer of 2015", s),
        place=news.mention("Gaziantep", "location", s),
        participants=[
            news.participant("buyer", "EFB", s, "organization"),
            news.participant("seller", "an agricultural supplier", s),
            news.participant("item", "ammonium nitrate fertiliser", s),
        ],
        counts=[news.count("ammonium nitrate", 1.5, "1.5 tonnes", s, unit="tonnes")],
    )
    s = court.sentence("In July 2015 Aydin and Tuzcu", "2016).")
    court.event(
        "transaction.purchase",
        "bought",
        s,
        date=court.time("July 2015", s),
        place=court.mention("Gaziantep", "location", s),
        participants=[
            court.participant("buyer", "Aydin", s, "person"),
            court.participant("buyer", "Tuzcu", s, "person"),
            court.participant("seller", "Bereket Agricultural Supplies", s, "organization"),
            court.participant("item", "ammonium nitrate fertiliser", s),
        ],
        counts=[
            court.count("ammonium nitrate", 1.5, "1.5 tonnes", s, unit="tonnes"),
            court.count("ammonium nitrate", 30, "30 bags", s, unit="bags"),
        ],
    )


def add_truck_bombs(news: Report) -> str:
    """An undated bombing in the Kilis news report: truck bombs in northern Syria; returns its event id."""
    s = news.sentence("A senior security official", "people died.")
    return news.event(
        "attack.bombing",
        "truck bombs",
        s,
        place=news.mention("Syria", "location", s),
        participants=[news.participant("instrument", "truck bombs", s)],
        counts=[news.count("killed", 100, "more than 100 people died", s, "more than")],
    )


def case_reports() -> list[Report]:
    """Every report above in one case: the Kilis bombing, the fertiliser purchase, the undated truck
    bombs, and the Reina attack with the stadium bombing and the arrest."""
    news, web, court = kilis_reports()
    add_purchase(news, court)
    add_truck_bombs(news)
    drone, club, _ = reina_reports()
    return [news, web, court, drone, club]


def stored(store_db: str, reports: list[Report]) -> Any:
    store = open_store(store_db)
    writer = Writer(store)
    for report in reports:
        writer.write_extraction(report.ext)
    resolve_pending(store)
    return store


def by_event(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each incident under the ids of the events it holds."""
    return {ev["event"]: incident for incident in events for ev in incident["evidence"]}


def test_case_data_joins_two_reports_of_the_reina_attack(store_db: str) -> None:
    drone, club, ids = reina_reports()
    store = stored(store_db, [drone, club])
    data = case_data(store)
    store.close()
    owner = {m["id"]: e["id"] for e in data["entities"] for m in e["mentions"]}
    found = by_event(data["events"])
    reina = found[ids["claimed"]]
    assert found[ids["killing"]] is reina and found[ids["saturday"]] is reina
    assert len(data["events"]) == 3  # Reina, the stadium bombing (another subtype), the arrest
    assert found[ids["stadium"]] is not reina and found[ids["arrest"]] is not reina
    assert reina["type"] == "attack.shooting"
    assert reina["date"]["value"] == "2016-12-31" and reina["date"]["precision"] == "day"
    assert reina["sources"] == sorted([drone.doc.id, club.doc.id])
    istanbul = owner[drone.ext.events[0].place or ""]
    assert reina["place"] == istanbul
    # "IS" in one report and "Islamic State" in the other are one entity (the alias table): one
    # participant, named in two roles, each role with its source.
    islamic_state = {p["entity"] for p in reina["participants"]}
    assert len(islamic_state) == 1 and None not in islamic_state
    assert [(p["role"], p["sources"]) for p in reina["participants"]] == [
        ("perpetrator", [drone.doc.id]),
        ("suspect", [club.doc.id]),
    ]
    assert [(c["what"], c["value"], c["text"], c["source"]) for c in reina["counts"]] == [
        ("killed", 39, "39 dead", drone.doc.id)
    ]
    assert reina["conflicts"] == []
    texts = {drone.doc.id: drone.doc.text, club.doc.id: club.doc.text}
    assert len(reina["evidence"]) == 3
    for ev in reina["evidence"]:
        assert texts[ev["doc"]][ev["start"] : ev["end"]] == ev["text"]
    assert any(ev["text"].startswith("Few security experts doubt the killing") for ev in reina["evidence"])


def test_case_data_keeps_disagreeing_tolls_side_by_side(store_db: str, tmp_path: Path) -> None:
    reports = kilis_reports()
    news, web, court = (r.doc.id for r in reports)
    store = stored(store_db, reports)
    data = case_data(store)
    store.close()
    [kilis] = data["events"]
    assert kilis["type"] == "attack.bombing"
    assert kilis["date"]["value"] == "2016-03-14" and kilis["date"]["source"] == court
    assert kilis["sources"] == sorted([news, web, court])
    killed = next(c for c in kilis["conflicts"] if c["what"] == "killed")
    assert [(v["value"], v["qualifier"], v["sources"]) for v in killed["values"]] == [
        (34, "exact", [web]),
        (35, "exact", sorted([news, court])),
    ]
    wounded = next(c for c in kilis["conflicts"] if c["what"] == "wounded")
    assert [(v["value"], v["qualifier"], v["sources"]) for v in wounded["values"]] == [
        (100, "more than", [web]),
        (112, "exact", [news]),
    ]
    assert {c["what"] for c in kilis["conflicts"]} == {"killed", "wounded"}  # "injured" has one reading
    assert sorted((c["what"], c["value"], c["source"]) for c in kilis["counts"]) == sorted(
        [
            ("killed", 35, news),
            ("wounded", 112, news),
            ("killed", 34, web),
            ("wounded", 100, web),
            ("killed", 35, court),
            ("injured", 112, court),
        ]
    )
    check_data(data)
    for fmt in ("json", "csv", "ftm", "graphml"):
        assert export_data(data, format=fmt, output=tmp_path / f"case-{fmt}")


def test_load_incidents_reads_the_same_alone_as_in_case_data(store_db: str) -> None:
    store = stored(store_db, kilis_reports())
    with store.read() as conn:
        alone = load_incidents(conn)
        facts = load_event_facts(conn)
    assert alone == case_data(store)["events"]
    store.close()
    # Every place is mapped to its entity, never left as a mention id.
    assert len(facts) == 3 and len({f.place for f in facts}) == 1 and None not in {f.place for f in facts}


def test_case_data_keeps_participants_as_words_and_amounts_with_units(store_db: str, tmp_path: Path) -> None:
    news, court = purchase_reports()
    store = stored(store_db, [news, court])
    data = case_data(store)
    store.close()
    names = {e["id"]: e["name"] for e in data["entities"]}
    [purchase] = data["events"]
    assert purchase["type"] == "transaction.purchase"
    assert purchase["date"]["value"] == "2015-07" and purchase["date"]["source"] == court.doc.id
    assert names[purchase["place"]] == "Gaziantep"
    parts = [
        (p["role"], names.get(p["entity"] or ""), p["text"], p["sources"]) for p in purchase["participants"]
    ]
    both = sorted([news.doc.id, court.doc.id])
    # The item is words only in both reports: one participant, with both sources.
    assert ("item", None, "ammonium nitrate fertiliser", both) in parts
    assert ("seller", None, "an agricultural supplier", [news.doc.id]) in parts
    assert (
        "seller",
        "Bereket Agricultural Supplies",
        "Bereket Agricultural Supplies",
        [court.doc.id],
    ) in parts
    assert sorted(p[1] for p in parts if p[0] == "buyer") == ["Aydin", "EFB", "Tuzcu"]
    assert len(parts) == 6
    assert [(c["what"], c["value"], c["unit"], c["text"], c["source"]) for c in purchase["counts"]] == sorted(
        [
            ("ammonium nitrate", 1.5, "tonnes", "1.5 tonnes", court.doc.id),
            ("ammonium nitrate", 30, "bags", "30 bags", court.doc.id),
            ("ammonium nitrate", 1.5, "tonnes", "1.5 tonnes", news.doc.id),
        ],
        key=lambda c: (c[4], c[3]),
    )
    [conflict] = purchase["conflicts"]
    assert [(v["value"], v["unit"], v["sources"]) for v in conflict["values"]] == [
        (1.5, "tonnes", both),
        (30, "bags", [court.doc.id]),
    ]
    check_data(data)
    for fmt in ("json", "csv", "ftm", "graphml"):
        assert export_data(data, format=fmt, output=tmp_path / f"case-{fmt}")
    written = (tmp_path / "case-csv" / "events.csv").read_text(encoding="utf-8")
    assert "item=ammonium nitrate fertiliser" in written and "1.5 tonnes of ammonium nitrate" in written


def test_load_event_facts_reads_rows_stored_before_words_and_units(store_db: str) -> None:
    store = stored(store_db, purchase_reports())
    ev = schema.events
    with store.engine.begin() as conn:  # rewrite the rows as casegraph stored them before: no words, no unit
        for row in conn.execute(select(ev.c.id, ev.c.data)).all():
            data = dict(row.data)
            data["participants"] = [
                {"role": p["role"], "mention": p["mention"]} for p in data["participants"] if p["mention"]
            ]
            data["counts"] = [
                {k: c[k] for k in ("what", "value", "qualifier", "start", "end")} for c in data["counts"]
            ]
            conn.execute(update(ev).where(ev.c.id == row.id).values(data=data))
    with store.read() as conn:
        facts = load_event_facts(conn)
        [purchase] = load_incidents(conn)
    store.close()
    assert all(text == "" and entity is not None for f in facts for _, entity, text in f.participants)
    assert {c.unit for f in facts for c in f.counts} == {""}
    assert {p["role"] for p in purchase["participants"]} == {"buyer", "seller"}
    assert all(p["text"] == "" and p["entity"] for p in purchase["participants"])
    assert {c["unit"] for c in purchase["counts"]} == {""}
    # Without units, 1.5 and 30 are still two readings of one count.
    [conflict] = purchase["conflicts"]
    assert [(v["value"], v["unit"]) for v in conflict["values"]] == [(1.5, ""), (30, "")]
