"""Rules that normalise common English time expressions against a reference date.

These run before the Microsoft recognizer: they are cheap, predictable and past-biased the way
news is written. ``resolve`` returns None when no rule knows the phrase, so the caller can fall
back to the recognizer; it returns an unresolved ``Normalised`` (value None) when a rule knows
the phrase but it names no point in time (a duration, "that day", or any relative phrase
without a reference date). docs/times.md states every rule with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

PRECISIONS = ("year", "month", "day", "season", "week", "range", "unknown")
MODIFIERS = ("", "since", "before", "after", "approx", "start", "mid", "end", "earlier", "later", "duration")


@dataclass(frozen=True)
class Normalised:
    """A time expression resolved to an ISO prefix (value None when it names no point in time)."""

    value: str | None  # ISO prefix: "2015", "2015-10", "2015-10-10"
    precision: str  # one of PRECISIONS
    end_value: str | None = None  # last ISO prefix of a range, season or week
    modifier: str = ""  # one of MODIFIERS


UNKNOWN = Normalised(None, "unknown")
DURATION = Normalised(None, "unknown", None, "duration")

Rule = Callable[[str, date | None, bool], Normalised | None]

# --- vocabulary ---------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3,
    "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6,
    "sunday": 6,
}  # fmt: skip
# Meteorological seasons (northern hemisphere): first month and length in months.
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a hundred": 100, "one hundred": 100,
}  # fmt: skip
# Counts that name no exact number: resolved as 3 with modifier "approx".
VAGUE = ("a few", "few", "several", "some", "many", "a couple of", "a couple", "couple of", "a number of")
HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new year": (1, 1),
    "new years": (1, 1), "new year day": (1, 1), "new years day": (1, 1), "the new year": (1, 1),
    "new years eve": (12, 31), "new year eve": (12, 31), "halloween": (10, 31),
    "valentines day": (2, 14), "valentine day": (2, 14),
}  # fmt: skip
# Time-of-day words dropped after a day ("saturday night" is Saturday).
TIMES_OF_DAY = "morning|afternoon|evening|night|noon|midday|midnight|dawn|dusk|overnight"
# Lunar or moveable periods the rules cannot place on the Gregorian calendar.
UNPLACED = re.compile(r".*\b(?:ramadan|eid|hajj|lent|passover|hanukkah|diwali|easter)\b.*")

_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
_WDAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"  # noqa: E501
_YEAR = r"(?:1\d{3}|2\d{3})"
_ORD = r"(?:st|nd|rd|th)?"
_UNIT = r"(?:days?|weeks?|months?|years?|decades?|yrs?|wks?)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- ISO building -------------------------------------------------------------------------------


def _y(year: int) -> str:
    return f"{year:04d}"


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift_months(year: int, month: int, n: int) -> tuple[int, int]:
    """Return (year, month) n months after (year, month); n may be negative."""
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _minus_months(day: date, n: int) -> date:
    """Return the date n months before day, clamping the day of month (31 Mar - 1 month = 29 Feb)."""
    year, month = _shift_months(day.year, day.month, -n)
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise ValueError("no such month")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week(monday: date) -> Normalised:
    return Normalised(monday.isoformat(), "week", (monday + timedelta(days=6)).isoformat())


def _day(day: date) -> Normalised:
    return Normalised(day.isoformat(), "day")


def _month(year: int, month: int) -> Normalised:
    return Normalised(_ym(year, month), "month")


def _year(year: int) -> Normalised:
    return Normalised(_y(year), "year")


def season(name: str, year: int) -> Normalised:
    """A season as its first and last month; winter YEAR runs from December YEAR to February YEAR+1."""
    first = SEASONS[name]
    end_year, end_month = _shift_months(year, first, 2)
    return Normalised(_ym(year, first), "season", _ym(end_year, end_month))


def _range(first: Normalised, last: Normalised) -> Normalised:
    return Normalised(first.value, "range", last.end_value or last.value)


# --- small parsers ------------------------------------------------------------------------------


def _count(text: str) -> tuple[int, bool] | None:
    """Parse a count ("4", "four", "twenty-five", "a few") into (n, vague), or None."""
    text = text.strip()
    if text.isdigit() and len(text) <= 4:
        return int(text), False
    if text in VAGUE:
        return 3, True
    if text in NUMBERS:
        return NUMBERS[text], False
    tens, _, unit = text.partition("-")
    if tens in NUMBERS and unit in NUMBERS and NUMBERS[tens] >= 20 and NUMBERS[unit] < 10:
        return NUMBERS[tens] + NUMBERS[unit], False
    return None


def _unit(text: str) -> str:
    """Map a unit word ("yrs", "weeks") to hour | day | week | month | year | decade."""
    if text.startswith(("hour", "minute")):
        return "hour"
    for unit in ("day", "week", "month", "decade"):
        if text.startswith(unit):
            return unit
    return "week" if text.startswith("wk") else "year"


def _two_digit_year(yy: int, ref: date | None) -> int:
    """Expand a two-digit year to the century that puts it nearest before ref (+10 years)."""
    if ref is None:
        return 1900 + yy if yy >= 50 else 2000 + yy
    year = ref.year // 100 * 100 + yy
    if year > ref.year + 10:
        year -= 100
    return year


def _full_year(text: str, ref: date | None) -> int:
    return int(text) if len(text) == 4 else _two_digit_year(int(text), ref)


def _past_day(month: int, dom: int, ref: date, future: bool) -> date:
    """The latest month/day on or before ref (or the first on or after ref when future)."""
    step = 1 if future else -1
    for k in range(9):  # 29 February recurs within 8 years
        try:
            day = date(ref.year + step * k, month, dom)
        except ValueError:
            continue
        if (day >= ref) if future else (day <= ref):
            return day
    raise ValueError("no such day")


def _past_month(month: int, ref: date, future: bool) -> tuple[int, int]:
    if future:
        return (ref.year if month >= ref.month else ref.year + 1), month
    return (ref.year if month <= ref.month else ref.year - 1), month


def _past_weekday(weekday: int, ref: date, future: bool) -> date:
    if future:
        return ref + timedelta(days=(weekday - ref.weekday()) % 7)
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)


def _season_year(name: str, ref: date) -> int:
    """The year of the season instance "this <season>" means: winter 2015 covers January 2016."""
    return ref.year - 1 if name == "winter" and ref.month <= 2 else ref.year


def _past_season(name: str, ref: date, future: bool) -> int:
    """The year of the latest season instance that began on or before ref (first to end on/after)."""
    year = _season_year(name, ref)
    if future:
        end_year, end_month = _shift_months(year, SEASONS[name], 2)
        return year if (end_year, end_month) >= (ref.year, ref.month) else year + 1
    return year if (year, SEASONS[name]) <= (ref.year, ref.month) else year - 1


# --- rules: absolute dates ----------------------------------------------------------------------

_ISO = _rx(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_NUMERIC = _rx(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})")
# The year needs a separator of its own, so "july 2015" is never July 20, '15.
# Two-digit years only after an abbreviated month ("12 JAN 90") or an apostrophe ("Jan. 12, '90"):
# "23 SEPTEMBER 28" is the 23rd of September followed by a count.
_YY = r"(?:(?<=[a-z]{3} )(?<![a-z]{4} )|(?<=-)|')(\d{2})"
_DMY = _rx(rf"(\d{{1,2}}){_ORD}(?: of)?[ -]?({_MON})\.?(?:(?:,? |,|-)(\d{{4}})|(?:,? |-){_YY})")
_MDY = _rx(rf"({_MON})\.?[ -]?(\d{{1,2}}){_ORD}(?:(?:,? |,|-)(\d{{4}})|(?:,? |-){_YY})")
_MD = _rx(rf"({_MON})\.? ?(\d{{1,2}}){_ORD}")
_DM = _rx(rf"(\d{{1,2}}){_ORD}(?: of)? ({_MON})\.?")
_MY = _rx(rf"({_MON})\.?,?(?: of)? ?({_YEAR})")
_M = _rx(rf"({_MON})\.?")
_Y = _rx(rf"(?:(?:fiscal |calendar )?years? |fy ?)?({_YEAR})")


def _rule_iso(text: str, ref: date | None, future: bool) -> Normalised | None:
    m = _ISO.fullmatch(text)
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    if m[3] is None:
        return _month(int(m[1]), int(m[2]))
    return _day(date(int(m[1]), int(m[2]), int(m[3])))


def _rule_numeric(text: str, ref: date | None, future: bool) -> Normalised | None:
    """10/12/2015 is US month/day; read day/month only when the first number cannot be a month."""
    m = _NUMERIC.fullmatch(text)
    if not m:
        return None
    first, second, year = int(m[1]), int(m[2]), _full_year(m[3], ref)
    month, dom = (first, second) if first <= 12 else (second, first)
    return _day(date(year, month, dom))


def _rule_day_month_year(text: str, ref: date | None, future: bool) -> Normalised | None:
    if m := _DMY.fullmatch(text):
        return _day(date(_full_year(m[3] or m[4], ref), MONTHS[m[2]], int(m[1])))
    if m := _MDY.fullmatch(text):
        return _day(date(_full_year(m[3] or m[4], ref), MONTHS[m[1]], int(m[2])))
    return None


def _rule_day_month(text: str, ref: date | None, future: bool) -> Normalised | None:
    """A day and month without a year: the latest such day on or before the reference date."""
    m = _MD.fullmatch(text)
    month, dom = (MONTHS[m[1]], int(m[2])) if m else (0, 0)
    if not m and (m := _DM.fullmatch(text)):
        month, dom = MONTHS[m[2]], int(m[1])
    if not m:
        return None
    if ref is None:
        return UNKNOWN
    return _day(_past_day(month, dom, ref, future))


def _rule_month(text: str, ref: date | None, future: bool) -> Normalised | None:
    if m := _MY.fullmatch(text):
        return _month(int(m[2]), MONTHS[m[1]])
    if m := _M.fullmatch(text):
        if ref is None:
            return UNKNOWN
        return _month(*_past_month(MONTHS[m[1]], ref, future))
    return None


def _rule_year(text: str, ref: date | None, future: bool) -> Normalised | None:
    m = _Y.fullmatch(text)
    return _year(int(m[1])) if m else None


_DECADE = _rx(r"(\d{3})0'?s")
_SHORT_DECADE = _rx(r"'?(\d)0'?s")
_CENTURY = _rx(r"(\d{1,2})(?:st|nd|rd|th) century")


def _rule_decade(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'the 1990s' is the range 1990..1999; 'the 90s' takes the latest such decade before ref."""
    if m := _DECADE.fullmatch(text):
        first = int(m[1]) * 10
    elif m := _SHORT_DECADE.fullmatch(text):
        first = _two_digit_year(int(m[1]) * 10, ref)
        if ref is not None and first > ref.year:
            first -= 100
    elif (m := _CENTURY.fullmatch(text)) and int(m[1]) >= 2:
        first = (int(m[1]) - 1) * 100
        return Normalised(_y(first), "range", _y(first + 99))
    else:
        return None
    return Normalised(_y(first), "range", _y(first + 9))


_SEASON_YEAR = _rx(rf"({_SEASON})(?: of)?,? ({_YEAR})|({_YEAR}) ({_SEASON})")
_SEASON_REL = _rx(rf"(?:(last|this|next|past|previous|coming) )?({_SEASON})")


def _rule_season(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'the summer of 2015'; 'last summer' is the previous calendar year's summer."""
    if m := _SEASON_YEAR.fullmatch(text):
        return season(m[1] or m[4], int(m[2] or m[3]))
    if not (m := _SEASON_REL.fullmatch(text)):
        return None
    if ref is None:
        return UNKNOWN
    name, which = m[2], m[1] or ""
    this = _season_year(name, ref)
    shifts = {"last": -1, "past": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}
    year = this + shifts[which] if which else _past_season(name, ref, future)
    return season(name, year)


_QUARTER = _rx(rf"(first|second|third|fourth|1st|2nd|3rd|4th|q[1-4])(?: quarter)?(?: of)?,? ({_YEAR})")
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _rule_quarter(text: str, ref: date | None, future: bool) -> Normalised | None:
    m = _QUARTER.fullmatch(text)
    if not m or (not m[1].startswith("q") and "quarter" not in text):
        return None
    quarter = int(m[1][1]) if m[1].startswith("q") else _QUARTERS[m[1]]
    year = int(m[2])
    return Normalised(_ym(year, 3 * quarter - 2), "range", _ym(year, 3 * quarter))


_NTH_WEEK = _rx(
    rf"(first|second|third|fourth|last|1st|2nd|2d|3rd|3d|4th) week (?:of|in) ({_MON})\.?"
    rf"(?:,? (?:of )?({_YEAR}))?"
)
_NTH = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "2d": 2,
    "third": 3,
    "3rd": 3,
    "3d": 3,
    "fourth": 4,
    "4th": 4,
}


def _rule_nth_week(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'the second week of December' is days 8-14 of that month; 'the last week' its last 7 days."""
    if not (m := _NTH_WEEK.fullmatch(text)):
        return None
    month = MONTHS[m[2]]
    if m[3]:
        year = int(m[3])
    elif ref is None:
        return UNKNOWN
    else:
        year = _past_month(month, ref, future)[0]
    last_day = (date(*_shift_months(year, month, 1), 1) - timedelta(days=1)).day
    first = last_day - 6 if m[1] == "last" else 7 * _NTH[m[1]] - 6
    return Normalised(date(year, month, first).isoformat(), "week", date(year, month, first + 6).isoformat())


# --- rules: ranges ------------------------------------------------------------------------------

_DAY_RANGE = _rx(rf"({_MON})\.? (\d{{1,2}}){_ORD} ?(?:-|to|through|and) ?(\d{{1,2}}){_ORD},? ({_YEAR})")
_SPLIT = _rx(r"(?P<a>.+?) ?(?:-|/| to | through | thru | until | till | and ) ?(?P<b>.+)")
_HAS_YEAR = _rx(rf".*\b({_YEAR})\b.*")


def _rule_range(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'2012-2014', 'between 2012 and 2014', 'March to May 2015', 'May 3-5, 2015'."""
    if m := _DAY_RANGE.fullmatch(text):
        year, month = int(m[4]), MONTHS[m[1]]
        return _range(_day(date(year, month, int(m[2]))), _day(date(year, month, int(m[3]))))
    if not (m := _SPLIT.fullmatch(text)):
        return None
    first_text, last_text = m["a"], m["b"]
    if re.fullmatch(r"\d{4}", first_text) and re.fullmatch(r"\d{2}", last_text):
        last_text = first_text[:2] + last_text  # 2014-15
    last = resolve_single(last_text, ref, future)
    first = _range_start(first_text, last_text, ref, future)
    if first is None or last is None or first.value is None or last.value is None:
        return None
    if first.value > (last.end_value or last.value):
        return None
    return _range(first, last)


def _range_start(first_text: str, last_text: str, ref: date | None, future: bool) -> Normalised | None:
    """Resolve a range's first half, borrowing the last half's year ("march" to May 2015)."""
    last_year = _HAS_YEAR.fullmatch(last_text)
    if last_year and not _HAS_YEAR.fullmatch(first_text):
        first = resolve_single(f"{first_text} {last_year[1]}", ref, future)
        if first is not None and first.value is not None:
            return first
    return resolve_single(first_text, ref, future)


# --- rules: relative to the reference date ------------------------------------------------------

_DEICTIC = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "now": 0,
    "yesterday": -1, "last night": -1, "tomorrow": 1, "tomorrow night": 1,
    "the day before yesterday": -2, "day before yesterday": -2, "the day after tomorrow": 2,
    "day after tomorrow": 2, "the night before last": -2, "night before last": -2,
}  # fmt: skip


def _rule_deictic_day(text: str, ref: date | None, future: bool) -> Normalised | None:
    if text not in _DEICTIC:
        return None
    return UNKNOWN if ref is None else _day(ref + timedelta(days=_DEICTIC[text]))


_WEEKDAY = _rx(rf"(?:(last|this|next|past|coming) )?({_WDAY})\.?")


def _rule_weekday(text: str, ref: date | None, future: bool) -> Normalised | None:
    """A bare weekday is the latest one on or before ref; 'last' is strictly before, 'next' after."""
    if not (m := _WEEKDAY.fullmatch(text)):
        return None
    if ref is None:
        return UNKNOWN
    weekday, which = WEEKDAYS[m[2]], m[1] or ""
    if which in ("last", "past"):
        return _day(ref - timedelta(days=(ref.weekday() - weekday - 1) % 7 + 1))
    if which in ("next", "coming"):
        return _day(ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1))
    if which == "this":
        return _day(_monday(ref) + timedelta(days=weekday))
    return _day(_past_weekday(weekday, ref, future))


_WEEKDAY_DAY = _rx(rf"({_WDAY})\.?,? (?:the )?(\d{{1,2}}){_ORD}")


def _rule_weekday_day(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'Thursday 31': the latest 31st on or before ref that fell on a Thursday (first after, if future)."""
    if not (m := _WEEKDAY_DAY.fullmatch(text)):
        return None
    if ref is None:
        return UNKNOWN
    weekday, dom = WEEKDAYS[m[1]], int(m[2])
    step = 1 if future else -1
    for k in range(400):  # the weekdays of a day of month repeat within 28 years
        year, month = _shift_months(ref.year, ref.month, step * k)
        try:
            day = date(year, month, dom)
        except ValueError:
            continue
        if day.weekday() == weekday and ((day >= ref) if future else (day <= ref)):
            return _day(day)
    return UNKNOWN


_REL_UNIT = _rx(r"(last|this|next|current) (week|month|year|weekend|decade|century)")
_REL_MONTH = _rx(rf"(last|this|next) ({_MON})\.?")
_SHIFT = {"last": -1, "this": 0, "current": 0, "next": 1}


def _rule_relative_unit(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'last month' is the calendar month before ref's; 'last October' is October of last year."""
    if m := _REL_MONTH.fullmatch(text):
        return UNKNOWN if ref is None else _month(ref.year + _SHIFT[m[1]], MONTHS[m[2]])
    if not (m := _REL_UNIT.fullmatch(text)):
        return None
    if ref is None:
        return UNKNOWN
    shift, unit = _SHIFT[m[1]], m[2]
    if unit == "year":
        return _year(ref.year + shift)
    if unit == "month":
        return _month(*_shift_months(ref.year, ref.month, shift))
    if unit in ("decade", "century"):
        size = 10 if unit == "decade" else 100
        first = (ref.year // size + shift) * size
        return Normalised(_y(first), "range", _y(first + size - 1))
    monday = _monday(ref) + timedelta(weeks=shift)
    if unit == "week":
        return _week(monday)
    return _range(_day(monday + timedelta(days=5)), _day(monday + timedelta(days=6)))


def _rule_weekend(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'the weekend' alone: the latest weekend begun by ref (the next one when future)."""
    if text not in ("weekend", "the weekend"):
        return None
    if ref is None:
        return UNKNOWN
    saturday = _past_weekday(5, ref, future)
    if not future and ref.weekday() == 6:
        saturday = ref - timedelta(days=1)
    return _range(_day(saturday), _day(saturday + timedelta(days=1)))


_AGO = _rx(rf"(?:(?P<n>.+?) ?)?(?P<unit>{_UNIT}|hours?|minutes?) ?(?P<dir>ago|from now|hence|before now)")


def _rule_ago(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'four years ago' is the year four before ref's; 'two weeks ago' the week 14 days before."""
    if not (m := _AGO.fullmatch(text)):
        return None
    count = _count(m["n"]) if m["n"] else (3, True)  # "years ago"
    if count is None:
        return None
    if ref is None:
        return UNKNOWN
    n, vague = count
    n = -n if m["dir"] in ("ago", "before now") else n
    result = _point_after(ref, n, _unit(m["unit"]))
    return replace(result, modifier="approx") if vague else result


def _point_after(ref: date, n: int, unit: str) -> Normalised:
    if unit == "hour":
        return _day(ref + timedelta(days=int(n / 24)))
    if unit == "day":
        return _day(ref + timedelta(days=n))
    if unit == "week":
        return _week(_monday(ref + timedelta(weeks=n)))
    if unit == "month":
        return _month(*_shift_months(ref.year, ref.month, n))
    return _year(ref.year + n * (10 if unit == "decade" else 1))


_SPAN = _rx(rf"(?P<word>past|last|recent|next|coming|upcoming)(?P<n> .+?)? (?P<unit>{_UNIT})")


def _rule_span(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'the past four years' runs from four years before ref to ref; 'the coming months' after it."""
    if not (m := _SPAN.fullmatch(text)):
        return None
    plural = m["unit"].endswith("s")
    if m["n"] is not None:
        count = _count(m["n"])
    elif plural:
        count = (3, True)  # "recent months", "the coming years"
    else:
        # "last day", "next day" are anaphoric; "last week" was read as the calendar week.
        count = (1, False) if m["word"] in ("past", "coming", "upcoming") else None
    if count is None:
        return None
    if ref is None:
        return UNKNOWN
    n, vague = count
    forward = m["word"] in ("next", "coming", "upcoming")
    result = _span(ref, n if forward else -n, _unit(m["unit"]))
    return replace(result, modifier="approx") if vague else result


def _span(ref: date, n: int, unit: str) -> Normalised:
    """The range from ref to n units away (either side), in months for years, else days."""
    if unit in ("year", "decade"):
        other = _shift_months(ref.year, ref.month, n * 12 * (10 if unit == "decade" else 1))
        ends = sorted([_ym(ref.year, ref.month), _ym(*other)])
    else:
        days = {"day": 1, "week": 7}.get(unit)
        if days is not None:
            other_day = ref + timedelta(days=n * days)
        else:
            other_day = _minus_months(ref, -n)
        ends = sorted([ref.isoformat(), other_day.isoformat()])
    return Normalised(ends[0], "range", ends[1])


_HOLIDAY = _rx(rf"(?:a |an )?(?P<name>[a-z' ]+?)(?:,? (?P<year>{_YEAR}))?")


def _rule_holiday(text: str, ref: date | None, future: bool) -> Normalised | None:
    m = _HOLIDAY.fullmatch(text)
    name = m["name"].replace("'", "").strip() if m else ""
    if not m or name not in HOLIDAYS:
        return None
    month, dom = HOLIDAYS[name]
    if m["year"]:
        return _day(date(int(m["year"]), month, dom))
    return UNKNOWN if ref is None else _day(_past_day(month, dom, ref, future))


# --- rules: phrases that name no point in time --------------------------------------------------

_NOUNS = rf"(?:{_UNIT}|date|period|time|times|eve|{TIMES_OF_DAY}|hours?|minutes?)"
_DET = (
    r"(?:that|this|these|those|the|same|next|following|previous|preceding|prior|very|final|first|last|such)"
)
_SINGULAR = rf"(?:day|date|period|time|eve|week|month|year|{TIMES_OF_DAY})"
_ANAPHOR = _rx(
    rf"(?:{_DET} )+{_NOUNS}(?: of| before| after| in question)?|{_SINGULAR}(?: of| before| after)?"
)
_RELATIVE_TO_EVENT = _rx(rf"(?:.+ )?{_UNIT} (?:later|earlier|before|after|afterwards|afterward|prior|on)")
_DURATION = _rx(
    rf"(?:.*[\s\-\d)(])?(?:{_UNIT}|hours?|hrs?|minutes?|mins?|seconds?|secs?|centur(?:y|ies)|fortnights?)"
    r"(?: old| long| of age| running| straight| or so)?"
)
_RECURRING = _rx(
    rf"(?:every|each|per) .+|annual(?:ly)?|daily|weekly|monthly|yearly|quarterly|biweekly|"
    rf"(?:{_WDAY}|mon|tues|wednes|thurs|fri|satur|sun)days|weekends"
)
_NUMBER = _rx(r"\d+|\d+\.\d+")


def _rule_no_point(text: str, ref: date | None, future: bool) -> Normalised | None:
    """Durations, anaphors ('that day', 'a year later'), recurrences, bare numbers: no value."""
    if UNPLACED.fullmatch(text):
        return UNKNOWN
    if _ANAPHOR.fullmatch(text) or _RELATIVE_TO_EVENT.fullmatch(text):
        return UNKNOWN
    if _RECURRING.fullmatch(text) or _NUMBER.fullmatch(text):
        return UNKNOWN
    if _DURATION.fullmatch(text):
        return DURATION
    return None


# The recognizer loops forever on a weekday next to a day number ("thursday 31", base_date.py).
RECOGNIZER_TRAPS = _rx(rf".*(?:\b{_WDAY}\b\W+(?:the\W+)?\d|\d\w*\W+(?:of\W+)?{_WDAY}\b).*")

# --- the engine ---------------------------------------------------------------------------------

_TIME_OF_DAY = _rx(rf"(?:the )?(?:{TIMES_OF_DAY}) of (?P<a>.+)|(?P<b>.+?),? (?:{TIMES_OF_DAY})")
_CLOCK = _rx(
    r",? ?(?:at |around |about )?"
    r"(?:\d{1,2}(?::\d{2})? ?(?:[ap]\.?m\b\.?|o'clock)|\d{1,2}:\d{2}(?: ?[ap]\.?m\b\.?)?)"
    r"|,? ?(?:at )?[0-2]\d[0-5]\d ?(?:gmt|utc|hours|hrs|local time|local)\b|,? ?at [0-2]\d[0-5]\d\b"
    r"|,? ?\b(?:gmt|utc|local time|est|edt|pst)\b"
)


def _rule_time_of_day(text: str, ref: date | None, future: bool) -> Normalised | None:
    """'saturday night', 'the morning of june 3', 'yesterday at 10 a.m.': the day they name."""
    stripped = _CLOCK.sub("", text).strip(" ,")
    if stripped != text:
        return resolve_single(stripped, ref, future) if stripped else UNKNOWN
    if not (m := _TIME_OF_DAY.fullmatch(text)):
        return None
    day = resolve_single(m["a"] or m["b"], ref, future)
    return day if day is not None and day.value is not None else None


SINGLE_RULES: tuple[Rule, ...] = (
    _rule_iso,
    _rule_numeric,
    _rule_day_month_year,
    _rule_day_month,
    _rule_month,
    _rule_year,
    _rule_decade,
    _rule_season,
    _rule_quarter,
    _rule_nth_week,
    _rule_deictic_day,
    _rule_weekday,
    _rule_weekday_day,
    _rule_relative_unit,
    _rule_weekend,
    _rule_ago,
    _rule_span,
    _rule_holiday,
    _rule_time_of_day,
)


def resolve_single(text: str, ref: date | None, future: bool) -> Normalised | None:
    """Apply the rules for one time point (no ranges); None when no rule knows the phrase."""
    for rule in SINGLE_RULES:
        result = rule(text, ref, future)
        if result is not None:
            return result
    return None


def resolve(text: str, ref: date | None, future: bool) -> Normalised | None:
    """Apply every rule to cleaned, modifier-free text; None when no rule knows the phrase."""
    result = resolve_single(text, ref, future)
    if result is None:
        result = _rule_range(text, ref, future)
    if result is None:
        result = _rule_no_point(text, ref, future)
    return result


# --- cleaning and modifiers ---------------------------------------------------------------------

_PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_rx(pattern), modifier)
    for pattern, modifier in [
        (r"(?:on or |or ?)?about ", "approx"),
        (r"(?:approximately|approx\.?|around|circa|c\.|roughly|some ?time(?: in| on| around)?) ", "approx"),
        (r"(?:ever )?since ", "since"),
        (r"(?:before|prior to|until|till|up to|up until|by|no later than|on or before) ", "before"),
        (r"(?:after|no earlier than|on or after) ", "after"),
        (r"earlier (?:in |on |during )?", "earlier"),
        (r"later (?:in |on |during )?", "later"),
        (r"(?:early|(?:the )?(?:beginning|start) of) ", "start"),
        (r"mid-|mid |(?:the )?middle of ", "mid"),
        (r"(?:late|(?:the )?end of) ", "end"),
        (r"(?:the|in|on|at|during|over|of|for|within|throughout|just|only|as of|between|some|roughly) ", ""),
    ]
)
_RANGE_WORD = _rx(r".*(?: to |-| until | through ).*")
_TRANSLATE = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2019": "'"})


def clean(text: str) -> str:
    """Lower-case, unify dashes and quotes, squeeze spaces, drop outer punctuation and "'s"."""
    text = " ".join(text.translate(_TRANSLATE).lower().split())
    text = re.sub(r"\borabout\b", "or about", text)  # OCR glues "on or about"
    text = re.sub(r" ?- ?", "-", text)
    text = text.strip(" .,;:()[]{}\"'")
    return text[:-2] if text.endswith("'s") else text


def strip_modifiers(text: str) -> tuple[str, str]:
    """Split leading modifier words off: ('since 2012') -> ('since', '2012'); outermost wins."""
    modifier = ""
    while True:
        if text.startswith("from "):
            word = "since" if not _RANGE_WORD.fullmatch(text) else ""
            modifier, text = modifier or word, text[5:]
            continue
        if text.startswith("this ") and _HAS_YEAR.fullmatch(text):
            text = text[5:]  # "this June 23, 2017" names the date itself
            continue
        for pattern, word in _PREFIXES:
            m = pattern.match(text)
            if m and m.end() < len(text):
                modifier, text = modifier or word, text[m.end() :]
                break
        else:
            return modifier, text
