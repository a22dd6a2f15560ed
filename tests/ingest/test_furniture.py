"""Site furniture: scraped-page tails are cut, article text never is."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.ingest import read_file
from casegraph.ingest.furniture import cut_furniture, is_furniture
from tests.conftest import CORPUS, FIXTURES

HERE = FIXTURES / "ingest"
NEWS = sorted((CORPUS / "news").glob("*.txt"))
FURNITURE_WORDS = (
    "Akismet",
    "Share",
    "Facebook",
    "Twitter",
    "comment",
    "Reply",
    "newsletter",
    "cookies",
    "Loading",
)


def _last_paragraph(text: str) -> str:
    return [line for line in text.split("\n") if line.strip()][-1]


def test_cut_furniture_wordpress_tail_is_cut() -> None:
    raw = (HERE / "scraped-wordpress.txt").read_text()
    text = cut_furniture(raw).rstrip()
    assert text.endswith("which the authority blamed on higher fuel and insurance costs.")
    assert not any(word in text for word in FURNITURE_WORDS)
    assert "Eastpoint pier repairs finish early" not in text  # related-post headline


def test_cut_furniture_news_portal_top_tail_and_inline_lines() -> None:
    raw = (HERE / "scraped-newsportal.txt").read_text()
    text = cut_furniture(raw).strip()
    assert text.startswith("Valley mill to close after 140 years")
    assert text.endswith("so that the site could still sell electricity to the grid.")
    assert "Advertisement" not in text and "Tags:" not in text and "©" not in text
    assert '"We are proud of what this mill has made for five generations," Sandhu said.' in text
    assert "\n\n\n" not in text  # the dropped "Advertisement" paragraph leaves one blank line


def test_read_file_scraped_page_records_cut_and_keeps_people() -> None:
    (doc,) = read_file(HERE / "scraped-wordpress.txt", display="scraped-wordpress.txt", ref_date=None)
    assert doc.meta["furniture_chars"] > 500
    assert "Declan Moss" in doc.text
    assert "Akismet" not in doc.text
    assert (doc.date, doc.date_source) == ("2018-03-08", "dateline")  # "Posted on March 8, 2018 by ..."


def test_cut_furniture_comment_section_with_short_comments_is_cut() -> None:
    text = (
        "Ferry fares rise next month.\n"
        "The port authority said the increase was the first since 2014 and would pay for two new crews.\n"
        "3 Comments\n"
        "Alan Pike says:\n"
        "March 9, 2018 at 8:14 am\n"
        "About time they added crews.\n"
        "Reply\n"
        "Leave a Reply\n"
        "Your email address will not be published.\n"
    )
    kept = cut_furniture(text)
    assert kept.rstrip().endswith("would pay for two new crews.")


def test_cut_furniture_long_text_after_a_furniture_line_is_kept() -> None:
    # A furniture line followed by real paragraphs is not a trailing block: only the line goes.
    text = (
        "Opening paragraph of the report, long enough to be a real paragraph of text, about the port.\n"
        "Share this:\n"
        "The authority also said it would publish its accounts in May, after the audit by the state's "
        "auditor, and that the board would meet in public for the first time since 2012.\n"
    )
    assert cut_furniture(text) == text.replace("Share this:\n", "")


@pytest.mark.parametrize(
    "line",
    [
        "Next year the council will review the fares again.",
        "Copyright law was changed in 2019 to cover such recordings.",
        "12 replies to the survey were received by the council.",
        "Related to the case, police detained two men in Ankara.",
        "Email",  # isolated button caption: furniture
    ],
)
def test_is_furniture_only_whole_furniture_lines(line: str) -> None:
    assert is_furniture(line) == (line == "Email")


@pytest.mark.parametrize("path", NEWS, ids=[p.name for p in NEWS])
def test_cut_furniture_news_corpus_keeps_last_paragraph(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert _last_paragraph(cut_furniture(raw)) == _last_paragraph(raw)
    assert cut_furniture(raw) == raw  # nothing at all is cut from a real article


def test_cut_furniture_affidavit_is_untouched() -> None:
    raw = (CORPUS / "court" / "fbi-affidavit-criminal-complaint-hendricks-ndohio-2016.txt").read_text()
    assert cut_furniture(raw) == raw


_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                "Share this:",
                "Twitter",
                "Leave a Reply",
                "Related posts",
                "Your email address will not be published. Required fields are marked *",
                "Real paragraph of the article that is long enough to count as body text, with a full stop. "
                "And a second sentence.",
                "Short headline",
            ]
        ),
        st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=40),
    ),
    max_size=30,
)


def _is_subsequence(kept: list[str], lines: list[str]) -> bool:
    it = iter(lines)
    return all(any(line == other for other in it) for line in kept)


@settings(max_examples=300, deadline=None)
@given(_LINES)
def test_cut_furniture_is_an_ordered_subset_of_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    kept = cut_furniture(text)
    assert len(kept) <= len(text)
    cut_lines = kept.split("\n") if kept else []
    assert _is_subsequence(cut_lines, lines if lines else [""])
    # Everything before the first cut line is kept as an exact prefix.
    same = 0
    while same < min(len(cut_lines), len(lines)) and cut_lines[same] == lines[same]:
        same += 1
    assert text.startswith("\n".join(cut_lines[:same]))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_cut_furniture_never_adds_text(text: str) -> None:
    kept = cut_furniture(text)
    assert set(kept) <= set(text) | {"\n"}
    assert len(kept) <= len(text)
