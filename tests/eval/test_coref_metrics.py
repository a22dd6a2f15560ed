"""MUC, B³ and CEAF-e on hand-checked cases.

Most cases come from the reference scorer's test suite (conll/reference-coreference-scorers,
test/TestCases.README: TC-A-*, and TC-D/E from the B³ paper, TC-F..L from the MUC paper); the
expected fractions are worked out by hand in the comments.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from casegraph.errors import EvalError
from casegraph.eval.coref_metrics import (
    Counts,
    b_cubed,
    best_alignment,
    ceafe,
    conll_f1,
    muc,
    score_corpus,
)

KEY = [{"a"}, {"b", "c"}, {"d", "e", "f"}]  # TC-A key: {a} {bc} {def}


def clusters(text: str) -> list[set[str]]:
    """'a bc def' -> [{a}, {b, c}, {d, e, f}]: one letter per mention."""
    return [set(word) for word in text.split()]


def assert_counts(counts: Counts, recall: float, precision: float) -> None:
    assert counts.recall == pytest.approx(recall)
    assert counts.precision == pytest.approx(precision)


def test_metrics_perfect_response_scores_one() -> None:
    # TC-A-1: the response is the key.
    for metric in (muc, b_cubed, ceafe):
        counts = metric(KEY, clusters("a bc def"))
        assert (counts.recall, counts.precision, counts.f1) == (1.0, 1.0, 1.0)


def test_metrics_response_missing_mentions() -> None:
    # TC-A-2, response {a} {de}.
    response = clusters("a de")
    # MUC recall: {bc} -> parts {b},{c}: 0 of 1 link; {def} -> {de},{f}: 1 of 2 -> 1/3. Precision: {de} 1/1.
    assert_counts(muc(KEY, response), 1 / 3, 1.0)
    # B³ recall: a 1, b 0, c 0, d 2/3, e 2/3, f 0 -> (7/3)/6 = 7/18. Precision: a 1, d 1, e 1 -> 3/3.
    assert_counts(b_cubed(KEY, response), 7 / 18, 1.0)
    # CEAF-e: {a}-{a} 1, {def}-{de} 2*2/(3+2) = 4/5 -> 1.8; recall 1.8/3, precision 1.8/2.
    assert_counts(ceafe(KEY, response), 0.6, 0.9)
    assert b_cubed(KEY, response).f1 == pytest.approx(14 / 25)  # 2 * (7/18) / (1 + 7/18)


def test_metrics_response_with_false_alarms() -> None:
    # TC-A-3, response {a} {bcx} {defy} {z}.
    response = clusters("a bcx defy z")
    # MUC recall 3/3 (every key link kept); precision: {bcx} 1 of 2, {defy} 2 of 3 -> 3/5.
    assert_counts(muc(KEY, response), 1.0, 3 / 5)
    # B³ precision: a 1; b, c 2/3 each (x 0); d, e, f 3/4 each (y 0); z 0 -> (1 + 4/3 + 9/4)/9 = 55/108.
    assert_counts(b_cubed(KEY, response), 1.0, 55 / 108)
    # CEAF-e: 1 + 2*2/(2+3) + 2*3/(3+4) = 1 + 4/5 + 6/7 = 93/35; recall /3, precision /4.
    assert_counts(ceafe(KEY, response), 93 / 105, 93 / 140)


def test_metrics_response_with_missing_and_false_mentions() -> None:
    # TC-A-4, response {a} {bcx} {dy} {z}.
    response = clusters("a bcx dy z")
    # MUC recall: {bc} 1 of 1, {def} -> {d},{e},{f} 0 of 2 -> 1/3.
    # Precision: {bcx} 1 of 2, {dy} 0 of 1 -> 1/3.
    assert_counts(muc(KEY, response), 1 / 3, 1 / 3)
    # B³ recall: a 1, b 1, c 1, d 1/3 -> (10/3)/6 = 5/9; precision: a 1, b c 2/3 each, d 1/2 -> (17/6)/7.
    assert_counts(b_cubed(KEY, response), 5 / 9, 17 / 42)
    # CEAF-e: 1 + 4/5 + 2*1/(3+2) = 2.2; recall 2.2/3, precision 2.2/4.
    assert_counts(ceafe(KEY, response), 2.2 / 3, 2.2 / 4)


def test_metrics_all_singletons_response() -> None:
    # TC-A-10: gold mentions, every one alone.
    response = clusters("a b c d e f")
    # MUC: no response links, so nothing is kept: recall 0/3, precision 0/0 -> 0.
    assert_counts(muc(KEY, response), 0.0, 0.0)
    assert muc(KEY, response).f1 == 0.0
    # B³ recall: a 1, b c 1/2 each, d e f 1/3 each -> 3/6; precision 6/6.
    assert_counts(b_cubed(KEY, response), 0.5, 1.0)
    # CEAF-e: {a} 1, {bc}-{b} 2/3, {def}-{d} 2/4 -> 13/6; recall /3, precision /6.
    assert_counts(ceafe(KEY, response), 13 / 18, 13 / 36)


def test_metrics_all_in_one_response() -> None:
    # TC-A-11: gold mentions, one response entity.
    response = clusters("abcdef")
    # MUC recall 3/3; precision: 5 links needed, the key splits it in 3 parts -> 3 of 5.
    assert_counts(muc(KEY, response), 1.0, 3 / 5)
    assert muc(KEY, response).f1 == pytest.approx(0.75)
    # B³ precision: a 1/6, b c 2/6 each, d e f 3/6 each -> (1 + 4 + 9)/6 / 6 = 7/18.
    assert_counts(b_cubed(KEY, response), 1.0, 7 / 18)
    # CEAF-e: the one response entity aligns best with {def}: 2*3/(3+6) = 2/3; recall /3, precision /1.
    assert_counts(ceafe(KEY, response), 2 / 9, 2 / 3)


def test_metrics_system_mentions_all_in_one() -> None:
    # TC-A-13: response {axycdez} with invented x, y, z and b, f missing.
    response = clusters("axycdez")
    # MUC recall: {bc} -> {b missing},{c}: 0; {def} -> {de},{f}: 1 -> 1/3. Precision: 6 links, key parts
    # {a},{x},{y},{c},{de},{z} -> 1 of 6.
    assert_counts(muc(KEY, response), 1 / 3, 1 / 6)
    # B³ recall: a 1, c 1/2, d e 2/3 each -> (1 + 1/2 + 4/3)/6 = 17/36; precision (1 + 1 + 4)/7 / 7 = 6/49.
    assert_counts(b_cubed(KEY, response), 17 / 36, 6 / 49)


def test_b_cubed_merging_small_cluster_costs_less_than_big_ones() -> None:
    # TC-D-1 and TC-E-1 (the B³ paper): key {12345} {67} {89ABC}.
    key = clusters("12345 67 89ABC")
    small = clusters("12345 6789ABC")
    big = clusters("1234589ABC 67")
    # Small merge: precision 5*1 + 2*(2/7) + 5*(5/7) over 12 = (5 + 4/7 + 25/7)/12 = 16/21.
    assert_counts(b_cubed(key, small), 1.0, 16 / 21)
    # Big merge: 10 mentions at 5/10 each + 2 at 1 -> 7/12.
    assert_counts(b_cubed(key, big), 1.0, 7 / 12)
    # MUC cannot tell them apart: both add one wrong link to 9 right ones.
    assert_counts(muc(key, small), 1.0, 9 / 10)
    assert_counts(muc(key, big), 1.0, 9 / 10)


@pytest.mark.parametrize(
    ("key", "response", "recall", "precision"),
    [
        ("ABCD", "AB CD", 2 / 3, 1.0),  # TC-F-1: one of three links missing
        ("AB CD", "ABCD", 1.0, 2 / 3),  # TC-G-1: one spurious link
        ("ABC", "AC", 1 / 2, 1.0),  # TC-J-1: B missing from the response
        ("BCDEGHJ", "ABC DEF GHI", 3 / 6, 3 / 6),  # TC-K-1
        ("ABC DEFG", "AB CD FGH", 2 / 5, 2 / 4),  # TC-L-1
    ],
)
def test_muc_paper_examples(key: str, response: str, recall: float, precision: float) -> None:
    assert_counts(muc(clusters(key), clusters(response)), recall, precision)


def test_metrics_key_of_singletons_only() -> None:
    # TC-N-1: no key links, so MUC is 0/0 (reported 0) while B³ and CEAF-e are perfect.
    key = clusters("a b c d e f")
    assert muc(key, key).f1 == 0.0
    assert b_cubed(key, key).f1 == 1.0
    assert ceafe(key, key).f1 == 1.0


def test_ceafe_alignment_is_optimal_not_greedy() -> None:
    # Key {abcdef} {g}; response {abcdg} {ef}. phi4: K1-R1 2*4/11 = 8/11, K1-R2 2*2/8 = 1/2,
    # K2-R1 2*1/6 = 1/3, K2-R2 0. Greedy takes 8/11 first and ends at 8/11 = 0.727; the best
    # alignment is K1-R2 + K2-R1 = 1/2 + 1/3 = 5/6.
    key = [frozenset("abcdef"), frozenset("g")]
    response = [frozenset("abcdg"), frozenset("ef")]
    assert best_alignment(key, response) == Fraction(5, 6)
    assert_counts(ceafe(key, response), 5 / 12, 5 / 12)


def test_best_alignment_no_shared_mentions_is_zero() -> None:
    assert best_alignment([frozenset("ab")], [frozenset("cd")]) == 0


def test_score_corpus_sums_documents_before_dividing() -> None:
    # Document 1: key {abcde} found whole (MUC 4/4); document 2: key {xy} split (0/1).
    # Micro recall (4 + 0)/(4 + 1) = 0.8; the mean of the per-document recalls would be 0.5.
    docs = [(clusters("abcde"), clusters("abcde")), (clusters("xy"), clusters("x y"))]
    totals = score_corpus(docs)
    assert totals["muc"].recall == pytest.approx(0.8)
    assert totals["muc"].precision == pytest.approx(1.0)
    # B³ recall: doc 1 gives 5/5, doc 2 gives (1/2 + 1/2)/2 -> (5 + 1)/(5 + 2) = 6/7.
    assert totals["b3"].recall == pytest.approx(6 / 7)
    # CEAF-e recall: doc 1 1/1, doc 2 {xy}-{x} 2/3 -> (1 + 2/3)/2; precision (1 + 2/3)/3.
    assert totals["ceafe"].recall == pytest.approx(5 / 6)
    assert totals["ceafe"].precision == pytest.approx(5 / 9)
    expected = (totals["muc"].f1 + totals["b3"].f1 + totals["ceafe"].f1) / 3
    assert conll_f1(totals) == pytest.approx(expected)


def test_metrics_refuse_mention_in_two_clusters() -> None:
    with pytest.raises(EvalError, match="'b' is in two response clusters"):
        muc(KEY, clusters("ab bc"))


def test_metrics_ignore_empty_clusters() -> None:
    assert b_cubed(KEY, [*clusters("a bc def"), set()]).f1 == 1.0
    assert ceafe(KEY, [*clusters("a bc def"), set()]).precision == 1.0
