"""The events stage's linear classifiers: scoring by hand, saving and loading, sklearn coefficients."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from casegraph.errors import ExtractError
from casegraph.extract.linear import FORMAT, LinearModel, from_coefficients, load_model


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def hand_model() -> LinearModel:
    """Two classes, three features, a 2-dimensional vector; every weight exact in float32."""
    return LinearModel(
        classes=["none", "attack"],
        index={"w=bomb": 0, "pos=VERB": 1, "dep=ROOT": 2},
        weights=np.array([[-1.0, 1.0], [0.5, 0.0], [0.0, 0.25]], dtype=np.float32),
        dense=np.array([[1.0, -1.0], [0.0, 2.0]], dtype=np.float32),
        bias=np.array([0.5, -0.5], dtype=np.float32),
    )


def test_probabilities_by_hand() -> None:
    model = hand_model()
    # scores: none 0.5 - 1 + 0.5 = 0, attack -0.5 + 1 + 0 = 0.5 -> P(attack) = sigmoid(0.5)
    probs = model.probabilities(["w=bomb", "pos=VERB"])
    assert probs == pytest.approx([1 - sigmoid(0.5), sigmoid(0.5)])
    # bias only: none 0.5, attack -0.5 -> P(attack) = sigmoid(-1)
    assert model.probabilities([]) == pytest.approx([sigmoid(1.0), sigmoid(-1.0)])
    # three classes: softmax of (1, 2, 3)
    three = LinearModel(
        classes=["a", "b", "c"],
        index={"f": 0},
        weights=np.array([[1.0, 1.0, 1.0]], dtype=np.float32),
        dense=np.zeros((0, 3), dtype=np.float32),
        bias=np.array([0.0, 1.0, 2.0], dtype=np.float32),
    )
    total = math.e + math.e**2 + math.e**3
    assert three.probabilities(["f"]) == pytest.approx([math.e / total, math.e**2 / total, math.e**3 / total])


def test_probabilities_ignore_unknown_features() -> None:
    model = hand_model()
    assert np.array_equal(
        model.probabilities(["w=bomb", "w=unheard-of", "pos=VERB"]),
        model.probabilities(["w=bomb", "pos=VERB"]),
    )


def test_probabilities_count_a_repeated_feature_once() -> None:
    model = hand_model()
    assert np.array_equal(
        model.probabilities(["w=bomb", "w=bomb", "pos=VERB", "w=bomb"]),
        model.probabilities(["w=bomb", "pos=VERB"]),
    )


def test_probabilities_add_the_vector_times_dense() -> None:
    model = hand_model()
    vector = np.array([1.0, 2.0], dtype=np.float32)
    # vector @ dense = [1*1 + 2*0, 1*-1 + 2*2] = [1, 3]; scores [0 + 1, 0.5 + 3] -> P(attack) = sigmoid(2.5)
    probs = model.probabilities(["w=bomb", "pos=VERB"], vector)
    assert probs == pytest.approx([1 - sigmoid(2.5), sigmoid(2.5)])


def test_probabilities_ignore_a_vector_when_trained_without() -> None:
    model = hand_model()
    model.dense = np.zeros((0, 2), dtype=np.float32)
    vector = np.array([1.0, 2.0], dtype=np.float32)
    assert np.array_equal(model.probabilities(["w=bomb"], vector), model.probabilities(["w=bomb"]))


def test_probabilities_stay_finite_for_large_scores() -> None:
    model = hand_model()
    model.bias = np.array([1000.0, 0.0], dtype=np.float32)
    probs = model.probabilities(["w=bomb"])
    assert np.all(np.isfinite(probs)) and probs[0] == pytest.approx(1.0)


def test_probabilities_many_scores_a_batch_like_one_at_a_time() -> None:
    model = hand_model()
    vector = np.array([1.0, 2.0], dtype=np.float32)
    examples = [
        (["w=bomb", "pos=VERB"], None),
        ([], None),  # no feature at all: the bias alone
        (["w=unheard-of"], vector),  # no known feature, but a vector
        (["w=bomb", "pos=VERB", "dep=ROOT"], vector),
    ]
    batch = model.probabilities_many(examples)
    assert batch.shape == (4, 2)
    for row, (features, vec) in zip(batch, examples, strict=True):
        assert row == pytest.approx(model.probabilities(features, vec))
    assert batch[1] == pytest.approx([sigmoid(1.0), sigmoid(-1.0)])
    # unknown feature and vector [1, 2]: scores [0.5 + 1, -0.5 + 3] -> P(attack) = sigmoid(1)
    assert batch[2] == pytest.approx([1 - sigmoid(1.0), sigmoid(1.0)])
    assert model.probabilities_many([]).shape == (0, 2)


def test_explain_orders_features_by_weight_towards_a_label() -> None:
    model = hand_model()
    features = ["w=bomb", "pos=VERB", "dep=ROOT", "w=unheard-of"]
    assert model.explain(features, "attack") == [("w=bomb", 1.0), ("dep=ROOT", 0.25), ("pos=VERB", 0.0)]
    assert model.explain(features, "none", top=1) == [("pos=VERB", 0.5)]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = hand_model()
    path = tmp_path / "triggers.npz"
    model.save(path)
    loaded = load_model(path)
    assert loaded.classes == model.classes and loaded.index == model.index
    vector = np.array([1.0, 2.0], dtype=np.float32)
    for features in (["w=bomb", "pos=VERB"], ["dep=ROOT"], []):
        assert np.array_equal(loaded.probabilities(features), model.probabilities(features))
        assert np.array_equal(loaded.probabilities(features, vector), model.probabilities(features, vector))


def test_saved_model_loads_without_pickle(tmp_path: Path) -> None:
    path = tmp_path / "roles.npz"
    hand_model().save(path)
    with np.load(path, allow_pickle=False) as data:
        assert str(data["format"]) == FORMAT
        assert [str(n) for n in data["names"]] == ["w=bomb", "pos=VERB", "dep=ROOT"]


def test_load_model_refuses_a_file_that_is_not_npz(tmp_path: Path) -> None:
    path = tmp_path / "triggers.npz"
    path.write_text("not a model\n", encoding="utf-8")
    with pytest.raises(ExtractError, match="cannot read the event model.*`make train`"):
        load_model(path)


def test_load_model_refuses_another_format(tmp_path: Path) -> None:
    path = tmp_path / "triggers.npz"
    np.savez(path, format=np.array("someone-else/2"), classes=np.array(["a", "b"]))
    with pytest.raises(ExtractError, match=r"not a casegraph model \(casegraph-linear/1\); run `make train`"):
        load_model(path)


def test_load_model_refuses_a_model_without_weights(tmp_path: Path) -> None:
    path = tmp_path / "triggers.npz"
    np.savez(path, format=np.array(FORMAT), classes=np.array(["a", "b"]))
    with pytest.raises(ExtractError, match="`make train`"):
        load_model(path)


def test_load_model_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot read the event model.*missing.npz.*`make train`"):
        load_model(tmp_path / "missing.npz")


# --- from scikit-learn --------------------------------------------------------------------------

NAMES = ["f0", "f1", "f2"]
X_BINARY = np.array(
    [[1, 0, 1], [1, 1, 0], [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0], [1, 0, 0], [0, 0, 0]],
    dtype=np.float64,
)


def features_of(row: np.ndarray) -> list[str]:
    return [name for name, x in zip(NAMES, row, strict=True) if x]


def test_from_coefficients_binary_matches_sklearn() -> None:
    from sklearn.linear_model import LogisticRegression

    y = ["event", "none", "event", "none", "event", "none", "event", "none"]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(X_BINARY, y)
    assert clf.coef_.shape == (1, 3)  # a binary fit keeps one row
    model = from_coefficients([str(c) for c in clf.classes_], NAMES, clf.coef_, clf.intercept_, 0)
    assert model.classes == ["event", "none"]
    expected = clf.predict_proba(X_BINARY)
    for row, want in zip(X_BINARY, expected, strict=True):
        probs = model.probabilities(features_of(row))
        assert probs.sum() == pytest.approx(1.0)
        assert probs == pytest.approx(want, abs=1e-6)


def test_from_coefficients_multiclass_with_vector_matches_sklearn() -> None:
    from sklearn.linear_model import LogisticRegression

    dense = np.array([[0.5], [-1.0], [2.0], [0.0], [1.5], [-0.5], [0.25], [-2.0]])
    y = ["a", "b", "c", "a", "c", "b", "a", "b"]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(np.hstack([X_BINARY, dense]), y)
    model = from_coefficients(list(clf.classes_), NAMES, clf.coef_, clf.intercept_, 1)
    assert model.dense.shape == (1, 3)
    expected = clf.predict_proba(np.hstack([X_BINARY, dense]))
    for row, vector, want in zip(X_BINARY, dense, expected, strict=True):
        assert model.probabilities(features_of(row), vector.astype(np.float32)) == pytest.approx(
            want, abs=1e-6
        )


def test_from_coefficients_drops_features_without_weight() -> None:
    coef = np.array([[0.0, 2.0, 0.0, 0.0], [0.0, -2.0, 1.0, 0.0]])
    model = from_coefficients(["a", "b"], ["zero", "two", "one", "nil"], coef, np.array([0.0, 0.0]), 0)
    assert model.index == {"two": 0, "one": 1}
    # scores a: 2, b: -2 + 1 = -1 -> P(a) = sigmoid(3)
    assert model.probabilities(["two", "one", "zero"]) == pytest.approx([sigmoid(3.0), 1 - sigmoid(3.0)])
