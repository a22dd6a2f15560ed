"""Ingest: read files into casegraph Documents (plain text and what the format says about it).

Reading a file is not understanding it: nothing here imports casegraph.extract.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casegraph.errors import IngestError
from casegraph.ingest.dates import check_ref_date
from casegraph.ingest.files import FORMATS, SUPPORTED, FoundFile, find_files, format_of
from casegraph.ingest.limits import doc_seconds, time_limit
from casegraph.ingest.sandbox import PdfSandbox
from casegraph.model import Document

__all__ = ["FORMATS", "FileReader", "FoundFile", "find_files", "read_file"]

Reader = Callable[..., list[Document]]


def read_file(
    path: Path, *, display: str, ref_date: str | None, failed: list[tuple[str, str]] | None = None
) -> list[Document]:
    """Read one file into Documents (one per file, one per message for .mbox); IngestError says why not.

    ``failed``, when given, collects (path#n, reason) for each mbox message that cannot be read,
    instead of failing the whole mailbox.
    """
    check_ref_date(ref_date)
    fmt = format_of(Path(path))
    if fmt is None:
        suffix = Path(path).suffix.lower() or "(no suffix)"
        raise IngestError(f"unsupported file type {suffix}; casegraph reads {SUPPORTED}")
    if fmt == "mbox" and failed is not None:
        from casegraph.ingest.email import read_mbox

        return read_mbox(Path(path), display=display, ref_date=ref_date, failed=failed)
    return _reader(fmt)(Path(path), display=display, ref_date=ref_date)


class FileReader:
    """Reads files within the limits: max_doc_seconds for each file (each message of an mbox), and
    PDFs in a helper process that is stopped when over that time or the max_read_memory_mb memory."""

    def __init__(self) -> None:
        self._sandbox: PdfSandbox | None = None

    def read(
        self, path: Path, *, display: str, ref_date: str | None, failed: list[tuple[str, str]] | None = None
    ) -> list[Document]:
        """Read one file as ``read_file`` does, within the limits."""
        check_ref_date(ref_date)
        fmt = format_of(Path(path))
        if fmt == "pdf":
            if self._sandbox is None:
                self._sandbox = PdfSandbox()
            return self._sandbox.read(Path(path), display=display, ref_date=ref_date)
        if fmt == "mbox":  # each message has its own time limit
            return read_file(path, display=display, ref_date=ref_date, failed=failed)
        with time_limit(doc_seconds(), what="reading"):
            return read_file(path, display=display, ref_date=ref_date, failed=failed)

    def close(self) -> None:
        """Stop the PDF helper process, if one was started."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    def __enter__(self) -> FileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
