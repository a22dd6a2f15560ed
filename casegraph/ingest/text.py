"""Plain text files (.txt, .text, .md): decode, normalise newlines, cut site furniture."""

from __future__ import annotations

from pathlib import Path

from casegraph.errors import IngestError
from casegraph.ingest.common import check_length, make_document, normalize_newlines
from casegraph.ingest.encoding import decode_bytes
from casegraph.ingest.files import read_bytes
from casegraph.ingest.furniture import cut_furniture
from casegraph.model import Document

EMPTY = "empty file"


def read_text(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read a plain-text file into one Document."""
    data = read_bytes(path)
    return [text_document(data, display=display, ref_date=ref_date)]


def text_document(data: bytes, *, display: str, ref_date: str | None) -> Document:
    """Build the Document for plain-text bytes."""
    if not data or data.isspace():
        raise IngestError(EMPTY)
    raw, encoding = decode_bytes(data)
    # Refused before furniture is cut: a 200 MB one-line file would otherwise be copied several times.
    check_length(raw)
    text, cut = clean_text(raw)
    if not text.strip():
        raise IngestError(EMPTY if not raw.strip() else "no text left once site furniture is removed")
    meta: dict[str, object] = {"encoding": encoding}
    if cut:
        meta["furniture_chars"] = cut
    return make_document(
        data=data, display=display, fmt="txt", title=None, text=text, ref_date=ref_date, meta=meta
    )


def clean_text(raw: str) -> tuple[str, int]:
    """Return (text, characters of furniture cut): LF newlines, no furniture, no blank ends."""
    text = normalize_newlines(raw)
    kept = cut_furniture(text)
    cut = len(text) - len(kept)
    # Leading blank lines and trailing whitespace carry nothing; inner layout is kept as written.
    return kept.lstrip("\n").rstrip(), cut
