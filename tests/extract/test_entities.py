"""Entity mentions: spaCy labels mapped, junk dropped, model errors corrected from the document itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.extract.entities import SpanSet, extract_mentions, header_mentions, trim_span
from casegraph.model import Document, Field, Mention, Value, make_id
from tests.conftest import CORPUS, FIXTURES

NEWS = sorted((CORPUS / "news").glob("*.txt"))
CELL = FIXTURES / "resolve" / "gaziantep-cell.txt"


def document(text: str, *, name: str = "test.txt", fields: list[Field] | None = None) -> Document:
    return Document(id=make_id("d", name, text), path=name, title=name, text=text, fields=fields or [])


def extract(nlp: Any, path: Path) -> tuple[Document, list[Mention], list[Value]]:
    doc = document(path.read_text(encoding="utf-8"), name=path.name)
    mentions, values = extract_mentions(nlp(doc.text), doc)
    return doc, mentions, values


def types_of(mentions: list[Mention], text: str) -> set[str]:
    return {m.type for m in mentions if m.text == text}


@pytest.mark.parametrize("path", NEWS + [CELL], ids=lambda p: p.name)
def test_extract_mentions_offsets_are_exact(nlp: Any, path: Path) -> None:
    doc, mentions, values = extract(nlp, path)
    assert mentions
    for item in [*mentions, *values]:
        assert doc.text[item.start : item.end] == item.text
    for m in mentions:
        assert m.id == Mention.make_id(doc.id, m.start, m.end)
        assert m.sent_start <= m.start < m.end <= m.sent_end
        assert "\n" not in m.text
    spans = sorted((m.start, m.end) for m in mentions)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "mentions overlap"


def test_extract_mentions_corrects_types_from_gazetteer_and_aliases(nlp: Any) -> None:
    _, mentions, _ = extract(nlp, CELL)
    assert types_of(mentions, "Gaziantep") == {"location"}
    assert types_of(mentions, "Suruc") == {"location"}
    assert types_of(mentions, "Elbeyli") == {"location"}
    assert types_of(mentions, "Jabhat al-Nusra") == {"organization"}
    assert types_of(mentions, "ISIL") == {"organization"}
    assert types_of(mentions, "Daesh") == {"organization"}
    assert types_of(mentions, "Kurdistan Workers Party") == {"organization"}


def test_extract_mentions_finds_people_by_given_name(nlp: Any) -> None:
    # Either model tags or misses these; a known given name makes them persons.
    _, mentions, _ = extract(nlp, CELL)
    assert types_of(mentions, "Ilhami Bali") == {"person"}
    assert types_of(mentions, "Yunus Durmaz") == {"person"}
    assert types_of(mentions, "Aaron Stein") == {"person"}


def test_extract_mentions_on_real_news(nlp: Any) -> None:
    _, mentions, values = extract(nlp, CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt")
    texts = {m.text for m in mentions}
    assert types_of(mentions, "Murat Yetkin") == {"person"}  # sm tags it ORG
    assert types_of(mentions, "Istanbul") == {"location"}
    assert types_of(mentions, "Islamic State") == {"organization"}
    assert "Erdogan" in texts  # "President Erdogan’s": title and possessive trimmed
    assert not any(t.startswith(("FILE", "President ", "the ", "The ")) for t in texts)
    assert not any("Massacre" in t or "Prompts" in t for t in texts)  # headline debris
    assert {"nationality"} <= {v.kind for v in values if v.text == "Turkish"}
    assert {v.kind for v in values if v.text == "39"} == {"number"}


def test_extract_mentions_in_the_dunford_article(nlp: Any) -> None:
    _, mentions, _ = extract(nlp, CORPUS / "news" / "voa-dunford-akar-incirlik-kurdish-fighters.txt")
    assert types_of(mentions, "Hulusi Akar") == {"person"}  # sm splits it: "Hulusi" ORG + "Akar" PERSON
    assert types_of(mentions, "Incirlik") <= {"location", "facility"}
    assert types_of(mentions, "Incirlik")
    assert types_of(mentions, "Raqqa") == {"location"}
    assert "Defense" not in {m.text for m in mentions}  # a title, not an organisation
    assert "Hears Turkey" not in {m.text for m in mentions}


def test_extract_mentions_drops_values_inside_names(nlp: Any) -> None:
    # sm tags "Islamic" NORP inside "Islamic State"; the alias table finds the whole name.
    doc = document("Turkish police said Islamic State fighters crossed the border near Kilis.")
    mentions, values = extract_mentions(nlp(doc.text), doc)
    assert "Islamic State" in {m.text for m in mentions}
    assert "Islamic" not in {v.text for v in values}
    assert "Turkish" in {v.text for v in values}


def test_alias_is_found_only_as_a_capitalised_whole_word(nlp: Any) -> None:
    doc = document("THIS IS NOT A DRILL\nThe analysis is clear: ISIS lost ground. Latin America was calm.")
    mentions, _ = extract_mentions(nlp(doc.text), doc)
    found = {(m.text, m.start) for m in mentions}
    assert ("ISIS", doc.text.index("ISIS")) in found
    assert not any(m.text == "IS" for m in mentions)
    assert not any(m.text == "America" for m in mentions)


def test_header_mentions_span_display_names_and_bare_addresses() -> None:
    text = (
        "From: Phillip K Allen <phillip.allen@enron.com>\n"
        "To: pallen@enron.com, Arora, Harry </O=ENRON/OU=NA/CN=RECIPIENTS/CN=HARORA>\n"
        "Subject: West Position\n\nThanks Harry.\n"
    )
    value_from = "Phillip K Allen <phillip.allen@enron.com>"
    start = text.index(value_from)
    to_start = text.index("pallen@")
    to_end = text.index("\nSubject")
    fields = [
        Field("from", value_from, start, start + len(value_from)),
        Field("to", "pallen@enron.com", to_start, to_start + len("pallen@enron.com")),
        Field("to", text[to_start + 18 : to_end], to_start + 18, to_end),
    ]
    doc = document(text, name="mail.eml", fields=fields)
    found = [(m.text, m.label, m.type, m.source) for m in header_mentions(doc)]
    assert found == [
        ("Phillip K Allen", "header:from", "person", "header"),
        ("pallen@enron.com", "header:to", "person", "header"),
        ("Arora, Harry", "header:to", "person", "header"),
    ]
    first = header_mentions(doc)[0]
    assert (first.sent_start, first.sent_end) == (0, text.index("\n"))


def test_header_mentions_of_a_real_email(nlp: Any) -> None:
    from casegraph.ingest import read_file

    path = CORPUS / "email" / "enron-allen-p-all-documents-26.eml"
    doc = read_file(path, display=path.name, ref_date=None)[0]
    mentions, _ = extract_mentions(nlp(doc.text), doc)
    header = [m for m in mentions if m.source == "header"]
    assert ("Stephanie Miller", "header:from") in {(m.text, m.label) for m in header}
    assert {"Jeff Dasovich", "Susan J Mara", "pkaufma@enron.com"} <= {m.text for m in header}
    for m in header:
        assert doc.text[m.start : m.end] == m.text
        assert "<" not in m.text and ">" not in m.text


def test_trim_span_keeps_the_name() -> None:
    text = "the U.S.-based SITE Intelligence Group and Saudi Arabia's king met President Erdogan."
    start = 0
    end = text.index(" and")
    span = trim_span(text, start, end)
    assert text[span[0] : span[1]] == "SITE Intelligence Group"
    s = text.index("Saudi")
    span = trim_span(text, s, s + len("Saudi Arabia's"))
    assert text[span[0] : span[1]] == "Saudi Arabia"
    p = text.index("President")
    span = trim_span(text, p, text.rindex("."), person=True)
    assert text[span[0] : span[1]] == "Erdogan"


def test_extract_mentions_refuses_a_doc_of_other_text(nlp: Any) -> None:
    from casegraph.errors import ExtractError

    doc = document("Ilhami Bali lives in Gaziantep.")
    with pytest.raises(ExtractError, match="Document.text"):
        extract_mentions(nlp("Something else entirely."), doc)


def test_possessive_place_is_split_but_a_holiday_is_not(nlp: Any) -> None:
    doc = document("The gunman attacked Istanbul’s Reina nightclub on New Year’s Eve, police said.")
    mentions, _ = extract_mentions(nlp(doc.text), doc)
    texts = {m.text for m in mentions}
    assert "Istanbul" in texts and "Istanbul’s Reina" not in texts
    assert not ({"Eve", "New Year"} & texts)


def test_trim_span_drops_a_ruling_in_capitals_before_a_name() -> None:
    from casegraph.extract.entities import trim_span

    for text, name in [("Court DENIES Flores", "Flores"), ("Court GRANTS Oscar Flores", "Oscar Flores")]:
        start, end = trim_span(text, 0, len(text), person=True)
        assert text[start:end] == name
    start, end = trim_span("JOHN SMITH", 0, 10, person=True)
    assert (start, end) == (0, 10)


@given(
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=12),
    probe=st.tuples(st.integers(0, 70), st.integers(1, 20)),
)
def test_spanset_overlaps_agrees_with_checking_every_span(
    spans: list[tuple[int, int]], probe: tuple[int, int]
) -> None:
    pairs = [(s, s + n) for s, n in spans]
    start, end = probe[0], probe[0] + probe[1]
    expected = any(s < end and start < e for s, e in pairs)
    assert SpanSet(pairs).overlaps(start, end) == expected
