"""Benchmarks of casegraph's own extraction: one module per dataset and its scorer.

``evaluate("conll", split="test")`` (CoNLL-2003 NER), ``evaluate("wikievents-coref", split="test")``
(in-document coreference on WikiEvents), ``evaluate("muc4", split="test")`` (MUC-4 template filling
with GTT's metric) or ``evaluate("wikievents", split="test")`` (event arguments and triggers) finds
the data (``--data``, ``CASEGRAPH_EVAL_DIR`` or ``<repo>/../shared/eval``) and returns the
dataset's scores as a plain dict. ``evaluate("crossdoc", split="dev")`` (cross-document merges on
the real documents of ``<eval dir>/../corpus`` cut in two and re-spelled) reads the corpus beside
that folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from casegraph import settings
from casegraph.errors import EvalError
from casegraph.eval.conll import evaluate_conll
from casegraph.eval.coref import evaluate_wikievents_coref
from casegraph.eval.crossdoc import evaluate_crossdoc
from casegraph.eval.muc4 import evaluate_muc4
from casegraph.eval.wikievents import evaluate_wikievents

EVAL_DIR_ENV = settings.SETTINGS["eval_dir"].env
# Next to a source checkout: <repo>/../shared/eval (the repo root is two levels above this package).
DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

# Each function takes keyword-only split, data_dir (the folder holding every dataset) and limit.
DATASETS: dict[str, Callable[..., dict[str, Any]]] = {
    "conll": evaluate_conll,
    "wikievents-coref": evaluate_wikievents_coref,
    "crossdoc": evaluate_crossdoc,
    "muc4": evaluate_muc4,
    "wikievents": evaluate_wikievents,
}


def eval_dir(data_dir: Path | None = None) -> Path:
    """Return the folder holding the datasets: data_dir, else $CASEGRAPH_EVAL_DIR, else the default."""
    if data_dir is not None:
        folder = Path(data_dir)
    elif settings.get("eval_dir"):
        folder = Path(settings.get("eval_dir"))
    else:
        folder = DEFAULT_EVAL_DIR
    if not folder.is_dir():
        raise EvalError(
            f"evaluation data folder {folder} not found; pass --data or set {EVAL_DIR_ENV} "
            "to the folder holding the datasets (e.g. ../shared/eval)"
        )
    return folder


def evaluate(
    dataset: str,
    *,
    split: str,
    data_dir: Path | None = None,
    limit: int | None = None,
    reference: Path | None = None,
) -> dict[str, Any]:
    """Score casegraph on one dataset's split and return the numbers (percent, 2 decimals).

    ``reference`` (muc4 only) scores a released prediction file instead of casegraph.
    """
    if dataset not in DATASETS:
        raise EvalError(f"unknown dataset {dataset!r}; choose one of: {', '.join(sorted(DATASETS))}")
    if reference is not None:
        if dataset != "muc4":
            raise EvalError("--reference scores a released MUC-4 prediction file; use it with muc4")
        return evaluate_muc4(split=split, data_dir=eval_dir(data_dir), limit=limit, reference=reference)
    return DATASETS[dataset](split=split, data_dir=eval_dir(data_dir), limit=limit)
