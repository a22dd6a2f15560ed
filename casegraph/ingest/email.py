"""E-mail (.eml, one message) and mailboxes (.mbox, one Document per message).

The Document text is a header block written here ("From: ...\\nTo: ...\\nCc: ...\\nDate: ...\\n
Subject: ...\\n\\n") followed by the body without quoted replies. Each person in the block is a
Field whose span points at "Name <addr>" in the text. Message-ID and folder headers stay out
of the text, so one message filed twice yields the same text (the pipeline de-duplicates on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.headerregistry import HeaderRegistry
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from casegraph.errors import IngestError
from casegraph.ingest.common import make_document, normalize_newlines, stem_title, tidy_lines
from casegraph.ingest.dates import datetime_date
from casegraph.ingest.encoding import decode_bytes
from casegraph.ingest.files import read_bytes
from casegraph.ingest.html import html_to_text
from casegraph.ingest.limits import doc_seconds, time_limit
from casegraph.ingest.replies import cut_quoted
from casegraph.model import Document, Field

# Header block lines, in order: (header and Field name, label in the text).
PEOPLE = [("from", "From"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc")]
NOT_EMAIL = "not an e-mail message: it has no From, To, Subject or Date header"
NO_TEXT = "no text in this e-mail: its headers and body are empty"
TOO_DEEP = "MIME parts nested too deeply to read (hundreds of levels): not a real e-mail"
# Enron-style headers that carry the display names the address headers lack.
X_NAMES = {"from": "x-from", "to": "x-to", "cc": "x-cc", "bcc": "x-bcc"}
_LAST_FIRST = re.compile(r"^([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?),\s+([A-Z][\w.'’ -]*)$")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "inc", "inc.", "llc", "ltd", "ltd.", "phd", "md"}
_NOTES_NAME = re.compile(r"^([^/@<>]+)/[^@]*@[\w.]+$")  # "Phillip K Allen/HOU/ECT@ECT"
# The lookbehind starts a match only where an address can start: a long run of letters without an
# "@" after it is then passed over once, not retried from each of its letters (quadratic).
_PLAIN_ADDR = re.compile(r"(?<![^\s<>\"'(),;:@\[\]])[^\s<>\"'(),;:@\[\]]+@[^\s<>\"'(),;:@\[\]]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATES = re.compile("[\udc80-\udcff]")
_REGISTRY = HeaderRegistry()
_ADDR_COMMENT = re.compile(r"^'?([^\s'@(]+@[^\s'(]+)'?\s*\((.+)\)$")  # "rob@x.ca (Robert W. Tom)"


@dataclass
class Block:
    """The header block being written, with a Field for each value placed in it."""

    text: str = ""
    fields: list[Field] = field(default_factory=list)

    def line(self, label: str, name: str, values: list[str]) -> None:
        """Write "Label: v1, v2" and record one Field per value at its exact span."""
        self.text += f"{label}: "
        for i, value in enumerate(values):
            if i:
                self.text += ", "
            self.fields.append(Field(name, value, len(self.text), len(self.text) + len(value)))
            self.text += value
        self.text += "\n"


def read_eml(path: Path, *, display: str, ref_date: str | None) -> list[Document]:
    """Read one e-mail message into one Document."""
    data = read_bytes(path)
    if not data or data.isspace():
        raise IngestError("empty file")
    return [message_document(data, display=display, ref_date=ref_date, fmt="eml")]


def read_mbox(
    path: Path, *, display: str, ref_date: str | None, failed: list[tuple[str, str]] | None = None
) -> list[Document]:
    """Read a mailbox into one Document per message (path "file.mbox#n", n from 1).

    A message that cannot be read (or takes longer than max_doc_seconds) fails the mailbox, unless
    ``failed`` is given: then it is added there as (path, reason) and the other messages are read.
    """
    data = read_bytes(path)
    if not data or data.isspace():
        raise IngestError("empty file")
    docs = []
    for n, raw in enumerate(split_mbox(data), start=1):
        try:
            with time_limit(doc_seconds(), what="reading this message"):
                docs.append(message_document(raw, display=f"{display}#{n}", ref_date=ref_date, fmt="mbox"))
        except IngestError as err:
            if failed is None:
                raise IngestError(f"message {n}: {err}") from err
            failed.append((f"{display}#{n}", str(err)))
    if not docs and not failed:
        raise IngestError("no messages in this mbox file")
    return docs


def split_mbox(data: bytes) -> list[bytes]:
    """Split an mbox into its messages' bytes, without the "From " separator lines."""
    if not data.startswith(b"From "):
        raise IngestError("not an mbox file: it must start with a 'From ' line (an .eml holds one message)")
    messages: list[list[bytes]] = []
    previous_blank = True
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From ") and previous_blank:
            messages.append([])
        else:
            messages[-1].append(line)
        previous_blank = not line.strip()
    return [b for b in (_strip_separator(lines) for lines in messages) if b.strip()]


def _strip_separator(lines: list[bytes]) -> bytes:
    """A message's bytes without the blank line that separates it from the next one."""
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    return b"".join(lines)


def message_document(data: bytes, *, display: str, ref_date: str | None, fmt: str) -> Document:
    """Build the Document for one message's bytes."""
    try:
        return _message_document(data, display=display, ref_date=ref_date, fmt=fmt)
    # The standard parser recurses once per level of MIME parts inside parts.
    except RecursionError as err:
        raise IngestError(TOO_DEEP) from err


def _message_document(data: bytes, *, display: str, ref_date: str | None, fmt: str) -> Document:
    msg = _parse(_unescape_from(data) if fmt == "mbox" else data)
    if not any(_raw_values(msg, name) for name in ("from", "to", "subject", "date")):
        raise IngestError(NOT_EMAIL)
    block = _header_block(msg)
    body, meta = _body(msg)
    text = block.text + "\n" + body if body else block.text.rstrip("\n")
    if not text.strip():
        raise IngestError(NO_TEXT)
    subject = _header(msg, "subject")
    meta["message_id"] = _header(msg, "message-id") or None
    return make_document(
        data=data,
        display=display,
        fmt=fmt,
        title=subject or stem_title(display),
        text=text,
        ref_date=ref_date,
        own_date=(_date(msg), "header"),
        body=body,
        fields=block.fields,
        meta={k: v for k, v in meta.items() if v not in (None, [], 0)},
    )


def _unescape_from(data: bytes) -> bytes:
    """Undo mbox ">From " quoting inside a message body."""
    return re.sub(rb"(?m)^>(>*From )", rb"\1", data)


def _parse(data: bytes) -> Message:
    """Parse with the modern policy; fall back to compat32 for messages it cannot take."""
    try:
        return BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise
    # The modern parser raises assorted errors on malformed MIME; compat32 is lenient.
    except Exception:  # noqa: BLE001
        return BytesParser(policy=policy.compat32).parsebytes(data)


def _header_block(msg: Message) -> Block:
    """Write From/To/Cc/(Bcc)/Date/Subject lines, skipping the empty ones."""
    block = Block()
    seen: set[str] = set()
    for name, label in PEOPLE:
        people = _people(msg, name, X_NAMES[name])
        if name == "bcc":  # Enron copies Cc into Bcc; only people not already named are news
            people = [p for p in people if _addr_key(p) not in seen]
        seen.update(_addr_key(p) for p in people)
        if people:
            block.line(label, name, people)
    for name, label in (("date", "Date"), ("subject", "Subject")):
        value = _header(msg, name)
        if value:
            block.line(label, name, [value])
    return block


def _addr_key(person: str) -> str:
    """The address part of "Name <addr>" (or the value itself), lower-cased."""
    match = re.search(r"<([^<>]+)>$", person)
    return (match.group(1) if match else person).lower()


def _people(msg: Message, header: str, x_header: str) -> list[str]:
    """The people in an address header as "Name <addr>" or "addr", names filled from X- headers."""
    pairs = _addresses(msg, header)
    names = _x_names(_header(msg, x_header))
    if len(names) == len(pairs):
        pairs = [(name or x_name, addr) for (name, addr), x_name in zip(pairs, names, strict=True)]
    return [person for person in (_person(name, addr) for name, addr in pairs) if person]


def _addresses(msg: Message, header: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of every instance of an address header."""
    pairs: list[tuple[str, str]] = []
    for value in _raw_values(msg, header):
        found = _parse_addresses(header, value)
        # The modern parser drops "(Name)" comments; the classic parser keeps them as the name.
        classic = getaddresses([_decode(value)])
        if len(classic) == len(found):
            found = [(name or c_name, addr) for (name, addr), (c_name, _) in zip(found, classic, strict=True)]
        pairs.extend(found)
    return pairs


def _parse_addresses(header: str, value: str) -> list[tuple[str, str]]:
    """Parse one address header value with the modern parser, else the lenient classic one."""
    try:
        parsed: Any = _REGISTRY(header, value)  # an AddressHeader for the address headers
        return [(_fix_8bit(a.display_name), a.addr_spec) for a in parsed.addresses]
    except Exception:  # noqa: BLE001 - the modern parser fails on some malformed lists
        return getaddresses([_decode(value)])


def _raw_values(msg: Message, name: str) -> list[str]:
    """Every value of a header as written (unfolded, 8-bit bytes decoded), encoded words kept."""
    values = [v for k, v in msg.raw_items() if k.lower() == name]
    return [_fix_8bit(re.sub(r"\r?\n[ \t]+", " ", str(v))).strip() for v in values]


def _x_names(value: str) -> list[str]:
    """The names in an Enron X-To / X-cc / X-From header, in order."""
    if not value.strip():
        return []
    if "<" in value:
        # The text before each "<addr>" (a regular expression for this is quadratic on a long "<" run).
        chunks = (chunk.rpartition("<") for chunk in value.split(">")[:-1])
        items = [before.rsplit("<", 1)[-1].strip(" ,") for before, sep, _ in chunks if sep]
    else:
        items = [item.strip() for item in value.split(",")]
    return [_x_name(item) for item in items if item]


def _x_name(item: str) -> str:
    """One X- header entry as a name ("" when it is only an address)."""
    comment = _ADDR_COMMENT.match(item)
    if comment:
        return comment.group(2)
    notes = _NOTES_NAME.match(item)
    if notes:
        return notes.group(1).strip()
    return "" if "@" in item else item.strip("'\" ")


def _person(name: str, addr: str) -> str:
    """Format one person as "Name <addr>", "addr" or "Name" ("" when there is neither)."""
    addr = addr.strip(" <>")
    if "@" in addr and not _PLAIN_ADDR.fullmatch(addr):
        found = _PLAIN_ADDR.search(addr)  # a mangled header: keep the address inside it
        addr = found.group(0) if found else addr
    name = _clean_name(name, addr)
    if name and addr:
        return f"{name} <{addr}>"
    return addr or name


def _clean_name(name: str, addr: str) -> str:
    """A display name without quotes; "Allen, Phillip K." turned into "Phillip K. Allen"."""
    name = " ".join(_decode(name).strip("'\" ").split())
    if not name or "@" in name or name.lower() == addr.lower():
        return ""
    match = _LAST_FIRST.match(name)
    if match and match.group(2).lower() not in _SUFFIXES:
        return f"{match.group(2)} {match.group(1)}"
    return name


def _header(msg: Message, name: str) -> str:
    """A header's decoded value on one line, as written ("" when absent)."""
    values = _raw_values(msg, name)
    return " ".join(_decode(values[0]).split()) if values else ""


def _fix_8bit(value: str) -> str:
    """Decode raw 8-bit bytes in a header (the parser keeps them as surrogate escapes)."""
    if not _SURROGATES.search(value):
        return value
    return _decode_chunk(value.encode("utf-8", "surrogateescape"), None)


def _decode(value: str) -> str:
    """Decode RFC 2047 encoded words; an unknown charset is guessed, never fatal."""
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except (ValueError, LookupError, UnicodeError, HeaderParseError):  # e.g. "=?utf-8?B?not base64?="
        return value
    return "".join(c if isinstance(c, str) else _decode_chunk(c, charset) for c, charset in chunks)


def _decode_chunk(data: bytes, charset: str | None) -> str:
    """Decode header bytes by their charset, else UTF-8, else the most plausible legacy code page."""
    for encoding in (charset or "ascii", "utf-8"):
        try:
            return data.decode(encoding)
        except (LookupError, ValueError):  # unknown or malformed charset names, undecodable bytes
            continue
    try:
        return decode_bytes(data)[0]
    except IngestError:
        return data.decode("latin-1")


def _date(msg: Message) -> str | None:
    """The Date header as an ISO date, in the sender's own time zone."""
    raw = _header(msg, "date")
    try:
        return datetime_date(parsedate_to_datetime(raw)) if raw else None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _body(msg: Message) -> tuple[str, dict[str, Any]]:
    """The body text without quoted replies, and what was learnt on the way (meta)."""
    plain, html, attachments = _parts(msg)
    if plain is not None:
        raw, kind = plain, "plain"
    elif html is not None:
        raw, kind = html_to_text(html), "html"
    else:
        raw, kind = "", None
    # Control characters (a binary part mislabelled as text) carry nothing and upset stores.
    body, quoted = cut_quoted(_CONTROLS.sub("", normalize_newlines(raw)))
    return tidy_lines(body), {"body": kind, "quoted_chars": quoted, "attachments": attachments}


def _parts(msg: Message) -> tuple[str | None, str | None, list[str]]:
    """The first text/plain and text/html bodies, and the attachments' names."""
    plain: str | None = None
    html: str | None = None
    attachments: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("multipart/"):
            ctype = "text/plain"  # a multipart without a usable boundary: its payload is the text
        elif _is_attachment(part):
            attachments.append(_filename(part) or ctype)
            continue
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and html is None:
            html = _part_text(part)
    return plain, html, attachments


def _is_attachment(part: Message) -> bool:
    """True for attached files (not the message's own text)."""
    try:
        disposition = part.get_content_disposition()
    except Exception:  # noqa: BLE001 - malformed Content-Disposition: treat as inline
        disposition = None
    return disposition == "attachment" or not part.get_content_type().startswith("text/")


def _filename(part: Message) -> str | None:
    """An attachment's file name, if readable."""
    try:
        return part.get_filename()
    except Exception:  # noqa: BLE001 - malformed parameters: the name is unknown
        return None


def _part_text(part: Message) -> str:
    """A text part's content, decoded by its charset, else by guessing."""
    try:
        text: str | None = str(part.get_content())  # type: ignore[attr-defined]
    # Unknown charsets, bad transfer encodings, compat32 parts: decode the bytes ourselves.
    except Exception:  # noqa: BLE001
        text = None
    if text is not None and "\ufffd" not in text:
        return text
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else str(payload or "").encode("utf-8", "surrogateescape")
    try:
        return decode_bytes(data, declared=part.get_content_charset())[0]
    except IngestError:
        return data.decode("utf-8", errors="replace")
