"""Entity mentions and values from a spaCy Doc, corrected with what the document says about itself.

spaCy's labels are mapped to casegraph types; junk spans are dropped; header fields become person
mentions; the alias table and the gazetteer retype what the model got wrong (Gaziantep tagged ORG,
Jabhat al-Nusra tagged PERSON) and add names it missed (ISIL, Daesh, "Yunus Durmaz").
See docs/entities.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from casegraph.errors import ExtractError
from casegraph.extract.gazetteer import lookup_place
from casegraph.model import ENTITY_TYPES, Document, Field, Mention, Span, Value, make_id
from casegraph.resolve.aliases import AliasTable, is_acronym, load_aliases
from casegraph.resolve.names import FUNCTION_WORDS, PARTICLES, TITLES, name_key

LABEL_TYPES = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "facility",
    "EVENT": "misc",
    "PRODUCT": "misc",
    "WORK_OF_ART": "misc",
    "LAW": "misc",
}
VALUE_LABELS = {
    "NORP": "nationality",
    "MONEY": "money",
    "QUANTITY": "quantity",
    "CARDINAL": "number",
    "PERCENT": "percent",
    "ORDINAL": "ordinal",
}
HEADER_FIELDS = ("from", "to", "cc", "bcc")
# Labels whose span may really be a place the model did not recognise as one.
PLACE_PRONE = frozenset(
    {"ORG", "PERSON", "PRODUCT", "NORP", "WORK_OF_ART", "LANGUAGE", "EVENT", "GPE", "LOC"}
)
# A PERSON-tagged word is a surname more often than a small town: only big or listed places overrule it.
BIG_PLACE = 1_000_000
# Words before a name that place it: "send them to Suruç". "to" and "from" also take people
# ("wrote to Aydin"), so only PLACE_WORDS count as evidence of a place, LOCATIVE ones also refuse a person.
LOCATIVE = frozenset("in at near into outside inside across toward towards via around through".split())
PLACE_WORDS = LOCATIVE | {"to", "from"}
# Words around a name that make it a place, whatever the model said.
LOCATION_CONTEXT = frozenset("region province district village town city border governorate valley".split())
IN_PLACE = frozenset("in near into inside outside across toward towards through".split())
# Words after a bare name that make it a person: "Aydin said", "Allen, who".
PERSON_CONTEXT = frozenset(
    """said says told added wrote denied asked explained argued warned noted claimed insisted replied answered
    who""".split()
)

# Nouns right after a name that say what the name is: "Ankara prosecutors' office", "Reina nightclub".
ORG_CONTEXT = frozenset(
    """university prosecutor prosecutors office police municipality court courthouse council government
    administration governorate governor ministry chamber association club fc team assembly parliament branch
    bureau department directorate command headquarters mayor mayoralty""".split()
)
FACILITY_CONTEXT = frozenset(
    """nightclub airport airbase mosque church synagogue temple shrine stadium hotel restaurant cafe prison
    jail hospital mall embassy consulate checkpoint palace""".split()
)
# Words that make a capitalised run the name of something other than a person.
NOT_PERSON_WORDS = (
    ORG_CONTEXT
    | FACILITY_CONTEXT
    | frozenset(
        """party front army forces brigade brigades group movement institute center centre foundation company
    corporation inc ltd llc bank agency committee commission union organization organisation network news
    times post press television tv radio media service services society school college academy street
    avenue road square district province city town village region county river mountain valley camp base
    state states republic kingdom islamic""".split()
    )
)
# The last word of a multi-word name that says what it names.
HEAD_TYPES = (
    dict.fromkeys(
        """university party front army forces brigade brigades group movement institute center centre
        foundation company corporation inc ltd llc bank agency committee commission union organization
        organisation network council ministry department office court police service services society college
        academy assembly parliament government administration command bureau directorate association
        federation league coalition alliance""".split(),
        "organization",
    )
    | dict.fromkeys(
        """street avenue road square district province city town village region county river mountain
        mountains valley peninsula sea gulf island islands strait desert""".split(),
        "location",
    )
    | dict.fromkeys(FACILITY_CONTEXT | {"bridge", "tower", "base", "school", "station"}, "facility")
    | dict.fromkeys("day eve war revolution conference summit games olympics".split(), "misc")
)
_DATE_WORDS = frozenset(
    """january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday spring summer
    autumn fall winter""".split()
)
# Capitalised words that are not names; a run of them is a heading, not a person.
_SMALL_WORDS = frozenset("a an and as at by for from in into of on or the to with vs via".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_DASHED = re.compile(r"\s[-–—]\s")
_CAPTION = re.compile(r"^(?:FILE|PHOTO|VIDEO|IMAGE|AUDIO)\b")
_BASED = re.compile(r"^\S+-based\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class _Cand:
    """A span on its way to becoming a mention."""

    start: int
    end: int
    label: str
    source: str = "spacy"


def extract_mentions(sdoc: Doc, doc: Document) -> tuple[list[Mention], list[Value]]:
    """Return the document's entity mentions (typed, corrected) and its values (numbers, nationalities)."""
    text = doc.text
    if sdoc.text != text:
        raise ExtractError(
            f"{doc.path}: the spaCy Doc was not made from Document.text; run the pipeline on it"
        )
    aliases = load_aliases()
    sents = sentence_spans(sdoc)
    header = header_mentions(doc)
    cands, values = _spacy_candidates(sdoc, doc, aliases)
    cands = _merge_adjacent(cands, text, aliases)
    cands = _add_alias_matches(cands, text, aliases)
    cands = _add_name_runs(cands, text, aliases)
    taken = SpanSet((m.start, m.end) for m in header)
    mentions = header + [
        _mention(c, doc, sents, aliases) for c in cands if not taken.overlaps(c.start, c.end)
    ]
    spans = SpanSet((m.start, m.end) for m in mentions)
    values = [v for v in values if not spans.overlaps(v.start, v.end)]
    return sorted(mentions, key=lambda m: (m.start, m.end)), values


# ---------------------------------------------------------------------------- sentences


def sentence_spans(sdoc: Doc) -> list[Span]:
    """Return the character spans of the spaCy sentences (one span for a Doc without sentences)."""
    if not len(sdoc):
        return [(0, len(sdoc.text))]
    if not (sdoc.has_annotation("SENT_START") or sdoc.has_annotation("DEP")):
        return [(0, len(sdoc.text))]
    return [(s.start_char, s.end_char) for s in sdoc.sents]


def sentence_of(sents: list[Span], start: int, end: int) -> Span:
    """Return the sentence span holding ``start``..``end`` (widened when a span crosses sentences)."""
    i = max(bisect_right([s[0] for s in sents], start) - 1, 0)
    last = i
    while last + 1 < len(sents) and sents[last][1] < end:
        last += 1
    return (min(sents[i][0], start), max(sents[last][1], end))


# ---------------------------------------------------------------------------- header fields


def header_mentions(doc: Document) -> list[Mention]:
    """Return a person mention for every name or address in the From/To/Cc/Bcc fields."""
    out: list[Mention] = []
    for fld in doc.fields:
        if fld.name.lower() not in HEADER_FIELDS or not _field_located(fld, doc.text):
            continue
        line = _line_of(doc.text, fld.start, fld.end)
        for start, end in _header_names(doc.text, fld.start, fld.end):
            out.append(
                Mention(
                    id=Mention.make_id(doc.id, start, end),
                    doc=doc.id,
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    type="person",
                    label=f"header:{fld.name.lower()}",
                    source="header",
                    sent_start=line[0],
                    sent_end=line[1],
                )
            )
    return out


def _field_located(fld: Field, text: str) -> bool:
    return 0 <= fld.start < fld.end <= len(text) and text[fld.start : fld.end].strip() != ""


def _line_of(text: str, start: int, end: int) -> Span:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", max(end - 1, start))
    return (line_start, len(text) if line_end < 0 else line_end)


def _header_names(text: str, start: int, end: int) -> Iterator[Span]:
    """Spans of the display names (or bare addresses) in a header value."""
    for item_start, item_end in _header_items(text, start, end):
        item = text[item_start:item_end]
        angle = item.find("<")
        name = (item_start, item_start + angle) if angle >= 0 else (item_start, item_end)
        span = _strip_span(text, *name, chars=" \t\r\n\"'")
        if span[1] > span[0] and any(c.isalpha() for c in text[span[0] : span[1]]):
            yield span
        elif angle >= 0:
            addr = _strip_span(text, item_start + angle + 1, item_start + item.find(">", angle), chars=" ")
            if "@" in text[addr[0] : addr[1]]:
                yield addr


def _header_items(text: str, start: int, end: int) -> Iterator[Span]:
    # "A <a@x>, B <b@x>" splits after each '>'; without brackets, on commas, except that
    # "Arora, Harry" (two single words) is one person written surname first.
    value = text[start:end]
    if "<" in value:
        pos = start
        for match in re.finditer(r"[^<>]*<[^>]*>?", value):
            yield from _comma_items(text, start + match.start(), start + match.end(), keep_last=True)
            pos = start + match.end()
        if text[pos:end].strip(" ,\t\r\n"):
            yield from _comma_items(text, pos, end, keep_last=False)
        return
    parts = [p for p in value.split(",") if p.strip()]
    if len(parts) == 2 and all(len(p.split()) == 1 and "@" not in p for p in parts):
        yield (start, end)
        return
    yield from _comma_items(text, start, end, keep_last=False)


def _comma_items(text: str, start: int, end: int, *, keep_last: bool) -> Iterator[Span]:
    # Bare addresses before a bracketed one: "a@x.com, B <b@x.com>".
    pieces = list(_split_commas(text, start, end))
    for i, (s, e) in enumerate(pieces):
        last = i == len(pieces) - 1
        if keep_last and last:
            head = [p for p in pieces[:i] if "@" not in text[p[0] : p[1]]]
            yield (head[0][0] if head else s, e)
        elif not keep_last or "@" in text[s:e]:
            if text[s:e].strip():
                yield (s, e)


def _split_commas(text: str, start: int, end: int) -> Iterator[Span]:
    pos = start
    for i in range(start, end):
        if text[i] == ",":
            yield (pos, i)
            pos = i + 1
    yield (pos, end)


def _strip_span(text: str, start: int, end: int, *, chars: str) -> Span:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return (start, end)


# ---------------------------------------------------------------------------- spaCy spans


def _spacy_candidates(sdoc: Doc, doc: Document, aliases: AliasTable) -> tuple[list[_Cand], list[Value]]:
    cands: list[_Cand] = []
    values: list[Value] = []
    junk = _JunkFilter(sdoc, doc.text, aliases)
    for ent in sdoc.ents:
        label = ent.label_
        if label in VALUE_LABELS and label != "NORP":
            values.append(_value(doc, ent.start_char, ent.end_char, VALUE_LABELS[label]))
            continue
        if label not in LABEL_TYPES and label not in ("NORP", "LANGUAGE"):
            continue  # DATE and TIME belong to extract/times.py
        for start, end in _split_span(doc.text, ent.start_char, ent.end_char, label):
            start, end = trim_span(doc.text, start, end, person=label == "PERSON")
            piece = doc.text[start:end]
            if label in ("NORP", "LANGUAGE") and not _names_entity(piece, aliases):
                if label == "NORP" and piece[:1].isupper():
                    values.append(_value(doc, start, end, "nationality"))
            elif not junk(start, end):
                cands.append(_Cand(start, end, label))
    return cands, values


def _value(doc: Document, start: int, end: int, kind: str) -> Value:
    return Value(make_id("v", doc.id, start, end), doc.id, start, end, doc.text[start:end], kind)


def _names_entity(text: str, aliases: AliasTable) -> bool:
    # A NORP or LANGUAGE span that is really an organisation (PYD, Daesh) or a place (Gaziantep).
    return aliases.lookup(text) is not None or (not is_acronym(text) and lookup_place(text) is not None)


def _split_span(text: str, start: int, end: int, label: str) -> list[Span]:
    """Split a span that names two things: "Istanbul’s Bosphorus", "Kemal, Selim" (a greeting)."""
    if label in ("PERSON", "WORK_OF_ART", "PRODUCT") and ", " in text[start:end]:
        parts = []
        for piece in re.finditer(r"[^,]+", text[start:end]):
            parts.extend(_split_possessive(text, start + piece.start(), start + piece.end()))
        return parts
    return _split_possessive(text, start, end)


def _split_possessive(text: str, start: int, end: int) -> list[Span]:
    # "Istanbul’s Bosphorus" names two things; "New Year’s Eve" one.
    match = re.search(r"['’]s\s+(?=[^\W\d_])", text[start:end])
    if match is None or not text[start].isupper() or not text[start + match.end()].isupper():
        return [(start, end)]
    if lookup_place(text[start : start + match.start()], strict=True) is None:
        return [(start, end)]
    return [(start, start + match.start()), (start + match.end(), end)]


def trim_span(text: str, start: int, end: int, *, person: bool = False) -> Span:
    """Trim a span to the name it holds: no leading 'the', 'X-based', titles; no trailing possessive."""
    start, end = _strip_span(text, start, end, chars=_EDGE_CHARS)
    if person:
        start = _after_capitals_verb(text, start, end)
    while True:
        piece = text[start:end]
        match = re.match(r"(?:the|The|THE)\s+", piece) or _BASED.match(piece)
        if person and not match:
            match = _title_prefix(piece)
        if not match or match.end() >= len(piece):
            break
        start += match.end()
    # "Reina night", "the Islamic State group": trailing common words are not part of the name.
    trailing = re.search(r"(?:\s+[a-z][a-z\-]*)+$", text[start:end])
    if trailing and trailing.start() > 0 and not _particle_word(trailing.group().split()[0]):
        end = start + trailing.start()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and possessive.start() > 0:
        end = start + possessive.start()
    return _strip_span(text, start, end, chars=_EDGE_CHARS)


_EDGE_CHARS = " \t\r\n\"'“”‘’()[]:;,"


def _after_capitals_verb(text: str, start: int, end: int) -> int:
    """Court orders write rulings in capitals: "The Court DENIES Flores' motion" names only Flores."""
    piece = text[start:end]
    if piece.isupper():
        return start
    last = None
    for match in re.finditer(r"\b[A-Z]{3,}\s+(?=[A-Z][a-z])", piece):
        last = match
    return start + last.end() if last else start


def _title_prefix(piece: str) -> re.Match[str] | None:
    match = re.match(r"[\w.\-]+\s+", piece)
    return match if match and name_key(match.group()) in TITLES else None


class _JunkFilter:
    """Tells model spans that name nothing from names."""

    def __init__(self, sdoc: Doc, text: str, aliases: AliasTable) -> None:
        self.sdoc = sdoc
        self.text = text
        self.aliases = aliases
        self.lower = _lowercase_words(text)

    def __call__(self, start: int, end: int) -> bool:
        piece = self.text[start:end]
        letters = [c for c in piece if c.isalpha()]
        if len(letters) < 2 or "\n" in piece or not any(c.isupper() for c in letters):
            return True
        if _DASHED.search(piece) or _CAPTION.match(piece):
            return True  # "FILE - People": photo-caption debris
        if all(name_key(w) in TITLES for w in piece.split()):
            return True  # "Defense" of "Defense Minister Fikri Isik"
        if all(name_key(w) in _DATE_WORDS or w.strip(".,").isdigit() for w in piece.split()):
            return True  # "September 2016" tagged EVENT
        if self._known(piece):
            return False
        return self._common_word(start, end, piece) or self._headline_debris(start, end, piece)

    def _known(self, piece: str) -> bool:
        return self.aliases.lookup(piece) is not None or lookup_place(piece) is not None

    def _common_word(self, start: int, end: int, piece: str) -> bool:
        # One capitalised ordinary word taken for a name: "Ultimate" ORG, "Security had been beefed up".
        span = self.sdoc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) != 1 or is_acronym(piece):
            return False
        return span[0].pos_ != "PROPN" or (span[0].is_sent_start is True and piece.lower() in self.lower)

    def _headline_debris(self, start: int, end: int, piece: str) -> bool:
        # Title-case headings fool the model ("Nightclub Massacre Prompts"): keep a heading span only
        # when it is built from names, and a title span only when the text repeats it.
        line = _line_of(self.text, start, end)
        if not _is_headline(self.text[line[0] : line[1]]) or looks_like_person_name(piece, self.aliases):
            return False
        if any(w.lower() in self.lower for w in _WORD.findall(piece) if w.lower() not in _SMALL_WORDS):
            return True
        if self.text[: line[0]].count("\n") >= 2:
            return False  # not the title: a table row of names ("Goran Ivanisevic ( Croatia ) 6-4")
        return not any(not (line[0] <= m.start() < line[1]) for m in re.finditer(re.escape(piece), self.text))


def _lowercase_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\b[a-z][a-z'’\-]+\b", text) if w not in _SMALL_WORDS)


@lru_cache(maxsize=4096)
def _is_headline(line: str) -> bool:
    words: list[str] = [w for w in _WORD.findall(line) if w.lower() not in _SMALL_WORDS]
    if len(words) < 3 or len(words) > 20 or line.rstrip().endswith((".", "”", '"', "?", "!")):
        return False
    return sum(w[0].isupper() for w in words) >= 0.8 * len(words)


# ---------------------------------------------------------------------------- merges and additions


def _merge_adjacent(cands: list[_Cand], text: str, aliases: AliasTable) -> list[_Cand]:
    """Join a split name: 'Hulusi' (ORG) + 'Akar' (PERSON) -> 'Hulusi Akar'."""
    out: list[_Cand] = []
    for cand in sorted(cands, key=lambda c: c.start):
        prev = out[-1] if out else None
        if prev and _joinable(prev, cand, text, aliases):
            out[-1] = _Cand(prev.start, cand.end, "rule:merged", "rule")
        else:
            out.append(cand)
    return out


def _joinable(a: _Cand, b: _Cand, text: str, aliases: AliasTable) -> bool:
    if text[a.end : b.start] != " " or a.source != "spacy" or b.source != "spacy":
        return False
    if "PERSON" not in (a.label, b.label) and not looks_like_person_name(text[a.start : b.end], aliases):
        return False  # "Erkan" ORG + "Tuzcu" PRODUCT is still one man
    pieces = (text[a.start : a.end], text[b.start : b.end])
    return all(
        p[0].isupper() and aliases.lookup(p) is None and lookup_place(p, strict=True) is None for p in pieces
    )


def _add_alias_matches(cands: list[_Cand], text: str, aliases: AliasTable) -> list[_Cand]:
    """Add alias-table names the model missed (ISIL, Daesh); they replace model spans inside them."""
    out = list(cands)
    for start, end in alias_matches(text, aliases):
        inside = [c for c in out if start <= c.start and c.end <= end and (c.start, c.end) != (start, end)]
        if any(_overlaps(c, start, end) for c in out if c not in inside):
            continue
        out = [c for c in out if c not in inside] + [_Cand(start, end, "alias", "alias")]
    return sorted(out, key=lambda c: c.start)


def alias_matches(text: str, aliases: AliasTable) -> Iterator[Span]:
    """Yield the spans of whole-word alias-table names in the text (acronyms in capitals only)."""
    exact, folded = _alias_patterns(aliases)
    for pattern in (exact, folded):
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if _alias_match_ok(text, match.start(), match.end()):
                yield match.span()


_PATTERN_CACHE: dict[int, tuple[AliasTable, re.Pattern[str] | None, re.Pattern[str] | None]] = {}


def _alias_patterns(aliases: AliasTable) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    cached = _PATTERN_CACHE.get(id(aliases))
    if cached is None or cached[0] is not aliases:
        forms = {row.alias for row in aliases} | {row.name for row in aliases}
        acronyms = sorted((f for f in forms if is_acronym(f)), key=len, reverse=True)
        others = sorted((f for f in forms if not is_acronym(f)), key=len, reverse=True)
        cached = (aliases, _alternation(acronyms, 0), _alternation(others, re.IGNORECASE))
        _PATTERN_CACHE[id(aliases)] = cached
    return cached[1], cached[2]


def _alternation(forms: list[str], flags: int) -> re.Pattern[str] | None:
    if not forms:
        return None
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])", flags)


def _alias_match_ok(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    if "\n" in piece or not any(c.isupper() for c in piece):
        return False
    if is_acronym(piece):
        # "IS" in a shouted heading ("THIS IS IT") is not the Islamic State.
        letters = sum(c.isalpha() for c in piece)
        return letters > 2 or not (_shouted(_word_before(text, start)) or _shouted(_word_after(text, end)))
    if " " in piece:
        return True
    # "America" in "Latin America": a single word inside a longer capitalised name is not the alias.
    after, before = _word_after(text, end), _word_before(text, start)
    return not (
        _capitalised(after) or (_capitalised(before) and not _sentence_start(text, start - len(before) - 1))
    )


def _word_after(text: str, end: int) -> str:
    match = re.match(r" ([^\W\d_][\w\-]*)", text[end : end + 40])
    return match.group(1) if match else ""


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_][\w\-.]*) $", text[max(0, start - 40) : start])
    return match.group(1) if match else ""


def _shouted(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _capitalised(word: str) -> bool:
    # A capitalised word that may be part of a name (not "But", "President", "Gaziantep." ending a sentence).
    key = name_key(word)
    return (
        bool(word)
        and word[0].isupper()
        and key not in TITLES
        and key not in FUNCTION_WORDS
        and word[-1] != "."
    )


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" ")
    return not before or before[-1] in ".!?\n“\"'‘:"


def _add_name_runs(cands: list[_Cand], text: str, aliases: AliasTable) -> list[_Cand]:
    """Add person names the model missed, found by a known given name: 'Ilhami Bali', 'Yunus Durmaz'."""
    out = list(cands)
    for start, end in name_runs(text):
        if any(_overlaps(c, start, end) for c in out):
            continue
        piece = text[start:end]
        if aliases.lookup(piece) is None and lookup_place(piece) is None:
            out.append(_Cand(start, end, "rule:given_name", "rule"))
    return sorted(out, key=lambda c: c.start)


def name_runs(text: str) -> Iterator[Span]:
    """Yield runs of two to four capitalised words that start with a common given name."""
    scan = scan_given_names()
    words = list(_WORD.finditer(text))
    for i, word in enumerate(words):
        if name_key(word.group()) not in scan or not word.group()[0].isupper():
            continue
        if i and _joined(text, words[i - 1], word) and _capitalised(words[i - 1].group()):
            continue  # inside a longer capitalised run ("Kadir Has University")
        end = _run_end(text, words, i)
        if end is not None:
            yield (word.start(), end)


def _run_end(text: str, words: list[re.Match[str]], i: int) -> int | None:
    last = i
    while last + 1 < len(words) and last - i < 3 and _joined(text, words[last], words[last + 1]):
        nxt = words[last + 1].group()
        if not (nxt[0].isupper() or _particle_word(nxt)) or name_key(nxt) in NOT_PERSON_WORDS:
            break
        last += 1
    if last == i or not words[last].group()[0].isupper():
        return None
    if any(name_key(w.group()) in NOT_PERSON_WORDS for w in words[i + 1 : last + 2]):
        return None  # "Ali Sami Yen Stadium": the run goes on into a non-person word
    end = words[last].end()
    possessive = _POSSESSIVE.search(text[words[last].start() : end])
    return end - len(possessive.group()) if possessive else end


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end() : b.start()] == " "


def _particle_word(word: str) -> bool:
    head = re.split(r"[-‐]", word, maxsplit=1)[0]
    return head.lower() in PARTICLES and (head == word or word[len(head) + 1 : len(head) + 2].isupper())


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Return the built-in given names (keys), casegraph/data/given_names.txt."""
    words: set[str] = set()
    for line in (DATA / "given_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(name_key(w) for w in line.split())
    return frozenset(words)


# Given names that are also everyday capitalised words; they vote but never start a scanned run.
_NOT_SCANNED = frozenset(
    "can cem deniz umut hope will mark bill may june grace joy rose art guy rich don".split()
)


@lru_cache(maxsize=1)
def scan_given_names() -> frozenset[str]:
    """Return the given names that may start a scanned person name."""
    return given_names() - _NOT_SCANNED


# ---------------------------------------------------------------------------- types


def _mention(cand: _Cand, doc: Document, sents: list[Span], aliases: AliasTable) -> Mention:
    sent = sentence_of(sents, cand.start, cand.end)
    mention = Mention(
        id=Mention.make_id(doc.id, cand.start, cand.end),
        doc=doc.id,
        start=cand.start,
        end=cand.end,
        text=doc.text[cand.start : cand.end],
        type=LABEL_TYPES.get(cand.label, "misc"),
        label=cand.label,
        source=cand.source,
        sent_start=sent[0],
        sent_end=sent[1],
    )
    if cand.source == "alias":
        row = aliases.lookup(mention.text)
        mention = replace(mention, type=row.type if row else "organization")
    elif cand.source == "rule":
        mention = replace(mention, type="person")
    return replace(mention, type=best_type(type_votes(mention, doc.text, aliases=aliases)) or mention.type)


def type_votes(mention: Mention, text: str, *, aliases: AliasTable | None = None) -> Counter[str]:
    """Weigh the evidence for each type of one mention: model 1, context 2, gazetteer 2, alias table 3."""
    votes: Counter[str] = Counter()
    if mention.source == "header":
        votes["person"] += 3
        return votes
    if mention.source in ("alias", "rule"):
        votes[mention.type] += 3 if mention.source == "alias" else 2
        return votes
    table = aliases if aliases is not None else load_aliases()
    row = table.lookup(mention.text)
    if row is not None:
        votes[row.type] += 3
    model = LABEL_TYPES.get(mention.label)
    if model:
        votes[model] += 1
    context = context_word(text, mention.end)
    if context in FACILITY_CONTEXT:
        votes["facility"] += 3  # "Reina nightclub": the noun after the name says what it is
    head = name_key(mention.text.split()[-1]) if " " in mention.text.strip() else ""
    if head in HEAD_TYPES:
        votes[HEAD_TYPES[head]] += 2  # "Bataclan Cafe", "Kadir Has University", "Bastille Day"
    if row is None and (_place_vote(mention, text, context) or _placed_by_context(mention, text, context)):
        votes["location"] += 2
    if looks_like_person_name(mention.text, table) or _lone_given_name(mention, table):
        votes["person"] += 2
    elif model == "person" and len(mention.text.split()) > 1:
        votes["person"] += 1
    return votes


def best_type(votes: Counter[str]) -> str | None:
    """Return the type with most votes (ties: the order of ENTITY_TYPES), None without votes."""
    if not votes:
        return None
    return min(votes, key=lambda t: (-votes[t], ENTITY_TYPES.index(t)))


def context_word(text: str, end: int) -> str:
    """Return the word right after a span, lowercased ('night club' reads as 'nightclub')."""
    match = re.match(r" ([^\W\d_]+)['’]?(?: ([^\W\d_]+))?", text[end : end + 40])
    if not match:
        return ""
    first, second = match.group(1).lower(), (match.group(2) or "").lower()
    return first + second if first + second in FACILITY_CONTEXT else first


def _place_vote(mention: Mention, text: str, context: str) -> bool:
    piece = mention.text
    if mention.label not in PLACE_PRONE or context in ORG_CONTEXT or (is_acronym(piece) and len(piece) <= 4):
        return False
    if mention.label != "PERSON":
        return lookup_place(piece) is not None
    place = lookup_place(piece, strict=True)
    if place is None or context in PERSON_CONTEXT:
        return False
    big = place.kind in ("country", "continent", "region", "place") or place.population >= BIG_PLACE
    return big or _word_before(text, mention.start).lower() in PLACE_WORDS


def _placed_by_context(mention: Mention, text: str, context: str) -> bool:
    # "in Nagorno-Karabakh", "the Nagorno-Karabakh region": the words around a name say it is a place.
    if context in LOCATION_CONTEXT:
        return True
    if mention.label in ("ORG", "FAC") or re.match(r"['’]s?\b", text[mention.end : mention.end + 2]):
        return False  # "in Hamas" is membership; "in Erdogan's government" names a person
    return _word_before(text, mention.start).lower() in IN_PLACE


def _lone_given_name(mention: Mention, aliases: AliasTable) -> bool:
    # "Erkan" tagged ORG in an e-mail body is a man called by his first name.
    piece = mention.text
    if " " in piece or mention.label == "PERSON" or name_key(piece) not in scan_given_names():
        return False
    return aliases.lookup(piece) is None and lookup_place(piece, strict=True) is None


def looks_like_person_name(piece: str, aliases: AliasTable | None = None) -> bool:
    """True for two to four capitalised words starting with a known given name ('Murat Yetkin')."""
    words = piece.split()
    if not 2 <= len(words) <= 4 or not all(w[0].isupper() or _particle_word(w) for w in words):
        return False
    keys = [name_key(w) for w in words]
    if keys[0] not in given_names() or any(k in NOT_PERSON_WORDS for k in keys):
        return False
    table = aliases if aliases is not None else load_aliases()
    return table.lookup(piece) is None and lookup_place(piece, strict=True) is None


# ---------------------------------------------------------------------------- spans


def _overlaps(cand: _Cand, start: int, end: int) -> bool:
    return cand.start < end and start < cand.end


class SpanSet:
    """Spans sorted by start with the running maximum of their ends: an overlap test by bisection."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach: list[int] = []
        for _, end in ordered:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)

    def overlaps(self, start: int, end: int) -> bool:
        """True when some span shares a character with [start, end)."""
        before = bisect_left(self._starts, end)  # spans that start before ``end``
        return before > 0 and self._reach[before - 1] > start
