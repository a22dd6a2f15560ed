"""Hostile input through the real `casegraph ingest`: each file is read correctly or fails in one line.

Every case is made at test time in a temporary folder and ingested by one `casegraph ingest` run into
a real SQLite store; `pytest tests/ingest/test_hostile.py -q -s` prints the table of outcomes that
docs/reliability.md reports. Tests run as root, who reads any file whatever its mode, so "unreadable"
is made in ways root fails on too: a path through a file (ENOTDIR), a name too long (ENAMETOOLONG),
broken links, link loops, a FIFO, a socket; a mode-000 file is added only when not running as root.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casegraph.case import open_case
from casegraph.cli import cli
from casegraph.ingest.files import safe_display
from tests.conftest import CORPUS, REPO

NEWS = CORPUS / "news" / "voa-nightclub-massacre-turkish-security.txt"
COURT_PDF = CORPUS / "court" / "usa-v-milheiser-cdcal-8-16-cr-00076-dkt1409-judgment.pdf"
INGESTED, FAILED, DUPLICATE, SKIPPED = "ingested", "failed", "duplicate", "skipped"
MEMORY_MB = "1024"  # the PDF reader's memory cap in the run: the form bomb needs 17 GB


@dataclass(frozen=True)
class Hostile:
    """One hostile input: how to make it, and what `casegraph ingest` must do with it."""

    name: str | bytes  # the file's name (bytes: a name that is not UTF-8)
    what: str  # what it is, for the table
    expect: str  # ingested | failed | duplicate | skipped
    words: str  # words of the stored text (ingested) or of the one-line reason (failed)
    make: Callable[[Path], object]
    explicit: bool = False  # named on the command line, not found in the folder

    def path(self, root: Path) -> Path:
        """Where the case lives: the folder for found files, beside it for named ones."""
        base = root if self.explicit else root / "folder"
        name = os.fsdecode(self.name) if isinstance(self.name, bytes) else self.name
        return base / name

    def display(self, root: Path) -> str:
        """The path casegraph shows and stores for it."""
        return safe_display(str(self.path(root)))


# --- makers: each writes its case at the path given ---------------------------------------------


def _bytes(data: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(data)


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    size = len(objects) + 1
    return out + b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref)


def _stream(data: bytes, head: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (head, len(data), data)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
    b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
)


def _pages_pdf(pages: int, text: bytes, *, count: int | None = None) -> bytes:
    """``pages`` real pages sharing one content stream; ``count`` is what /Count claims."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages if count is None else count)
    content = _stream(b"BT /F1 12 Tf 72 712 Td (%s) Tj ET" % text)
    return _pdf([catalog, tree, FONT, content, *([PAGE] * pages)])


def _page_tree_bomb(depth: int) -> bytes:
    """Every /Pages node lists its child twice: 2**depth pages from a few hundred bytes."""
    nodes = [
        b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (i + 3, i + 3, 2 ** (depth - i))
        for i in range(depth)
    ]
    leaf = b"<< /Type /Page /MediaBox [0 0 612 792] >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *nodes, leaf])


def _form_bomb(depth: int, fan: int) -> bytes:
    """One page draws a form ``fan`` times, which draws the next form ``fan`` times, ``depth`` deep."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>"
    )
    forms = []
    for level in range(depth):
        last = level == depth - 1
        body = b"BT /F1 12 Tf 72 712 Td (x) Tj ET" if last else b"/X Do " * fan
        res = b"/Font << /F1 4 0 R >>" if last else b"/XObject << /X %d 0 R >>" % (7 + level)
        forms.append(
            _stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << %s >>" % res)
        )
    return _pdf([catalog, tree, page, FONT, _stream(b"/X Do " * fan), *forms])


def _encrypted_pdf() -> bytes:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    file_id = b"<0123456789abcdef0123456789abcdef>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>", encrypt]
    return _pdf(objects, b"/Encrypt 4 0 R /ID [%s %s]" % (file_id, file_id))


def _zip_bomb(path: Path) -> None:
    """A .docx whose document.xml unpacks to 210 MB of zeros (1 MB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(bytes(1 << 20))


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/other.xml", "<x/>")


def _single_line(path: Path) -> None:
    """200 MB of one line of words (within the 200 MiB file limit, over the text limit)."""
    chunk = b"Police in Ankara said the suspect was arrested on Tuesday " * 17_000  # ~1 MB
    with path.open("wb") as file:
        written = 0
        while written < 200_000_000:
            piece = chunk[: 200_000_000 - written]
            file.write(piece)
            written += len(piece)


def _big_attachment(path: Path) -> None:
    """An e-mail carrying a 50 MB base64 attachment beside a short text."""
    blob = base64.encodebytes(random.Random(7).randbytes(37 * 1024 * 1024))
    head = (
        b"From: Ayse Demir <ayse@example.org>\nTo: desk@example.org\nSubject: the scans\n"
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
        b"Content-Type: text/plain\n\nThe scans of the Gaziantep ledger are attached.\n--XX\n"
        b"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=scan.bin\n"
        b"Content-Transfer-Encoding: base64\n\n"
    )
    path.write_bytes(head + blob + b"\n--XX--\n")


MALFORMED_HEADERS = (
    b'From: "Broken =?bogus-charset?Q?N=E4me?=" <a@x.org>\n'
    b'To: <<<>>>, b@y.org,,, "unterminated\n'
    b"Cc: \xe7a\xf0 raw bytes <c@z.org>\n"
    b"Date: Thursday, 32 Foo 99999 99:99\n"
    b"Subject: =?utf-8?B?not base64!!?=\n"
    b"X-To: " + b"a" * 30_000 + b"<" + b"b" * 30_000 + b"\n"
    b'Content-Type: text/plain; charset="no-such-charset"\n'
    b"Content-Transfer-Encoding: quoted-printable-nonsense\n"
    b"This header line has no colon\n\n"
    b"The Gaziantep safe house =E9 was rented in March.\n"
)


def _nested_mime(depth: int) -> bytes:
    message = b"Content-Type: text/plain\n\nThe innermost words.\n"
    for level in range(depth):
        b = b"B%d" % level
        message = b"Content-Type: multipart/mixed; boundary=%s\n\n--%s\n%s\n--%s--\n" % (b, b, message, b)
    return b"From: a@x.org\nTo: b@y.org\nSubject: nested\nMIME-Version: 1.0\n" + message


MBOX = (
    b"From a@x.org Mon Jan  2 10:00:00 2017\nFrom: Ali <a@x.org>\nTo: b@y.org\nSubject: first\n\n"
    b"The first message names the Reina nightclub.\n\n"
    b"From junk Mon Jan  2 10:01:00 2017\n\x01\x02 garbage without any header line\n\n"
    b"From c@x.org Mon Jan  2 10:02:00 2017\nFrom: Cem <c@x.org>\nTo: b@y.org\nSubject: third\n\n"
    b"The third message names the Bosphorus ferry.\n"
)


def _link(target: str) -> Callable[[Path], object]:
    return lambda path: path.symlink_to(target)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))  # the socket file stays after the socket is closed


def _folder_named_like_a_file(path: Path) -> None:
    path.mkdir()
    (path / "inner.txt").write_text("The folder named report.pdf holds a note about the Izmir port.\n")


def _nothing(path: Path) -> None:
    """The case's path is made by another case (or must not exist)."""


def _unreadable(path: Path) -> None:
    path.write_text("A file nobody may read.\n")
    path.chmod(0)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], object]:
    return _bytes(text.encode(encoding))


GOOD = "a-good-news.txt"
SWAPPED, VANISHING = "swapped.txt", "vanishing.txt"
LONG_NAME = "n" * 300 + ".txt"


def hostile_cases() -> list[Hostile]:
    """Every hostile input of issue 7 and what `casegraph ingest` must make of it."""
    garbage = random.Random(3)
    cases = [
        Hostile(
            GOOD, "a real news article (the good file)", INGESTED, "Reina", lambda p: shutil.copy(NEWS, p)
        ),
        Hostile("copy-of-good.txt", "the same bytes again", DUPLICATE, GOOD, lambda p: shutil.copy(NEWS, p)),
        Hostile(
            "crlf-copy.txt",
            "the same text with CRLF line ends",
            DUPLICATE,
            GOOD,
            _bytes(NEWS.read_bytes().replace(b"\n", b"\r\n")),
        ),
        Hostile("link-to-good.txt", "a symbolic link to the good file", DUPLICATE, GOOD, _link(GOOD)),
        Hostile("empty.txt", "an empty file", FAILED, "empty file", _bytes(b"")),
        Hostile("blank.txt", "only whitespace", FAILED, "empty file", _bytes(b" \n\t\r\n  \n")),
        Hostile(
            "garbage.txt", "random bytes named .txt", FAILED, "binary", _bytes(garbage.randbytes(20_000))
        ),
        Hostile(
            "garbage-no-nul.txt",
            "random bytes without NUL named .txt",
            FAILED,
            "binary",
            _bytes(bytes(garbage.randrange(1, 256) for _ in range(20_000))),
        ),
        Hostile(
            "invalid-utf8.txt",
            "UTF-8 with invalid bytes",
            INGESTED,
            "arrested the suspect",
            _bytes(b"Police in \xff\xfe Ankara arrested the suspect on Tuesday night.\n"),
        ),
        Hostile(
            "turkish-cp1254.txt",
            "Windows-1254 Turkish",
            INGESTED,
            "Şişli",
            _text("Şişli'de polis, İstanbul'da yakalanan şüphelinin ağabeyini gözaltına aldı.\n", "cp1254"),
        ),
        Hostile(
            "french-latin1.txt",
            "Latin-1 French",
            INGESTED,
            "Zürich",
            _text("Le café de la gare à Zürich a été fermé par la police française.\n", "latin-1"),
        ),
        Hostile(
            "utf16.txt",
            "UTF-16 with a byte-order mark",
            INGESTED,
            "Bosphorus ferry",
            _text("The Bosphorus ferry was searched by the coast guard.\n", "utf-16"),
        ),
        Hostile(
            "single-line-200mb.txt",
            "a 200 MB single-line text",
            FAILED,
            "over the 5000000 limit; raise CASEGRAPH_MAX_DOC_CHARS",
            _single_line,
        ),
        Hostile(
            "nested-100000-divs.html",
            "HTML with 100,000 nested <div>s",
            INGESTED,
            "Deep text about the Reina",
            _bytes(
                b"<html><body>"
                + b"<div>" * 100_000
                + b"Deep text about the Reina nightclub."
                + b"</div>" * 100_000
            ),
        ),
        Hostile(
            "broken-markup.html",
            "HTML with broken markup",
            INGESTED,
            "Suruc",
            _bytes(b"<html><body><p>The rally in Suruc<<<>>><div <p>was attacked</b></i></table><!-- x"),
        ),
        Hostile(
            "empty-body.html",
            "HTML with an empty body",
            FAILED,
            "no text found",
            _bytes(b"<html><head><title>t</title><script>var x;</script></head><body></body></html>"),
        ),
        Hostile(
            "garbage.html", "random bytes named .html", FAILED, "binary", _bytes(garbage.randbytes(5000))
        ),
        Hostile(
            "encrypted.pdf",
            "an encrypted PDF",
            FAILED,
            "encrypted PDF: decrypt it first",
            _bytes(_encrypted_pdf()),
        ),
        Hostile(
            "truncated.pdf",
            "a real PDF cut in half",
            FAILED,
            "not a readable PDF",
            _bytes(COURT_PDF.read_bytes()[: COURT_PDF.stat().st_size // 2]),
        ),
        Hostile(
            "garbage.pdf",
            "random bytes named .pdf",
            FAILED,
            "not a readable PDF",
            _bytes(garbage.randbytes(5000)),
        ),
        Hostile(
            "count-1e9.pdf",
            "a PDF whose /Count claims 10^9 pages",
            INGESTED,
            "Count bomb page",
            _bytes(_pages_pdf(1, b"Count bomb page of the Ankara file", count=10**9)),
        ),
        Hostile(
            "page-tree-bomb.pdf",
            "a PDF page tree of 2^30 pages (each node lists its child twice)",
            FAILED,
            "not a readable PDF",
            _bytes(_page_tree_bomb(30)),
        ),
        Hostile(
            "2001-pages.pdf",
            "a PDF of 2,001 real pages",
            FAILED,
            "PDF has 2001 pages, over the 2000 page limit; raise CASEGRAPH_MAX_PDF_PAGES",
            _bytes(_pages_pdf(2001, b"Page")),
        ),
        Hostile(
            "form-bomb.pdf",
            "a 2 kB PDF whose one page needs 17 GB (forms drawing forms, 10^7 times)",
            FAILED,
            f"over the {MEMORY_MB} MB memory limit",
            _bytes(_form_bomb(7, 10)),
        ),
        Hostile(
            "zip-bomb.docx", "a .docx unpacking to 210 MB", FAILED, "document unpacks to 210 MB", _zip_bomb
        ),
        Hostile(
            "garbage.docx",
            "random bytes named .docx",
            FAILED,
            "not a readable .docx",
            _bytes(garbage.randbytes(5000)),
        ),
        Hostile(
            "no-document.docx",
            "a zip without word/document.xml",
            FAILED,
            "not a readable .docx",
            _zip_without_document,
        ),
        Hostile(
            "big-attachment.eml",
            "an e-mail with a 50 MB base64 attachment",
            INGESTED,
            "Gaziantep ledger",
            _big_attachment,
        ),
        Hostile(
            "malformed-headers.eml",
            "malformed headers: bad charsets and base64, raw bytes, a 60 kB X-To",
            INGESTED,
            "Gaziantep safe house",
            _bytes(MALFORMED_HEADERS),
        ),
        Hostile(
            "no-boundary.eml",
            "a multipart message without a boundary",
            INGESTED,
            "Izmir harbour",
            _bytes(
                b"From: a@x.org\nSubject: x\nContent-Type: multipart/mixed\n\n"
                b"A note about the Izmir harbour.\n"
            ),
        ),
        Hostile(
            "nested-mime.eml",
            "MIME parts nested 2,000 deep",
            FAILED,
            "nested too deeply",
            _bytes(_nested_mime(2000)),
        ),
        Hostile(
            "not-mail.eml",
            "plain text named .eml",
            FAILED,
            "not an e-mail message",
            _bytes(b"Just a note.\n"),
        ),
        Hostile("empty.eml", "an empty .eml", FAILED, "empty file", _bytes(b"")),
        Hostile(
            "not-mbox.mbox", "an .mbox without 'From ' lines", FAILED, "not an mbox file", _bytes(b"Hello.\n")
        ),
        Hostile("mixed.mbox#1", "mbox message 1 of 3 (good)", INGESTED, "Reina nightclub", _bytes(MBOX)),
        Hostile("mixed.mbox#2", "mbox message 2 of 3 (garbage)", FAILED, "not an e-mail message", _nothing),
        Hostile("mixed.mbox#3", "mbox message 3 of 3 (good)", INGESTED, "Bosphorus ferry", _nothing),
        Hostile("loop-a.txt", "a symbolic link loop (a -> b)", FAILED, "link loop", _link("loop-b.txt")),
        Hostile("loop-b.txt", "a symbolic link loop (b -> a)", FAILED, "link loop", _link("loop-a.txt")),
        Hostile(
            "dangling.txt", "a broken symbolic link", FAILED, "broken symbolic link", _link("missing.txt")
        ),
        Hostile("loop-dir", "a symbolic link to its own folder", SKIPPED, "not entered", _link(".")),
        Hostile("fifo.txt", "a FIFO named .txt (reading would block)", FAILED, "not a regular file", _fifo),
        Hostile("socket.txt", "a socket named .txt", FAILED, "not a regular file", _socket),
        Hostile(
            VANISHING,
            "a file deleted between listing and reading",
            FAILED,
            "cannot read file: no such file",
            _text("Gone before it was read.\n"),
        ),
        Hostile(
            SWAPPED,
            "a file replaced by a FIFO between listing and reading",
            FAILED,
            "not a regular file",
            _text("Swapped before it was read.\n"),
        ),
        Hostile(
            "notes.xlsx", "an unsupported type inside a folder", SKIPPED, "not read", _bytes(b"PK\x03\x04")
        ),
        Hostile(
            "name with spaces, ünïcödé & 'quotes' [1] $(x).txt",
            "odd characters in a name",
            INGESTED,
            "Kadikoy pier",
            _text("A witness saw the boat at the Kadikoy pier.\n"),
        ),
        Hostile(
            "-leading-dash.txt",
            "a name starting with a dash",
            INGESTED,
            "Hatay border",
            _text("The convoy crossed the Hatay border at night.\n"),
        ),
        Hostile(
            b"not-utf8-caf\xe9.txt",
            "a name that is not UTF-8",
            INGESTED,
            "Mersin port",
            _text("The ship left the Mersin port on Friday.\n"),
        ),
        Hostile("new\nline.txt", "a newline in a name (empty file)", FAILED, "empty file", _bytes(b"")),
        # Named on the command line.
        Hostile(
            "report.pdf",
            "a folder named like a file",
            INGESTED,
            "Izmir port",
            _folder_named_like_a_file,
            True,
        ),
        Hostile(
            f"{GOOD}/child.txt",
            "a path through a file (ENOTDIR)",
            FAILED,
            "a part of this path is a file",
            _nothing,
            True,
        ),
        Hostile(LONG_NAME, "a 300-byte name (ENAMETOOLONG)", FAILED, "file name too long", _nothing, True),
        Hostile(
            "missing.txt", "a path that does not exist", FAILED, "no such file or folder", _nothing, True
        ),
        Hostile(
            "named.xlsx",
            "an unsupported type named explicitly",
            FAILED,
            "unsupported file type .xlsx",
            _bytes(b"PK"),
            True,
        ),
        Hostile("fifo-named.txt", "a FIFO named explicitly", FAILED, "not a regular file", _fifo, True),
    ]
    if os.geteuid() != 0:
        cases.append(
            Hostile(
                "mode-000.txt", "a file without read permission", FAILED, "permission denied", _unreadable
            )
        )
    return cases


def _make_all(root: Path, cases: list[Hostile]) -> None:
    (root / "folder").mkdir()
    for case in cases:
        if case.explicit and str(case.name).startswith(GOOD):
            (root / GOOD).write_text("Explicit good file.\n")  # so that GOOD/child.txt passes through a file
        case.make(case.path(root) if "#" not in str(case.name) else root / "folder" / "mixed.mbox")


def _command_line(root: Path, cases: list[Hostile]) -> list[str]:
    explicit = [str(case.path(root)) for case in cases if case.explicit]
    return [str(root / "folder"), *explicit]


@dataclass
class Run:
    """One `casegraph ingest` over the hostile set, and what it left."""

    root: Path
    db: Path
    cases: list[Hostile]
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """The hostile set made, then ingested once through the CLI (a file vanishes, one becomes a FIFO)."""
    root = tmp_path_factory.mktemp("hostile")
    cases = hostile_cases()
    _make_all(root, cases)
    import casegraph.pipeline

    real_list = casegraph.pipeline.list_files

    def list_then_tamper(paths: Any, *, recursive: bool) -> Any:
        found = real_list(paths, recursive=recursive)
        (root / "folder" / VANISHING).unlink()
        (root / "folder" / SWAPPED).unlink()
        os.mkfifo(root / "folder" / SWAPPED)
        return found

    db = root / "case.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(casegraph.pipeline, "list_files", list_then_tamper)
        result = CliRunner().invoke(
            cli,
            ["ingest", *_command_line(root, cases), "--db", str(db), "--recursive", "--quiet"],
            env={"CASEGRAPH_MAX_READ_MEMORY_MB": MEMORY_MB},
        )
    yield Run(root, db, cases, result.exit_code, result.stdout, result.stderr, result.exception)


def _failed_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("failed ")]


def _shown(text: str) -> str:
    """A path as the CLI prints it on one line (control characters escaped)."""
    return "".join(ch if ch >= " " else repr(ch)[1:-1] for ch in text)


def test_hostile_ingest_exits_1_with_one_line_per_failure_and_no_traceback(run: Run) -> None:
    assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
    assert run.code == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = _failed_lines(run.stderr)
    failed = [case for case in run.cases if case.expect == FAILED]
    assert len(lines) == len(failed), "\n".join(lines)
    for case in failed:
        shown = _shown(case.display(run.root))
        (line,) = [line for line in lines if line.startswith(f"failed {shown}: ")]
        assert case.words in line, line
    summary = run.stdout.strip().splitlines()[-1]
    ingested = sum(case.expect == INGESTED for case in run.cases)
    duplicates = sum(case.expect == DUPLICATE for case in run.cases)
    counts = rf"skipped {duplicates} duplicate\(s\), failed {len(failed)}"
    assert re.fullmatch(rf"ingested {ingested}( \(\d+ text only\))?, {counts}", summary), summary


def test_hostile_failures_are_listed_for_a_retry(run: Run) -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["failures", "--db", str(run.db), "--json"]).stdout)
    expected = {case.display(run.root): case.words for case in run.cases if case.expect == FAILED}
    assert {row["path"] for row in listed} == set(expected)
    assert all(expected[row["path"]] in row["reason"] and "\n" not in row["reason"] for row in listed)
    plain = runner.invoke(cli, ["failures", "--db", str(run.db)]).stdout.splitlines()
    assert len(plain) == len(expected)
    paths = runner.invoke(cli, ["failures", "--db", str(run.db), "--paths", "-0"]).stdout_bytes
    names = paths.split(b"\0")[:-1]
    assert os.fsencode(run.root / "folder" / "mixed.mbox") in names  # a failed message retries its mailbox
    assert os.fsencode(run.root / "folder" / "new\nline.txt") in names  # -0 keeps names whole
    assert len(names) == len(set(names)) == len(expected)


def test_hostile_store_is_intact_and_holds_every_good_document(run: Run) -> None:
    with sqlite3.connect(run.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        doc_rows = dict(conn.execute("SELECT path, text FROM documents").fetchall())
        rowids = [r for (r,) in conn.execute("SELECT rowid FROM documents ORDER BY rowid")]
        fts = [r for (r,) in conn.execute("SELECT rowid FROM doc_fts ORDER BY rowid")]
    assert fts == rowids
    good = [case for case in run.cases if case.expect == INGESTED]
    assert sorted(doc_rows) == sorted(_stored_path(case, run.root) for case in good)
    for case in good:
        assert case.words in doc_rows[_stored_path(case, run.root)], case.name
    with open_case(run.db) as opened:
        hits = opened.search("Reina nightclub").hits
    assert {Path(h.path).name for h in hits} >= {GOOD, "nested-100000-divs.html"}


def _stored_path(case: Hostile, root: Path) -> str:
    """The document path: a folder named explicitly stores the file inside it."""
    return case.display(root) + ("/inner.txt" if case.name == "report.pdf" else "")


def test_hostile_outcomes_table(run: Run) -> None:
    """The table for docs/reliability.md (printed with -s), checked against the run."""
    reasons = {
        row["path"]: row["reason"]
        for row in json.loads(CliRunner().invoke(cli, ["failures", "--db", str(run.db), "--json"]).stdout)
    }
    rows = []
    for case in run.cases:
        outcome = "failed" if case.display(run.root) in reasons else case.expect
        assert outcome == case.expect or case.expect != FAILED, case.name
        shown = reasons.get(case.display(run.root), case.words if case.expect == INGESTED else "")
        rows.append(f"| {case.what} | {outcome} | {shown.replace('|', '/')} |")
    counts = {
        kind: sum(c.expect == kind for c in run.cases) for kind in (INGESTED, DUPLICATE, FAILED, SKIPPED)
    }
    print(f"\n{len(run.cases)} hostile inputs: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    print("| input | outcome | reason (failed) or words found (ingested) |\n|---|---|---|")
    print("\n".join(rows))
    assert len(rows) >= 50


# --- the time limit, and a retry of the failures --------------------------------------------------

SLOW = "3"  # CASEGRAPH_MAX_DOC_SECONDS in these runs: each slow input costs this long


def _huge_html(path: Path) -> None:
    """15 MB of paragraphs: trafilatura needs about 30 s for it."""
    rows = (b"<p>Paragraph %d about the police in Ankara.</p>\n" % i for i in range(300_000))
    path.write_bytes(b"<html><body>" + b"".join(rows) + b"</body></html>")


def _long_text(path: Path) -> None:
    """A million characters of news: extraction needs far longer than the limit."""
    path.write_text((NEWS.read_text() + "\n\n") * 100)


def test_time_limit_fails_slow_reading_and_extraction_and_the_run_goes_on(tmp_path: Path) -> None:
    from casegraph.pipeline import warm_up

    warm_up()  # a process's first extraction also loads its tables; that is not what is timed here
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "form-bomb.pdf").write_bytes(_form_bomb(7, 10))  # PDFium in C: the helper is killed
    _huge_html(folder / "huge.html")  # Python: the timer interrupts it
    _long_text(folder / "0-long.txt")  # first in its batch: the good file after it is parsed afresh
    shutil.copy(NEWS, folder / GOOD)
    result = CliRunner().invoke(
        cli,
        ["ingest", str(folder), "--db", str(tmp_path / "case.db"), "--quiet"],
        env={"CASEGRAPH_MAX_DOC_SECONDS": SLOW, "CASEGRAPH_MAX_READ_MEMORY_MB": "8192"},
    )
    assert result.exit_code == 1, result.output
    reasons = dict(line.removeprefix("failed ").split(": ", 1) for line in _failed_lines(result.stderr))
    limit = f"took longer than the {SLOW} s limit; raise CASEGRAPH_MAX_DOC_SECONDS to allow more"
    assert {Path(path).name: reason for path, reason in reasons.items()} == {
        "form-bomb.pdf": f"reading {limit}",
        "huge.html": f"reading {limit}",
        "0-long.txt": f"extraction {limit}",
    }
    assert result.stdout.startswith("ingested 1,")


def test_time_limit_holds_in_local_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from casegraph.pipeline import ingest_paths

    folder = tmp_path / "slow"
    folder.mkdir()
    _long_text(folder / "0-long.txt")
    shutil.copy(NEWS, folder / GOOD)
    monkeypatch.setenv("CASEGRAPH_MAX_DOC_SECONDS", SLOW)
    with open_case(tmp_path / "case.db") as case:
        report = ingest_paths(case.store, [folder], workers=2)
    assert [Path(p).name for p in report.ingested] == [GOOD]
    assert [(Path(p).name, r.split(" took")[0]) for p, r in report.failed] == [("0-long.txt", "extraction")]


# Turkish: casegraph has no extraction pipeline for it, so the retry stores text without loading spaCy.
TURKISH = "Trabzon limanında kaptan, şüphelinin gece yarısı gemiye bindiğini söyledi: {}.\n"
TURKISH_MBOX = (
    "From a@x.org Mon Jan  2 10:00:00 2017\nFrom: Ali <a@x.org>\nSubject: bir\n\n"
    + TURKISH.format("ilk mesaj")
    + "\nFrom junk Mon Jan  2 10:01:00 2017\nJUNK\n\n"
    + "From c@x.org Mon Jan  2 10:02:00 2017\nFrom: Cem <c@x.org>\nSubject: üç\n\n"
    + TURKISH.format("üçüncü mesaj")
).encode("utf-8")


def test_failures_paths_retry_clears_the_files_that_now_read(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    odd = ["new\nline.txt", os.fsdecode(b"caf\xe9.txt"), "-dash.txt", "copy.txt"]
    for name in odd:
        (folder / name).write_bytes(b"")
    (folder / "box.mbox").write_bytes(TURKISH_MBOX.replace(b"JUNK", b"\x01\x02 garbage"))
    (folder / "still-bad.pdf").write_bytes(b"%PDF-1.4 not really")
    db = str(tmp_path / "case.db")
    first = CliRunner().invoke(cli, ["ingest", str(folder), "--db", db, "--quiet"])
    assert first.exit_code == 1 and len(_failed_lines(first.stderr)) == 6, first.output
    for name in odd[:3]:  # fixed; copy.txt gets the text of -dash.txt, so it is read as a duplicate
        (folder / name).write_text(TURKISH.format(repr(name)))
    (folder / "copy.txt").write_bytes((folder / "-dash.txt").read_bytes())
    fixed = "From: x@y.org\n\n" + TURKISH.format("ikinci mesaj")
    (folder / "box.mbox").write_bytes(TURKISH_MBOX.replace(b"JUNK", fixed.encode("utf-8")))
    python = shlex.quote(sys.executable)
    retry = subprocess.run(
        f"{python} -m casegraph failures --db {shlex.quote(db)} --paths -0"
        f" | xargs -0 {python} -m casegraph ingest --db {shlex.quote(db)} --quiet --",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert retry.returncode == 123, retry.stderr  # xargs: the command exited 1 (still-bad.pdf)
    assert "Traceback" not in retry.stderr
    assert "ingested 4 (4 text only), skipped 3 duplicate(s), failed 1" in retry.stdout
    left = json.loads(CliRunner().invoke(cli, ["failures", "--db", db, "--json"]).stdout)
    assert [Path(row["path"]).name for row in left] == ["still-bad.pdf"]
