"""Events: what happened, when, where, to whom and how many, each pointing to its sentence.

1. **Candidates.** Every word whose lemma is a trigger of some type in the ontology
   (casegraph.extract.ontology) is a candidate: "bombing", "killed", "arrested", "bought", "e-mailed".
2. **Triggers.** A trained classifier (``triggers.npz``) reads the candidate in its sentence (its
   lemma, part of speech, syntactic neighbours, the other trigger words around it, its word vector)
   and says whether it reports an event, and of which type: "attack" near "bomb" is a bombing, "fire"
   with "opened" a shooting, "said" mostly no event at all (quotes are extracted on their own).
3. **Participants.** For each event, every noun of its sentence is a candidate participant; a second
   classifier (``roles.npz``) reads the dependency path from the trigger to it, the preposition that
   introduces it, its entity type and word vector, and gives its role among the roles of the event's
   type, or none. The participant keeps the words as written ("six Jesuit priests", "a car bomb") and,
   when its head word belongs to a name casegraph found, that mention, so it becomes an entity.
4. **Place, date, counts.** The place is the location that plays the ``place`` role; the date the time
   expression of the sentence most closely attached to the trigger, normalised against the document
   date by casegraph.extract.times; counts ("35 killed", "more than 100 died", "1.5 tonnes of
   ammonium nitrate") come from casegraph.extract.counts.

The classifiers are linear (casegraph.extract.linear), trained by ``casegraph train`` on MUC-4 train and
WikiEvents dev, and work on lower-cased words so that upper- and lower-case text (telexes, the MUC-4
corpus) is read like any other. docs/events.md describes the ontology and the models.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc, Span, Token

from casegraph import settings
from casegraph.errors import ExtractError
from casegraph.extract.counts import extract_counts
from casegraph.extract.linear import LinearModel, load_model
from casegraph.extract.ontology import (
    CONVERSE,
    CORE_TRIGGERS,
    PHRASES,
    TRIGGER_WORDS,
    TYPE_BY_NAME,
    event_type,
    parents,
    trigger_types,
)
from casegraph.model import Document, Event, Mention, Participant, TimeExpr, make_id
from casegraph.resolve.names import TITLES

MODEL_DIR = Path(__file__).parent / "models"
PHRASE_TYPES = frozenset(PHRASES.values())
NONE = "none"
NOUNISH = frozenset({"NOUN", "PROPN"})
TRIGGER_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN"})
# Decision thresholds: a candidate is an event, a noun a participant, when its best class is at least
# this probable (tuned on MUC-4 dev and by cross-validation on WikiEvents dev; see docs/events.md).
TRIGGER_THRESHOLD = 0.4
ROLE_THRESHOLD = 0.15
MAX_PATH = 6  # dependency steps between trigger and participant; longer paths are not read
PREPOSITIONS_OF_PLACE = frozenset({"in", "at", "near", "outside", "inside", "on", "into", "from", "to"})
_lock = threading.Lock()


@dataclass(frozen=True)
class Models:
    """The two classifiers of the events stage."""

    triggers: LinearModel
    roles: LinearModel


@dataclass(frozen=True)
class Candidate:
    """A possible participant: a noun of the sentence, the words it heads and the mention it names."""

    head: int  # token index
    start: int  # token span of the words it heads
    end: int
    mention: Mention | None


def load_models(folder: Path | None = None) -> Models:
    """The trained event classifiers (from ``folder``, default the ones shipped in the package)."""
    with _lock:
        return _load(str(folder or settings.get("event_models") or MODEL_DIR))


@lru_cache(maxsize=4)
def _load(folder: str) -> Models:
    path = Path(folder)
    if not (path / "triggers.npz").is_file() or not (path / "roles.npz").is_file():
        raise ExtractError(
            f"event models (triggers.npz, roles.npz) not found in {path}; point CASEGRAPH_EVENT_MODELS "
            "at the folder `casegraph train --output` wrote, or reinstall casegraph"
        )
    return Models(triggers=load_model(path / "triggers.npz"), roles=load_model(path / "roles.npz"))


# --- features -----------------------------------------------------------------------------------


def word(token: Token) -> str:
    """The lower-cased lemma of a token (the events stage reads no case)."""
    return token.lemma_.lower() if token.lemma_ else token.lower_


def candidate_types(token: Token) -> tuple[str, ...]:
    """The event types a token's lemma (or its lower-cased form) can trigger; a verb with its particle
    or object may make a phrase of its own type ("went off", "set fire"). Worked out once per document."""
    return lexicon(token.doc).types[token.i]


@dataclass
class DocLexicon:
    """What the trigger features read of the whole document, worked out in one pass and kept in the
    Doc's ``user_data``: the types each token can trigger, each token's sentence, where each trigger
    word is first used, and the types each sentence's words can trigger."""

    types: list[tuple[str, ...]]
    sentence: list[int]  # the start of each token's sentence
    ends: dict[int, int]  # sentence start -> end
    firsts: dict[str, int]  # trigger word -> index of its first use
    counts: dict[int, Counter[str]]  # sentence start -> how many of its words can trigger each type
    violent: dict[int, set[str]]  # sentence start -> the attack subtypes its words can trigger


def lexicon(sdoc: Doc) -> DocLexicon:
    """The document's lexicon (see ``DocLexicon``), built on first use."""
    found = sdoc.user_data.get(_LEXICON)
    if isinstance(found, DocLexicon):
        return found
    allowed = {sdoc.vocab.strings[p] for p in TRIGGER_POS}
    pos = sdoc.to_array("POS").tolist() if len(sdoc) else []
    types = [_lexical_types(sdoc[i]) if p in allowed else () for i, p in enumerate(pos)]
    out = DocLexicon(types=types, sentence=[0] * len(sdoc), ends={}, firsts={}, counts={}, violent={})
    for sent in sdoc.sents:
        out.ends[sent.start] = sent.end
        counts: Counter[str] = Counter()
        for i in range(sent.start, sent.end):
            out.sentence[i] = sent.start
            if types[i]:
                out.firsts.setdefault(word(sdoc[i]), i)
                counts.update(types[i])
        out.counts[sent.start] = counts
        out.violent[sent.start] = {k for k in counts if k.startswith("attack.")}
    sdoc.user_data[_LEXICON] = out
    return out


_LEXICON = "casegraph_event_lexicon"


def _lexical_types(token: Token) -> tuple[str, ...]:
    if token.pos_ not in TRIGGER_POS:
        return ()
    lemma = word(token)
    if lemma not in TRIGGER_WORDS and token.lower_ not in TRIGGER_WORDS:
        return ()
    if token.pos_ == "VERB":
        for child in token.children:
            if child.dep_ in ("prt", "dobj", "acomp", "advmod") and (lemma, word(child)) in PHRASES:
                return (PHRASES[(lemma, word(child))],)
        if lemma == "claim" and token.dep_ in ("amod", "acl"):
            return ("claim",)  # "the IS-claimed attack", "an attack claimed by IS"
    pos = "VERB" if token.pos_ == "AUX" else token.pos_
    return trigger_types(lemma, pos) or trigger_types(token.lower_, pos)


def word_vector(token: Token) -> NDArray[Any] | None:
    """The unit-length static vector of a token's lower-cased form, or None when the model has none."""
    vectors = token.vocab.vectors
    if vectors.shape[0] == 0 or vectors.shape[1] == 0:
        return None
    key = token.lower
    if key not in vectors:
        return np.zeros(vectors.shape[1], dtype=np.float32)
    vector = np.asarray(vectors[key], dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def trigger_features(token: Token) -> list[str]:
    """What the trigger classifier reads of a candidate."""
    lemma, pos = word(token), token.pos_
    feats = [f"w={lemma}", f"wp={lemma}/{pos}", f"pos={pos}", f"dep={token.dep_}", f"lower={token.lower_}"]
    feats += [f"tag={token.tag_}", f"wt={lemma}/{token.tag_}"]
    if _said_before(token):
        feats += ["repeat", f"repeat/{lemma}"]
    types = candidate_types(token)
    feats += [f"lex={t}" for t in types]
    if lemma in CORE_TRIGGERS:
        feats += ["core", f"core/{pos}"]
    if (
        len(types) == 1
        and types[0] in PHRASE_TYPES
        and any((lemma, word(c)) in PHRASES for c in token.children)
    ):
        feats.append("phrase")
    head = token.head
    if head.i != token.i:
        feats += [f"head={word(head)}", f"dep_head={token.dep_}/{word(head)}"]
    for child in token.children:
        if child.dep_ in ("compound", "amod", "dobj", "nsubj", "nsubjpass", "prt", "neg", "poss", "nummod"):
            feats.append(f"child={child.dep_}/{word(child)}")
        elif child.dep_ == "prep":
            feats.append(f"prep={child.lower_}")
            feats += [f"prep_obj={child.lower_}/{word(obj)}" for obj in child.children if obj.dep_ == "pobj"]
        elif child.dep_ in ("aux", "auxpass"):
            feats.append(f"aux={child.lower_}")
    lex = lexicon(token.doc)
    start = lex.sentence[token.i]
    near = {t for t, n in lex.counts[start].items() if n > (t in types)}
    feats += [f"sent_lex={t}" for t in near]
    for other in token.doc[max(token.i - 3, start) : token.i]:
        feats.append(f"left={word(other)}")
    feats += [f"{lemma}|sent_lex={t}" for t in near if t.split(".")[0] in ("attack", "death")]
    feats += [f"doc_lex={t}" for t in document_types(token)]
    return feats


def _said_before(token: Token) -> bool:
    """Whether the document used the same trigger word earlier (a later mention is often of the same
    event, which annotators mark less often)."""
    return lexicon(token.doc).firsts.get(word(token), token.i) < token.i


def document_types(token: Token) -> frozenset[str]:
    """The specific violent types (bombing, kidnapping, ...) whose trigger words the sentences around a
    token use: "the attack" after "a car bomb exploded" is the bombing."""
    lex = lexicon(token.doc)
    start = lex.sentence[token.i]
    starts = [start]
    if start > 0:
        starts.append(lex.sentence[start - 1])
    if lex.ends[start] < len(token.doc):
        starts.append(lex.ends[start])
    return frozenset(kind for s in starts for kind in lex.violent[s])


def dependency_path(a: Token, b: Token) -> tuple[str, int] | None:
    """The path of dependency labels from a up to the common ancestor and down to b, and its length."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    down_ids = {t.i: k for k, t in enumerate(down)}
    for k, t in enumerate(up):
        if t.i in down_ids:
            j = down_ids[t.i]
            rising = "^".join(x.dep_ for x in up[:k])
            falling = "v".join(x.dep_ for x in reversed(down[:j]))
            return f"{rising}|{falling}", k + j
    return None


def role_features(
    trigger: Token, etype: str, cand: Candidate, sdoc: Doc, path: tuple[str, int] | None = None
) -> list[str]:
    """What the role classifier reads of a (trigger, participant) pair (``path``: their dependency path,
    when the caller has it already)."""
    head = sdoc[cand.head]
    root = etype.split(".", 1)[0]
    kind = cand.mention.type if cand.mention is not None else ("pron" if head.pos_ == "PRON" else "nominal")
    lemma = word(head)
    feats = [
        f"t={etype}",
        f"kind={kind}",
        f"r={root}|kind={kind}",
        f"w={lemma}",
        f"r={root}|w={lemma}",
        f"pos={head.pos_}",
        f"dep={head.dep_}",
        f"r={root}|dep={head.dep_}",
        f"side={'left' if head.i < trigger.i else 'right'}",
        f"r={root}|side={'left' if head.i < trigger.i else 'right'}",
        f"tw={word(trigger)}",
        f"tpos={trigger.pos_}",
    ]
    if head.dep_ == "pobj":
        prep = head.head.lower_
        feats += [f"prep={prep}", f"r={root}|prep={prep}", f"prep_head={prep}/{word(head.head.head)}"]
        if head.head.head.i == trigger.i:
            feats += [f"tprep={prep}", f"r={root}|tprep={prep}", f"tw={word(trigger)}|tprep={prep}"]
    if head.dep_ == "agent" or (head.dep_ == "pobj" and head.head.dep_ == "agent"):
        feats.append(f"r={root}|by_agent")
    found = path or dependency_path(trigger, head)
    if found is not None:
        labels, length = found
        feats += [
            f"path={labels}",
            f"r={root}|path={labels}",
            f"len={min(length, 6)}",
            f"r={root}|len={min(length, 6)}",
            f"tw={word(trigger)}|path={labels}",
        ]
    if any(c.dep_ == "auxpass" for c in trigger.children):
        feats += ["passive", f"passive|dep={head.dep_}"]
    distance = abs(head.i - trigger.i)
    feats.append(f"dist={min(distance, 10) // 2}")
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nummod", "poss"):
            feats.append(f"mod={child.dep_}/{word(child)}")
    if cand.end - cand.start > 1:
        feats.append(f"first={sdoc[cand.start].lower_}")
    return feats


# --- candidates ---------------------------------------------------------------------------------


def trigger_candidates(sdoc: Doc) -> Iterator[Token]:
    """The tokens whose lemma can trigger an event (not the second word of a phrase: the "fire" of
    "set fire" is part of the verb's trigger)."""
    for i, types in enumerate(lexicon(sdoc).types):
        if types and not _in_phrase(sdoc[i]):
            yield sdoc[i]


def _in_phrase(token: Token) -> bool:
    head = token.head
    return head.i != token.i and head.pos_ == "VERB" and (word(head), word(token)) in PHRASES


def participant_candidates(
    sent: Span, mentions_at: dict[int, Mention], spans: dict[str, Span]
) -> list[Candidate]:
    """The nouns (and personal pronouns) of a sentence as candidate participants, each with the words
    it heads; a pronoun takes the mention of its antecedent when the antecedent is unambiguous. Dates,
    times and bare numbers ("in March", "Aydin, 36,") are no participants: dates are the event's date,
    numbers its counts."""
    out: list[Candidate] = []
    for token in sent:
        if token.pos_ == "PRON" and token.lower_ in PRONOUNS:
            out.append(Candidate(token.i, token.i, token.i + 1, _antecedent(token, mentions_at)))
            continue
        if token.pos_ not in NOUNISH or token.ent_type_ in NOT_PARTICIPANTS:
            continue
        mention = mentions_at.get(token.i)
        if mention is not None:
            span = spans[mention.id]
            if span.root.i != token.i and not _heads_itself(token, span):
                continue  # "Gerardo" inside "Gerardo Olivos Silva": the name's head speaks for it
            out.append(Candidate(token.i, span.start, span.end, mention))
        else:
            start, end = noun_phrase(token)
            out.append(Candidate(token.i, start, end, None))
    return out


NOT_PARTICIPANTS = frozenset({"DATE", "TIME", "PERCENT", "ORDINAL", "CARDINAL"})


PRONOUNS = frozenset({"he", "she", "him", "her", "they", "them", "we", "us"})
_SINGULAR_PERSON = frozenset({"he", "she", "him", "her"})


def _antecedent(pronoun: Token, mentions_at: dict[int, Mention]) -> Mention | None:
    """The person a "he"/"she" refers to, when the sentence before it and the words before it in its own
    sentence name exactly one person; None otherwise (and for plural pronouns)."""
    if pronoun.lower_ not in _SINGULAR_PERSON:
        return None
    sent = pronoun.sent
    first = sent.start
    if first > 0:
        first = pronoun.doc[first - 1].sent.start
    people: dict[str, Mention] = {}
    for i in range(first, pronoun.i):
        mention = mentions_at.get(i)
        if mention is not None and mention.type == "person":
            people.setdefault(mention.text.split()[-1].lower(), mention)
    return next(iter(people.values())) if len(people) == 1 else None


def _heads_itself(token: Token, span: Span) -> bool:
    return token.head.i < span.start or token.head.i >= span.end


def noun_phrase(token: Token) -> tuple[int, int]:
    """The words a noun heads, never across a line break (a headline glued to the next sentence)."""
    start, end = _noun_phrase(token)
    for i in range(token.i - 1, start - 1, -1):
        if "\n" in token.doc[i].text_with_ws:
            start = i + 1
            break
    for i in range(token.i, end - 1):
        if "\n" in token.doc[i].text_with_ws:
            end = i + 1
            break
    return start, end


def _noun_phrase(token: Token) -> tuple[int, int]:
    """The words a noun heads. A name keeps only its own words ("Federico Estrada Velez" of "liberal
    senator Federico Estrada Velez"); a description its left modifiers (articles, adjectives, numbers,
    compounds), and an "of" phrase after group nouns ("members of the Shining Path")."""
    chain = _compound_chain(token)
    if token.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in chain):
        return _name_start(token, chain), token.i + 1
    start = token.i
    for child in token.lefts:
        if child.dep_ in (
            "det",
            "amod",
            "compound",
            "nummod",
            "poss",
            "quantmod",
            "nmod",
            "npadvmod",
            "advmod",
        ):
            start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and word(token) in GROUP_NOUNS:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                end = max(end, _own_words_end(objects[0]))
    return start, end


def _own_words_end(noun: Token) -> int:
    """Where a noun's own words end: before its prepositions, clauses and bracketed asides."""
    end = noun.i + 1
    for child in noun.rights:
        if child.dep_ in ("compound", "flat", "nummod") or (child.dep_ == "appos" and child.i == end):
            if child.dep_ == "appos":
                break
            end = child.right_edge.i + 1
        else:
            break
    return end


def _compound_chain(token: Token) -> list[Token]:
    """The compound words right before a noun, nearest first ("roldan", "antonio" before "betancur")."""
    chain: list[Token] = []
    i = token.i - 1
    while i >= token.sent.start and token.doc[i].dep_ in ("compound", "flat") and token.doc[i].head.i > i:
        chain.append(token.doc[i])
        i -= 1
    return chain


def _name_start(token: Token, chain: list[Token]) -> int:
    """Where a name starts: the compound words before it up to a title or descriptive noun."""
    start = token.i
    for t in chain:
        if t.lower_.strip(".") in NOT_NAME_WORDS or t.like_num or not t.is_alpha:
            break
        start = t.i
    return start


# Words before a name that are not part of it: titles and offices ("senator", "governor", "judge").
NOT_NAME_WORDS = TITLES | frozenset(
    """candidate leader head chief member commander spokesman spokeswoman official director ministry
    priest father bishop archbishop journalist reporter lawyer businessman politician mayor councilman
    councilwoman congressman congresswoman deputy ex former late leftist rightist presidential police
    army military party union department province provincial municipal national supreme court justice
    trade labor labour student peasant worker soldier guerrilla rebel organization organisation group
    front movement""".split()
)
GROUP_NOUNS = frozenset(
    """member members group band cell unit squad commando column detachment faction wing gang team
    number dozen dozens hundreds thousands""".split()
)


# --- extraction ---------------------------------------------------------------------------------


def extract_events(
    sdoc: Doc,
    doc: Document,
    mentions: Sequence[Mention],
    times: Sequence[TimeExpr],
    *,
    models: Models | None = None,
) -> list[Event]:
    """Return the events of a parsed document (see the module docstring)."""
    return EventReader(sdoc, doc, mentions, times, models=models).events()


class EventReader:
    """Reads the events of one parsed document: finds triggers, and describes an event at a trigger."""

    def __init__(
        self,
        sdoc: Doc,
        doc: Document,
        mentions: Sequence[Mention],
        times: Sequence[TimeExpr],
        *,
        models: Models | None = None,
    ) -> None:
        self.sdoc = sdoc
        self.doc = doc
        self.times = times
        self.models = models or load_models()
        self.mentions = {m.id: m for m in mentions}
        self.index = _MentionSpans.build(sdoc, mentions)
        self._candidates: dict[int, list[Candidate]] = {}  # sentence start -> its candidates

    def events(self) -> list[Event]:
        """Every event the trigger classifier finds, described."""
        tokens = list(trigger_candidates(self.sdoc))
        classified = classify_triggers(tokens, self.models.triggers)
        return [
            self.event(token, etype, confidence=score)
            for token, (etype, score) in zip(tokens, classified, strict=True)
            if etype is not None
        ]

    def event(self, trigger: Token, etype: str, *, confidence: float = 1.0) -> Event:
        """The event of type ``etype`` at ``trigger``: participants, place, date and counts."""
        sent = trigger.sent
        cands = self._candidates.get(sent.start)
        if cands is None:
            cands = participant_candidates(sent, self.index.at, self.index.spans)
            self._candidates[sent.start] = cands
        found = classify_roles(trigger, etype, cands, self.sdoc, self.models.roles)
        place = _place(found)
        sdoc = self.sdoc
        participants = [
            Participant(
                role=role,
                mention=cand.mention.id if cand.mention is not None else None,
                start=sdoc[cand.start].idx,
                end=sdoc[cand.end - 1].idx + len(sdoc[cand.end - 1]),
                text=sdoc[cand.start : cand.end].text,
                confidence=round(score, 3),
            )
            for cand, role, score in found
            if not (role == "place" and cand.mention is not None and cand.mention.id == place)
        ]
        start, end = trigger.idx, trigger.idx + len(trigger)
        return Event(
            id=make_id("e", self.doc.id, start, end, etype),
            doc=self.doc.id,
            type=etype,
            trigger_start=start,
            trigger_end=end,
            start=sent.start_char,
            end=sent.end_char,
            date=_date(trigger, sent, self.times),
            place=place,
            participants=participants,
            counts=extract_counts(trigger, etype),
            confidence=round(confidence, 3),
        )


def classify_triggers(tokens: Sequence[Token], model: LinearModel) -> list[tuple[str | None, float]]:
    """The event type each candidate reports (None for no event), and its probability."""
    out: list[tuple[str | None, float]] = []
    probabilities = model.probabilities_many([(trigger_features(t), word_vector(t)) for t in tokens])
    for probs in probabilities:
        best = int(np.argmax(probs))
        label = model.classes[best]
        if label == NONE or probs[best] < TRIGGER_THRESHOLD or label not in TYPE_BY_NAME:
            out.append((None, float(probs[best])))
        else:
            out.append((label, float(probs[best])))
    return out


def classify_roles(
    trigger: Token, etype: str, cands: Iterable[Candidate], sdoc: Doc, model: LinearModel
) -> list[tuple[Candidate, str, float]]:
    """The role of each candidate in an event of type ``etype``, or none: the classifier gives a generic
    slot (agent, patient, place, ...) among the type's slots, and the type says which role it plays."""
    slots = {**event_type(etype).slots, **CONVERSE.get(word(trigger), {})}
    columns = [i for i, c in enumerate(model.classes) if c in slots]
    if not columns:
        return []
    near: list[Candidate] = []
    examples: list[tuple[list[str], NDArray[Any] | None]] = []
    for cand in cands:
        if cand.head == trigger.i:
            continue
        path = dependency_path(trigger, sdoc[cand.head])
        if path is None or path[1] > MAX_PATH:
            continue
        near.append(cand)
        examples.append((role_features(trigger, etype, cand, sdoc, path), word_vector(sdoc[cand.head])))
    out: list[tuple[Candidate, str, float]] = []
    for cand, probs in zip(near, model.probabilities_many(examples), strict=True):
        best = max(columns, key=lambda i: probs[i])
        if probs[best] >= ROLE_THRESHOLD:
            out.append((cand, slots[model.classes[best]], float(probs[best])))
    return out


@dataclass
class _MentionSpans:
    """Mentions placed on the parse: the mention at each token, and each mention's span."""

    at: dict[int, Mention]
    spans: dict[str, Span]

    @classmethod
    def build(cls, sdoc: Doc, mentions: Iterable[Mention]) -> _MentionSpans:
        at: dict[int, Mention] = {}
        spans: dict[str, Span] = {}
        for mention in sorted(mentions, key=lambda m: m.end - m.start):  # longer mentions win overlaps
            span = sdoc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            spans[mention.id] = span
            for token in span:
                at[token.i] = mention
        return cls(at, spans)


def _place(found: Sequence[tuple[Candidate, str, float]]) -> str | None:
    """The mention of the most probable place participant that names a location or facility."""
    places = [
        (score, cand.mention.id)
        for cand, role, score in found
        if role == "place" and cand.mention is not None and cand.mention.type in ("location", "facility")
    ]
    return max(places)[1] if places else None


def _date(trigger: Token, sent: Span, times: Sequence[TimeExpr]) -> str | None:
    """The time expression of the sentence closest to the trigger (resolved ones first), or None."""
    inside = [
        t for t in times if t.start >= sent.start_char and t.end <= sent.end_char and t.modifier != "duration"
    ]
    if not inside:
        return None
    sdoc = trigger.doc

    def distance(t: TimeExpr) -> tuple[int, int, int]:
        span = sdoc.char_span(t.start, t.end, alignment_mode="expand")
        path = dependency_path(trigger, span.root) if span is not None and len(span) else None
        return (t.value is None, path[1] if path else 99, abs(t.start - trigger.idx))

    return min(inside, key=distance).id


def type_family(etype: str) -> list[str]:
    """The type and its ancestors (for callers that compare types loosely)."""
    return parents(etype)
