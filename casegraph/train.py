"""Train the events stage's classifiers on public annotated data: ``casegraph train`` / ``make train``.

Training data (train and dev splits only; test splits are never read here):

- **WikiEvents dev** (20 documents, 345 events): every trigger candidate (a word of the ontology's
  trigger lists) is an example for the trigger classifier, labelled with the casegraph type of the gold
  event at that word or ``none``; words of gold events whose KAIROS type casegraph does not map are
  left out, as their answer is unknown. Every gold event of a mapped type gives role examples: each
  candidate participant of its sentence, labelled with the casegraph role of the gold argument it heads
  (``wikievents.our_role``) or ``none``.
- **MUC-4 train** (1,300 documents, GTT's split): the gold role fillers of each template are found in
  the text (every occurrence of each mention string) and reduced to their head word. In a sentence that
  holds a filler, each candidate participant is paired with the nearest trigger candidate (fewest
  dependency steps) whose type can have that role, and labelled with the casegraph role of its MUC-4
  slot (PerpInd -> attacker, PerpOrg -> perpetrator, Target -> target, Victim -> victim, Weapon ->
  instrument) or ``none``; that trigger candidate is a positive trigger example of its type. Documents
  without templates are skipped: MUC-4 leaves irrelevant incidents unannotated, so their words are not
  negative examples.

Both classifiers are multinomial logistic regressions (scikit-learn, L2, lbfgs) over the named binary
features of casegraph.extract.events and the word vector; their weights are written as .npz files
(casegraph.extract.linear) with a manifest of the data and settings. The same data and code give the
same weights.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from casegraph.errors import CasegraphError
from casegraph.eval.muc4 import MucDoc, to_document
from casegraph.eval.muc4 import read_split as read_muc
from casegraph.eval.wikievents import WikiDoc, head_of, our_role, read_events
from casegraph.extract.events import (
    MAX_PATH,
    MODEL_DIR,
    NONE,
    Candidate,
    _MentionSpans,
    candidate_types,
    dependency_path,
    participant_candidates,
    role_features,
    trigger_candidates,
    trigger_features,
    word_vector,
)
from casegraph.extract.linear import LinearModel, from_coefficients
from casegraph.extract.ontology import TYPE_BY_NAME, event_type, slot_of, to_muc
from casegraph.model import Document, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Progress = Callable[[str], None]
# MUC-4 slot -> the generic argument slot it fills (casegraph.extract.ontology.SLOTS).
MUC_TO_SLOT = {
    "PerpInd": "agent",
    "PerpOrg": "agent_org",
    "Target": "theme",
    "Victim": "patient",
    "Weapon": "instrument",
}
# Regularisation of each classifier (inverse strength), chosen on MUC-4 dev and WikiEvents dev folds.
C_TRIGGERS = 0.5
C_ROLES = 0.25
# MUC-4 examples weigh less than WikiEvents ones in the role classifier: MUC-4 annotates only the
# incidents its task asks for, so many of its "none" are participants of other events.
ROLE_WEIGHTS = {"muc4": 0.3}
MAX_ITER = 2000


class TrainError(CasegraphError):
    """Training data is missing or unusable."""

    code = "train_failed"


@dataclass
class Examples:
    """Training examples of one classifier: features, vectors and labels, with where they came from."""

    features: list[list[str]] = field(default_factory=list)
    vectors: list[NDArray[Any] | None] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # the dataset of each example

    def add(self, features: list[str], vector: NDArray[Any] | None, label: str, source: str) -> None:
        """Add one example."""
        self.features.append(features)
        self.vectors.append(vector)
        self.labels.append(label)
        self.origins.append(source)


@dataclass
class Parsed:
    """A training document parsed and with casegraph's mentions."""

    doc: Document
    sdoc: Doc
    mentions: list[Mention]


def parse_documents(docs: Sequence[Document]) -> list[Parsed]:
    """Parse documents with the English pipeline and find their mentions, as extraction does."""
    from casegraph.extract.entities import extract_mentions
    from casegraph.extract.nlp import load_pipeline
    from casegraph.pipeline import parse_texts

    nlp = load_pipeline("en")
    out = []
    for doc, sdoc in zip(docs, parse_texts(nlp, [d.text for d in docs]), strict=True):
        if sdoc is None:
            continue
        mentions, _ = extract_mentions(sdoc, doc)
        out.append(Parsed(doc, sdoc, mentions))
    return out


# --- WikiEvents ---------------------------------------------------------------------------------


def wikievents_examples(wdoc: WikiDoc, parsed: Parsed, triggers: Examples, roles: Examples) -> None:
    """Trigger and role examples of one WikiEvents document."""
    sdoc = parsed.sdoc
    gold_at: dict[int, str | None] = {}
    for gold in wdoc.events:
        head = head_of(sdoc, gold.start, gold.end)
        if head is not None:
            gold_at[head] = gold.mapped
    for token in trigger_candidates(sdoc):
        if token.i in gold_at and gold_at[token.i] is None:
            continue  # an event casegraph's ontology has no type for: its answer is unknown
        label = gold_at.get(token.i) or NONE
        triggers.add(trigger_features(token), word_vector(token), label, "wikievents")
    spans = _MentionSpans.build(sdoc, parsed.mentions)
    for gold in wdoc.events:
        etype, head = gold.mapped, head_of(sdoc, gold.start, gold.end)
        if etype is None or head is None:
            continue
        labels: dict[int, str] = {}
        for arg in gold.arguments:
            arg_head, role = head_of(sdoc, arg.start, arg.end), our_role(gold, arg, etype)
            if arg_head is not None and role is not None:
                slot = slot_of(
                    etype,
                    role,
                    organisation=arg.entity_type in ("ORG", "GPE"),
                    person=arg.entity_type == "PER",
                )
                if slot is not None:
                    labels[arg_head] = slot
        trigger = sdoc[head]
        for cand in participant_candidates(trigger.sent, spans.at, spans.spans):
            _add_role(roles, trigger, etype, cand, sdoc, labels.get(cand.head, NONE), "wikievents")


def _add_role(
    roles: Examples, trigger: Token, etype: str, cand: Candidate, sdoc: Doc, label: str, src: str
) -> None:
    if cand.head == trigger.i:
        return
    found = dependency_path(trigger, sdoc[cand.head])
    if found is None or found[1] > MAX_PATH:
        return
    if label != NONE and label not in event_type(etype).slots:
        label = NONE
    roles.add(role_features(trigger, etype, cand, sdoc), word_vector(sdoc[cand.head]), label, src)


# --- MUC-4 --------------------------------------------------------------------------------------


def muc_filler_heads(mdoc: MucDoc, sdoc: Doc) -> dict[int, str]:
    """The head word of every occurrence of every gold filler, with its generic slot."""
    heads: dict[int, str] = {}
    text = mdoc.text
    for template in mdoc.templates:
        for slot, role in MUC_TO_SLOT.items():
            for entity in template.get(slot, []):
                for mention in entity:
                    for start in _occurrences(text, mention):
                        head = head_of(sdoc, start, start + len(mention))
                        if head is not None:
                            heads.setdefault(head, role)
    return heads


def _occurrences(text: str, phrase: str) -> Iterable[int]:
    if not phrase.strip():
        return []
    return (m.start() for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))


def muc_examples(mdoc: MucDoc, parsed: Parsed, triggers: Examples, roles: Examples) -> None:
    """Role examples (and positive trigger examples) of one MUC-4 document with templates."""
    if not any(_has_fillers(t) for t in mdoc.templates):
        return
    sdoc = parsed.sdoc
    heads = muc_filler_heads(mdoc, sdoc)
    kinds = {str(t["incident_type"]) for t in mdoc.templates}
    spans = _MentionSpans.build(sdoc, parsed.mentions)
    anchors_used: dict[int, str] = {}
    # Sentences in text order: a set of spaCy Spans iterates in an order that differs between runs.
    for sent in sorted({sdoc[h].sent for h in heads}, key=lambda span: span.start):
        found = [(t, _anchor_type(t, kinds)) for t in sent if candidate_types(t)]
        anchors = [(t, k) for t, k in found if k is not None]
        if not anchors:
            continue
        for cand in participant_candidates(sent, spans.at, spans.spans):
            label = heads.get(cand.head, NONE)
            if label == NONE and _place_like(cand, sdoc):
                label = "place"  # MUC-4 has no place slot: a place name after "in" is where it happened
            anchor = _nearest(cand, anchors, label, sdoc)
            if anchor is None:
                continue
            token, etype = anchor
            _add_role(roles, token, etype, cand, sdoc, label, "muc4")
            if label != NONE:
                anchors_used[token.i] = etype
    for i, etype in anchors_used.items():
        triggers.add(trigger_features(sdoc[i]), word_vector(sdoc[i]), etype, "muc4")


def _place_like(cand: Candidate, sdoc: Doc) -> bool:
    """A place name introduced by "in", "at", "near" and the like."""
    head = sdoc[cand.head]
    named = (cand.mention is not None and cand.mention.type == "location") or head.ent_type_ in ("GPE", "LOC")
    return named and head.dep_ == "pobj" and head.head.lower_ in PLACE_PREPOSITIONS


PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside"})


def _has_fillers(template: dict[str, Any]) -> bool:
    return any(template.get(slot) for slot in MUC_TO_SLOT)


def _anchor_type(token: Token, kinds: set[str]) -> str | None:
    """The type a trigger candidate most likely has in a MUC-4 document of incident types ``kinds``:
    a word of a template's type, else a generic "attack" read as the one specific kind the templates
    name ("the attack" in a document whose only incidents are bombings), else its first violent type."""
    types = [t for t in candidate_types(token) if to_muc(t) is not None or t.split(".")[0] in MUC_SUPPORT]
    for t in types:
        if any((to_muc(t) or "-") in kind for kind in kinds):
            return t
    if types == ["attack"] and not any("attack" in kind for kind in kinds):
        specific = [t for t in SPECIFIC if any(str(to_muc(t)) in kind for kind in kinds)]
        if len(specific) == 1:
            return specific[0]
    return types[0] if types else None


SPECIFIC = ("attack.bombing", "attack.kidnapping", "attack.arson", "robbery")
MUC_SUPPORT = ("death", "injury", "damage", "claim")


def _nearest(
    cand: Candidate, anchors: list[tuple[Token, str]], label: str, sdoc: Doc
) -> tuple[Token, str] | None:
    """The trigger candidate fewest dependency steps away whose type can have the candidate's role."""
    best: tuple[int, int, Token, str] | None = None
    for token, etype in anchors:
        if token.i == cand.head or (label != NONE and label not in TYPE_BY_NAME[etype].slots):
            continue
        found = dependency_path(token, sdoc[cand.head])
        if found is None or found[1] > MAX_PATH:
            continue
        key = (found[1], abs(token.i - cand.head), token, etype)
        if best is None or key[:2] < best[:2]:
            best = key
    return (best[2], best[3]) if best is not None else None


# --- seed sentences -----------------------------------------------------------------------------

SEEDS = Path(__file__).parent / "data" / "event_seeds.jsonl"


@dataclass
class Seed:
    """A sentence written for casegraph with one event marked: its trigger word, type and arguments."""

    doc: Document
    trigger: str
    type: str
    args: dict[str, str]


def read_seeds(path: Path = SEEDS) -> list[Seed]:
    """The seed sentences: examples for the types neither dataset has (raids, e-mails, calls, payments,
    supplies) and more for rare ones (arrests, charges, trials, sentences, smuggling)."""
    seeds = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["type"] not in TYPE_BY_NAME:
            raise TrainError(f"{path}:{i + 1}: unknown event type {row['type']!r}")
        doc = Document(id=f"seed-{i}", path=f"seed-{i}", title=f"seed {i}", text=row["text"], language="en")
        seeds.append(Seed(doc, row["trigger"], row["type"], row.get("args", {})))
    return seeds


def seed_examples(seed: Seed, parsed: Parsed, triggers: Examples, roles: Examples) -> None:
    """Trigger and role examples of one seed sentence (its other trigger candidates are no events)."""
    sdoc = parsed.sdoc
    start = seed.doc.text.find(seed.trigger)
    head = head_of(sdoc, start, start + len(seed.trigger)) if start >= 0 else None
    if head is None or not candidate_types(sdoc[head]):
        raise TrainError(f"seed {seed.doc.text!r}: {seed.trigger!r} is not a trigger word of the ontology")
    for token in trigger_candidates(sdoc):
        label = seed.type if token.i == head else NONE
        triggers.add(trigger_features(token), word_vector(token), label, "seeds")
    labels: dict[int, str] = {}
    for slot, words in seed.args.items():
        at = seed.doc.text.find(words)
        arg_head = head_of(sdoc, at, at + len(words)) if at >= 0 else None
        if arg_head is None:
            raise TrainError(f"seed {seed.doc.text!r}: argument {words!r} not found")
        labels[arg_head] = slot
    spans = _MentionSpans.build(sdoc, parsed.mentions)
    trigger = sdoc[head]
    for cand in participant_candidates(trigger.sent, spans.at, spans.spans):
        _add_role(roles, trigger, seed.type, cand, sdoc, labels.get(cand.head, NONE), "seeds")


# --- fitting ------------------------------------------------------------------------------------


def fit(
    examples: Examples, *, c: float, weights: dict[str, float] | None = None, balanced: bool = False
) -> LinearModel:
    """A multinomial logistic regression over the examples' features and vectors."""
    try:
        from scipy import sparse
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as err:
        raise TrainError("casegraph train needs scikit-learn: pip install 'casegraph[train]'") from err

    if len(set(examples.labels)) < 2:
        raise TrainError("training data has fewer than two classes; check the data folder")
    vectorizer = DictVectorizer(sort=True)
    binary = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in examples.features])
    dims = next((v.shape[0] for v in examples.vectors if v is not None), 0)
    dense = (
        np.vstack([v if v is not None else np.zeros(dims, dtype=np.float32) for v in examples.vectors])
        if dims
        else None
    )
    matrix = sparse.hstack([binary, sparse.csr_matrix(dense)]).tocsr() if dense is not None else binary
    model = LogisticRegression(C=c, max_iter=MAX_ITER, class_weight="balanced" if balanced else None)
    table = weights or {}
    sample_weight = np.array(
        [
            table.get(f"{src}:{NONE}" if label == NONE else src, table.get(src, 1.0))
            for src, label in zip(examples.origins, examples.labels, strict=True)
        ]
    )
    model.fit(matrix, examples.labels, sample_weight=sample_weight)
    names = list(vectorizer.get_feature_names_out())
    return from_coefficients([str(c) for c in model.classes_], names, model.coef_, model.intercept_, dims)


def collect(
    data_dir: Path, *, limit: int | None = None, progress: Progress | None = None
) -> tuple[Examples, Examples]:
    """Every trigger and role example from WikiEvents dev and MUC-4 train."""
    say = progress or (lambda _: None)
    triggers, roles = Examples(), Examples()
    wiki = read_events("dev", data_dir, limit=limit)
    say(f"parsing {len(wiki)} WikiEvents dev documents")
    for wdoc, parsed in zip(wiki, parse_documents([w.doc for w in wiki]), strict=True):
        wikievents_examples(wdoc, parsed, triggers, roles)
    seeds = read_seeds()
    say(f"parsing {len(seeds)} seed sentences")
    for seed, parsed in zip(seeds, parse_documents([s.doc for s in seeds]), strict=True):
        seed_examples(seed, parsed, triggers, roles)
    muc = read_muc("train", data_dir, limit=limit)
    say(f"parsing {len(muc)} MUC-4 train documents")
    for mdoc, parsed in zip(muc, parse_documents([to_document(m) for m in muc]), strict=True):
        muc_examples(mdoc, parsed, triggers, roles)
    return triggers, roles


def train_models(
    data_dir: Path, output: Path | None = None, *, limit: int | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Train both classifiers and write them (default: into the package); return the manifest."""
    say = progress or (lambda _: None)
    output = output or MODEL_DIR
    began = time.monotonic()
    triggers, roles = collect(data_dir, limit=limit, progress=say)
    say(f"fitting the trigger classifier on {len(triggers.labels)} examples")
    trigger_model = fit(triggers, c=C_TRIGGERS)
    say(f"fitting the role classifier on {len(roles.labels)} examples")
    role_model = fit(roles, c=C_ROLES, weights=ROLE_WEIGHTS)
    output.mkdir(parents=True, exist_ok=True)
    trigger_model.save(output / "triggers.npz")
    role_model.save(output / "roles.npz")
    manifest = {
        "data": {"wikievents": "dev", "muc4": "train", "limit": limit},
        "triggers": _summary(triggers, trigger_model, C_TRIGGERS),
        "roles": _summary(roles, role_model, C_ROLES),
        "seconds": round(time.monotonic() - began, 1),
    }
    (output / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return {**manifest, "output": str(output)}


def _summary(examples: Examples, model: LinearModel, c: float) -> dict[str, Any]:
    return {
        "examples": len(examples.labels),
        "by_source": dict(sorted(Counter(examples.origins).items())),
        "labels": dict(sorted(Counter(examples.labels).items())),
        "features": len(model.index),
        "C": c,
    }
