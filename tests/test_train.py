"""Training the event classifiers (casegraph train) on a few documents of WikiEvents dev and MUC-4 train."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from casegraph.cli import cli
from casegraph.eval.muc4 import MucDoc, to_document
from casegraph.eval.muc4 import read_split as read_muc
from casegraph.extract.events import load_models
from casegraph.extract.ontology import EVENT_TYPES, SLOTS
from casegraph.train import (
    C_ROLES,
    C_TRIGGERS,
    Examples,
    TrainError,
    fit,
    muc_examples,
    muc_filler_heads,
    parse_documents,
    train_models,
)
from tests.conftest import EVAL

pytestmark = pytest.mark.slow

FILES = ("triggers.npz", "roles.npz", "manifest.json")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Models trained on the first 4 documents of each set."""
    folder = tmp_path_factory.mktemp("models") / "m"
    return folder, train_models(EVAL, folder, limit=4)


def npz_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_train_models_writes_the_model_files(trained: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = trained
    assert all((folder / name).is_file() for name in FILES)
    assert manifest["output"] == str(folder)
    written = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert written == {k: v for k, v in manifest.items() if k != "output"}


def test_train_models_manifest_counts_examples(trained: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = trained
    assert manifest["data"] == {"wikievents": "dev", "muc4": "train", "limit": 4}
    assert (manifest["triggers"]["C"], manifest["roles"]["C"]) == (C_TRIGGERS, C_ROLES)
    for name, known in (("triggers", set(EVENT_TYPES)), ("roles", set(SLOTS))):
        part = manifest[name]
        assert {"wikievents", "muc4"} <= set(part["by_source"]), name
        assert all(n > 0 for n in part["by_source"].values()), name
        assert sum(part["by_source"].values()) == part["examples"], name
        assert sum(part["labels"].values()) == part["examples"], name
        assert "none" in part["labels"] and set(part["labels"]) - {"none"} <= known, name


def test_load_models_reads_what_was_trained(trained: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = trained
    models = load_models(folder)
    for name, model in (("triggers", models.triggers), ("roles", models.roles)):
        part = manifest[name]
        # scikit-learn sorts the classes; every label seen is a class.
        assert model.classes == sorted(part["labels"]), name
        assert len(model.index) == part["features"], name
        assert model.weights.shape == (part["features"], len(model.classes)), name


def test_train_models_is_deterministic(trained: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    first, manifest = trained
    again = train_models(EVAL, tmp_path / "again", limit=4)
    for name in ("triggers.npz", "roles.npz"):
        a, b = npz_arrays(first / name), npz_arrays(tmp_path / "again" / name)
        assert a.keys() == b.keys(), name
        for key in a:
            assert np.array_equal(a[key], b[key]), f"{name}: {key}"
    drop = {"seconds", "output"}
    assert {k: v for k, v in again.items() if k not in drop} == {
        k: v for k, v in manifest.items() if k not in drop
    }


def test_muc_examples_order_does_not_depend_on_the_parse_object() -> None:
    (mdoc,) = read_muc("train", EVAL, limit=1)  # DEV-MUC3-0001: fillers in 8 sentences
    runs = []
    for parsed in parse_documents([to_document(mdoc)] * 6):  # the same text parsed six times
        triggers, roles = Examples(), Examples()
        muc_examples(mdoc, parsed, triggers, roles)
        runs.append((roles.labels, roles.features, triggers.labels, triggers.features))
    assert runs[0][0], "no role examples"
    assert all(run == runs[0] for run in runs)


def test_fit_refuses_a_single_label() -> None:
    examples = Examples()
    examples.add(["w=bomb"], None, "none", "wikievents")
    examples.add(["w=say"], None, "none", "muc4")
    with pytest.raises(TrainError, match="fewer than two classes"):
        fit(examples, c=1.0)


def test_fit_learns_a_feature_seen_with_one_label() -> None:
    examples = Examples()
    for _ in range(3):
        examples.add(["w=bomb", "pos=VERB"], None, "attack.bombing", "wikievents")
        examples.add(["w=say", "pos=VERB"], None, "none", "muc4")
    model = fit(examples, c=1.0)
    assert model.classes == ["attack.bombing", "none"]
    assert model.dense.shape == (0, 2)  # no vectors
    assert model.probabilities(["w=bomb", "pos=VERB"])[0] > 0.5
    assert model.probabilities(["w=say", "pos=VERB"])[1] > 0.5
    # The MUC-4 examples (all "none" here) weigh less: "none" becomes less likely.
    lighter = fit(examples, c=1.0, weights={"muc4": 0.3})
    assert lighter.probabilities(["w=say", "pos=VERB"])[1] < model.probabilities(["w=say", "pos=VERB"])[1]


def test_muc_filler_heads_of_a_tiny_document(nlp: Any) -> None:
    text = "terrorists bombed the embassy in lima ."
    template = {
        "incident_type": "bombing",
        "PerpInd": [["terrorists"], ["terrorist"]],  # "terrorist" is not a word of the text
        "Target": [["the embassy"]],
    }
    sdoc = nlp(text)
    # Checked on the parse: "the" hangs on "embassy", whose head ("bombed") is outside "the embassy".
    assert [t.text for t in sdoc] == text.split()
    assert sdoc[2].head.i == 3 and sdoc[3].head.i == 1
    heads = muc_filler_heads(MucDoc("DEV-MUC3-9999", text, [template]), sdoc)
    assert heads == {0: "agent", 3: "theme"}


def test_cli_train_writes_the_models(tmp_path: Path) -> None:
    out = tmp_path / "cli-models"
    result = CliRunner().invoke(
        cli, ["train", "--limit", "2", "--output", str(out), "--data", str(EVAL)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert all((out / name).is_file() for name in FILES)
    assert "written to" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["limit"] == 2


def test_cli_train_missing_data_folder_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["train", "--data", "/nonexistent/eval"])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "/nonexistent/eval" in lines[0]
    assert "--data" in lines[0] and "CASEGRAPH_EVAL_DIR" in lines[0]
