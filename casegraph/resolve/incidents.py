"""Incidents: the events of a case that report one happening, inside a document and across documents.

An event is an observation (one document says something happened); an incident is a judgement (these
events tell of the same happening), recomputed whenever it is read, like relations between entities.
The input is a list of ``EventFact`` whose place and participants are already the case's *entity* ids,
so entity merges and reviewer decisions carry over to incidents without rewriting a single event.

Rules. A fact joins an incident when all of these hold between the fact and the incident built so far:

1. **Type.** The same type, or one is a dotted ancestor of the other: ``attack`` merges with
   ``attack.bombing`` (a report that says only "attack" may be about the bombing), ``attack.bombing``
   never with ``attack.shooting``, and ``attack`` never with ``attacker`` (an ancestor ends at a dot).
   The incident's type is the most specific type of its facts.
2. **Date.** A known date is an interval of days: ``2015`` is the whole year, ``2015-07`` the month,
   ``2015-07-20`` the day, a range (week, season, range) runs from its value to its end value, and the
   modifiers ``since``/``after`` leave it open after, ``before`` open before. Two dates are compatible
   when their intervals overlap: for plain ISO prefixes, when one is a prefix of the other. Adjacent
   days do not overlap (``2016-12-31`` and ``2017-01-01`` stay apart). The incident's date interval is
   the intersection of its facts' intervals. A fact or incident with **no known date** is compatible
   only when the places agree (both known and the same) *and* the participants overlap.
3. **Place.** The same place entity, or one of the two unknown. Places are not nested: ``Istanbul`` and
   ``Turkey`` are different places.
4. **One more agreement beyond the type**: the same place, the same exact day (day precision and no
   ``before``/``after``/``since``/``approx`` modifier), or a participant entity in common (whatever the
   roles). Two ``attack`` events with no date and no place never merge, nor two attacks in ``2016``
   with nothing else in common. A participant that names no entity ("six Jesuit priests", "a car
   bomb") is never an agreement: two reports of "a car bomb" may well tell of two bombs.

The same rules hold inside one document and across documents; inside one document they make the
events of one happening one incident with several evidence spans.

Clustering. Facts are taken in a canonical order, the most precise first (narrowest date, then those
with a place, then those with most participants, then by document, position and id), so the first fact
of an incident is its best-attested one and vaguer facts are checked against it. Each fact joins the
compatible incident it agrees with most (one point for the same place, one for the same day, one per
shared participant entity); a fact that agrees equally well with two incidents joins neither, since
choosing would be a guess. Because the order is canonical the result does not depend on the input's
order, and an incident's id derives from its sorted event ids.

Blocking. Facts are grouped by root type (``attack`` for ``attack.bombing``), then a dated fact is
compared only with the incidents that have a fact dated in one of its months (a year-precision date
looks in its twelve months), an undated fact only with the incidents at its place; a fact whose date is
open-ended or spans more than ``BLOCK_MONTHS`` months is compared with the incidents of its bounded end's
month and those at its place. Never all pairs. Taking the narrowest dates first is what makes this
enough: an incident is always started by its narrowest fact, so it is found in that fact's months.

Participants. An incident's participants are the union over its facts: one ``Participation`` per
role and entity, or, for a participant that names no entity, per role and words as normalised by
``participant_key`` (case, diacritics, punctuation and a leading article folded), so "six Jesuit
priests" told by two reports is one participation with both sources. Its ``text`` is the words of
its first report (in document order).

Counts are kept side by side: every count with its source event and document. For each ``what``
reported with more than one (value, qualifier, unit), ``conflicts`` lists the readings with their
sources ("killed": 35 exact in one report, 34 exact in another); nothing is overwritten, averaged or
converted (1.5 tonnes and 1500 kg of one thing are two readings).
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from casegraph.model import Count, make_id
from casegraph.resolve.names import name_key

Party = tuple[str, str | None, str]  # (role, entity id or None, the participant's words as written)
Interval = tuple[date, date]  # first and last day, inclusive; date.min / date.max when open
BlockKey = tuple[str, str, object]  # ("month" | "place", root type, (year, month) or place entity id)

BLOCK_MONTHS = 120  # longer or open-ended dates are blocked by their bounded ends' months and their place
OPEN_AFTER = ("since", "after")
NOT_EXACT = ("before", "after", "since", "approx")
ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class When:
    """A normalised date (from a TimeExpr): ISO prefixes, precision and modifier; value None if unresolved."""

    value: str | None
    precision: str  # year | month | day | season | week | range | unknown (docs/times.md)
    end_value: str | None = None
    modifier: str = ""
    text: str = ""


@dataclass(frozen=True)
class EventFact:
    """One stored event as incident resolution sees it: place and participants are entity ids."""

    id: str
    doc: str
    type: str
    start: int  # evidence span in the document's text
    end: int
    doc_date: str | None = None
    date: When | None = None
    place: str | None = None
    participants: tuple[Party, ...] = ()  # entity None: a description, or a mention not resolved yet
    counts: tuple[Count, ...] = ()


@dataclass(frozen=True)
class Participation:
    """A participant of an incident with the documents and events that name it in that role.

    ``entity`` is None for a participant that names no entity; ``text`` is its words as its first report
    writes them ("six Jesuit priests"; "" when the events stored none).
    """

    role: str
    entity: str | None
    text: str
    docs: tuple[str, ...]
    events: tuple[str, ...]


@dataclass(frozen=True)
class SourcedCount:
    """A count as one event reports it."""

    what: str
    value: float
    qualifier: str
    doc: str
    event: str
    start: int
    end: int
    unit: str = ""  # for amounts: "tonnes", "kg"


@dataclass(frozen=True)
class Reading:
    """One (value, qualifier, unit) reported for a count, and who reports it."""

    value: float
    qualifier: str
    docs: tuple[str, ...]
    events: tuple[str, ...]
    unit: str = ""


@dataclass(frozen=True)
class Conflict:
    """Reports that disagree on one count ('killed': 35 vs 34), each reading with its sources."""

    what: str
    readings: tuple[Reading, ...]


@dataclass(frozen=True)
class Incident:
    """Events judged to tell of one happening, with every source kept."""

    id: str
    type: str
    facts: tuple[EventFact, ...]  # ordered by document, position and id
    date: When | None  # the most precise date of its facts (or an unresolved date's text)
    date_source: EventFact | None  # the fact the date comes from
    place: str | None
    participants: tuple[Participation, ...]
    counts: tuple[SourcedCount, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """The documents that report the incident."""
        return tuple(sorted({f.doc for f in self.facts}))


def related_types(a: str, b: str) -> bool:
    """True when the types are equal or one is a dotted ancestor of the other ("attack", "attack.bombing")."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def date_interval(when: When | None) -> Interval | None:
    """The days a date may fall on (open-ended for since/after/before); None when unknown or malformed."""
    if when is None or when.value is None:
        return None
    try:
        first = _first_day(when.value)
        last = _last_day(when.end_value or when.value)
        if when.modifier in OPEN_AFTER:
            first = first if when.modifier == "since" else last + timedelta(days=1)
            last = date.max
        elif when.modifier == "before":
            first, last = date.min, first - timedelta(days=1)
    except (ValueError, OverflowError):
        return None
    return (first, last) if first <= last else None


def _parts(prefix: str) -> tuple[int, int | None, int | None]:
    match = ISO_PREFIX.fullmatch(prefix)
    if match is None:
        raise ValueError(f"not an ISO date prefix: {prefix!r}")
    year, month, day = match.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _first_day(prefix: str) -> date:
    year, month, day = _parts(prefix)
    return date(year, month or 1, day or 1)


def _last_day(prefix: str) -> date:
    year, month, day = _parts(prefix)
    if month is None:
        return date(year, 12, 31)
    return date(year, month, day or calendar.monthrange(year, month)[1])


def overlaps(a: Interval, b: Interval) -> bool:
    """True when two day intervals share at least one day."""
    return a[0] <= b[1] and b[0] <= a[1]


def intersect(a: Interval, b: Interval) -> Interval:
    """The days two overlapping intervals share."""
    return max(a[0], b[0]), min(a[1], b[1])


def exact_day(when: When | None) -> str | None:
    """The day a date names exactly (day precision, no open or approximate modifier), else None."""
    if when is None or when.value is None or when.precision != "day" or when.modifier in NOT_EXACT:
        return None
    if when.end_value not in (None, when.value) or len(when.value) != 10:
        return None
    return when.value


@dataclass
class _Prepared:
    """A fact with what the rules compare, computed once."""

    fact: EventFact
    span: Interval | None
    day: str | None
    entities: frozenset[str]
    root: str

    @classmethod
    def of(cls, fact: EventFact) -> _Prepared:
        """Prepare one fact."""
        entities = frozenset(e for _, e, _ in fact.participants if e is not None)
        root = fact.type.split(".", 1)[0]
        return cls(fact, date_interval(fact.date), exact_day(fact.date), entities, root)

    @property
    def width(self) -> int:
        """How many days the date allows (unknown dates sort after every known one)."""
        if self.span is None:
            return date.max.toordinal() + 1
        return self.span[1].toordinal() - self.span[0].toordinal() + 1

    def order(self) -> tuple[int, bool, int, str, int, int, str]:
        """The canonical order: most precise first, then document, position and id."""
        f = self.fact
        return (self.width, f.place is None, -len(self.entities), f.doc, f.start, f.end, f.id)

    def months(self) -> tuple[list[tuple[int, int]], bool]:
        """The months this fact is blocked under, and whether that list misses part of its date."""
        if self.span is None:
            return [], True
        first, last = self.span
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        if count > BLOCK_MONTHS:  # open-ended dates too: only their bounded end is a block
            return sorted({(d.year, d.month) for d in self.span if d not in (date.min, date.max)}), True
        return [_month(first.year * 12 + first.month - 1 + n) for n in range(count)], False

    def lookup(self) -> list[BlockKey]:
        """The blocks this fact is compared in."""
        months, partial = self.months()
        keys: list[BlockKey] = [("month", self.root, m) for m in months]
        if partial and self.fact.place is not None:
            keys.append(("place", self.root, self.fact.place))
        return keys


def _month(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


@dataclass
class _Draft:
    """An incident being built: its facts and what a new fact is checked against."""

    facts: list[_Prepared]
    type: str
    span: Interval | None
    place: str | None
    entities: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, first: _Prepared) -> _Draft:
        """A new incident of one fact."""
        draft = cls([], first.fact.type, first.span, first.fact.place)
        draft.add(first)
        return draft

    def add(self, p: _Prepared) -> None:
        """Take a compatible fact in: the type narrows, the date interval shrinks, the place is filled."""
        if len(p.fact.type) > len(self.type):
            self.type = p.fact.type
        if p.span is not None:
            self.span = p.span if self.span is None else intersect(self.span, p.span)
        self.place = self.place or p.fact.place
        self.entities |= p.entities
        if p.day is not None:
            self.days.add(p.day)
        self.facts.append(p)

    def keys(self, p: _Prepared) -> list[BlockKey]:
        """The blocks this incident can be found in once ``p`` has joined it."""
        keys: list[BlockKey] = [("month", p.root, m) for m in p.months()[0]]
        if self.place is not None:
            keys.append(("place", p.root, self.place))
        return keys


def agreement(p: _Prepared, draft: _Draft) -> int:
    """How well a fact agrees with an incident (0 when it is not compatible: the rules above)."""
    fact = p.fact
    if not related_types(fact.type, draft.type):
        return 0
    if fact.place is not None and draft.place is not None and fact.place != draft.place:
        return 0
    same_place = fact.place is not None and fact.place == draft.place
    shared = len(p.entities & draft.entities)
    if p.span is None or draft.span is None:
        if not (same_place and shared):
            return 0
    elif not overlaps(p.span, draft.span):
        return 0
    same_day = p.day is not None and p.day in draft.days
    return int(same_place) + int(same_day) + shared


def resolve_incidents(facts: Iterable[EventFact]) -> list[Incident]:
    """Group event facts into incidents (see the module docstring); the same facts in any order give
    the same incidents, ordered by their first evidence."""
    drafts: list[_Draft] = []
    index: dict[BlockKey, set[int]] = defaultdict(set)
    for p in sorted((_Prepared.of(f) for f in facts), key=_Prepared.order):
        chosen = _choose(p, drafts, index)
        if chosen is None:
            chosen = len(drafts)
            drafts.append(_Draft.start(p))
        else:
            drafts[chosen].add(p)
        for key in drafts[chosen].keys(p):
            index[key].add(chosen)
    incidents = [finish_incident([p.fact for p in d.facts], d.type, d.place) for d in drafts]
    return sorted(incidents, key=lambda i: (i.facts[0].doc, i.facts[0].start, i.facts[0].end, i.id))


def _choose(p: _Prepared, drafts: Sequence[_Draft], index: dict[BlockKey, set[int]]) -> int | None:
    """The incident a fact agrees with most; None for none, or for a tie (a guess is not a judgement)."""
    candidates = set().union(*(index.get(key, set()) for key in p.lookup()))
    scored = sorted(((agreement(p, drafts[i]), i) for i in candidates), reverse=True)
    scored = [(score, i) for score, i in scored if score > 0]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def finish_incident(facts: Sequence[EventFact], type_: str, place: str | None) -> Incident:
    """Build the incident of some facts already judged to be one: date, participants, counts, conflicts."""
    ordered = tuple(sorted(facts, key=lambda f: (f.doc, f.start, f.end, f.id)))
    source = _date_source(ordered)
    counts = tuple(
        SourcedCount(c.what, c.value, c.qualifier, f.doc, f.id, c.start, c.end, c.unit)
        for f in ordered
        for c in f.counts
    )
    return Incident(
        id=make_id("ev", *sorted(f.id for f in ordered)),
        type=type_,
        facts=ordered,
        date=source.date if source is not None else None,
        date_source=source,
        place=place,
        participants=_participants(ordered),
        counts=tuple(sorted(counts, key=lambda c: (c.what, c.doc, c.start, c.end, c.event))),
        conflicts=find_conflicts(counts),
    )


def _date_source(facts: Sequence[EventFact]) -> EventFact | None:
    """The fact with the most precise known date (ties: exact day, earliest document); else one whose
    date is written but unresolved, so its words are still shown."""
    dated = [p for p in map(_Prepared.of, facts) if p.span is not None]
    if dated:
        return min(dated, key=_precision).fact
    return next((f for f in facts if f.date is not None), None)


def _precision(p: _Prepared) -> tuple[int, bool, str, str, int, str]:
    """Narrowest date first, then an exact day, then the earliest report."""
    f = p.fact
    return (p.width, p.day is None, f.doc_date or "~", f.doc, f.start, f.id)


def participant_key(text: str) -> str:
    """The words of a participant that names no entity, normalised for grouping: case, diacritics,
    punctuation and a leading article folded ("The six Jesuit priests," -> "six jesuit priests")."""
    key = name_key(text)
    for article in ("a ", "an "):
        if key.startswith(article):
            return key[len(article) :]
    return key


def _participants(facts: Sequence[EventFact]) -> tuple[Participation, ...]:
    """One participation per (role, entity), or (role, normalised words) when it names no entity."""
    texts: dict[tuple[str, str, str], str] = {}
    docs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    events: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for f in facts:
        for role, entity, text in f.participants:
            key = (role, entity or "", "" if entity else participant_key(text))
            if not texts.get(key):
                texts[key] = text
            docs[key].add(f.doc)
            if f.id not in events[key]:
                events[key].append(f.id)
    return tuple(
        Participation(key[0], key[1] or None, texts[key], tuple(sorted(docs[key])), tuple(events[key]))
        for key in sorted(docs)
    )


def find_conflicts(counts: Iterable[SourcedCount]) -> tuple[Conflict, ...]:
    """For each count reported with more than one (value, qualifier, unit), the readings with their
    sources."""
    readings: dict[str, dict[tuple[float, str, str], list[SourcedCount]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for c in counts:
        readings[c.what][(c.value, c.qualifier, c.unit)].append(c)
    return tuple(
        Conflict(what, tuple(_reading(v, q, u, found) for (v, q, u), found in sorted(by_value.items())))
        for what, by_value in sorted(readings.items())
        if len(by_value) > 1
    )


def _reading(value: float, qualifier: str, unit: str, found: Sequence[SourcedCount]) -> Reading:
    events = tuple(sorted({c.event for c in found}))
    return Reading(value, qualifier, tuple(sorted({c.doc for c in found})), events, unit)
