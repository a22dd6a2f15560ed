"""A document's own date: datelines near the top of a text, and metadata date strings.

Only explicit dates count: a month written as a word with a four-digit year
("Sept 20, 2016", "20 Eylül 2016", "September 2016") or an ISO date (2016-09-20).
Numeric day/month orders ("8-3-16", "03/04/2016") are ambiguous and never guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from casegraph.errors import SettingsError

LINES = 5  # datelines sit in the first few non-empty lines
MAX_LINE = 200  # a longer line is body text: only its start may hold a dateline
MAX_OTHER_WORDS = 6  # a date-only line may also hold "Published", a weekday, a time, a byline
LANGUAGES = ["en", "tr", "de", "fr", "es", "it", "nl", "pt"]

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WORD_MONTH = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+)?[^\W\d_]{{3,10}}\.?,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?{_YEAR}"
)
_ISO = rf"{_YEAR}-[01]\d-[0-3]\d"
DATE_RE = re.compile(rf"(?<![\w-])(?:{_ISO}|{_WORD_MONTH})(?![\w-])")
# "ANKARA, Sept 20, 2016 (Reuters) -": place, comma, date, optional agency, dash.
DATELINE_RE = re.compile(
    rf"^[^\W\d_][^\n]{{0,60}}?,\s*(?P<date>{_ISO}|{_WORD_MONTH})\s*(?:\([^)\n]{{1,40}}\))?\s*[-—–:]"
)
# "Sept 20, 2016 - Police said ..." or "20 Eylül 2016 —".
LEADING_RE = re.compile(rf"^(?P<date>{_ISO}|{_WORD_MONTH})\s*(?:\([^)\n]{{1,40}}\))?\s*[-—–]")
_BIRTH = re.compile(r"\b(?:birth|born|dob|d\.o\.b|doğum|geboren|naissance|nacimiento)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_TIME = re.compile(r"\b\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?\b", re.IGNORECASE)


def find_dateline(text: str) -> str | None:
    """Return the ISO date of a dateline or date-only line in the first lines of a text, else None."""
    lines = [line.strip() for line in text.split("\n", 50)[:50] if line.strip()][:LINES]
    for i, line in enumerate(lines):
        # A dateline opens the article's first paragraph, so only the line's start is looked at.
        found = _dateline_date(line[:MAX_LINE])
        if not found and len(line) <= MAX_LINE and not _about_birth(lines[max(i - 1, 0) : i + 1]):
            found = _date_only_line(line)
        if found:
            return found
    return None


def _about_birth(lines: list[str]) -> bool:
    """True when a date sits under or beside a "Date of birth" label: a person's date, not the document's."""
    return any(_BIRTH.search(line) for line in lines)


def _dateline_date(line: str) -> str | None:
    """The date of a "PLACE, DATE (Agency) -" or "DATE -" dateline."""
    match = DATELINE_RE.match(line) or LEADING_RE.match(line)
    return parse_explicit(match.group("date")) if match else None


def _date_only_line(line: str) -> str | None:
    """The date of a line that holds little besides one date ("Published: 20 September 2016")."""
    for part in re.split(r"\s[|·•]\s", line):
        match = DATE_RE.search(part)
        if not match:
            continue
        rest = _TIME.sub(" ", part[: match.start()] + " " + part[match.end() :])
        if len(_WORD.findall(rest)) <= MAX_OTHER_WORDS:
            found = parse_explicit(match.group(0))
            if found:
                return found
    return None


def parse_explicit(candidate: str) -> str | None:
    """Parse one explicit date string ("Sept 20, 2016", "2016-09-20") to ISO; None when not a date."""
    candidate = candidate.strip().rstrip(",")
    if re.fullmatch(_ISO, candidate):
        return _valid_iso(candidate)
    if not re.search(_YEAR, candidate) or not re.search(r"[^\W\d_]{3}", candidate):
        return None
    data = _parser().get_date_data(candidate)
    when = data.date_obj
    if not isinstance(when, datetime) or data.period not in ("day", "month"):
        return None
    return when.date().isoformat()


def _valid_iso(text: str) -> str | None:
    """The ISO date if it names a real day (2016-02-30 does not)."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _parser() -> Any:
    """One dateparser instance: absolute dates only, month and year required, nothing relative."""
    from dateparser.date import DateDataParser

    options = {
        "REQUIRE_PARTS": ["month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": ["absolute-time"],
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=LANGUAGES, settings=options)


def pdf_date(value: str | None) -> str | None:
    """Convert a PDF date ("D:20210324130055-07'00'") to ISO yyyy-mm-dd; None when malformed."""
    if not value:
        return None
    # A year alone is too vague to stand for the document's date; a missing day is the 1st.
    match = re.match(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})?", value)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3) or "01"
    found = _valid_iso(f"{year}-{month}-{day}")
    return found if found and 1900 <= int(year) <= 2100 else None


def datetime_date(value: datetime | None) -> str | None:
    """The ISO date of a datetime as written (in its own time zone), or None."""
    return value.date().isoformat() if value is not None else None


def check_ref_date(ref_date: str | None) -> str | None:
    """Validate a reference date given by the user: ISO yyyy-mm-dd or None."""
    if ref_date is None:
        return None
    try:
        return date.fromisoformat(ref_date.strip()).isoformat()
    except ValueError as err:
        raise SettingsError(f"reference date {ref_date!r} is not a date; give it as yyyy-mm-dd") from err
