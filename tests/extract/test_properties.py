"""Property tests (hypothesis) on the extraction entry point, `pipeline.extract_batch`: any document
gives an Extraction or a one-line reason, never an exception, and every span quotes its own text."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casegraph.model import Document, Extraction
from casegraph.pipeline import extract_batch

SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words that wake every extractor: names, organisations, places, dates, numbers, quotes, relations.
WORDS = st.sampled_from(
    [
        "Kemal Aydın",
        "Abu Harun",
        "Islamic State",
        "ISIL",
        "the Eastern Front Brigade",
        "Gaziantep",
        "Ankara",
        "Turkey",
        "said",
        "told",
        "arrested",
        "member of",
        "leader of",
        "founded",
        "in",
        "on",
        "Tuesday",
        "last March",
        "Sept 20, 2016",
        "2015",
        "between 2012 and 2014",
        "$5 million",
        "35",
        "killed",
        "more than 100",
        "Turkish",
        '"',
        "“",
        "”",
        "'",
        ",",
        ".",
        "\n",
        "\n\n",
        "-",
        "(",
        ")",
        "Mr.",
        "Dr.",
        "he",
        "she",
        "they",
        "İ",
        "ı",
        "\u200f",
        "\t",
        "\ufeff",
        "e\u0301",
    ]
)
TEXTS = st.one_of(
    st.lists(st.one_of(WORDS, WORDS, st.text(max_size=6)), min_size=1, max_size=60).map(" ".join),
    st.text(min_size=1, max_size=300),
)


def _spans(ext: Extraction) -> list[tuple[str, int, int, str | None]]:
    """(kind, start, end, the text the span must quote, if the observation keeps it)."""
    out: list[tuple[str, int, int, str | None]] = []
    out += [("mention", m.start, m.end, m.text) for m in ext.mentions]
    out += [("mention sentence", m.sent_start, m.sent_end, None) for m in ext.mentions]
    out += [("relation", r.start, r.end, None) for r in ext.relations]
    out += [("quote", q.start, q.end, q.text) for q in ext.quotes]
    out += [("quote evidence", q.ev_start, q.ev_end, None) for q in ext.quotes]
    out += [("time", t.start, t.end, t.text) for t in ext.times]
    out += [("value", v.start, v.end, v.text) for v in ext.values]
    out += [("event", e.start, e.end, None) for e in ext.events]
    out += [("event trigger", e.trigger_start, e.trigger_end, None) for e in ext.events]
    out += [("sentence", s, e, None) for s, e in ext.sentences]
    return out


def _check(doc: Document, outcome: Any) -> None:
    if isinstance(outcome, str):
        assert outcome and "\n" not in outcome
        assert not outcome.startswith("internal error"), outcome  # a bug in an extractor
        return
    assert isinstance(outcome, Extraction) and outcome.doc is doc
    ids = {m.id for m in outcome.mentions}
    for kind, start, end, quoted in _spans(outcome):
        assert 0 <= start <= end <= len(doc.text), (kind, start, end)
        if quoted is not None:
            assert doc.text[start:end] == quoted, (kind, start, end, quoted)
    for link in outcome.links:
        assert {link.source, link.target} <= ids
    for rel in outcome.relations:
        assert {rel.source, rel.target} <= ids
    assert all(q.speaker is None or q.speaker in ids for q in outcome.quotes)


@SOME
@given(TEXTS, st.sampled_from([None, "2016-09-20", "1999-12-31"]))
def test_extract_batch_any_text_gives_extraction_with_exact_spans(text: str, date: str | None) -> None:
    doc = Document(id="d1", path="x.txt", title="x", text=text, date=date, language="en")
    (outcome,) = extract_batch([doc], {})
    _check(doc, outcome)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=2, max_size=4))
def test_extract_batch_one_outcome_per_document_in_order(texts: list[str]) -> None:
    docs = [
        Document(id=f"d{i}", path=f"{i}.txt", title="x", text=t, language="en") for i, t in enumerate(texts)
    ]
    outcomes = extract_batch(docs, {})
    assert len(outcomes) == len(docs)
    for doc, outcome in zip(docs, outcomes, strict=True):
        _check(doc, outcome)
