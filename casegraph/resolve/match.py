"""Score whether two groups of mentions (or a group and a list entry) name the same entity.

Pure functions over names: the cross-document layer (``resolve.update``) and ``xref`` call them.
Two sides are compared only when they share a blocking key (``block_keys``); ``compare`` then
tries every rule and keeps the best:

========== ===== ==================================================================================
rule       score when
========== ===== ==================================================================================
alias      0.97  both sides carry a spelling with the same key ("PKK" in "Kurdistan Workers Party"'s
           0.95  names and the group "PKK"); 0.97 when it is one side's own name. Bare surnames, given
                 names, generic words and parts of both names do not count.
acronym    0.92  "ISIL" spells the initials of "Islamic State of Iraq and the Levant" (0.75 for two
                 letters); organizations and misc only.
same_name  0.96  person names equal once titles and "Last, First" order are folded.
middle     0.92  one person name has a middle name the other lacks ("Phillip K. Allen"), or gives its
                 initial ("James R." / "James Richard"); 0.90 when the extra name comes first
                 ("Recep Tayyip Erdogan" / "Tayyip Erdogan").
translit   0.93  spelling variants that sound alike ("Mohammed" / "Muhammad", "Abaaoud" / "Abaoud"):
                 same metaphone and at most one cheap edit; 0.85 for places (Mosul is not Mosel),
                 misc names and organizations shorter than 8 letters or more than a vowel apart.
surname    0.90  a bare surname and a full name that ends with it ("Bali" / "Ilhami Bali"): the
                 caller merges it only when the surname is unambiguous in the case.
initials   0.75  "J. Smith" / "John Smith": the first name only as an initial.
fuzzy      0.60+ similar but not phonetically equal given names or words (review only, < 0.85).
========== ===== ==================================================================================

``AUTO`` (0.9) is where the caller merges without asking, ``REVIEW`` (0.6) where it asks a reviewer.
Different given names ("Ahmet Bali" / "Ilhami Bali") and different types never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TypeVar

from rapidfuzz import fuzz
from rigour.names.org_types import remove_org_types
from rigour.text.phonetics import metaphone

from casegraph.resolve.aliases import is_acronym
from casegraph.resolve.names import (
    FUNCTION_WORDS,
    PARTICLES,
    SMALL_WORDS,
    WORD,
    contains_run,
    initials_before,
    is_surname_form,
    name_key,
    name_tokens,
    surname_keys,
)

AUTO = 0.9
REVIEW = 0.6
# Only the first spellings of a side (the canonical name, then the most frequent) are compared word
# by word; every spelling still counts for the alias rule.
MAX_NAMES = 6
# Words too generic to identify an organization or place on their own ("the Ministry", "police").
GENERIC = frozenset(
    """ministry government police army court party council agency committee department office group
    front state states forces force military security intelligence service services university company
    bank church mosque school hospital city province region district county village capital border
    republic kingdom union coalition alliance movement organization organisation network cell brigade
    battalion regiment division unit units command authority authorities administration congress
    parliament senate assembly commission board bureau institute center centre foundation association
    federation embassy consulate prosecutor prosecutors prosecution media news press north south east
    west northern southern eastern western central new national international islamic""".split()
)
RULES = ("alias", "same_name", "acronym", "legal_form", "translit", "middle", "surname", "initials", "fuzzy")
_VOWELS = frozenset("aeiouy")
# Consonant pairs that romanisations swap freely (Ahmet/Ahmad, Yakub/Yakup, Qaeda/Kaeda).
_CHEAP = frozenset(frozenset(p) for p in ("dt", "bp", "ck", "kq", "sz", "gk", "vw"))
_FOLDS = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ck", "k"),
    ("ph", "f"),
    ("gh", "g"),
    ("dh", "d"),
    ("q", "k"),
    ("x", "ks"),
)
_DOUBLE = re.compile(r"(.)\1+")
T = TypeVar("T")


@dataclass(frozen=True)
class Side:
    """A group of mentions (or a list entry) as the matcher sees it."""

    id: str
    type: str  # casegraph ENTITY_TYPES: person, organization, location, facility, misc
    names: tuple[str, ...]  # every spelling, the canonical (fullest) name first, then by frequency
    count: int = 1  # how many mentions


@dataclass(frozen=True)
class Match:
    """Why two sides may name the same entity, and how sure the matcher is."""

    score: float  # 0..1; >= AUTO merges automatically, >= REVIEW is shown for review
    rule: str  # one of RULES
    reason: str  # one line a reviewer reads


# ---------------------------------------------------------------------------------------- tokens


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """The metaphone of a word, a leading vowel folded ('Osama' and 'Usama' both give 'ASM')."""
    code = metaphone(token) or token.upper()
    return "A" + code[1:] if code[0] in "AEIOU" else code


@lru_cache(maxsize=65536)
def _fold(token: str) -> str:
    """A word with romanisation digraphs folded and doubled letters collapsed ('abaaoud' -> 'abaud')."""
    for old, new in _FOLDS:
        token = token.replace(old, new)
    return _DOUBLE.sub(r"\1", token)


def _sub_cost(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if (x in _VOWELS and y in _VOWELS) or frozenset((x, y)) in _CHEAP:
        return 0.5
    return 1.0


@lru_cache(maxsize=65536)
def spelling_cost(a: str, b: str) -> float:
    """An edit distance where swapping vowels or voiced/unvoiced pairs costs half an edit."""
    a, b = _fold(a), _fold(b)
    row = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate(a, start=1):
        prev, row[0] = row[0], float(i)
        for j, y in enumerate(b, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + _sub_cost(x, y))
    return row[-1]


@lru_cache(maxsize=65536)
def token_kind(a: str, b: str, *, min_len: int = 4) -> tuple[str, float] | None:
    """How two name words compare: equal, translit, fuzzy or initial (with a similarity), or None."""
    if a == b:
        return ("equal", 1.0)
    if len(a) == 1 or len(b) == 1:
        return ("initial", 0.6) if len(a) != len(b) and a[0] == b[0] else None
    if min(len(a), len(b)) < min_len or not (a.isalpha() and b.isalpha()):
        return None
    # Half an edit in 'laden' / 'ladin', one in 'ahmet' / 'ahmad', not two vowels in 'levy' / 'love'.
    limit = 0.5 if min(len(a), len(b)) <= 4 else 1.0 if min(len(a), len(b)) < 8 else 1.5
    if phonetic(a) == phonetic(b) and spelling_cost(a, b) <= limit:
        return ("translit", 0.95)
    ratio = fuzz.ratio(a, b) / 100
    return ("fuzzy", ratio) if ratio >= 0.8 else None


def _person_words(text: str) -> list[str]:
    return [] if "@" in text else name_tokens(text)


def surname_forms(words: Sequence[str]) -> list[str]:
    """The ways a person name's surname may be written: 'bin laden' -> ['laden', 'binladen']."""
    start = len(words) - 1
    while start > 0 and words[start - 1] in PARTICLES:
        start -= 1
    forms = [words[-1]]
    if start < len(words) - 1:
        forms.append("".join(words[start:]))
    return forms


def _split_surname(words: Sequence[str]) -> tuple[list[str], list[str]]:
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return list(words[:start]), list(words[start:])


def _thing_words(text: str) -> list[str]:
    # "el-Nusra" and "al-Nusra" are one name: articles fold to "al".
    return ["al" if w in ("el", "al", "ul") else w for w in name_key(text).split()]


def _significant(word: str) -> bool:
    """True when a word of an organization or place name may identify it (not 'of', 'Ministry')."""
    return len(word) > 1 and word not in GENERIC and word not in FUNCTION_WORDS and word not in PARTICLES


def initials(text: str) -> str | None:
    """The capital initials of a multi-word name's words, small words skipped ('ISIL'), or None."""
    words = [w for w in WORD.findall(text) if w.lower() not in SMALL_WORDS]
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _acronym_letters(text: str) -> str | None:
    return re.sub(r"[^A-Z]", "", text) if is_acronym(text) else None


# ---------------------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class _Profile:
    """What the rules need of a side, computed once per side."""

    keys: dict[str, tuple[str, ...]]  # name key -> spellings with that key
    canonical: tuple[str, ...]  # the canonical name's key words
    first: tuple[str, ...]  # the first MAX_NAMES spellings, one per key
    people: tuple[tuple[str, tuple[str, ...]], ...]  # person spellings of 2+ words (not a bare surname)
    bare: str | None  # the side's key when it is a bare surname


@lru_cache(maxsize=65536)
def _profile(side: Side) -> _Profile:
    keys: dict[str, list[str]] = {}
    for name in side.names:
        key = name_key(name)
        if key:
            keys.setdefault(key, []).append(name)
    canonical = tuple(name_key(side.names[0]).split()) if side.names else ()
    # A spelling that is part of the canonical name ("Abu Muhammad" of "Abu Muhammad al-Adnani") says
    # nothing the canonical name does not, and two different names may share it.
    whole = [v[0] for k, v in keys.items() if not _part_of(k.split(), canonical)]
    first = tuple(whole[:MAX_NAMES])
    return _Profile(
        keys={k: tuple(v) for k, v in keys.items()},
        canonical=canonical,
        first=first,
        people=_full_names(first) if side.type == "person" else (),
        bare=surname_key(side),
    )


def _full_names(first: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The spellings of a person that are full names, with their words."""
    out = []
    for name in first:
        words = _person_words(name)
        # "J. Smith" among John Smith's names would pair him with Jane Smith: only as the own name.
        if (
            len(words) >= 2
            and not is_surname_form(words)
            and (name == first[0] or not _bare_or_initials(name))
        ):
            out.append((name, tuple(words)))
    return tuple(out)


def surname_key(side: Side) -> str | None:
    """For a bare-surname person side ('Bali', 'al-Baghdadi'): its key, else None."""
    if side.type != "person" or not side.names:
        return None
    words = _person_words(side.names[0])
    return " ".join(words) if words and is_surname_form(words) else None


def block_keys(side: Side) -> set[str]:
    """The blocking keys of a side: two sides are compared only when they share one.

    Every name's key (alias); for persons the surname of each name, as written and as it sounds
    (every person rule needs the surnames to agree, so given names are no key: a 'Mohammed' block
    would pair half the case); for other types each significant word and how it sounds, and the
    initials of multi-word organization names (acronyms).
    """
    prof = _profile(side)
    keys = {f"k:{k}" for k in prof.keys}
    if side.type == "person":
        for words in _surname_words(prof):
            for form in surname_forms(words):
                keys.add(f"s:{form}")
                if len(form) >= 4 and form.isalpha():
                    keys.add(f"p:{phonetic(form)}")
        return keys
    for name in prof.first:
        keys |= _thing_keys(name, side.type)
    return keys


def _surname_words(prof: _Profile) -> list[tuple[str, ...]]:
    out = [words for _, words in prof.people]
    if prof.bare is not None:
        out.append(tuple(prof.bare.split()))
    return out


def _thing_keys(name: str, type_: str) -> set[str]:
    words = _thing_words(name)
    keys: set[str] = set()
    for word in words:
        if len(words) > 1 and _significant(word):
            keys.add(f"t:{word}")
        if len(word) >= 5 and word.isalpha() and (len(words) == 1 or _significant(word)):
            keys.add(f"p:{phonetic(word)}")
    if type_ in ("organization", "misc"):
        letters = _acronym_letters(name) or initials(name)
        if letters:
            keys.add(f"a:{letters}")
    return keys


# ---------------------------------------------------------------------------------------- compare


def compare(a: Side, b: Side) -> Match | None:
    """Score two sides: the best rule's match, or None when they must not merge or score < REVIEW."""
    if a.type != b.type or not a.names or not b.names:
        return None
    if (b.id, b.names) < (a.id, a.names):
        a, b = b, a  # one order for both calls: compare(a, b) == compare(b, a), reason included
    found = [_alias(a, b)]
    if a.type in ("organization", "misc"):
        found += [_acronym(a, b), _legal_form(a, b)]
    if a.type == "person":
        found += [_people(a, b), _surname(a, b)]
    else:
        found.append(_things(a, b))
    best = max(
        (m for m in found if m is not None),
        key=lambda m: (m.score, -RULES.index(m.rule)),
        default=None,
    )
    return best if best is not None and best.score >= REVIEW else None


def _match(score: float, rule: str, reason: str) -> Match:
    return Match(round(score, 3), rule, f"{reason} ({score:.2f})")


def _alias(a: Side, b: Side) -> Match | None:
    pa, pb = _profile(a), _profile(b)
    shared = sorted(k for k in pa.keys.keys() & pb.keys.keys() if _alias_ok(k, a, pa, pb))
    if not shared:
        return None
    own = {name_key(a.names[0]), name_key(b.names[0])}
    key = next((k for k in shared if k in own), shared[0])
    score = 0.97 if key in own else 0.95
    spelling_a, spelling_b = pa.keys[key][0], pb.keys[key][0]
    if spelling_a == spelling_b:
        return _match(score, "alias", f"both are called {spelling_a!r}")
    reason = f"{spelling_a!r} ~ {spelling_b!r}: the same name but for case, accents and punctuation"
    return _match(score, "alias", reason)


def _alias_ok(key: str, side: Side, pa: _Profile, pb: _Profile) -> bool:
    """True when a shared spelling identifies: not a bare surname, generic word or part of both names."""
    spellings = pa.keys[key] + pb.keys[key]
    words = key.split()
    if side.type == "person" and any(_bare_or_initials(s) for s in spellings if "@" not in s):
        return False
    if len(words) == 1 and (not _significant(words[0]) or all(s.islower() for s in spellings)):
        return False
    return not (_part_of(words, pa.canonical) and _part_of(words, pb.canonical))


def _bare_or_initials(text: str) -> bool:
    """True for 'Bali', 'al-Baghdadi', 'J. Smith': spellings many people share."""
    words = [w for w in _person_words(text) if len(w) > 1]
    return len(words) < 2 or is_surname_form(words)


def _part_of(words: list[str], canonical: tuple[str, ...]) -> bool:
    return len(words) < len(canonical) and contains_run(list(canonical), words)


def _acronym(a: Side, b: Side) -> Match | None:
    for short, long in _pairs(_profile(a).first, _profile(b).first, both_ways=True):
        letters = _acronym_letters(short)
        if letters is None or len(letters) < 2 or len(long.split()) < 2:
            continue
        span = initials_before(long, len(long), letters)
        if span is not None and all(w.lower() in SMALL_WORDS for w in WORD.findall(long[: span[0]])):
            score = 0.92 if len(letters) >= 3 else 0.75
            return _match(score, "acronym", f"{short!r} ~ {long!r}: the initials of its words")
    return None


def _legal_form(a: Side, b: Side) -> Match | None:
    """'Ersoy Auto Export BVBA' ~ 'Ersoy Auto Export': the same name once legal forms are left out."""
    for x, y in _pairs(_profile(a).first, _profile(b).first):
        bare_x, bare_y = _without_legal_form(x), _without_legal_form(y)
        if bare_x and bare_x == bare_y and name_key(x) != name_key(y) and len(bare_x.split()) >= 2:
            return _match(0.95, "legal_form", f"{x!r} ~ {y!r}: the same name but for the legal form")
    return None


@lru_cache(maxsize=65536)
def _without_legal_form(name: str) -> str:
    """A name's key with legal forms (Ltd, GmbH, BVBA, ...: rigour's list) left out."""
    return " ".join(remove_org_types(name_key(name)).split())


def _pairs(xs: Sequence[T], ys: Sequence[T], *, both_ways: bool = False) -> Iterable[tuple[T, T]]:
    for x in xs:
        for y in ys:
            yield x, y
            if both_ways:
                yield y, x


def _surname(a: Side, b: Side) -> Match | None:
    for bare, full in ((a, b), (b, a)):
        key = _profile(bare).bare
        if key is None or _profile(full).bare is not None:
            continue
        for name, _ in _profile(full).people:
            if key in surname_keys(name):
                reason = f"{bare.names[0]!r} ~ {name!r}: the bare surname of the full name"
                return _match(0.9, "surname", reason)
    return None


# ---------------------------------------------------------------------------------------- persons


@dataclass(frozen=True)
class _Path:
    """An alignment of two lists of given names: what matched how, and what was left over."""

    value: float
    kinds: tuple[tuple[str, float, str, str], ...]  # (kind, similarity, shorter's word, longer's word(s))
    extras: tuple[str, ...]  # words only the longer name has
    leading: bool  # the longer name's first word is an extra


def _people(a: Side, b: Side) -> Match | None:
    best: Match | None = None
    for (x, wx), (y, wy) in _pairs(_profile(a).people, _profile(b).people):
        found = _compare_people(x, wx, y, wy)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best


def _compare_people(x: str, wx: tuple[str, ...], y: str, wy: tuple[str, ...]) -> Match | None:
    given_x, sur_x = _split_surname(wx)
    given_y, sur_y = _split_surname(wy)
    surname = _surname_kind(sur_x, sur_y)
    if surname is None:
        return None
    path = _align(tuple(given_x), tuple(given_y))
    if path is None:
        return None
    return _person_match(x, y, surname, path)


def _surname_kind(xs: Sequence[str], ys: Sequence[str]) -> tuple[str, str, str] | None:
    """How two surnames compare ('laden' / 'ladin'): equal or translit only, never merely similar."""
    best: tuple[str, str, str] | None = None
    for fx in surname_forms(xs):
        for fy in surname_forms(ys):
            kind = token_kind(fx, fy)
            if kind is not None and kind[0] == "equal":
                return ("equal", fx, fy)
            if kind is not None and kind[0] == "translit":
                best = best or ("translit", fx, fy)
    return best


def _align(xs: tuple[str, ...], ys: tuple[str, ...]) -> _Path | None:
    """Match every given name of the shorter list, in order, to a name (or two joined) of the longer."""
    short, long = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    if not short:
        return None

    @cache
    def best(i: int, j: int) -> _Path | None:
        if i == len(short):
            left = long[j:]
            return _Path(-0.1 * len(left), (), left, j == 0 and bool(left))
        options: list[_Path] = []
        for take_s, take_l in ((1, 1), (1, 2), (2, 1)):
            if i + take_s > len(short) or j + take_l > len(long):
                continue
            word_s, word_l = "".join(short[i : i + take_s]), "".join(long[j : j + take_l])
            kind = token_kind(word_s, word_l)
            if kind is None or (take_s + take_l > 2 and kind[0] not in ("equal", "translit")):
                continue
            rest = best(i + take_s, j + take_l)
            if rest is not None:
                step = (kind[0], kind[1], word_s, word_l)
                options.append(_Path(rest.value + kind[1], (step, *rest.kinds), rest.extras, rest.leading))
        if j < len(long):
            rest = best(i, j + 1)
            if rest is not None:
                extras = (long[j], *rest.extras)
                options.append(_Path(rest.value - 0.1, rest.kinds, extras, j == 0 or rest.leading))
        return max(options, key=lambda p: p.value, default=None)

    return best(0, 0)


def _person_match(x: str, y: str, surname: tuple[str, str, str], path: _Path) -> Match:
    pair = f"{x!r} ~ {y!r}"
    steps = [*path.kinds, (surname[0], 1.0, surname[1], surname[2])]
    kinds = {k for k, _, _, _ in steps}
    extras = len(path.extras)
    if "initial" in kinds:
        short, long = next((s, t) for k, _, s, t in steps if k == "initial")
        reason = f"{pair}: {short!r} is the initial of {long!r}"
        if path.kinds[0][0] == "equal" and kinds <= {"equal", "initial"} and not path.leading:
            return _match(0.92, "middle", reason)  # "James R. Milheiser" / "James Richard Milheiser"
        score = 0.75 - 0.05 * ("fuzzy" in kinds) - 0.02 * extras
        return _match(score, "initials", reason)
    if "fuzzy" in kinds:
        score = 0.6 + 0.25 * min(sim for k, sim, _, _ in steps if k == "fuzzy") - 0.03 * extras
        return _match(max(score, REVIEW), "fuzzy", f"{pair}: similar given names ({_changes(steps)})")
    if "translit" in kinds:
        score = 0.93 - 0.01 * extras - 0.02 * path.leading
        return _match(
            max(score, AUTO), "translit", f"{pair}: spellings of the same sounds ({_changes(steps)})"
        )
    if extras:
        words = " ".join(path.extras)
        return _match(
            0.9 if path.leading else 0.92, "middle", f"{pair}: the same name, {words!r} only in one"
        )
    if name_key(x).replace(" ", "") == name_key(y).replace(" ", ""):
        return _match(0.96, "same_name", f"{pair}: the same letters, other word breaks")
    return _match(0.96, "same_name", f"{pair}: the same name once titles and order are folded")


def _changes(steps: Iterable[tuple[str, float, str, str]]) -> str:
    return ", ".join(f"{s}/{t}" for k, _, s, t in steps if k != "equal") or "articles"


# ---------------------------------------------------------------------------------------- other types


def _things(a: Side, b: Side) -> Match | None:
    best: Match | None = None
    for x, y in _pairs(_profile(a).first, _profile(b).first):
        found = _compare_things(x, y, a.type)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best


def _compare_things(x: str, y: str, type_: str) -> Match | None:
    """Names of the same length whose words are equal or spelling variants ('Kobani' / 'Kobane')."""
    wx, wy = _thing_words(x), _thing_words(y)
    if len(wx) != len(wy) or name_key(x) == name_key(y):
        return None
    steps: list[tuple[str, float, str, str]] = []
    anchored = False
    for p, q in zip(wx, wy, strict=True):
        kind = ("equal", 1.0) if p == q else token_kind(p, q, min_len=5)
        if kind is None or kind[0] == "initial":
            return None
        steps.append((kind[0], kind[1], p, q))
        if kind[0] in ("equal", "translit") and _anchor(p, q, len(wx)):
            anchored = True
    if not anchored:
        return None  # the names share only generic words ("National Front" / "National Fronts")
    return _thing_match(x, y, type_, steps)


def _anchor(p: str, q: str, size: int) -> bool:
    # Only a shared significant word identifies, and it must be one the blocking keys carry.
    if p == q:
        return size > 1 and _significant(p)
    return len(p) >= 5 and (size == 1 or (_significant(p) and _significant(q)))


def _thing_match(x: str, y: str, type_: str, steps: list[tuple[str, float, str, str]]) -> Match:
    pair = f"{x!r} ~ {y!r}"
    if any(k == "fuzzy" for k, _, _, _ in steps):
        score = 0.6 + 0.25 * min(s for k, s, _, _ in steps if k == "fuzzy")
        return _match(score, "fuzzy", f"{pair}: similar spelling ({_changes(steps)})")
    letters = sum(len(w) for w in _thing_words(x))
    cost = sum(spelling_cost(p, q) for k, _, p, q in steps if k == "translit")
    # Places a vowel apart are often different places (Mosul, Mosel), misc names are words as much as
    # names (Africans, Afrikaans), short names or names a letter apart differ (Atlanta, Atalanta): they
    # wait for a reviewer. Hizbollah / Hezbollah does not.
    sure = type_ in ("organization", "facility") and letters >= 8 and cost <= 0.5
    score = 0.93 if sure else 0.85
    return _match(score, "translit", f"{pair}: spellings of the same sounds ({_changes(steps)})")
