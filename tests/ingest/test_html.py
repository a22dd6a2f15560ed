"""HTML reader: main text only, metadata title and date, fallback to visible body text."""

from __future__ import annotations

from pathlib import Path

import pytest

from casegraph.errors import IngestError
from casegraph.ingest import read_file
from casegraph.ingest.html import extract_page, html_to_text
from casegraph.model import Document
from tests.conftest import FIXTURES

ARTICLE = FIXTURES / "ingest" / "article.html"
PARAGRAPHS = [
    "The Riverton city council voted 7-2 on Tuesday night to set aside 4.2 million dollars",
    "Mayor Elena Brandt said the fund would cover the first phase of the work",
    '"People have been driving twenty minutes out of their way for six months," Brandt told the meeting.',
    "Councillor Tomas Reyes, who voted against the measure,",
    "Work is expected to begin in June.",
]
FURNITURE = [
    "Share on Facebook",
    "Share this:",
    "WhatsApp",
    "Leave a Reply",
    "Your email address will not be published",
    "Akismet",
    "Gareth Pollard",  # a commenter
    "Ashford County treasury",  # inside a comment
    "School board delays vote",  # related post
    "Subscribe to our newsletter",
    "We use cookies",
    "Politics",  # navigation
    "All rights reserved",
    "dataLayer",  # script
]


def _read(path: Path, ref_date: str | None = None) -> Document:
    (doc,) = read_file(path, display=path.name, ref_date=ref_date)
    return doc


def test_read_html_keeps_article_paragraphs() -> None:
    doc = _read(ARTICLE)
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.text


@pytest.mark.parametrize("junk", FURNITURE)
def test_read_html_drops_navigation_share_buttons_and_comments(junk: str) -> None:
    assert junk not in _read(ARTICLE).text


def test_read_html_title_and_date_from_metadata() -> None:
    doc = _read(ARTICLE, ref_date="2020-01-01")
    assert doc.title == "Riverton council approves bridge repair fund"
    assert (doc.date, doc.date_source) == ("2019-04-17", "metadata")
    assert (doc.format, doc.language) == ("html", "en")
    assert doc.meta["extractor"] == "trafilatura"


def test_read_html_falls_back_to_body_text(tmp_path: Path) -> None:
    # trafilatura finds nothing under 2,000 nested <div>s; the visible-text fallback still does.
    nested = "<div>" * 2000 + "<ul><li>Ines Calder, editor</li><li>Declan Moss, port authority</li></ul>"
    path = tmp_path / "list.html"
    path.write_text(
        "<html><head><title>Staff list</title><style>p{color:red}</style></head><body>"
        + nested
        + "<script>track()</script><p hidden>secret</p><span aria-hidden='true'>icon</span>"
        + "</div>" * 2000
        + "</body></html>"
    )
    doc = _read(path, ref_date="2019-05-01")
    assert doc.meta["extractor"] == "body"
    assert doc.text == "Ines Calder, editor\nDeclan Moss, port authority"
    assert doc.title == "Staff list"
    assert (doc.date, doc.date_source) == ("2019-05-01", "reference")


def test_read_html_hidden_elements_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "hidden.html"
    path.write_text(
        "<html><body><p>Visible paragraph about the port authority and its plans for the harbour.</p>"
        "<p hidden>secret one</p><div style='display: none'>secret two</div></body></html>"
    )
    text = _read(path).text
    assert "Visible paragraph" in text and "secret" not in text


def test_read_html_legacy_charset_from_meta(tmp_path: Path) -> None:
    path = tmp_path / "tr.html"
    html = (
        '<html><head><meta charset="windows-1254"></head><body><p>Şişli belediyesi açıklama yaptı.</p></body>'
    )
    path.write_bytes(html.encode("cp1254"))
    assert "Şişli belediyesi açıklama yaptı." in _read(path).text


def test_extract_page_deeply_nested_html_keeps_text() -> None:
    html = (
        "<html><body>"
        + "<div>" * 20000
        + "Deep text about the council."
        + "</div>" * 20000
        + "</body></html>"
    )
    assert "Deep text about the council." in extract_page(html).text


@pytest.mark.parametrize(
    "html",
    ["<<<>>>", "<html><body><p>Unclosed <b>bold <i>text</p></div></span>", "<p>x</p>" * 3 + "</html></html>"],
)
def test_html_to_text_broken_markup_does_not_crash(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_read_html_empty_body_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body><script>x()</script></body></html>")
    with pytest.raises(IngestError, match="no text found"):
        _read(path)


def test_read_html_binary_named_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.html"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(IngestError, match="binary"):
        _read(path)
