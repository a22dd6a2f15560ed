"""Datelines: explicit dates near the top of a text, nothing invented."""

from __future__ import annotations

import pytest

from casegraph.errors import SettingsError
from casegraph.ingest.dates import check_ref_date, find_dateline, parse_explicit
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Headline\nANKARA, Sept 20, 2016 (Reuters) - Turkish police detained...", "2016-09-20"),
        ("GAZIANTEP, Turkey, Sept. 20, 2016 — Prosecutors charged a man " + "x" * 400, "2016-09-20"),
        ("İZMİR, 14 Mart 2019 — Konak Belediyesi açıkladı.", "2019-03-14"),
        ("Headline\nBy Dana Whitfield | September 20, 2016 10:15 AM\nText.", "2016-09-20"),
        ("Headline\nPublished: Tuesday, 20 September 2016\n\nText follows here.", "2016-09-20"),
        ("Report\nSeptember 2016\nText.", "2016-09-01"),
        ("Minutes\n2016-09-20\nText.", "2016-09-20"),
        ("20 Eylül 2016 - Ankara'da bir toplantı yapıldı.", "2016-09-20"),
    ],
)
def test_find_dateline_explicit_forms(text: str, iso: str) -> None:
    assert find_dateline(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "Headline\nDate: 8-3-16\nText.",  # numeric day/month order is ambiguous
        "Headline\n03/04/2016\nText.",
        "Headline\nPolice said on Tuesday that the man, arrested on March 1, 2015, had travelled twice.",
        "Headline\nISTANBUL — The chairman of the Joint Chiefs met his counterpart.",
        "Headline\nYesterday\nText.",
        "Headline\n2016\nText.",
        "Name\nMaria Lindqvist\nDate of birth\n4 May 1981\nText.",
        "Date of birth: 4 May 1981\nText.",
        "One\nTwo\nThree\nFour\nFive\nSeptember 20, 2016\n",  # past the first five lines
    ],
)
def test_find_dateline_refuses_ambiguous_or_buried_dates(text: str) -> None:
    assert find_dateline(text) is None


def test_find_dateline_corpus_documents_have_none() -> None:
    # The VOA files carry place datelines without dates; the affidavit's dates are in the body.
    for path in [*sorted((CORPUS / "news").glob("*.txt")), *sorted((CORPUS / "court").glob("*.txt"))]:
        assert find_dateline(path.read_text(encoding="utf-8")) is None, path.name


@pytest.mark.parametrize(
    ("candidate", "iso"),
    [("Sept 20, 2016", "2016-09-20"), ("2016-02-30", None), ("Report 2016", None), ("20 Sep", None)],
)
def test_parse_explicit(candidate: str, iso: str | None) -> None:
    assert parse_explicit(candidate) == iso


def test_check_ref_date() -> None:
    assert check_ref_date(" 2016-09-20 ") == "2016-09-20"
    assert check_ref_date(None) is None
    with pytest.raises(SettingsError, match="yyyy-mm-dd"):
        check_ref_date("20/09/2016")
