"""PDF files: the text layer via pypdfium2, page by page; no OCR."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from casegraph import settings
from casegraph.errors import IngestError
from casegraph.ingest.common import check_length, make_document, stem_title, tidy_lines
from casegraph.ingest.dates import pdf_date
from casegraph.ingest.files import read_bytes
from casegraph.model import Document

ENCRYPTED = "encrypted PDF: decrypt it first (e.g. qpdf --decrypt)"
CORRUPT = "not a readable PDF"
NO_TEXT = "PDF has no text layer (scanned?): OCR it first, e.g. ocrmypdf"
PAGE_BREAK = "\n\n"
# Titles that name the program that made the PDF, not the document.
_TOOL_TITLE = re.compile(r"^(?:Microsoft (?:Word|PowerPoint|Excel) - |untitled$)", re.IGNORECASE)
_OFFICE_SUFFIX = re.compile(r"\.(?:docx?|rtf|odt|wpd|xlsx?|pptx?)$", re.IGNORECASE)


def read_pdf(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read a PDF's text layer into one Document."""
    return [pdf_document(read_bytes(path), display=display, ref_date=ref_date)]


def pdf_document(data: bytes, *, display: str, ref_date: str | None) -> Document:
    """Build the Document for a PDF's bytes (in this process: see casegraph.ingest.sandbox)."""
    import pypdfium2 as pdfium

    pdf = _open(data)
    try:
        pages = _check_pages(len(pdf))
        texts = _page_texts(pdf, pages)
        info = pdf.get_metadata_dict()
    except pdfium.PdfiumError as err:
        raise IngestError(f"{CORRUPT}: {err}") from err
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        raise IngestError(NO_TEXT)
    text = PAGE_BREAK.join(texts).strip("\n")
    meta: dict[str, Any] = {"pages": pages, "empty_pages": sum(1 for t in texts if not t.strip())}
    own = _metadata_date(info)
    return make_document(
        data=data,
        display=display,
        fmt="pdf",
        title=clean_title(info.get("Title", "")) or stem_title(display),
        text=text,
        ref_date=ref_date,
        own_date=(own, "metadata") if own else (None, "none"),
        meta=meta,
    )


def _open(data: bytes) -> Any:
    """Open PDF bytes, telling encrypted files from broken ones."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise IngestError(ENCRYPTED) from err
        raise IngestError(CORRUPT) from err


def _check_pages(count: int) -> int:
    """Refuse PDFs with more pages than max_pdf_pages, before any text is extracted."""
    limit = settings.get_int("max_pdf_pages")
    if count > limit:
        env = settings.SETTINGS["max_pdf_pages"].env
        raise IngestError(f"PDF has {count} pages, over the {limit} page limit; raise {env} to read it")
    return count


def _page_texts(pdf: Any, pages: int) -> list[str]:
    """Each page's text, stopping as soon as the total passes max_doc_chars."""
    texts: list[str] = []
    total = 0
    limit = settings.get_int("max_doc_chars")
    for i in range(pages):
        page = pdf[i]
        textpage = page.get_textpage()
        try:
            text = clean_page(textpage.get_text_range())
        finally:
            textpage.close()
            page.close()
        texts.append(text)
        total += len(text) + len(PAGE_BREAK)
        if total > limit:
            check_length(PAGE_BREAK.join(texts))  # raises, naming the setting
    return texts


def clean_page(text: str) -> str:
    """A page's text with LF newlines, no trailing spaces and no PDFium control marks."""
    # PDFium marks soft hyphens at line ends with \x02 and unknown glyphs with \ufffe.
    text = text.replace("\x02", "-").replace("\ufffe", "").replace("\x00", "")
    return tidy_lines(text)


def clean_title(title: str) -> str:
    """A metadata title without "Microsoft Word - " and ".docx" left by the program that made it."""
    title = " ".join(title.split())
    title = _OFFICE_SUFFIX.sub("", _TOOL_TITLE.sub("", title)).strip()
    return title


def _metadata_date(info: dict[str, str]) -> str | None:
    """CreationDate, else ModDate (court e-filing stamps only the latter)."""
    return pdf_date(info.get("CreationDate")) or pdf_date(info.get("ModDate"))
