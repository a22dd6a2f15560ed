"""Name normalisation shared by in-document and cross-document resolution.

``name_key`` is the one key two spellings of a name must share to be called the same:
"İlhami Balı" and "Ilhami Bali", "the Atlantic Council" and "Atlantic Council", "U.S." and "US".
The token helpers split a person's name into the parts the surname and partial-name rules use.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from unidecode import unidecode

# Turkish dotted capital I and dotless i: "İ".lower() is "i̇" (i + combining dot), so map them first.
_TURKISH = str.maketrans({"İ": "I", "ı": "i"})
_DROP = str.maketrans("", "", ".'`")
_TO_SPACE = str.maketrans({c: " " for c in string.punctuation if c not in ".'`"})

# A word of a name: letters first, then letters, digits, apostrophes and hyphens.
WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Small words a name or an acronym's expansion may hold without a capital ("Islamic State of Iraq").
SMALL_WORDS = frozenset("of the and for in on at to de du des la le al el".split())

# Words before a name that are not part of it ("President Erdogan", "Gen. Joseph Dunford").
TITLES = frozenset(
    """mr mrs ms miss dr prof president vice prime minister gen general lt lieutenant col colonel maj major
    capt captain sgt sergeant adm admiral cmdr commander sheikh shaykh sheik ayatollah hojatoleslam imam
    mullah emir king queen prince princess sultan judge justice sen senator rep representative gov governor
    mayor chancellor secretary ambassador agent officer detective inspector chief sir lord lady dame rev
    reverend father brother pope cardinal bishop rabbi professor attorney counsel minister defense defence
    foreign interior deputy special u s us""".split()
)
# Words that start a sentence before a name without being part of it ("But Durmaz said").
FUNCTION_WORDS = frozenset(
    """a an the and but or nor so yet then when while after before as if though although because since until
    where whereas meanwhile also still even only later now today yesterday here there this that these those
    it its his her their our my your said says told asked according with without for from in on at by of to
    into against between among under over about like unlike including besides despite during through per
    both either neither not all every each some many most more such what which who whom whose how
    why""".split()
)
# Lowercase particles that belong to a surname: "Bashar al-Assad", "Ludwig van Beethoven".
PARTICLES = frozenset(
    "al el ad as ash at az bin ibn bint van von der den de del della da di du le la".split()
)


def name_key(text: str) -> str:
    """Return the normalised key of a name: diacritics, case, 'the', possessives and punctuation folded."""
    return _name_key(text)


@lru_cache(maxsize=65536)
def _name_key(text: str) -> str:
    return key_uncached(text)


def key_uncached(text: str) -> str:
    """``name_key`` without its cache, for bulk indexing."""
    if not text.isascii():
        text = unidecode(text.translate(_TURKISH))
    text = text.casefold().strip()
    if text.endswith(("'s", "`s")):
        text = text[:-2]
    text = text.rstrip("'`")
    # "U.S." -> "us", "Workers'" -> "workers"; hyphens and other punctuation separate words.
    text = text.translate(_DROP).translate(_TO_SPACE)
    text = " ".join(text.split())
    return text[4:] if text.startswith("the ") else text


def name_tokens(text: str) -> list[str]:
    """Return the key words of a person's name without leading titles; 'Allen, Phillip K' is reordered."""
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if last and first and "@" not in text:
            text = f"{first} {last}"
    words = name_key(text).split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return words


def surname_keys(text: str) -> set[str]:
    """Return the keys a bare surname of a full name may take: 'Bashar al-Assad' -> {'al assad', 'assad'}."""
    words = name_tokens(text)
    if len(words) < 2:
        return set()
    keys = {words[-1]}
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
        keys.add(" ".join(words[start:]))
    return keys


def is_surname_form(words: list[str]) -> bool:
    """True when the words could be a bare surname: one word, or particles before one word ('al turki')."""
    return len(words) == 1 or (len(words) > 1 and all(w in PARTICLES for w in words[:-1]))


def contains_run(words: list[str], part: list[str]) -> bool:
    """True when ``part`` occurs as a contiguous run of whole words inside ``words``."""
    size = len(part)
    return any(words[i : i + size] == part for i in range(len(words) - size + 1))


def initials_before(text: str, paren: int, letters: str) -> tuple[int, int] | None:
    """The run of capitalised words right before '(' whose initials spell ``letters``."""
    offset = max(0, paren - 200)
    words = list(WORD.finditer(text, offset, paren))
    if not words or text[words[-1].end() : paren].strip():
        return None
    initials = ""
    for word in reversed(words):
        if word.group().lower() in SMALL_WORDS:
            continue
        if not word.group()[0].isupper():
            return None
        initials = word.group()[0] + initials
        if initials == letters:
            return (word.start(), words[-1].end())
        if len(initials) >= len(letters):
            return None
    return None
