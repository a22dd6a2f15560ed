"""Linear classifiers over named binary features and a word vector: what the events stage runs.

A model is a multinomial logistic regression: a weight row per feature name, a weight matrix for the
dense vector, a bias, and its class names. It is trained by ``casegraph train`` (scikit-learn, see
casegraph.train) and shipped inside the package as a NumPy ``.npz`` file that loads without pickle,
so reading a model can never run code. Scoring needs only NumPy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from casegraph.errors import ExtractError

FORMAT = "casegraph-linear/1"


@dataclass
class LinearModel:
    """A trained multinomial logistic regression."""

    classes: list[str]
    index: dict[str, int]  # feature name -> row of ``weights``
    weights: NDArray[Any]  # (features, classes)
    dense: NDArray[Any]  # (vector dimensions, classes); zero rows when trained without vectors
    bias: NDArray[Any]  # (classes,)

    def probabilities(self, features: Iterable[str], vector: NDArray[Any] | None = None) -> NDArray[Any]:
        """The probability of each class (in ``classes`` order) for one example."""
        return np.asarray(self.probabilities_many([(features, vector)])[0])

    def probabilities_many(
        self, examples: Sequence[tuple[Iterable[str], NDArray[Any] | None]]
    ) -> NDArray[Any]:
        """The probabilities of several examples at once, one row each (as ``probabilities``)."""
        if not examples:
            return np.zeros((0, len(self.classes)))
        scores = np.tile(self.bias.astype(np.float64), (len(examples), 1))
        rows: list[int] = []
        starts: list[int] = []
        used: list[int] = []  # the examples with at least one known feature
        for k, (features, _) in enumerate(examples):
            known = [self.index[f] for f in set(features) if f in self.index]
            if known:
                used.append(k)
                starts.append(len(rows))
                rows += known
        if rows:
            scores[used] += np.add.reduceat(self.weights[rows].astype(np.float64), starts, axis=0)
        dims = self.dense.shape[0]
        vectors = [(k, v) for k, (_, v) in enumerate(examples) if v is not None and v.shape[0] == dims]
        if vectors:
            at = [k for k, _ in vectors]
            scores[at] += np.vstack([v for _, v in vectors]) @ self.dense
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def explain(self, features: Iterable[str], label: str, *, top: int = 5) -> list[tuple[str, float]]:
        """The features that pushed an example most towards ``label`` (for debugging and docs)."""
        column = self.classes.index(label)
        weighted = [(f, float(self.weights[self.index[f], column])) for f in set(features) if f in self.index]
        return sorted(weighted, key=lambda fw: -fw[1])[:top]

    def save(self, path: Path) -> None:
        """Write the model as a compressed .npz file (no pickled objects)."""
        names = sorted(self.index, key=self.index.__getitem__)
        np.savez_compressed(
            path,
            format=np.array(FORMAT),
            classes=np.array(self.classes),
            names=np.array(names),
            weights=self.weights.astype(np.float32),
            dense=self.dense.astype(np.float32),
            bias=self.bias.astype(np.float32),
        )


def load_model(path: Path) -> LinearModel:
    """Read a model written by ``LinearModel.save``; a missing or foreign file is an ExtractError."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["format"]) != FORMAT:
                raise ExtractError(f"{path} is not a casegraph model ({FORMAT}); run `make train`")
            names = [str(n) for n in data["names"]]
            return LinearModel(
                classes=[str(c) for c in data["classes"]],
                index={name: i for i, name in enumerate(names)},
                weights=np.asarray(data["weights"], dtype=np.float32),
                dense=np.asarray(data["dense"], dtype=np.float32),
                bias=np.asarray(data["bias"], dtype=np.float32),
            )
    except (OSError, KeyError, ValueError) as err:
        raise ExtractError(
            f"cannot read the event model {path} ({err}); reinstall casegraph or run `make train`"
        ) from err


def from_coefficients(
    classes: Sequence[str], names: Sequence[str], coef: NDArray[Any], intercept: NDArray[Any], dims: int
) -> LinearModel:
    """Build a model from a fitted classifier's coefficients (classes x (features + dims))."""
    coef = np.asarray(coef, dtype=np.float32)
    if coef.shape[0] == 1 and len(classes) == 2:  # a binary fit keeps one row: the second class's
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    weights = coef[:, : len(names)].T.copy()
    dense = coef[:, len(names) :].T.copy() if dims else np.zeros((0, len(classes)), dtype=np.float32)
    keep = np.abs(weights).max(axis=1) > 1e-6  # features the fit gave no weight add nothing
    kept = [n for n, k in zip(names, keep, strict=True) if k]
    return LinearModel(
        classes=list(classes),
        index={n: i for i, n in enumerate(kept)},
        weights=weights[keep],
        dense=dense,
        bias=np.asarray(intercept, dtype=np.float32),
    )
