"""The spaCy pipelines casegraph uses, loaded once per process and language."""

from __future__ import annotations

import threading
from functools import lru_cache

import spacy
from spacy.language import Language

from casegraph import settings
from casegraph.errors import ExtractError

# Languages with a pipeline, and the setting that names it.
PIPELINE_SETTINGS = {"en": "model_en"}
_lock = threading.Lock()


def pipeline_for(language: str) -> str | None:
    """Return the model name (package or path) for a language, or None when casegraph has none."""
    setting = PIPELINE_SETTINGS.get(language)
    return settings.get(setting) if setting else None


def load_pipeline(language: str = "en") -> Language:
    """Return the spaCy pipeline for a language, loaded on first use and cached."""
    model = pipeline_for(language)
    if model is None:
        known = ", ".join(sorted(PIPELINE_SETTINGS))
        raise ExtractError(f"casegraph has no NLP pipeline for language {language!r}; supported: {known}")
    with _lock:
        return _load(language, model)


@lru_cache(maxsize=4)
def _load(language: str, model: str) -> Language:
    try:
        nlp = spacy.load(model)
    except (OSError, ImportError) as err:
        env = settings.SETTINGS[PIPELINE_SETTINGS[language]].env
        raise ExtractError(
            f"spaCy pipeline {model!r} is not installed; pip install en_core_web_md or set {env}"
        ) from err
    if "ner" not in nlp.pipe_names:
        raise ExtractError(f"spaCy pipeline {model!r} has no 'ner' component; choose a pipeline with NER")
    # spaCy refuses texts over max_length (1,000,000 by default); casegraph has its own limit.
    nlp.max_length = max(nlp.max_length, settings.get_int("max_doc_chars") + 1)
    return nlp
