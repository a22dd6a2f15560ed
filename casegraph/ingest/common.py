"""What every reader shares: text clean-up, titles, limits, and building the Document."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import Any

from casegraph import settings
from casegraph.errors import IngestError
from casegraph.ingest.dates import check_ref_date, find_dateline
from casegraph.ingest.language import detect_language
from casegraph.model import Document, Field

MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 25
_BLANK_RUN = re.compile(r"\n{3,}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MARKUP = re.compile(r"^#{1,6}\s+|[*_]{2,3}|^\*|\*$")


def sha256(data: bytes) -> str:
    """The hex sha256 of the original bytes: the document id."""
    return hashlib.sha256(data).hexdigest()


def normalize_newlines(text: str) -> str:
    """Turn CRLF and CR line ends into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tidy_lines(text: str) -> str:
    """Strip trailing spaces on each line, keep at most one blank line in a row, trim the ends."""
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def headline(text: str) -> str | None:
    """The first non-empty line when it reads like a headline (short, no final period), else None."""
    for line in text.split("\n", 20)[:20]:
        line = _MARKUP.sub("", line.strip()).strip()
        if not line:
            continue
        short = len(line) <= MAX_TITLE_CHARS and len(line.split()) <= MAX_TITLE_WORDS
        if short and not line.endswith((".", ",", ";", ":")) and any(ch.isalpha() for ch in line):
            return line
        return None
    return None


def stem_title(display: str) -> str:
    """A title made from the file name when the document has none."""
    return PurePath(display.split("#", 1)[0]).stem or display


def check_length(text: str) -> str:
    """Refuse extracted text over the max_doc_chars limit."""
    limit = settings.get_int("max_doc_chars")
    if len(text) > limit:
        env = settings.SETTINGS["max_doc_chars"].env
        raise IngestError(f"text is {len(text)} characters, over the {limit} limit; raise {env} to read it")
    return text


def make_document(
    *,
    data: bytes,
    display: str,
    fmt: str,
    title: str | None,
    text: str,
    ref_date: str | None,
    own_date: tuple[str | None, str] = (None, "none"),
    body: str | None = None,
    fields: list[Field] | None = None,
    meta: dict[str, Any] | None = None,
) -> Document:
    """Build a Document: date precedence, language, title fallback and the length limit in one place.

    ``own_date`` is the format's date and its source ("header", "metadata"); ``body`` is the part
    of the text written by the author (an e-mail without its header block) for dateline and language.
    """
    check_length(text)
    body = text if body is None else body
    date, source = _choose_date(own_date, body, ref_date)
    return Document(
        id=sha256(data),
        path=display,
        title=valid_text((title or "").strip() or headline(body) or stem_title(display)),
        text=valid_text(text),
        date=date,
        date_source=source,
        language=detect_language(body),
        format=fmt,
        fields=[Field(f.name, valid_text(f.value), f.start, f.end) for f in fields or []],
        meta=_valid_meta(meta or {}),
    )


def valid_text(text: str) -> str:
    """Text every store accepts: a lone surrogate (an undecodable byte a parser kept) becomes U+FFFD.

    One character for one, so every span into the text stays where it was.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _valid_meta(value: Any) -> Any:
    """Format details with every string made valid (stored as JSON)."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {valid_text(str(k)): _valid_meta(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_valid_meta(v) for v in value]
    return value


def _choose_date(own: tuple[str | None, str], body: str, ref_date: str | None) -> tuple[str | None, str]:
    """The document's own date, else a dateline, else the reference date, else none."""
    if own[0]:
        return own[0], own[1]
    dateline = find_dateline(body)
    if dateline:
        return dateline, "dateline"
    ref = check_ref_date(ref_date)
    return (ref, "reference") if ref else (None, "none")
