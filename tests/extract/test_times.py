"""Tests for casegraph.extract.times: time expressions normalised against the document date."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casegraph.errors import ExtractError
from casegraph.extract.times import MODIFIERS, PRECISIONS, extract_times, normalise_time
from casegraph.model import Document, make_id
from tests.conftest import CORPUS, EVAL

REF = "2016-09-20"  # a Tuesday


def _norm(text: str, ref: str | None = REF, **kw: bool) -> tuple[str | None, str, str | None, str]:
    n = normalise_time(text, ref, **kw)
    return n.value, n.precision, n.end_value, n.modifier


def _is_iso_prefix(value: str) -> bool:
    """An independent check: YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar date."""
    parts = value.split("-")
    if not 1 <= len(parts) <= 3 or any(not p.isdigit() for p in parts) or len(parts[0]) != 4:
        return False
    if any(len(p) != 2 for p in parts[1:]):
        return False
    try:
        date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


# --- normalise_time: the required phrases (reference 2016-09-20) ---------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("last October", "2015-10", "month"),
        ("in May", "2016-05", "month"),
        ("May", "2016-05", "month"),
        ("September", "2016-09", "month"),
        ("in 2012", "2012", "year"),
        ("2012", "2012", "year"),
        ("July 2015", "2015-07", "month"),
        ("August of 2015", "2015-08", "month"),
        ("July 20, 2015", "2015-07-20", "day"),
        ("20 July 2015", "2015-07-20", "day"),
        ("last month", "2016-08", "month"),
        ("last year", "2015", "year"),
        ("this year", "2016", "year"),
        ("next year", "2017", "year"),
        ("Thursday", "2016-09-15", "day"),
        ("Tuesday", "2016-09-20", "day"),
        ("yesterday", "2016-09-19", "day"),
        ("today", "2016-09-20", "day"),
        ("Jan. 1, 2017", "2017-01-01", "day"),
        ("Sept. 20", "2016-09-20", "day"),
        ("Sept. 21", "2015-09-21", "day"),
        ("Christmas", "2015-12-25", "day"),
        ("Saturday night", "2016-09-17", "day"),
        ("yesterday afternoon", "2016-09-19", "day"),
        ("two years ago", "2014", "year"),
        ("Just 11 days ago", "2016-09-09", "day"),
    ],
)
def test_normalise_time_resolves_points(text: str, value: str, precision: str) -> None:
    assert _norm(text)[:2] == (value, precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the summer of 2015", ("2015-06", "season", "2015-08", "")),
        ("last summer", ("2015-06", "season", "2015-08", "")),
        ("the spring of 2015", ("2015-03", "season", "2015-05", "")),
        ("last winter", ("2015-12", "season", "2016-02", "")),
        ("2012-2014", ("2012", "range", "2014", "")),
        ("2014-15", ("2014", "range", "2015", "")),
        ("between 2012 and 2014", ("2012", "range", "2014", "")),
        ("March to May 2015", ("2015-03", "range", "2015-05", "")),
        ("May 3-5, 2015", ("2015-05-03", "range", "2015-05-05", "")),
        ("the past four years", ("2012-09", "range", "2016-09", "")),
        ("the past two weeks", ("2016-09-06", "range", "2016-09-20", "")),
        ("the coming months", ("2016-09-20", "range", "2016-12-20", "approx")),
        ("the 1990s", ("1990", "range", "1999", "")),
        ("the '90s", ("1990", "range", "1999", "")),
        ("the third quarter of 2015", ("2015-07", "range", "2015-09", "")),
        ("last week", ("2016-09-12", "week", "2016-09-18", "")),
        ("this week", ("2016-09-19", "week", "2016-09-25", "")),
        ("the weekend", ("2016-09-17", "range", "2016-09-18", "")),
        ("since 2012", ("2012", "year", None, "since")),
        ("since July 2015", ("2015-07", "month", None, "since")),
        ("before 2012", ("2012", "year", None, "before")),
        ("about May 3, 2015", ("2015-05-03", "day", None, "approx")),
        ("on or about March 1, 2015", ("2015-03-01", "day", None, "approx")),
        ("earlier this year", ("2016", "year", None, "earlier")),
        ("later this month", ("2016-09", "month", None, "later")),
        ("mid-2015", ("2015", "year", None, "mid")),
        ("late August", ("2016-08", "month", None, "end")),
        ("early 2014", ("2014", "year", None, "start")),
    ],
)
def test_normalise_time_resolves_ranges_and_modifiers(text: str, expected: tuple[Any, ...]) -> None:
    assert _norm(text) == expected


def test_normalise_time_ignores_case() -> None:
    assert (
        _norm("last october")
        == _norm("LAST OCTOBER")
        == _norm("Last October")
        == ("2015-10", "month", None, "")
    )


@pytest.mark.parametrize(
    ("text", "ref", "value"),
    [
        ("12 JAN 90", "1990-01-13", "1990-01-12"),
        ("JANUARY 12, 1990", "1990-01-13", "1990-01-12"),
        ("30 DECEMBER", "1990-01-03", "1989-12-30"),
        ("THE 15 DECEMBER 1989", "1990-01-03", "1989-12-15"),
        ("LAST THURSDAY", "1990-01-13", "1990-01-11"),
        ("10 JANUARY AT 1030", "1990-01-13", "1990-01-10"),
        ("THE NIGHT BEFORE LAST", "1990-01-13", "1990-01-11"),
    ],
)
def test_normalise_time_reads_muc_style_dates(text: str, ref: str, value: str) -> None:
    assert normalise_time(text, ref).value == value


def test_normalise_time_two_digit_year_needs_abbreviation() -> None:
    # spaCy swallows a following count into the span: "ON 23 SEPTEMBER 28 PEOPLE ..."
    assert normalise_time("23 SEPTEMBER 28", "1990-01-13").value in (None, "1989-09-23")


def test_normalise_time_clock_is_not_a_year() -> None:
    assert normalise_time("1745 GMT", "1990-01-13").value is None
    assert normalise_time("10 a.m.", REF).value is None


# --- past bias and the future hint ----------------------------------------------------------------


def test_normalise_time_bare_month_is_past_biased() -> None:
    assert normalise_time("October", REF).value == "2015-10"
    assert normalise_time("October", REF, future=True).value == "2016-10"
    assert normalise_time("May", REF, future=True).value == "2017-05"


def test_normalise_time_weekday_is_past_biased() -> None:
    assert normalise_time("Thursday", REF).value == "2016-09-15"
    assert normalise_time("Thursday", REF, future=True).value == "2016-09-22"
    assert normalise_time("Tuesday", REF, future=True).value == "2016-09-20"
    assert normalise_time("last Tuesday", REF).value == "2016-09-13"
    assert normalise_time("next Tuesday", REF).value == "2016-09-27"


def test_normalise_time_explicit_shift_ignores_future_hint() -> None:
    assert normalise_time("last month", REF, future=True).value == "2016-08"
    assert normalise_time("July 2015", REF, future=True).value == "2015-07"


# --- phrases that name no point in time -----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["four years", "two weeks", "several weeks", "11 yrs", "36-minute", "a couple months"]
)
def test_normalise_time_durations_have_no_value(text: str) -> None:
    assert _norm(text) == (None, "unknown", None, "duration")


@pytest.mark.parametrize(
    "text",
    [
        "the next day",
        "a year later",
        "that day",
        "the same date",
        "earlier in the day",
        "Mondays",
        "annual",
        "42",
    ],
)
def test_normalise_time_anaphors_and_sets_have_no_value(text: str) -> None:
    assert _norm(text) == (None, "unknown", None, "")


@pytest.mark.parametrize(
    "text", ["last October", "May", "Thursday", "yesterday", "last summer", "the past four years"]
)
def test_normalise_time_relative_without_reference_is_none(text: str) -> None:
    assert _norm(text, None) == (None, "unknown", None, "")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("July 20, 2015", "2015-07-20"),
        ("2012", "2012"),
        ("the summer of 2015", "2015-06"),
        ("12 JAN 90", "1990-01-12"),
    ],
)
def test_normalise_time_absolute_without_reference_resolves(text: str, value: str) -> None:
    assert normalise_time(text, None).value == value


def test_normalise_time_rejects_bad_reference() -> None:
    with pytest.raises(ExtractError, match="YYYY-MM-DD"):
        normalise_time("May", "20 Sept 2016")


def test_normalise_time_impossible_date_is_unknown() -> None:
    assert _norm("February 30, 2015") == (None, "unknown", None, "")


def test_normalise_time_recognizer_fallback_resolves_past_biased() -> None:
    # No rule knows "the week of March 3"; the recognizer offers 2016 and 2017 readings.
    n = normalise_time("the week of March 3", REF)
    assert n.precision == "week"
    assert n.value is not None and n.value.startswith("2016-0")


def test_normalise_time_is_fast_on_rule_phrases() -> None:
    phrases = ["last October", "July 20, 2015", "the past four years", "Thursday", "about May 3, 2015"]
    start = time.perf_counter()
    for i in range(200):
        for text in phrases:
            normalise_time(f"{text} ", f"2016-09-{1 + i % 28:02d}")  # distinct refs defeat the cache
    per_span_ms = (time.perf_counter() - start) * 1000 / 1000
    assert per_span_ms < 2.0


# --- property: never raises, always a valid ISO prefix --------------------------------------------

_WORDS = [
    "last", "next", "this", "the", "past", "since", "about", "early", "mid-", "late", "of", "to", "-",
    "and", "ago", "May", "october", "SEPT.", "Thursday", "summer", "winter", "year", "years", "month",
    "week", "weekend", "day", "days", "2012", "1990s", "'90s", "90", "12", "31", "29", "February",
    "four", "a few", "yesterday", "tonight", "Christmas", "quarter", "century", "20th", ",", "at", "1030",
]  # fmt: skip
_phrases = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(_phrases, st.text(max_size=40)),
    ref=st.one_of(st.none(), st.dates().map(date.isoformat)),
    future=st.booleans(),
)
def test_normalise_time_never_raises_and_returns_iso_prefixes(
    text: str, ref: str | None, future: bool
) -> None:
    n = normalise_time(text, ref, future=future)
    assert n.precision in PRECISIONS
    assert n.modifier in MODIFIERS
    if n.value is None:
        assert n.precision == "unknown" and n.end_value is None
    else:
        assert _is_iso_prefix(n.value), n
        assert n.precision != "unknown"
    if n.end_value is not None:
        assert _is_iso_prefix(n.end_value), n
        assert n.value is not None and n.value <= n.end_value, n


# --- extract_times on spaCy parses ----------------------------------------------------------------


def _doc(text: str, ref: str | None, doc_id: str = "d1") -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=doc_id, text=text, date=ref)


def test_extract_times_keeps_offsets_and_ids(nlp: Any) -> None:
    text = "Officials said Friday that the attack in July 2015 killed 30 people over four years."
    doc = _doc(text, "2017-02-17")
    times = extract_times(nlp(text), doc)
    by_text = {t.text: t for t in times}
    assert by_text["Friday"].value == "2017-02-17"
    assert by_text["July 2015"].value == "2015-07"
    for t in times:
        assert doc.text[t.start : t.end] == t.text
        assert t.id == make_id("t", doc.id, t.start, t.end)
        assert t.doc == doc.id


def test_extract_times_leaves_the_verb_may_alone(nlp: Any) -> None:
    text = "The group may strike again, officials warned in May."
    times = extract_times(nlp(text), _doc(text, REF))
    assert [(t.text, t.start, t.value) for t in times] == [("May", text.rindex("May"), "2016-05")]


def test_extract_times_reads_future_clauses(nlp: Any) -> None:
    text = "Pence will discuss the fight against Islamic State on Saturday in Germany."
    times = extract_times(nlp(text), _doc(text, "2017-02-17"))
    assert [(t.text, t.value) for t in times] == [("Saturday", "2017-02-18")]


def test_extract_times_drops_time_spans_without_a_date(nlp: Any) -> None:
    text = "The 36-minute video was posted at 10 a.m. on Wednesday before the attack."
    sdoc = nlp(text)
    times = extract_times(sdoc, _doc(text, "2017-06-08"))
    time_spans = {(e.start_char, e.end_char) for e in sdoc.ents if e.label_ == "TIME"}
    assert time_spans, "expected spaCy to tag a TIME span here"
    assert all(t.value is not None for t in times if (t.start, t.end) in time_spans)
    assert "36-minute" not in {t.text for t in times}
    assert "2017-06-07" in {t.value for t in times}


def test_extract_times_without_document_date(nlp: Any) -> None:
    text = "The attack happened last week, a year after the bombing of May 3, 2015."
    values = {t.text: t.value for t in extract_times(nlp(text), _doc(text, None))}
    assert values.get("last week", None) is None
    assert values["May 3, 2015"] == "2015-05-03"


def test_extract_times_refuses_mismatched_parse(nlp: Any) -> None:
    with pytest.raises(ExtractError, match="does not match"):
        extract_times(nlp("Friday."), _doc("Saturday.", REF))


# Hand-checked readings of the news articles in the shared corpus. The reference dates are inferred
# from the events reported (SOURCES.md gives only approximate dates): Dunford met Akar on Friday
# 17 Feb 2017; the Tehran attacks were on Wednesday 7 June 2017; the Rafah checkpoint attack on
# Friday 7 July 2017; the drone video on Wednesday 4 Jan 2017; Reina on 1 Jan 2017; the Mecca raid on
# Friday 23 June 2017.
NEWS_GOLD: dict[str, tuple[str, dict[str, str]]] = {
    "voa-dunford-akar-incirlik-kurdish-fighters.txt": (
        "2017-02-17",
        {"Friday": "2017-02-17", "Saturday": "2017-02-18", "Aug. 21, 2016": "2016-08-21",
         "this week": "2017-02-13", "Earlier this week": "2017-02-13", "earlier this month": "2017-02"},
    ),
    "voa-is-attacks-iran-vulnerability.txt": (
        "2017-06-08",
        {"Wednesday": "2017-06-07", "last week": "2017-05-29", "June 7, 2017": "2017-06-07",
         "March": "2017-03", "Nov. 24, 2014": "2014-11-24"},
    ),
    "voa-is-claims-sinai-attack.txt": (
        "2017-07-08",
        {"late Friday": "2017-07-07", "Friday": "2017-07-07", "the past two years": "2015-07",
         "Saturday": "2017-07-08", "2013": "2013"},
    ),
    "voa-is-drone-footage-suicide-attacks.txt": (
        "2017-01-05",
        {"Wednesday": "2017-01-04", "December 22": "2016-12-22", "Monday": "2017-01-02",
         "Christmas": "2016-12-25", "this week": "2017-01-02", "Last year": "2016", "October": "2016-10",
         "August of 2015": "2015-08", "late August": "2016-08"},
    ),
    "voa-nightclub-massacre-turkish-security.txt": (
        "2017-01-01",
        {"the new year": "2017-01-01", "this year": "2017", "Jan. 1, 2017": "2017-01-01",
         "Last month": "2016-12", "July 2015": "2015-07", "last week": "2016-12-19",
         "Saturday night": "2016-12-31", "Saturday": "2016-12-31", "Dec 19, 2016": "2016-12-19",
         "July": "2016-07", "1980": "1980", "ninety years ago": "1927"},
    ),
    "voa-terror-plot-mecca-grand-mosque.txt": (
        "2017-06-24",
        {"Saturday": "2017-06-24", "Friday": "2017-06-23", "This June 23, 2017": "2017-06-23",
         "Sunday": "2017-06-25", "last year": "2016"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(NEWS_GOLD))
def test_extract_times_matches_hand_readings_of_news(nlp: Any, name: str) -> None:
    ref, gold = NEWS_GOLD[name]
    text = (CORPUS / "news" / name).read_text(encoding="utf-8")
    times = extract_times(nlp(text), _doc(text, ref, name))
    found = {t.text for t in times}
    assert len(found & set(gold)) >= 0.8 * len(gold), f"spaCy found too few gold spans: {found}"
    wrong = [(t.text, t.value, gold[t.text]) for t in times if t.text in gold and t.value != gold[t.text]]
    assert wrong == []
    assert all(text[t.start : t.end] == t.text for t in times)


def test_extract_times_on_muc_dateline_story(nlp: Any) -> None:
    raw = (EVAL / "muc4" / "raw_muc34_dev" / "dev-muc3-0001-0100").read_text(encoding="latin-1")
    story = raw[: raw.index("DEV-MUC3-0002")]
    assert "SAN SALVADOR, 3 JAN 90" in story
    values = {t.text: t.value for t in extract_times(nlp(story), _doc(story, "1990-01-03"))}
    assert values.get("30 DECEMBER") == "1989-12-30"
    assert values.get("YESTERDAY") == "1990-01-02"
