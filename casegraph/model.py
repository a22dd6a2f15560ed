"""The data classes every stage shares.

Observations (what a document says) are written once per document:
Document, Mention, Link, Relation, Quote, TimeExpr, Value, Event.
Judgements (who is who) are derived from them: Entity.
Every observation carries the document id and character offsets into
``Document.text``; ``text[start:end]`` is always the quoted evidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Span = tuple[int, int]

# Entity types casegraph clusters into entities (see docs/formats.md).
ENTITY_TYPES = ("person", "organization", "location", "facility", "misc")
# Relation types (see docs/relations.md).
RELATION_TYPES = (
    "member_of",
    "leader_of",
    "founded",
    "co_founded_with",
    "employed_by",
    "affiliated_with",
    "communicated_with",
    "located_in",
    "died_in",
    "related_to",
)
# Kinds of values kept as values, not entities.
VALUE_KINDS = ("money", "quantity", "number", "percent", "ordinal", "nationality")


def make_id(prefix: str, *parts: object) -> str:
    """Return a short deterministic id from its parts (same input, same id)."""
    raw = "\x1f".join(str(p) for p in parts)
    return prefix + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Field:
    """A structured fact a file format carries (an e-mail header), located in the text."""

    name: str  # "from", "to", "cc", "date", "subject", "title", "author", ...
    value: str
    start: int
    end: int


@dataclass
class Document:
    """One ingested file: its plain text and what the format says about it."""

    id: str  # sha256 of the original bytes
    path: str  # as given to ingest
    title: str
    text: str  # the plain text every span points into
    date: str | None = None  # ISO yyyy-mm-dd: the document's own date or the reference date
    date_source: str = "none"  # header | metadata | dateline | reference | none
    language: str = "und"  # ISO 639-1 code, "und" when unknown
    format: str = "txt"  # txt | html | eml | pdf | docx
    fields: list[Field] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """The sha256 of the original bytes (the document id)."""
        return self.id

    @cached_property
    def text_sha256(self) -> str:
        """The sha256 of the extracted text: the same text from other bytes is a duplicate."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Mention:
    """A name found in a document: a person, organisation, place, ..."""

    id: str
    doc: str
    start: int
    end: int
    text: str
    type: str  # one of ENTITY_TYPES, after correction
    label: str  # what the model (or rule) said: PERSON, ORG, GPE, header:from, ...
    source: str  # spacy | header | gazetteer | alias | rule
    sent_start: int  # the sentence that holds the mention
    sent_end: int

    @staticmethod
    def make_id(doc: str, start: int, end: int) -> str:
        """Mention ids derive from the document and the span."""
        return make_id("m", doc, start, end)


@dataclass(frozen=True)
class Link:
    """A resolver's proposal that two mentions name the same entity, with its reason."""

    source: str  # mention id (the later / shorter mention)
    target: str  # mention id (the mention it refers to)
    reason: str  # surname | partial_name | acronym | expansion | alias | same_name
    score: float = 1.0


@dataclass
class Relation:
    """A typed, directed relation between two mentions, with its evidence sentence."""

    id: str
    doc: str
    type: str  # one of RELATION_TYPES
    source: str  # mention id
    target: str  # mention id
    start: int  # evidence span (the sentence)
    end: int
    trigger: str = ""  # the words that signalled the relation


@dataclass
class Quote:
    """Quoted or reported speech and who said it."""

    id: str
    doc: str
    speaker: str | None  # mention id of a named speaker, else None
    speaker_text: str  # the speaker as written ("a senior security official")
    text: str  # the quoted words
    start: int  # span of the quoted words
    end: int
    ev_start: int  # evidence span: the sentence(s) holding quote and attribution
    ev_end: int


@dataclass
class TimeExpr:
    """A time expression normalised against the document date."""

    id: str
    doc: str
    start: int
    end: int
    text: str
    value: str | None  # ISO prefix: 2015, 2015-10, 2015-10-10; None when unresolved
    precision: str  # year | month | day | season | week | range | unknown (docs/times.md)
    end_value: str | None = None  # for ranges ("2012-2014"): the last ISO prefix
    modifier: str = (
        ""  # since | before | after | approx | start | mid | end | earlier | later | duration | ""
    )


@dataclass
class Value:
    """A number, amount or quantity kept as a value, not as an entity."""

    id: str
    doc: str
    start: int
    end: int
    text: str
    kind: str  # one of VALUE_KINDS


@dataclass
class Participant:
    """Someone or something taking part in an event, with its role (see docs/events.md).

    ``text`` is the participant as written ("six Jesuit priests", "a car bomb", "Ilhami Bali") at
    ``start``:``end``; ``mention`` is the mention its head word belongs to, which makes it an entity,
    or None for a description that names none.
    """

    role: str
    mention: str | None
    start: int = 0
    end: int = 0
    text: str = ""
    confidence: float = 1.0  # the role classifier's probability of this role


@dataclass
class Count:
    """A count reported for an event: '35 killed', 'more than 100 died'."""

    what: str  # killed | injured | arrested | kidnapped | ..., or the counted noun ("ammonium nitrate")
    value: float
    qualifier: str  # exact | more than | at least | about | nearly | up to | at most | fewer than
    start: int  # the words that give the count
    end: int
    unit: str = ""  # for amounts: "tonnes", "kg", "dollars"


@dataclass
class Event:
    """Something that happened, found at its trigger word (see casegraph.extract.events)."""

    id: str
    doc: str
    type: str
    trigger_start: int
    trigger_end: int
    start: int  # evidence span: the sentence
    end: int
    date: str | None = None  # TimeExpr id
    place: str | None = None  # mention id of a location or facility
    participants: list[Participant] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    confidence: float = 1.0  # the trigger classifier's probability of this type


@dataclass
class Extraction:
    """Everything extracted from one document: pure output of the extract stage."""

    doc: Document
    version: str
    mentions: list[Mention] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)


@dataclass
class Entity:
    """A cluster of mentions judged to name one real entity."""

    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # mention ids
    reasons: list[str] = field(default_factory=list)  # why mentions were merged
    key: str = ""  # the normalised name the entity's clusters share (with ``type``, it makes the id)
