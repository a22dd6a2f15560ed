"""Direct quotes: pairing quote marks, finding the speaker, exact offsets, real news."""

from __future__ import annotations

from typing import Any

import pytest

from casegraph.extract.entities import extract_mentions
from casegraph.extract.quotes import extract_quotes, find_quote_marks
from casegraph.model import Document, Quote, make_id
from casegraph.resolve.inside import resolve_document
from tests.conftest import CORPUS, FIXTURES

# (speaker_text, text of the speaker's mention or None, the quoted words)
Said = tuple[str, str | None, str]


def _quotes(nlp: Any, text: str) -> tuple[Document, list[Quote], dict[str, str]]:
    doc = Document(id="doc-test", path="test.txt", title="test", text=text)
    sdoc = nlp(text)
    mentions, _values = extract_mentions(sdoc, doc)
    mentions, links = resolve_document(mentions, doc, sdoc=sdoc)
    names = {m.id: m.text for m in mentions}
    return doc, extract_quotes(sdoc, doc, mentions, links), names


def _said(quotes: list[Quote], names: dict[str, str]) -> list[Said]:
    return [(q.speaker_text, names[q.speaker] if q.speaker else None, q.text) for q in quotes]


def _inner(text: str) -> list[str]:
    return [text[m.start : m.end] for m in find_quote_marks(text)]


def test_find_quote_marks_pairs_straight_and_curly() -> None:
    text = 'He said "we are ready" and “they are not,” then \u2018maybe\u2019.'
    assert _inner(text) == ["we are ready", "they are not", "maybe"]


def test_find_quote_marks_ignores_apostrophes() -> None:
    text = "It’s the jihadists’ media and the Americans' arguments, said 'Abu' Omar's men."
    assert _inner(text) == ["Abu"]


def test_find_quote_marks_mixes_straight_opening_and_curly_closing() -> None:
    text = "Wallace added, \"The casualty figures would be everybody's worst fear.”"
    assert _inner(text) == ["The casualty figures would be everybody's worst fear."]


def test_find_quote_marks_continues_over_paragraphs() -> None:
    text = (
        '"First paragraph goes on.\n"Second paragraph ends," he said.\n"Unclosed and alone.\nNo quote here.'
    )
    marks = find_quote_marks(text)
    assert [text[m.start : m.end] for m in marks] == ["First paragraph goes on.", "Second paragraph ends"]
    assert marks[0].chain == marks[1].chain  # one quote in two paragraphs


@pytest.fixture(scope="module")
def written(nlp: Any) -> tuple[Document, list[Quote], dict[str, str]]:
    """The written-for-test passage: anonymous, pronoun, e-mail, Twitter and multi-paragraph quotes."""
    return _quotes(nlp, (FIXTURES / "extract" / "quotes-news.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "expected",
    [
        ("the official", None, "They used the same safe houses again and again"),
        ("the official", None, "Nobody asked who was living there."),  # the next sentence, same speaker
        (
            "a senior security official who declined to be named",
            None,
            "They were careful, but not careful enough",
        ),
        ("officials", None, "We waited until all of them were inside"),
        ("a police source", None, "The cell was far larger than we thought"),
        ("Bali", "Bali", "the brothers can come tomorrow."),  # "wrote in an email to Durmaz that"
        ("Bali", "Bali", "clean"),  # a one-word partial quote the verb governs
        ("Stein", "Stein", "They learned from every raid"),
        (
            "he",
            "Stein",
            "Each time they lost a house, they rented two more.",
        ),  # goes on in the next paragraph
        ("he", "Stein", "That is what makes the network so hard to break"),
        ("Durmaz", "Durmaz", "The struggle goes on whatever they do."),  # "posted on Twitter:"
        (
            "the indictment",
            None,
            "the suspects met at least four times in Gaziantep and Kilis.",
        ),  # according to
        ("he", "Kemal Yilmaz", "I only saw them at night"),  # single quote marks
    ],
)
def test_extract_quotes_finds_speaker(
    written: tuple[Document, list[Quote], dict[str, str]], expected: Said
) -> None:
    _doc, quotes, names = written
    assert expected in _said(quotes, names)


def test_extract_quotes_drops_scare_quotes_and_titles(
    written: tuple[Document, list[Quote], dict[str, str]],
) -> None:
    _doc, quotes, _names = written
    texts = {q.text for q in quotes}
    assert "ghost house" not in texts  # a term in single quotes, no speaker
    assert "Safe Travel for Brothers" not in texts  # "entitled"
    assert len(quotes) == 13


def test_extract_quotes_offsets_and_evidence(written: tuple[Document, list[Quote], dict[str, str]]) -> None:
    doc, quotes, _names = written
    for quote in quotes:
        assert doc.text[quote.start : quote.end] == quote.text
        assert quote.ev_start <= quote.start - 1 and quote.end < quote.ev_end  # the marks are evidence too
        assert quote.id == make_id("q", doc.id, quote.start)
        assert quote.speaker_text.lower() in doc.text[quote.ev_start : quote.ev_end].lower()
    official = next(q for q in quotes if q.text.startswith("Nobody asked"))
    assert doc.text[official.ev_start : official.ev_end] == (
        '"They used the same safe houses again and again," the official said. '
        '"Nobody asked who was living there."'
    )


@pytest.fixture(scope="module")
def nightclub(nlp: Any) -> tuple[Document, list[Quote], dict[str, str]]:
    text = (CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt").read_text(encoding="utf-8")
    return _quotes(nlp, text)


def test_extract_quotes_real_news_named_speakers(
    nightclub: tuple[Document, list[Quote], dict[str, str]],
) -> None:
    doc, quotes, names = nightclub
    said = _said(quotes, names)
    start = doc.text.index("Turkey is in a uniquely awful position.")
    almond = next(q for q in quotes if q.start == start)
    assert (almond.speaker_text, names[almond.speaker or ""]) == ("Almond", "Almond")
    assert almond.text.endswith("solve the country’s problems")  # no closing mark, no trailing comma
    assert almond.end == doc.text.index(",” Almond said")
    assert ("Mark Almond", "Mark Almond", "In times of crisis") in [(s, m, t[:18]) for s, m, t in said]
    assert ("Ben Wallace", "Ben Wallace", "no moral barrier") in said  # a partial quote "warned" governs
    wallace = [t for s, _m, t in said if s == "Wallace"]
    assert wallace[1] == "The casualty figures which could be involved would be everybody's worst fear."


def test_extract_quotes_real_news_pronoun_speaker(
    nightclub: tuple[Document, list[Quote], dict[str, str]],
) -> None:
    _doc, quotes, names = nightclub
    yetkin = next(q for q in quotes if q.text.startswith("There have recently been a number of warnings"))
    # "Turkish commentator Murat Yetkin questions ... President Erdoğan." then '"...," he argues.'
    assert yetkin.speaker_text == "he" and names[yetkin.speaker or ""] == "Murat Yetkin"


def test_extract_quotes_real_news_leaves_titles_and_scare_quotes(
    nightclub: tuple[Document, list[Quote], dict[str, str]],
) -> None:
    _doc, quotes, _names = nightclub
    texts = [q.text for q in quotes]
    assert not any(t.startswith("Secular Turkey") for t in texts)  # "author of “Secular Turkey: ...”"
    assert "where" not in texts  # "It is the ‘where’ that’s important"
    assert len(quotes) == 6


def test_extract_quotes_answered_with_a_colon(nlp: Any) -> None:
    text = (
        'Yavuz asked if they could cross at Kilis. Selin Demir answered: "Not Kilis. Send them to Adana."\n'
    )
    doc, quotes, names = _quotes(nlp, text)
    assert _said(quotes, names) == [("Selin Demir", "Selin Demir", "Not Kilis. Send them to Adana.")]
    assert doc.text[quotes[0].start : quotes[0].end] == "Not Kilis. Send them to Adana."


def test_extract_quotes_answered_about_a_scare_quote_is_no_quote(nlp: Any) -> None:
    text = 'Selin Demir answered questions about the "shop" in Adana for two hours on Monday.\n'
    assert _quotes(nlp, text)[1] == []
