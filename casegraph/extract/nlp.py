"""The spaCy pipelines casegraph uses, loaded once per process and language."""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from casegraph import settings
from casegraph.errors import ExtractError

# Languages with a pipeline, and the setting that names it.
LINE_BREAKS = "casegraph_line_breaks"
# "GAZIANTEP, Turkey —", "ANKARA, Sept. 20, 2016 (Reuters) -": a dateline opening a news line.
DATELINE = re.compile(
    r"(?m)^[A-Z][A-Z.'\- ]{2,40}(?:, [\w.]+(?: [\w.]+){0,3}){0,3}(?: \([A-Za-z ]+\))? ?[—–-]{1,2} +(?=\S)"
)
PIPELINE_SETTINGS = {"en": "model_en"}
_lock = threading.Lock()
_TEXT, _STARTS = "casegraph_text", "casegraph_token_starts"


def doc_text(sdoc: Doc) -> str:
    """The parsed text, joined once per Doc (spaCy rebuilds ``Doc.text`` from every token on each access)."""
    text = sdoc.user_data.get(_TEXT)
    if text is None:
        text = sdoc.user_data[_TEXT] = sdoc.text
    return str(text)


def token_range(sdoc: Doc, start: int, end: int) -> range:
    """The indices of the tokens that begin at a character offset in [start, end), without a scan."""
    starts = sdoc.user_data.get(_STARTS)
    if starts is None:
        starts = sdoc.user_data[_STARTS] = [t.idx for t in sdoc]
    return range(bisect_left(starts, start), bisect_left(starts, end))


@Language.component(LINE_BREAKS)
def break_lines(sdoc: Doc) -> Doc:
    """Start a sentence after a blank line, and after a line that ends a sentence or is a headline.

    A single line break inside a sentence (hard-wrapped e-mail or PDF text) is left to the parser.
    """
    text = sdoc.text
    starts = {m.end() for m in DATELINE.finditer(text)}
    for token in sdoc[1:]:
        if token.idx in starts:  # the sentence after a dateline starts after it, not with it
            token.is_sent_start = True
            continue
        before = sdoc[token.i - 1]
        if "\n" not in before.text_with_ws and not before.is_space:
            continue
        line_end = token.idx - len(before.text_with_ws) if before.is_space else before.idx
        line = text[text.rfind("\n", 0, max(line_end, 0)) + 1 : line_end + len(before.text)].strip()
        if "\n\n" in text[before.idx : token.idx] or _ends_a_line_of_its_own(line):
            token.is_sent_start = True
    return sdoc


def _ends_a_line_of_its_own(line: str) -> bool:
    """A line that closes a sentence, or a headline (Title Case words, no final punctuation)."""
    if not line or line[-1] in ".!?:;\"”'’)":
        return True
    words = [w for w in line.split() if w[:1].isalpha()]
    capitalised = sum(w[0].isupper() for w in words)
    return bool(words) and capitalised >= 0.7 * len(words) and len(words) <= 14


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
    if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
    # spaCy refuses texts over max_length (1,000,000 by default); casegraph has its own limit.
    nlp.max_length = max(nlp.max_length, settings.get_int("max_doc_chars") + 1)
    return nlp
