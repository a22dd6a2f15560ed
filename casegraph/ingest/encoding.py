"""Turn a file's bytes into text: UTF-8 first, then the most plausible legacy code page.

charset_normalizer alone guesses poorly on short Western and Turkish texts (it reads
cp1254 "Şişli" as Big5), so single-byte code pages are ranked here by how plausible
their words look, and charset_normalizer only adds a multi-byte candidate (Shift-JIS, GB18030, ...).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from casegraph.errors import IngestError

# Preference order breaks ties: Western first, then Turkish, then the rest.
SINGLE_BYTE = ["cp1252", "cp1254", "cp1250", "cp1251", "cp1253", "cp1257", "cp1256", "cp1255", "koi8_r"]
SAMPLE_BYTES = 64_000
MAX_CONTROL_RATIO = 0.05
# Letters a wrong Western reading of Turkish text produces (cp1252 Ð Ý Þ ð ý þ = cp1254 Ğ İ Ş ğ ı ş).
RARE_LETTERS = frozenset("ÐÝÞðýþ")
# Typographic punctuation that legitimately sits inside words ("don’t").
WORD_PUNCTUATION = frozenset("’‘´`'-‐–·")
_LETTERS = re.compile(r"[^\W\d_]+")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f]")  # Cc, less NUL and \t \n \v \f \r
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_]([^\w\s]+)[^\W\d_]")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
BINARY = "looks like a binary file, not text"


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name) for a file's bytes; raise IngestError for binary data."""
    bom = _bom_encoding(data)
    if bom:
        text = _decode_or_fail(data, bom)
        return _check_not_binary(text), bom
    if b"\x00" in data:
        raise IngestError(BINARY)
    for encoding in _first_choices(declared):
        try:
            return _check_not_binary(data.decode(encoding)), encoding
        except (ValueError, LookupError):  # undecodable, or a name like "x\0" that is no codec at all
            continue
    text, encoding = _decode_legacy(data)
    return _check_not_binary(text), encoding


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _decode_or_fail(data: bytes, encoding: str) -> str:
    """Decode with an encoding the file announces; a wrong announcement is reported, not guessed."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise IngestError(f"text does not decode as {encoding} despite its byte-order mark") from err


def _first_choices(declared: str | None) -> list[str]:
    """UTF-8, then an encoding the file declares (an HTML meta charset, a MIME charset)."""
    try:
        name = codecs.lookup(declared).name if declared else None
    except (LookupError, ValueError):
        name = None
    # As browsers do: a page labelled latin-1 or ascii is really windows-1252.
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"
    return ["utf-8"] if name in (None, "utf-8") else ["utf-8", str(name)]


def _check_not_binary(text: str) -> str:
    """Refuse text that is mostly control characters (a binary file under a text name)."""
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or (text and controls / len(text) > MAX_CONTROL_RATIO):
        raise IngestError(BINARY)
    return text


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with the most plausible legacy encoding."""
    sample = data[:SAMPLE_BYTES]
    ranked = sorted(_candidates(sample), key=lambda item: item[0])
    for _score, encoding in ranked:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # latin-1 maps every byte, so this always succeeds; the binary check judges the result.
    return data.decode("latin-1"), "latin-1"


def _candidates(sample: bytes) -> list[tuple[tuple[int, int, int], str]]:
    """Score each encoding that decodes the sample: (implausible words, rare letters, preference)."""
    scored = []
    encodings = SINGLE_BYTE + _multibyte_guess(sample)
    for order, encoding in enumerate(encodings):
        text = _decode_sample(sample, encoding)
        if text is not None:
            penalty, rare = score_text(text)
            scored.append(((penalty, rare, order), encoding))
    return scored


def _decode_sample(sample: bytes, encoding: str) -> str | None:
    """Decode a sample, tolerating a multi-byte character cut at its end."""
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError as err:
        if err.start >= len(sample) - 4 and encoding not in SINGLE_BYTE:
            return sample[: err.start].decode(encoding, errors="ignore")
        return None


def _multibyte_guess(sample: bytes) -> list[str]:
    """charset_normalizer's guess when it is a multi-byte encoding (CJK), else nothing."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding in SINGLE_BYTE or _is_single_byte(best.encoding):
        return []
    return [best.encoding]


def _is_single_byte(encoding: str) -> bool:
    """True for code pages where each byte is one character."""
    try:
        return len(bytes(range(256)).decode(encoding, errors="replace")) == 256
    except LookupError:
        return True


def score_text(text: str) -> tuple[int, int]:
    """Return (implausible words, rare letters): lower means a more plausible decoding."""
    penalty = sum(1 for word in _LETTERS.findall(text) if not word.isascii() and not _plausible(word))
    penalty += sum(1 for m in _SYMBOL_IN_WORD.finditer(text) if not set(m.group(1)) <= WORD_PUNCTUATION)
    latin_accented = sum(1 for ch in _NON_ASCII.findall(text) if ch.isalpha() and _script(ch) == "LATIN")
    latin = len(_ASCII_LETTERS.findall(text)) + latin_accented
    if latin >= 20 and latin_accented > 0.6 * latin:
        penalty += latin  # real Latin-script text is mostly plain a-z
    rare = sum(1 for ch in text if ch in RARE_LETTERS) if not text.isascii() else 0
    return penalty, rare


def _plausible(word: str) -> bool:
    """A word is plausible in one script with a normal case pattern (lower, UPPER, Title)."""
    if len({_script(ch) for ch in word}) > 1:
        return False
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()) or len(word) == 1


def _script(ch: str) -> str:
    """The Unicode script of a letter, from its name (LATIN, CYRILLIC, GREEK, ...)."""
    if ch.isascii():
        return "LATIN"
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]
