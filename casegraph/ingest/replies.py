"""Cut quoted replies and forwarded messages out of an e-mail body.

A reply quotes the thread below it; each of those messages is (or will be) its own
document, so keeping the quotes would count every fact once per reply. Cut points:
"-----Original Message-----", "----- Forwarded by", "---------- Forwarded message",
"Begin forwarded message:", "On <date>, <name> wrote:" and Outlook / Lotus Notes header
blocks ("From: ... Sent: ...", "From: X on 12/13/2000 12:04 PM", a name over a "12/13/2000 11:17 AM"
line over To:/cc:). Lines starting with ">" go too.
"""

from __future__ import annotations

import re

_CUT_LINE = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:Original Message|Forwarded message|Weitergeleitete Nachricht|Message d'origine)\s*-{2,}"
    r"|-{2,}\s*Forwarded by\b"
    r"|Begin forwarded message:"
    r")",
    re.IGNORECASE,
)
_FROM = re.compile(r"^\s*\**From:\**\s*\S", re.IGNORECASE)
_NOTES_FROM = re.compile(r"^\s*From:.*\bon\s+\d{1,2}/\d{1,2}/\d{2,4}", re.IGNORECASE)
_NOTES_STAMP = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d\d(?::\d\d)?\s*(?:[AP]M)?\s*$", re.I)
_HEADER = re.compile(r"^\s*\**(?:Sent|Date|To|Cc|Subject|Sent by)\s*:", re.IGNORECASE)
_ON_WROTE = re.compile(r"^\s*On\b.{4,250}\bwrote:\s*$", re.IGNORECASE | re.DOTALL)
_WROTE = re.compile(r"(?:wrote|writes|schrieb|a écrit)\s*:\s*$", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")
_RULE = re.compile(r"^[\s_\-=*]*$")
HEADER_WINDOW = 6  # the Sent:/To:/Subject: lines follow From: within a few lines


def cut_quoted(body: str) -> tuple[str, int]:
    """Return (the body without quoted replies, number of characters cut)."""
    lines = body.split("\n")
    end = _cut_index(lines)
    kept = lines[:end]
    drop = {j for i in range(len(kept)) for j in _attribution(kept, i)}
    kept = [line for i, line in enumerate(kept) if i not in drop and not _QUOTED.match(line)]
    while kept and _RULE.match(kept[-1]):
        kept.pop()  # the "_____" or "-----" rule Outlook puts above a quoted header
    text = "\n".join(kept)
    return text, len(body) - len(text)


def _cut_index(lines: list[str]) -> int:
    """Index of the first line of the quoted tail (len(lines) when nothing is quoted)."""
    for i, line in enumerate(lines):
        if _CUT_LINE.match(line) or _header_block(lines, i) or _notes_block(lines, i):
            return i
        if _on_wrote(lines, i) and not _interleaved(lines, i):
            return i
    return len(lines)


def _header_block(lines: list[str], i: int) -> bool:
    """A quoted message's header: "From:" followed within a few lines by Sent:/To:/Subject:."""
    if not _FROM.match(lines[i]):
        return False
    if _NOTES_FROM.match(lines[i]):
        return True
    window = lines[i + 1 : i + 1 + HEADER_WINDOW]
    return any(_HEADER.match(line) for line in window)


def _notes_block(lines: list[str], i: int) -> bool:
    """A Lotus Notes quote: a name line, a "12/13/2000 11:17 AM" line, then To:/cc:/Subject: lines."""
    if not lines[i].strip() or len(lines[i].strip()) > 80 or i + 1 >= len(lines):
        return False
    if not _NOTES_STAMP.match(lines[i + 1]):
        return False
    window = lines[i + 2 : i + 2 + HEADER_WINDOW]
    return any(_HEADER.match(line) for line in window)


def _on_wrote(lines: list[str], i: int) -> bool:
    """An "On <date>, <name> wrote:" attribution, possibly wrapped over two lines."""
    if _ON_WROTE.match(lines[i]):
        return True
    pair = lines[i] + " " + lines[i + 1] if i + 1 < len(lines) else ""
    return lines[i].lstrip().startswith("On ") and bool(_ON_WROTE.match(pair))


def _interleaved(lines: list[str], i: int) -> bool:
    """True when the attribution heads ">" quotes answered in between (then only quotes go)."""
    rest = [line for line in lines[i + 1 :] if line.strip()]
    seen_quote = False
    for line in rest:
        if _QUOTED.match(line):
            seen_quote = True
        elif seen_quote and not _WROTE.search(line):
            return True
    return False


def _attribution(lines: list[str], i: int) -> list[int]:
    """The line(s) of a "<name> wrote:" attribution starting at i, when quotes follow it; else []."""
    if _on_wrote(lines, i) and not _ON_WROTE.match(lines[i]):
        span = [i, i + 1]  # "On <date>, <name>" wrapped onto a second line ending "wrote:"
    elif _WROTE.search(lines[i]) and len(lines[i]) <= 250:
        span = [i]
    else:
        return []
    following = [line for line in lines[span[-1] + 1 : span[-1] + 8] if line.strip()][:3]
    return span if any(_QUOTED.match(line) for line in following) else []
