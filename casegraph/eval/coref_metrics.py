"""Coreference scores: MUC, B³, CEAF-e and their CoNLL average, as the CoNLL-2012 reference scorer gives them.

A clustering is a list of sets of mention ids (a partition: no id in two clusters). The key is the gold
clustering, the response the system's. Every metric counts recall and precision as a numerator and a
denominator per document; a corpus score sums them over documents before dividing, as the reference
scorer (conll/reference-coreference-scorers v8.01, Pradhan et al. 2014) does, so long documents weigh more.

- MUC (Vilain et al. 1995), link-based: a key entity K of size |K| needs |K| - 1 links, and the response
  supplies |K| - |p(K)| of them, where p(K) is the partition of K by the response entities (a key
  mention the response lacks is a part of its own). Precision swaps key and response. Singletons carry
  no links, so they count for nothing either way.
- B³ (Bagga & Baldwin 1998), mention-based over every mention, singletons included: a key mention's
  recall is |K ∩ R| / |K| for its key entity K and the response entity R holding it (0 when the response
  lacks it); precision swaps the roles. Summed over mentions, divided by the number of mentions.
- CEAF-e (Luo 2005) with phi4(K, R) = 2 |K ∩ R| / (|K| + |R|): the one-to-one alignment of key and
  response entities with the largest total similarity (found exactly), divided by the number of key
  entities for recall and of response entities for precision.
- CoNLL = the mean of the three F1 scores.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx

from casegraph.errors import EvalError

Clustering = Sequence[Collection[str]]
METRICS = ("muc", "b3", "ceafe")


@dataclass(frozen=True)
class Counts:
    """Recall and precision of one metric as sums, so that documents add up before dividing."""

    recall_num: float = 0.0
    recall_den: float = 0.0
    precision_num: float = 0.0
    precision_den: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.recall_num + other.recall_num,
            self.recall_den + other.recall_den,
            self.precision_num + other.precision_num,
            self.precision_den + other.precision_den,
        )

    @property
    def recall(self) -> float:
        """Recall in [0, 1]; 0 when nothing was expected."""
        return self.recall_num / self.recall_den if self.recall_den else 0.0

    @property
    def precision(self) -> float:
        """Precision in [0, 1]; 0 when nothing was proposed."""
        return self.precision_num / self.precision_den if self.precision_den else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def muc(key: Clustering, response: Clustering) -> Counts:
    """MUC link counts of one document."""
    key_sets, response_sets = _partition(key, "key"), _partition(response, "response")
    recall_num, recall_den = _muc_links(key_sets, response_sets)
    precision_num, precision_den = _muc_links(response_sets, key_sets)
    return Counts(recall_num, recall_den, precision_num, precision_den)


def _muc_links(entities: list[frozenset[str]], other: list[frozenset[str]]) -> tuple[int, int]:
    """(links of ``entities`` that ``other`` keeps, links ``entities`` needs)."""
    where = _index(other)
    kept = needed = 0
    for entity in entities:
        # A mention missing from ``other`` is a part by itself: key it by the mention, not an entity.
        parts = {where.get(m, ("missing", m)) for m in entity}
        kept += len(entity) - len(parts)
        needed += len(entity) - 1
    return kept, needed


def b_cubed(key: Clustering, response: Clustering) -> Counts:
    """B³ sums of one document (every mention, singletons included)."""
    key_sets, response_sets = _partition(key, "key"), _partition(response, "response")
    return Counts(
        _b_cubed_sum(key_sets, response_sets),
        sum(len(k) for k in key_sets),
        _b_cubed_sum(response_sets, key_sets),
        sum(len(r) for r in response_sets),
    )


def _b_cubed_sum(entities: list[frozenset[str]], other: list[frozenset[str]]) -> float:
    """Sum over the mentions of ``entities`` of the share of their entity that ``other`` puts with them."""
    total = 0.0
    for entity in entities:
        for partner in other:
            common = len(entity & partner)
            if common:
                total += common * common / len(entity)  # each of the common mentions scores common/|entity|
    return total


def ceafe(key: Clustering, response: Clustering) -> Counts:
    """CEAF-e (phi4) sums of one document under the optimal one-to-one entity alignment."""
    key_sets, response_sets = _partition(key, "key"), _partition(response, "response")
    similarity = float(best_alignment(key_sets, response_sets))
    return Counts(similarity, len(key_sets), similarity, len(response_sets))


def phi4(a: frozenset[str], b: frozenset[str]) -> Fraction:
    """Luo's entity similarity 2 |a ∩ b| / (|a| + |b|), exact."""
    return Fraction(2 * len(a & b), len(a) + len(b))


def best_alignment(key: list[frozenset[str]], response: list[frozenset[str]]) -> Fraction:
    """The largest total phi4 over one-to-one alignments of key and response entities (exact).

    networkx's blossom matching is exact for integer weights, so the phi4 values, all fractions, are
    scaled by the least common multiple of their denominators first.
    """
    edges: dict[tuple[int, int], Fraction] = {}
    where = _index(response)
    for i, entity in enumerate(key):
        for j in {where[m] for m in entity if m in where}:
            edges[(i, j)] = phi4(entity, response[j])
    if not edges:
        return Fraction(0)
    scale = math.lcm(*(weight.denominator for weight in edges.values()))
    graph = nx.Graph()
    for (i, j), weight in edges.items():
        graph.add_edge(("key", i), ("response", j), weight=int(weight * scale))
    matching = nx.max_weight_matching(graph, maxcardinality=False)
    total = sum(graph.edges[a, b]["weight"] for a, b in matching)
    return Fraction(total, scale)


def score_corpus(documents: Iterable[tuple[Clustering, Clustering]]) -> dict[str, Counts]:
    """Micro-averaged counts of every metric over (key, response) pairs, one pair per document."""
    totals = {name: Counts() for name in METRICS}
    for key, response in documents:
        totals["muc"] += muc(key, response)
        totals["b3"] += b_cubed(key, response)
        totals["ceafe"] += ceafe(key, response)
    return totals


def conll_f1(totals: dict[str, Counts]) -> float:
    """The CoNLL score: the mean of the MUC, B³ and CEAF-e F1."""
    return sum(totals[name].f1 for name in METRICS) / len(METRICS)


def _partition(clustering: Clustering, side: str) -> list[frozenset[str]]:
    """The non-empty clusters as frozensets; refuse a mention placed in two clusters."""
    sets = [frozenset(cluster) for cluster in clustering if cluster]
    seen: set[str] = set()
    for cluster in sets:
        if seen & cluster:
            twice = sorted(seen & cluster)[0]
            raise EvalError(f"mention {twice!r} is in two {side} clusters; give each mention one cluster")
        seen |= cluster
    return sets


def _index(clustering: list[frozenset[str]]) -> dict[str, int]:
    """Mention id -> the index of its cluster."""
    return {m: i for i, cluster in enumerate(clustering) for m in cluster}
