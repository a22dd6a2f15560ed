"""Guess a text's language (ISO 639-1) with py3langid."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
MIN_LETTERS = 20  # fewer letters than this cannot be told apart reliably
MIN_PROBABILITY = 0.5
SAMPLE_CHARS = 20_000  # the start of a long text says enough and keeps this fast


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the text's language, or "und" when it is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNDETERMINED
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= MIN_PROBABILITY else UNDETERMINED


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The py3langid model with normalised probabilities, loaded once."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
