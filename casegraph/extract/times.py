"""Time expressions: spaCy DATE/TIME spans normalised against the document date.

Own rules first (casegraph.extract._timex: cheap, predictable, past-biased as news is written),
the Microsoft recognizer as fallback for what they do not know. Only spans spaCy tagged
DATE or TIME are normalised, so the verb "may" never becomes a month. docs/times.md has the rules.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from spacy.tokens import Doc, Span

from casegraph.errors import ExtractError
from casegraph.extract._timex import (
    DURATION,
    MODIFIERS,
    MONTHS,
    PRECISIONS,
    RECOGNIZER_TRAPS,
    UNKNOWN,
    Normalised,
    clean,
    resolve,
    season,
)
from casegraph.extract._timex import strip_modifiers as _strip_modifiers
from casegraph.model import Document, TimeExpr, make_id

__all__ = ["MODIFIERS", "PRECISIONS", "Normalised", "extract_times", "is_future", "normalise_time"]

LABELS = ("DATE", "TIME")
# The recognizer is a fallback for short phrases; a longer span is not a time expression.
MAX_RECOGNIZER_CHARS = 80
# The rules read "N years ago" themselves; a recognizer answer this far from the reference with no
# year written in the text is a misreading.
MAX_UNWRITTEN_YEARS = 5
# Without a reference date the recognizer still needs one: a result counts as absolute only
# when two far-apart references give the same answer.
_PROBE_REFS = (datetime(2003, 3, 14), datetime(2011, 11, 2))
_ISO_PREFIX = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_YEARS_IN_TEXT = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")
_FUTURE_AUX = {"will", "'ll", "\u2019ll", "shall", "wo"}


def normalise_time(text: str, ref: str | None, *, future: bool = False) -> Normalised:
    """Normalise one time expression against ref ("YYYY-MM-DD" or None), past-biased unless future."""
    return _normalise(text, _parse_ref(ref), future)


def extract_times(sdoc: Doc, doc: Document) -> list[TimeExpr]:
    """Return the DATE (and date-bearing TIME) entities of sdoc, normalised against doc.date."""
    if sdoc.text != doc.text:
        raise ExtractError(f"spaCy Doc does not match the text of {doc.path}; parse doc.text itself")
    ref = _parse_ref(doc.date)
    times = []
    for ent in sdoc.ents:
        if ent.label_ not in LABELS:
            continue
        start, end = _widen(ent)
        norm = _normalise(doc.text[start:end], ref, is_future(ent))
        # A TIME span without a date ("36-minute", "10 a.m.") places nothing on a timeline.
        if ent.label_ == "TIME" and norm.value is None:
            continue
        times.append(_time_expr(doc, start, end, norm))
    return times


def _widen(ent: Span) -> tuple[int, int]:
    """The span of ent, taking in a day number spaCy left out before a month ("30 | DECEMBER")."""
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    if (
        before is not None
        and before.text.isascii()
        and before.text.isdigit()
        and 1 <= int(before.text) <= 31
        and ent[0].lower_.rstrip(".") in MONTHS
        and (before.i == 0 or not ent.doc[before.i - 1].like_num)
    ):
        return before.idx, ent.end_char
    return ent.start_char, ent.end_char


def is_future(ent: Span) -> bool:
    """Whether the clause governing ent is in the future tense ("will meet on Saturday")."""
    if not ent.doc.has_annotation("DEP"):
        return False
    for token in [ent.root, *ent.root.ancestors]:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        if any(child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX for child in token.children):
            return True
        if token.tag_ in ("VBD", "VBN"):
            return False  # a past-tense verb decides before any future one above it
        if token.tag_ in ("VBZ", "VBP") and ent.root.head == token and ent.root.dep_ == "nsubj":
            return True  # "Sunday marks the feast": a named day as the subject of the present
    return False


def _time_expr(doc: Document, start: int, end: int, norm: Normalised) -> TimeExpr:
    return TimeExpr(
        id=make_id("t", doc.id, start, end),
        doc=doc.id,
        start=start,
        end=end,
        text=doc.text[start:end],
        value=norm.value,
        precision=norm.precision,
        end_value=norm.end_value,
        modifier=norm.modifier,
    )


def _parse_ref(ref: str | None) -> date | None:
    if ref is None:
        return None
    try:
        return date.fromisoformat(ref[:10])
    except ValueError as err:
        raise ExtractError(f"reference date {ref!r} is not ISO YYYY-MM-DD; fix Document.date") from err


@functools.lru_cache(maxsize=8192)
def _normalise(text: str, ref: date | None, future: bool) -> Normalised:
    cleaned = clean(text)
    if not cleaned:
        return UNKNOWN
    modifier, core = _strip_modifiers(cleaned)
    try:
        result = resolve(core, ref, future)
    except (ValueError, OverflowError):
        return UNKNOWN  # no such date (31 February) or past the calendar's ends
    if result is None:
        return _checked(_recognize(cleaned, ref, future))
    if result.value is not None and modifier:
        result = replace(result, modifier=modifier)
    return _checked(result)


def _checked(result: Normalised) -> Normalised:
    """Keep the invariants: valid ISO prefixes, and no value means precision 'unknown'."""
    if result.value is None:
        return result if result.modifier == "duration" else UNKNOWN
    if not _is_iso_prefix(result.value):
        return UNKNOWN
    end = result.end_value
    if end is not None and not (_is_iso_prefix(end) and result.value <= end):
        return UNKNOWN
    return result


def _is_iso_prefix(value: str) -> bool:
    if not _ISO_PREFIX.fullmatch(value) or value[:4] == "0000":
        return False
    padded = value + "-01" * ((10 - len(value)) // 3)
    try:
        date.fromisoformat(padded)
    except ValueError:
        return False
    return True


# --- the recognizer fallback ------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    """Load the recognizer once (about a second); its modules emit SyntaxWarnings when compiled."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ms_recognizers_date_time import DateTimeRecognizer
            from ms_recognizers_text import Culture
    except ImportError as err:
        raise ExtractError(
            "ms_recognizers_date_time is missing; reinstall ms-recognizers-text-date-time"
        ) from err
    return DateTimeRecognizer(Culture.English).get_datetime_model()


def _recognize(text: str, ref: date | None, future: bool) -> Normalised:
    """Ask the recognizer; without a reference keep only answers that do not depend on one."""
    if len(text) > MAX_RECOGNIZER_CHARS or RECOGNIZER_TRAPS.fullmatch(text):
        return UNKNOWN
    if ref is not None:
        return _recognize_at(text, datetime(ref.year, ref.month, ref.day), future)
    answers = {_recognize_at(text, probe, future) for probe in _PROBE_REFS}
    return answers.pop() if len(answers) == 1 else UNKNOWN


def _recognize_at(text: str, ref: datetime, future: bool) -> Normalised:
    try:
        results = _model().parse(text, ref)
    except Exception:  # noqa: BLE001 - third-party parser bugs must not fail a document
        return UNKNOWN
    if not results:
        return UNKNOWN
    best = max(results, key=lambda r: len(r.text))
    # A match on a fragment ("may" in a longer phrase) says nothing about the whole span.
    if len(best.text) * 2 < len(text) or not best.resolution:
        return UNKNOWN
    result = _from_resolution(best.type_name, best.resolution.get("values") or [], ref.date(), future)
    return result if _plausible(result, text, ref.year) else UNKNOWN


def _plausible(result: Normalised, text: str, ref_year: int) -> bool:
    """Reject answers that contradict the text: a year written in it ('mid-2015' read as 2016), or,
    with no year written, a year far from the reference ('23 SEPTEMBER 28' read as 2028)."""
    if result.value is None:
        return True
    first, last = int(result.value[:4]), int((result.end_value or result.value)[:4])
    years = [int(year) for year in _YEARS_IN_TEXT.findall(text)]
    if not years:
        return abs(first - ref_year) <= MAX_UNWRITTEN_YEARS and abs(last - ref_year) <= MAX_UNWRITTEN_YEARS
    return all(first <= year <= last for year in years)


def _from_resolution(type_name: str, values: list[dict[str, Any]], ref: date, future: bool) -> Normalised:
    kind = type_name.rsplit(".", 1)[-1]
    if kind == "duration":
        return DURATION
    if not values or kind not in ("date", "daterange", "datetime", "datetimerange"):
        return UNKNOWN
    value = _pick(values, ref, future)
    modifier = _MODS.get(_field(value, "Mod"), "")
    timex = _field(value, "timex")
    if kind in ("date", "datetime"):
        result = _from_day(_field(value, "value"))
    else:
        result = _from_daterange(timex, _field(value, "start"), _field(value, "end"))
    return replace(result, modifier=modifier) if result.value is not None else result


def _field(value: dict[str, Any], name: str) -> str:
    """A field of a recognizer reading as a string ("" when missing or None)."""
    found = value.get(name)
    return found if isinstance(found, str) else ""


_MODS = {"since": "since", "before": "before", "after": "after", "approx": "approx", "start": "start"}
_MODS |= {"mid": "mid", "end": "end", "until": "before", "sinceEnd": "since"}


def _pick(values: list[dict[str, Any]], ref: date, future: bool) -> dict[str, Any]:
    """Of ambiguous readings (XXXX-05: this May or next), keep the latest on or before ref."""
    if len(values) == 1:
        return values[0]
    ref_iso = ref.isoformat()

    def key(value: dict[str, Any]) -> str:
        return (_field(value, "value") or _field(value, "start"))[:10]

    before = [v for v in values if key(v) <= ref_iso]
    after = [v for v in values if key(v) >= ref_iso]
    if future and after:
        return min(after, key=key)
    return max(before, key=key) if before else min(values, key=key)


def _from_day(value: str) -> Normalised:
    day = value[:10]
    return Normalised(day, "day") if _is_iso_prefix(day) and len(day) == 10 else UNKNOWN


_TIMEX_SEASON = re.compile(r"(\d{4})-(SP|SU|FA|WI)")
_SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}


def _from_daterange(timex: str, start: str, end: str) -> Normalised:
    if m := _TIMEX_SEASON.fullmatch(timex):
        return season(_SEASON_NAMES[m[2]], int(m[1]))
    if re.fullmatch(r"\d{4}(?:-\d{2})?", timex):
        return Normalised(timex, "year" if len(timex) == 4 else "month")
    if not (_is_iso_prefix(start[:10]) and len(start) >= 10):
        return UNKNOWN
    if not _is_iso_prefix(end[:10]) or len(end) < 10:
        return Normalised(start[:10], "day")  # open range ("since ..."): the modifier says so
    if timex.startswith("("):  # an explicit range "(start,end,P4Y)": the end is its last day
        months = re.search(r"P\d+Y", timex) is not None  # "the past four years": months suffice
        return (
            Normalised(start[:7], "range", end[:7]) if months else Normalised(start[:10], "range", end[:10])
        )
    # A named period (a week, a weekend): the end is the first day after it.
    first = date.fromisoformat(start[:10])
    last = max(first, date.fromisoformat(end[:10]) - timedelta(days=1))  # "last tonight": start == end
    if first == last:
        return Normalised(first.isoformat(), "day")
    week = first.weekday() == 0 and (last - first).days == 6  # Monday to Sunday
    return Normalised(first.isoformat(), "week" if week else "range", last.isoformat())
