"""CoNLL-2003 English NER: casegraph's entity mentions scored against the gold IOB1 tags.

Each CoNLL document is rebuilt as plain text (tokens joined by single spaces, sentences by
newlines), run through casegraph's own extraction, and the predicted character spans are snapped
back to CoNLL tokens. Scoring is conlleval's: an entity counts only with exact boundaries and type.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casegraph.errors import EvalError
from casegraph.model import Document, Mention, Span, Value, make_id

if TYPE_CHECKING:
    from spacy.tokens import Doc

SPLITS = {"test": "eng.testb", "dev": "eng.testa"}
LABELS = ("PER", "ORG", "LOC", "MISC")
# casegraph mention types -> CoNLL labels; types not listed (none today) are dropped.
TYPE_TO_LABEL = {
    "person": "PER",
    "organization": "ORG",
    "location": "LOC",
    "facility": "LOC",
    "misc": "MISC",
}
# casegraph value kinds -> CoNLL labels: nationalities ("German", spaCy NORP) are MISC in CoNLL.
VALUE_TO_LABEL = {"nationality": "MISC"}
# spaCy's OntoNotes labels -> CoNLL labels, for the bare-model comparison (numbers and dates dropped).
SPACY_TO_LABEL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
DOCSTART = "-DOCSTART-"
BATCH_SIZE = 16
_TAG = re.compile(r"^(O|[BI]-[A-Z]+)$")

TokenSpan = tuple[int, int, str]  # (first token, one past the last token, CoNLL label)


@dataclass
class ConllDoc:
    """One CoNLL document: its sentences of tokens and their IOB1 NER tags."""

    sentences: list[list[str]]
    tags: list[list[str]]

    @property
    def tokens(self) -> list[str]:
        """Every token of the document, in order."""
        return [token for sentence in self.sentences for token in sentence]

    def entities(self) -> set[TokenSpan]:
        """The gold entities as (first token, end token, label), token indices over the whole document."""
        found: set[TokenSpan] = set()
        offset = 0
        for tags in self.tags:
            found.update((start + offset, end + offset, label) for start, end, label in decode_iob1(tags))
            offset += len(tags)
        return found

    def breaks(self) -> list[int]:
        """The token index that starts each sentence."""
        starts: list[int] = []
        pos = 0
        for sentence in self.sentences:
            starts.append(pos)
            pos += len(sentence)
        return starts

    def render(self) -> tuple[str, list[Span]]:
        """Return the document text and each token's character span in it."""
        spans: list[Span] = []
        lines: list[str] = []
        pos = 0
        for sentence in self.sentences:
            for token in sentence:
                spans.append((pos, pos + len(token)))
                pos += len(token) + 1  # the space or newline after it
            lines.append(" ".join(sentence))
        return "\n".join(lines), spans


def read_conll(path: Path) -> list[ConllDoc]:
    """Read a 4-column IOB1 CoNLL file into documents (-DOCSTART- before or after each)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise EvalError(f"cannot read {path}: {err.strerror}; check the CoNLL data path") from err
    docs: list[ConllDoc] = []
    current = ConllDoc([], [])
    sentence: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields or fields[0] == DOCSTART:
            _close_sentence(current, sentence)
            sentence = []
            if fields and current.sentences:
                docs.append(current)
                current = ConllDoc([], [])
            continue
        sentence.append(_parse_line(fields, path, number))
    _close_sentence(current, sentence)
    if current.sentences:
        docs.append(current)
    return docs


def _parse_line(fields: list[str], path: Path, number: int) -> tuple[str, str]:
    """Return (token, NER tag) from one token line, or say which line is malformed."""
    if len(fields) != 4 or not _TAG.match(fields[3]):
        raise EvalError(f"{path}:{number}: expected 'TOKEN POS CHUNK NER' with an IOB tag, got {fields!r}")
    return fields[0], fields[3]


def _close_sentence(doc: ConllDoc, sentence: list[tuple[str, str]]) -> None:
    """Append a finished sentence (if any) to the document."""
    if sentence:
        doc.sentences.append([token for token, _ in sentence])
        doc.tags.append([tag for _, tag in sentence])


def decode_iob1(tags: Sequence[str]) -> list[TokenSpan]:
    """Return the chunks of one sentence's IOB1 (or IOB2) tags, as conlleval reads them."""
    chunks: list[TokenSpan] = []
    start, label = 0, "O"
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        # conlleval: B- always starts a chunk, I- starts one after O or another type.
        if label != "O" and (prefix != "I" or kind != label):
            chunks.append((start, i, label))
            label = "O"
        if prefix == "B" or (prefix == "I" and kind != label):
            start, label = i, kind
    return chunks


def score_spans(gold: list[set[TokenSpan]], pred: list[set[TokenSpan]]) -> dict[str, Any]:
    """Score predicted against gold entities per document: exact-match micro P/R/F1 and per type."""
    if len(gold) != len(pred):
        raise EvalError(f"{len(gold)} gold documents but {len(pred)} predicted; score them in pairs")
    counts: dict[str, Counter[str]] = {"tp": Counter(), "gold": Counter(), "pred": Counter()}
    for gold_doc, pred_doc in zip(gold, pred, strict=True):
        counts["gold"].update(label for _, _, label in gold_doc)
        counts["pred"].update(label for _, _, label in pred_doc)
        counts["tp"].update(label for _, _, label in gold_doc & pred_doc)
    labels = sorted(set(counts["gold"]) | set(counts["pred"]))
    per_type = {label: _prf(*(counts[k][label] for k in ("tp", "gold", "pred"))) for label in labels}
    total = _prf(*(sum(counts[k].values()) for k in ("tp", "gold", "pred")))
    return {**total, "per_type": per_type}


def _prf(tp: int, gold: int, pred: int) -> dict[str, Any]:
    """Precision, recall and F1 in percent (2 decimals), conlleval-style, with the gold support."""
    precision = 100.0 * tp / pred if pred else 0.0
    recall = 100.0 * tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 2),
        "recall": round(recall, 2),
        "f1": round(f1, 2),
        "support": gold,
        "predicted": pred,
        "correct": tp,
    }


def snap_spans(
    spans: Iterable[tuple[int, int, str]], tokens: Sequence[Span], *, breaks: Iterable[int] = ()
) -> set[TokenSpan]:
    """Map labelled character spans onto the tokens they overlap, cut at sentence breaks; keep the longest."""
    starts = [t_start for t_start, _ in tokens]
    ends = [t_end for _, t_end in tokens]
    snapped: list[TokenSpan] = []
    for start, end, label in spans:
        first = bisect_right(ends, start)  # the first token ending after the span starts
        stop = bisect_left(starts, end)  # one past the last token starting before the span ends
        snapped += _cut(first, stop, label, breaks)
    return _drop_overlaps(snapped)


def _cut(first: int, stop: int, label: str, breaks: Iterable[int]) -> list[TokenSpan]:
    """Split a token span at sentence starts, as conlleval does: a sentence break ends every chunk."""
    cuts = [first, *(b for b in sorted(breaks) if first < b < stop), stop]
    return [(a, b, label) for a, b in zip(cuts, cuts[1:], strict=False) if a < b]


def _drop_overlaps(spans: list[TokenSpan]) -> set[TokenSpan]:
    """Keep a non-overlapping subset, longest first (CoNLL tags cannot nest or overlap)."""
    kept: list[TokenSpan] = []
    for span in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0], s[2])):
        if all(span[1] <= other[0] or other[1] <= span[0] for other in kept):
            kept.append(span)
    return set(kept)


def mention_spans(mentions: Iterable[Mention], values: Iterable[Value]) -> list[tuple[int, int, str]]:
    """The character spans of casegraph's mentions and nationality values, with CoNLL labels."""
    found = [(m.start, m.end, TYPE_TO_LABEL[m.type]) for m in mentions if m.type in TYPE_TO_LABEL]
    found += [(v.start, v.end, VALUE_TO_LABEL[v.kind]) for v in values if v.kind in VALUE_TO_LABEL]
    return found


def bare_spans(sdoc: Doc) -> list[tuple[int, int, str]]:
    """The character spans of the spaCy model's own entities, with CoNLL labels (no casegraph rules)."""
    return [
        (ent.start_char, ent.end_char, SPACY_TO_LABEL[ent.label_])
        for ent in sdoc.ents
        if ent.label_ in SPACY_TO_LABEL
    ]


def casegraph_spans(sdoc: Doc, doc: Document) -> list[tuple[int, int, str]]:
    """Run casegraph's mention extraction and in-document resolution, as ingest does."""
    from casegraph.extract.entities import extract_mentions
    from casegraph.resolve.inside import resolve_document

    mentions, values = extract_mentions(sdoc, doc)
    mentions, _ = resolve_document(mentions, doc, sdoc=sdoc)
    return mention_spans(mentions, values)


def split_path(split: str, data_dir: Path) -> Path:
    """Return the CoNLL file for a split, in data_dir itself or its conll2003/ folder."""
    if split not in SPLITS:
        raise EvalError(f"unknown CoNLL split {split!r}; use one of: {', '.join(SPLITS)}")
    for folder in (data_dir, data_dir / "conll2003"):
        if (folder / SPLITS[split]).is_file():
            return folder / SPLITS[split]
    raise EvalError(
        f"{SPLITS[split]} not found in {data_dir} or {data_dir / 'conll2003'}; "
        "pass --data (or set CASEGRAPH_EVAL_DIR) to the folder holding conll2003/"
    )


def predict(docs: Sequence[ConllDoc], *, split: str, bare: bool = False) -> Iterator[set[TokenSpan]]:
    """Yield each document's predicted entities as CoNLL token spans."""
    from casegraph.extract.nlp import load_pipeline

    nlp = load_pipeline("en")
    rendered = [cdoc.render() for cdoc in docs]
    texts = [text for text, _ in rendered]
    sdocs = nlp.pipe(texts, batch_size=BATCH_SIZE)
    for index, (cdoc, (text, tokens), sdoc) in enumerate(zip(docs, rendered, sdocs, strict=True)):
        doc = _make_document(text, split=split, index=index)
        spans = bare_spans(sdoc) if bare else casegraph_spans(sdoc, doc)
        yield snap_spans(spans, tokens, breaks=cdoc.breaks())


def _make_document(text: str, *, split: str, index: int) -> Document:
    """A casegraph Document for one rebuilt CoNLL document (no date: CoNLL gives none)."""
    name = f"conll2003/{SPLITS[split]}#{index + 1}"
    return Document(
        id=make_id("conll", SPLITS[split], index),
        path=name,
        title=name,
        text=text,
        date=None,
        language="en",
    )


def evaluate_conll(
    *, split: str, data_dir: Path, limit: int | None = None, bare: bool = False
) -> dict[str, Any]:
    """Score casegraph's entity mentions on a CoNLL-2003 split ("test" = eng.testb, "dev" = eng.testa)."""
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be a positive number of documents, not {limit}")
    docs = read_conll(split_path(split, data_dir))[:limit]
    pred = list(predict(docs, split=split, bare=bare))
    scores = score_spans([cdoc.entities() for cdoc in docs], pred)
    return {
        "dataset": "conll",
        "split": split,
        "documents": len(docs),
        "f1": scores["f1"],
        "precision": scores["precision"],
        "recall": scores["recall"],
        "per_type": {label: _type_row(scores["per_type"].get(label)) for label in LABELS},
    }


def _type_row(row: dict[str, Any] | None) -> dict[str, Any]:
    """One label's precision, recall, F1 and support (zeros for a label absent from gold and predictions)."""
    row = row or _prf(0, 0, 0)
    return {key: row[key] for key in ("precision", "recall", "f1", "support")}
