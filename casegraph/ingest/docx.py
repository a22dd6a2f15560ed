"""Word documents (.docx): paragraphs and table cells in document order, via python-docx."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casegraph import settings
from casegraph.errors import IngestError
from casegraph.ingest.common import make_document, tidy_lines
from casegraph.ingest.dates import datetime_date
from casegraph.ingest.files import read_bytes
from casegraph.model import Document

NOT_DOCX = "not a readable .docx file (an old .doc or .rtf must be saved as .docx first)"
# python-docx's blank template carries this creation time; it says nothing about the document.
TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)
TITLE_STYLES = ("Title", "Heading 1")


def read_docx(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read a Word document into one Document."""
    return [docx_document(read_bytes(path), display=display, ref_date=ref_date)]


def docx_document(data: bytes, *, display: str, ref_date: str | None) -> Document:
    """Build the Document for a Word document's bytes."""
    document = _open(data)
    paragraphs = list(_paragraphs(document))
    text = tidy_lines("\n".join(text for text, _style in paragraphs))
    if not text:
        raise IngestError("no text in this Word document")
    props = document.core_properties
    created = _created(props)
    return make_document(
        data=data,
        display=display,
        fmt="docx",
        title=(props.title or "").strip() or _styled_title(paragraphs),
        text=text,
        ref_date=ref_date,
        own_date=(created, "metadata") if created else (None, "none"),
        meta={k: v for k, v in {"author": props.author or None}.items() if v},
    )


def _open(data: bytes) -> Any:
    """Open .docx bytes, refusing zip bombs and files that are not Word 2007+ documents."""
    import docx

    _check_unzipped_size(data)
    try:
        return docx.Document(io.BytesIO(data))
    # A broken package surfaces as zipfile, KeyError, lxml or python-docx's own errors.
    except Exception as err:  # noqa: BLE001
        raise IngestError(NOT_DOCX) from err


def _check_unzipped_size(data: bytes) -> None:
    """A .docx is a zip: refuse one whose unpacked size passes the file size limit."""
    limit_mb = settings.get_int("max_file_mb")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise IngestError(NOT_DOCX) from err
    if size > limit_mb * 1024 * 1024:
        env = settings.SETTINGS["max_file_mb"].env
        raise IngestError(f"document unpacks to {size >> 20} MB, over the {limit_mb} MB limit; raise {env}")


def _paragraphs(container: Any) -> Iterator[tuple[str, str]]:
    """(text, style name) of each paragraph, table cells included, in document order."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_paragraphs(item)
        else:
            yield item.text, _style_name(item)


def _table_paragraphs(table: Any) -> Iterator[tuple[str, str]]:
    """Paragraphs of each cell, row by row; a merged cell is read once."""
    seen: set[Any] = set()  # the cells' XML elements: holding them keeps their identity stable
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _paragraphs(cell)


def _style_name(paragraph: Any) -> str:
    """A paragraph's style name ("" when the style is missing)."""
    try:
        return str(paragraph.style.name) if paragraph.style is not None else ""
    except (KeyError, AttributeError):
        return ""


def _styled_title(paragraphs: list[tuple[str, str]]) -> str | None:
    """The first paragraph styled Title or Heading 1, if any."""
    for text, style in paragraphs:
        if style in TITLE_STYLES and text.strip():
            return " ".join(text.split())
    return None


def _created(props: Any) -> str | None:
    """The creation date from core properties, unless it is python-docx's template date."""
    try:
        created = props.created
    except (ValueError, TypeError):
        return None
    if not isinstance(created, datetime):
        return None
    aware = created if created.tzinfo else created.replace(tzinfo=UTC)
    return None if aware == TEMPLATE_CREATED else datetime_date(created)
