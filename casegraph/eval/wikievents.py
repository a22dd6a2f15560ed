"""Events on WikiEvents (v1.0, Li et al. 2021): argument extraction with gold triggers, and triggers.

Data: ``wikievents/{split}.jsonl`` (see ../shared/eval/wikievents/SOURCE.md). Each document is rebuilt
as its sentences joined by newlines (as for ``wikievents-coref``) and run through casegraph's own
pipeline: the English spaCy pipeline, casegraph's entity mentions and its time expressions.

Type mapping. A gold event counts when its KAIROS type maps into casegraph's ontology
(``ontology.from_kairos``); ``coverage`` is the share of gold events that do. A casegraph type is
compared at the granularity the dataset annotates: a subtype that WikiEvents has no type for counts as
its nearest mapped ancestor (a shooting is an ``attack``, Conflict.Attack.Unspecified).

Argument extraction (``arg_i_head_f1``, ``arg_c_head_f1``), the metric of BART-Gen (Li et al.,
``src/genie/scorer.py``, head-only). For every mapped gold event, casegraph is given the trigger (its
head word) and the mapped type and finds the participants as it does in the pipeline
(``EventReader.event``); each participant, and the event's place, is reduced to its head word, and its
role is translated to the KAIROS role it plays in the gold event's type (``ontology.kairos_role``; a
role with no KAIROS counterpart stays wrong). Gold arguments are reduced to their head word the same
way: the first token of the span climbs to its syntactic head while that head is inside the span, on
casegraph's parse of the document (BART-Gen parses with en_core_web_sm; casegraph's parser is the
md model, so a few heads can differ from the published scorer's). Per event, predicted and gold
(head, role) pairs are sets; a prediction is identified (Arg-I) when its head is the head of one of the
event's gold arguments, classified (Arg-C) when the role is that argument's role too. Counts are summed
over events: micro precision, recall and F1.

Triggers (``trigger_i_f1``, ``trigger_c_f1``), end to end: casegraph's events of mapped types found in
the documents by the pipeline, against the mapped gold events. A predicted event is identified when
its trigger word is the head word of a gold trigger, classified when the types agree too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casegraph.errors import EvalError
from casegraph.eval.coref import ENTITY_TYPES, V1_FILES, rebuild_text
from casegraph.eval.files import read_jsonl
from casegraph.eval.gtt import percentages
from casegraph.extract.ontology import from_kairos, kairos_role, to_kairos
from casegraph.model import Document, Span, make_id

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from casegraph.extract.events import EventReader, Models

SPLITS = ("dev", "test")
FOLDER = "wikievents"
BATCH_SIZE = 8


@dataclass
class GoldArgument:
    """A gold argument: its KAIROS role, character span and entity type."""

    role: str
    start: int
    end: int
    entity_type: str  # PER, ORG, GPE, FAC, WEA, ...


@dataclass
class GoldEvent:
    """A gold event: its KAIROS type, trigger span and arguments (character offsets)."""

    id: str
    kairos: str
    start: int
    end: int
    arguments: list[GoldArgument] = field(default_factory=list)

    @property
    def mapped(self) -> str | None:
        """The casegraph type of this event, or None when casegraph's ontology has none."""
        return from_kairos(self.kairos)


@dataclass
class WikiDoc:
    """One WikiEvents document: its rebuilt text as a Document, and its gold events."""

    doc: Document
    events: list[GoldEvent]


def split_file(split: str, data_dir: Path) -> Path:
    """The documents file of a split, in data_dir/wikievents or data_dir."""
    if split not in SPLITS:
        raise EvalError(f"unknown WikiEvents split {split!r}; use one of: {', '.join(SPLITS)}")
    for folder in (data_dir / FOLDER, data_dir):
        path = folder / f"{split}.jsonl"
        if path.is_file():
            return path
    raise EvalError(
        f"{split}.jsonl not found in {data_dir / FOLDER} or {data_dir}; "
        "pass --data (or set CASEGRAPH_EVAL_DIR) to the folder holding wikievents/"
    )


def read_events(split: str, data_dir: Path, *, limit: int | None = None) -> list[WikiDoc]:
    """Read a split's first ``limit`` documents with their gold events."""
    path = split_file(split, data_dir)
    rows = read_jsonl(path, dataset="WikiEvents", files=V1_FILES, limit=limit)
    return [build_events(raw, split=split) for raw in rows]


def build_events(raw: dict[str, Any], *, split: str) -> WikiDoc:
    """Turn one WikiEvents document into a Document and its gold events in character offsets."""
    try:
        text, tokens, _ = rebuild_text(raw["sentences"])
        name = f"{FOLDER}/{split}/{raw['doc_id']}"
        doc = Document(
            id=make_id("wikievents", split, raw["doc_id"]), path=name, title=name, text=text, language="en"
        )
        entities = {e["id"]: e for e in raw["entity_mentions"]}
        events = [_gold_event(row, entities, tokens) for row in raw["event_mentions"]]
    except (KeyError, IndexError, TypeError) as err:
        raise EvalError(
            f"WikiEvents document {raw.get('doc_id', '?')} is malformed ({err}); use the v1.0 files"
        ) from err
    return WikiDoc(doc=doc, events=events)


def _gold_event(row: dict[str, Any], entities: dict[str, Any], tokens: list[Span]) -> GoldEvent:
    trigger = row["trigger"]
    args = []
    for arg in row["arguments"]:
        entity = entities[arg["entity_id"]]
        start, end = tokens[entity["start"]][0], tokens[entity["end"] - 1][1]
        args.append(GoldArgument(arg["role"], start, end, entity["entity_type"]))
    start, end = tokens[trigger["start"]][0], tokens[trigger["end"] - 1][1]
    return GoldEvent(row["id"], row["event_type"], start, end, args)


def head_of(sdoc: Doc, start: int, end: int) -> int | None:
    """The head word of a character span, as BART-Gen's scorer finds it: the first token climbs to its
    syntactic head while that head is inside the span."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    i = span.start
    while span.start <= sdoc[i].head.i < span.end and sdoc[i].head.i != i:
        i = sdoc[i].head.i
    return i


def our_role(gold: GoldEvent, arg: GoldArgument, etype: str) -> str | None:
    """The casegraph role that plays a gold argument's KAIROS role in the gold event (for training):
    among the casegraph roles that map to it, the one the entity type points to."""
    from casegraph.extract.ontology import event_type

    roles = [r for r in event_type(etype).roles if kairos_role(gold.kairos, r) == arg.role]
    if len(roles) <= 1:
        return roles[0] if roles else None
    kind = ENTITY_TYPES.get(arg.entity_type, "misc")
    prefer = {
        ("attacker", "perpetrator"): "perpetrator" if kind == "organization" else "attacker",
        ("target", "victim"): "victim" if kind == "person" else "target",
        ("perpetrator", "victim"): "victim",
    }
    for pair, choice in prefer.items():
        if set(pair) <= set(roles):
            return choice
    return roles[0]


@dataclass
class Tally:
    """Micro counts of one metric."""

    predicted: int = 0
    gold: int = 0
    correct: int = 0

    def scores(self) -> dict[str, float]:
        """Precision, recall and F1 in percent (2 decimals) with the counts."""
        return {
            **percentages(self.correct, self.predicted, self.correct, self.gold),
            "predicted": self.predicted,
            "gold": self.gold,
            "correct": self.correct,
        }


ArgPair = tuple[int, str]  # (head token, KAIROS role)


def score_arguments(pairs: Iterable[tuple[set[ArgPair], set[ArgPair]]]) -> tuple[Tally, Tally]:
    """Arg-I and Arg-C tallies over events, each given as (predicted pairs, gold pairs)."""
    return score_heads(pairs)


TriggerKey = tuple[int, str]  # (head token, casegraph type at the dataset's granularity)


def score_triggers(docs: Iterable[tuple[set[TriggerKey], set[TriggerKey]]]) -> tuple[Tally, Tally]:
    """Trigger identification and classification tallies, each document given as (predicted, gold)."""
    return score_heads(docs)


def score_heads(items: Iterable[tuple[set[tuple[int, str]], set[tuple[int, str]]]]) -> tuple[Tally, Tally]:
    """Identification (the head is right) and classification (head and label) tallies over
    (predicted, gold) sets of (head token, label) pairs."""
    ident, classed = Tally(), Tally()
    for predicted, gold in items:
        heads = {head for head, _ in gold}
        for tally in (ident, classed):
            tally.predicted += len(predicted)
            tally.gold += len(gold)
        ident.correct += sum(head in heads for head, _ in predicted)
        classed.correct += len(predicted & gold)
    return ident, classed


def eval_type(etype: str) -> str | None:
    """A casegraph type at the granularity WikiEvents annotates, or None when it maps to no KAIROS type."""
    kairos = to_kairos(etype)
    return from_kairos(kairos) if kairos is not None else None


def parse(docs: Sequence[WikiDoc]) -> list[Doc]:
    """Parse every document with casegraph's English pipeline."""
    from casegraph.extract.nlp import load_pipeline

    nlp = load_pipeline("en")
    return list(nlp.pipe([w.doc.text for w in docs], batch_size=BATCH_SIZE))


def predicted_arguments(reader: EventReader, trigger: Token, gold: GoldEvent, etype: str) -> set[ArgPair]:
    """casegraph's participants (and place) of a gold event, as (head, KAIROS role) pairs."""
    event = reader.event(trigger, etype)
    sdoc = trigger.doc
    out: set[ArgPair] = set()
    spans = [(p.start, p.end, p.role) for p in event.participants]
    if event.place is not None and event.place in reader.mentions:
        place = reader.mentions[event.place]
        spans.append((place.start, place.end, "place"))
    for start, end, role in spans:
        head = head_of(sdoc, start, end)
        if head is not None:
            out.add((head, kairos_role(gold.kairos, role) or f"<{role}>"))
    return out


def gold_arguments(sdoc: Doc, gold: GoldEvent) -> set[ArgPair]:
    """The gold arguments of an event as (head, KAIROS role) pairs."""
    out: set[ArgPair] = set()
    for arg in gold.arguments:
        head = head_of(sdoc, arg.start, arg.end)
        if head is not None:
            out.add((head, arg.role))
    return out


def evaluate_wikievents(*, split: str, data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score casegraph's events on WikiEvents: arguments with gold triggers, and triggers end to end."""
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be a positive number of documents, not {limit}")
    docs = read_events(split, data_dir, limit=limit)
    return {"dataset": "wikievents", "split": split, **score_documents(docs)}


def score_documents(docs: Sequence[WikiDoc], models: Models | None = None) -> dict[str, Any]:
    """Run casegraph over WikiEvents documents and score its events (``models``: the shipped ones)."""
    from casegraph.extract.events import EventReader, load_models
    from casegraph.pipeline import extract_document

    models = models or load_models()
    arg_pairs: list[tuple[set[ArgPair], set[ArgPair]]] = []
    trigger_sets: list[tuple[set[TriggerKey], set[TriggerKey]]] = []
    per_type: Counter[str] = Counter()
    for wdoc, sdoc in zip(docs, parse(docs), strict=True):
        extraction = extract_document(wdoc.doc, sdoc, models=models)
        reader = EventReader(sdoc, wdoc.doc, extraction.mentions, extraction.times, models=models)
        gold_triggers: set[TriggerKey] = set()
        for gold in wdoc.events:
            etype = gold.mapped
            head = head_of(sdoc, gold.start, gold.end)
            if etype is None or head is None:
                continue
            per_type[etype] += 1
            gold_triggers.add((head, etype))
            arg_pairs.append(
                (predicted_arguments(reader, sdoc[head], gold, etype), gold_arguments(sdoc, gold))
            )
        predicted = {
            (head, kind)
            for event in extraction.events
            if (kind := eval_type(event.type)) is not None
            and (head := head_of(sdoc, event.trigger_start, event.trigger_end)) is not None
        }
        trigger_sets.append((predicted, gold_triggers))
    return _report(docs, arg_pairs, trigger_sets, per_type)


def _report(
    docs: Sequence[WikiDoc],
    arg_pairs: list[tuple[set[ArgPair], set[ArgPair]]],
    trigger_sets: list[tuple[set[TriggerKey], set[TriggerKey]]],
    per_type: Counter[str],
) -> dict[str, Any]:
    arg_i, arg_c = score_arguments(arg_pairs)
    trig_i, trig_c = score_triggers(trigger_sets)
    total = sum(len(d.events) for d in docs)
    mapped = sum(1 for d in docs for e in d.events if e.mapped is not None)
    return {
        "documents": len(docs),
        "events": total,
        "mapped_events": mapped,
        "coverage": round(mapped / total, 4) if total else 0.0,
        "arg_i_head_f1": arg_i.scores()["f1"],
        "arg_c_head_f1": arg_c.scores()["f1"],
        "trigger_i_f1": trig_i.scores()["f1"],
        "trigger_c_f1": trig_c.scores()["f1"],
        "arguments": {"identification": arg_i.scores(), "classification": arg_c.scores()},
        "triggers": {"identification": trig_i.scores(), "classification": trig_c.scores()},
        "mapped_types": dict(sorted(per_type.items())),
    }
