"""Web pages (.html, .htm): the main text via trafilatura, else the visible text of <body>."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from casegraph.errors import IngestError
from casegraph.ingest.common import make_document
from casegraph.ingest.dates import parse_explicit
from casegraph.ingest.encoding import decode_bytes
from casegraph.ingest.files import read_bytes
from casegraph.ingest.text import clean_text
from casegraph.model import Document

# trafilatura logs its own failures; without a handler Python would print them to stderr.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("htmldate").addHandler(logging.NullHandler())

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
# Elements whose text a reader never sees.
HIDDEN = frozenset("script style noscript template head title svg iframe object select".split())
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# The same elements for trafilatura, which otherwise reads hidden text too.
HIDDEN_XPATH = [
    "//*[@hidden]",
    "//*[@aria-hidden='true']",
    "//*[contains(translate(@style, ' ', ''), 'display:none')]",
]
BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th tr ul".split()
)


@dataclass
class Page:
    """What a web page yields: its text, and the title and date its metadata give."""

    text: str
    title: str | None
    date: str | None
    method: str  # trafilatura | body


def read_html(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read a web page into one Document."""
    return [html_document(read_bytes(path), display=display, ref_date=ref_date)]


def html_document(data: bytes, *, display: str, ref_date: str | None) -> Document:
    """Build the Document for a web page's bytes."""
    if not data or data.isspace():
        raise IngestError("empty file")
    html, encoding = decode_bytes(data, declared=_declared_charset(data))
    page = extract_page(html)
    text, cut = clean_text(page.text)
    if not text:
        raise IngestError("no text found in this web page (empty <body>)")
    meta: dict[str, object] = {"encoding": encoding, "extractor": page.method}
    if cut:
        meta["furniture_chars"] = cut
    own = (page.date, "metadata") if page.date else (None, "none")
    return make_document(
        data=data,
        display=display,
        fmt="html",
        title=page.title,
        text=text,
        ref_date=ref_date,
        own_date=own,
        meta=meta,
    )


def _declared_charset(data: bytes) -> str | None:
    """The charset a <meta> tag in the first bytes declares, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML string (used for HTML-only e-mails too)."""
    return clean_text(extract_page(html).text)[0]


def extract_page(html: str) -> Page:
    """Main text and metadata via trafilatura; the visible <body> text when it finds none."""
    found = _trafilatura(html)
    if found is not None and found.text.strip():
        return found
    reader = _VisibleText()
    reader.feed(html)
    reader.close()
    title = (found.title if found else None) or reader.title
    return Page(reader.text(), title, found.date if found else None, "body")


def _trafilatura(html: str) -> Page | None:
    """Run trafilatura without comments; None when it fails on this page."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
            prune_xpath=HIDDEN_XPATH,
        )
    # trafilatura and the parsers under it raise many types on broken or deeply nested
    # markup (RecursionError, ValueError, lxml errors); any of them means "use the fallback".
    except Exception:  # noqa: BLE001
        return None
    if result is None:
        return None
    found = result if isinstance(result, dict) else result.as_dict()
    date = parse_explicit(found["date"]) if isinstance(found.get("date"), str) else None
    return Page(str(found.get("text") or ""), found.get("title") or None, date, "trafilatura")


class _VisibleText(HTMLParser):
    """Collect the text a reader sees: hidden elements dropped, one line per block element.

    The standard library's event parser has no nesting limit (lxml stops at 256 levels and
    silently drops what lies deeper) and accepts any broken markup.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # open elements whose content is not shown
        self.in_title = False
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element: note hidden ones, break lines at blocks."""
        names = {name for name, _ in attrs}
        if tag == "title" and self.title is None:
            self.in_title = True
        if tag in HIDDEN or "hidden" in names or ("aria-hidden", "true") in attrs:
            if tag not in VOID:
                self.hidden.append(tag)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Close an element; a hidden one ends where its own tag closes."""
        if tag == "title":
            self.in_title = False
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep text outside hidden elements; remember the first <title>."""
        if self.in_title:
            self.title = " ".join(data.split()) or None
        elif not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        """The collected text, whitespace collapsed within lines."""
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)
