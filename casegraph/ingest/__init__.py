"""Ingest: read files into casegraph Documents (plain text and what the format says about it).

Reading a file is not understanding it: nothing here imports casegraph.extract.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casegraph.errors import IngestError
from casegraph.ingest.dates import check_ref_date
from casegraph.ingest.files import FORMATS, SUPPORTED, FoundFile, find_files, format_of
from casegraph.model import Document

__all__ = ["FORMATS", "FoundFile", "find_files", "read_file"]

Reader = Callable[..., list[Document]]


def read_file(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read one file into Documents (one per file, one per message for .mbox); IngestError says why not."""
    check_ref_date(ref_date)
    fmt = format_of(Path(path))
    if fmt is None:
        suffix = Path(path).suffix.lower() or "(no suffix)"
        raise IngestError(f"unsupported file type {suffix}; casegraph reads {SUPPORTED}")
    return _reader(fmt)(Path(path), display=display, ref_date=ref_date)


def _reader(fmt: str) -> Reader:
    """The reader function for a format, imported on first use (PDF and DOCX pull in big libraries)."""
    if fmt == "txt":
        from casegraph.ingest.text import read_text

        return read_text
    if fmt == "html":
        from casegraph.ingest.html import read_html

        return read_html
    if fmt in ("eml", "mbox"):
        from casegraph.ingest.email import read_eml, read_mbox

        return read_eml if fmt == "eml" else read_mbox
    if fmt == "pdf":
        from casegraph.ingest.pdf import read_pdf

        return read_pdf
    from casegraph.ingest.docx import read_docx

    return read_docx
