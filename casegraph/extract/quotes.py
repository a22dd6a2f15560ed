"""Direct quotes (words inside quote marks) and who said them (see docs/relations.md, "Quotes").

Quote marks are paired per paragraph; a quote left open at a paragraph's end goes on when the next
paragraph opens with a quote mark (the newspaper convention). Each quote is attributed to the
nearest speech verb outside quote marks in its sentence(s), preferring a verb that governs the
quote in the parse; the verb's subject is the speaker, a pronoun is resolved to the nearest person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from casegraph.extract._patterns import (
    PERSONAL_PRONOUNS,
    SPEAKER_NOUNS,
    SPEECH_VERBS,
    MentionIndex,
    evidence_span,
    lemma_in,
    prep_objects,
    subjects,
)
from casegraph.extract.nlp import doc_text, token_range
from casegraph.model import Document, Link, Mention, Quote, make_id

OPEN_DOUBLE, CLOSE_DOUBLE = "“«„", "”»"
OPEN_SINGLE, CLOSE_SINGLE = "‘", "’"
# Verbs that report speech or writing, beyond the shared list ("calls on Muslims to 'defend ...'").
QUOTE_VERBS = SPEECH_VERBS | frozenset(
    "call direct instruct inquire request demand threaten vow pledge promise order shout chant read advise "
    "message text publish answer".split()
)
# Words just before a quote mark that make the quoted words a name or a title, not speech.
TITLE_CUE = re.compile(
    r"(entitled|titled|(called|named|calls|call) (itself|himself|herself|themselves)|called|named|dubbed|"
    r"known as|refer(red)? to as|(him|her|them|me|us|himself|herself|themselves|itself) as|author of|"
    r"aliases?|accounts?|"
    r"user ?names?|handles?|hashtags?)\W*(the\s+|a\s+)?\W*$",
    re.IGNORECASE,
)
DETERMINERS = frozenset("the a an this that these those his her its their our my your".split())
# Small words inside names ("Al-Qaeda in Iraq", "Draw the Prophet Muhammad Contest").
NAME_PARTICLES = frozenset("of in the and for al el bin ibn de du la le von van".split())
# Nouns for texts that "say" what their author wrote.
TEXT_NOUNS = frozenset("message post tweet statement letter note email e-mail text video comment".split())
SPEAKER_TYPES = frozenset({"person", "organization", "location", "misc"})
MAX_SCARE_WORDS = 3  # quotes this short need a verb that governs them


@dataclass(frozen=True)
class Marked:
    """Words between a pair of quote marks: the marks' span and the trimmed inner span."""

    open: int  # offset of the opening mark
    close: int  # offset just past the closing mark (or the paragraph end, when the quote goes on)
    start: int
    end: int
    chain: int  # segments of one quote running over several paragraphs share a chain number


@dataclass(frozen=True)
class Attribution:
    """Who a quote is given to: the speech verb and the speaker as found in the text."""

    verb: Token
    speaker: Mention | None
    speaker_text: str
    speaker_token: Token | None


def extract_quotes(sdoc: Doc, doc: Document, mentions: list[Mention], links: list[Link]) -> list[Quote]:
    """Return the document's direct quotes with their speaker, offsets and evidence sentences."""
    text = doc_text(sdoc)
    marked = find_quote_marks(text)
    index = MentionIndex.build(sdoc, mentions, links)
    regions = [(m.open, m.close) for m in marked]
    names = _known_names(text, marked, mentions)
    by_seg: dict[int, Attribution] = {}
    by_chain: dict[int, Attribution] = {}  # the parts of a quote over several paragraphs share one
    for seg in marked:
        found = _attribute(seg, sdoc, index, regions)
        if found is None or not _is_speech(seg, found, text) or _bare(text[seg.start : seg.end]) in names:
            continue
        by_seg[seg.open] = found
        by_chain.setdefault(seg.chain, found)
    quotes: list[Quote] = []
    previous: tuple[Marked, Attribution] | None = None
    for seg in marked:
        attr = by_seg.get(seg.open) or by_chain.get(seg.chain)
        if attr is None and previous is not None and _follows_on(previous[0], seg, text):
            attr = previous[1]
        if attr is None or _word_count(text[seg.start : seg.end]) == 0:
            previous = None
            continue
        quotes.append(_make_quote(doc, sdoc, seg, attr))
        previous = (seg, attr)
    return quotes


def _follows_on(prev: Marked, seg: Marked, text: str) -> bool:
    """'"A," the official said. "B."': a quote opening the next sentence goes on with the same speaker."""
    between = text[prev.close : seg.open]
    if "\n" in between or len(between) > 120 or _word_count(text[seg.start : seg.end]) <= MAX_SCARE_WORDS:
        return False
    return between.rstrip().endswith((".", ":")) and text[seg.start : seg.start + 1].isupper()


def _make_quote(doc: Document, sdoc: Doc, seg: Marked, attr: Attribution) -> Quote:
    spans = [(seg.open, seg.close), (attr.verb.idx, attr.verb.idx + len(attr.verb))]
    if attr.speaker_token is not None:
        spans.append((attr.speaker_token.idx, attr.speaker_token.idx + len(attr.speaker_token)))
    sentences = [_sentence_at(sdoc, s) for s, _ in spans] + [_sentence_at(sdoc, seg.end - 1)]
    ev_start, ev_end = evidence_span(doc_text(sdoc), spans, sentences)
    return Quote(
        id=make_id("q", doc.id, seg.start),
        doc=doc.id,
        speaker=attr.speaker.id if attr.speaker is not None else None,
        speaker_text=attr.speaker_text,
        text=doc_text(sdoc)[seg.start : seg.end],
        start=seg.start,
        end=seg.end,
        ev_start=ev_start,
        ev_end=ev_end,
    )


def _sentence_at(sdoc: Doc, offset: int) -> tuple[int, int]:
    span = sdoc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return offset, offset + 1
    sent = span[0].sent
    return sent.start_char, sent.end_char


# --- finding quote marks -------------------------------------------------------------------------


def find_quote_marks(text: str) -> list[Marked]:
    """Pair the quote marks of ``text``: double quotes per paragraph, then single quotes outside them."""
    doubles = _pair_doubles(text)
    singles = _pair_singles(text, [(d.open, d.close) for d in doubles])
    out = [m for m in doubles + singles if m.end > m.start]
    return sorted(out, key=lambda m: m.open)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _pair_doubles(text: str) -> list[Marked]:
    out: list[Marked] = []
    carried: int | None = None  # chain of a quote left open at the previous paragraph's end
    paragraphs = [p for p in _paragraphs(text) if text[p[0] : p[1]].strip()]
    for n, (p_start, p_end) in enumerate(paragraphs):
        opened: int | None = None
        chain = None
        for i in range(p_start, p_end):
            kind = _double_kind(text, i, p_start, p_end, opened is not None)
            if kind == "open":
                opened = i
                chain = carried if carried is not None and i == _first_char(text, p_start) else i
            elif kind == "close" and opened is not None and chain is not None:
                out.append(_marked(text, opened, i + 1, chain))
                opened = None
        carried = None
        if opened is not None and chain is not None and n + 1 < len(paragraphs):
            nxt = paragraphs[n + 1]
            if _double_kind(text, _first_char(text, nxt[0]), nxt[0], nxt[1], False) == "open":
                out.append(_marked(text, opened, p_end, chain))
                carried = chain
    return out


def _first_char(text: str, start: int) -> int:
    while start < len(text) and text[start] in " \t\xa0":
        start += 1
    return start


def _double_kind(text: str, i: int, p_start: int, p_end: int, is_open: bool) -> str | None:
    """Whether the character at ``i`` opens or closes a double quote (or is no quote mark)."""
    char = text[i] if i < len(text) else ""
    if char in OPEN_DOUBLE:
        return "open"
    if char in CLOSE_DOUBLE:
        return "close"
    if char != '"':
        return None
    before = text[i - 1] if i > p_start else " "
    after = text[i + 1] if i + 1 < p_end else " "
    if before.isspace() or before in "([{—–-:":
        return "close" if is_open and (after.isspace() or after in ".,;:!?") else "open"
    return "close"


def _pair_singles(text: str, doubles: list[tuple[int, int]]) -> list[Marked]:
    """Single-quoted words outside double quotes; an apostrophe (it's, the jihadists' media) never opens."""
    out: list[Marked] = []
    for p_start, p_end in _paragraphs(text):
        opened: int | None = None
        for i in range(p_start, p_end):
            char = text[i]
            if char not in "'‘’" or any(a <= i < b for a, b in doubles):
                continue
            before = text[i - 1] if i > p_start else " "
            after = text[i + 1] if i + 1 < p_end else " "
            if (
                opened is None
                and char in "'‘"
                and (before.isspace() or before in "([{—–")
                and after.isalnum()
            ):
                opened = i
            elif opened is not None and char in "'’" and not before.isspace() and not after.isalnum():
                out.append(_marked(text, opened, i + 1, opened))
                opened = None
    return out


def _marked(text: str, open_at: int, close: int, chain: int) -> Marked:
    """The inner words of a quote, trimmed of spaces, closing marks and a trailing comma."""
    start, end = open_at + 1, close
    if end > start and text[end - 1] in CLOSE_DOUBLE + CLOSE_SINGLE + "\"'":
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return Marked(open_at, close, start, end, chain)


# --- attribution ---------------------------------------------------------------------------------


def _attribute(
    seg: Marked, sdoc: Doc, index: MentionIndex, regions: list[tuple[int, int]]
) -> Attribution | None:
    """The speech verb nearest the quote (a governing verb first) and its speaker."""
    best: tuple[tuple[int, int], Attribution] | None = None
    for verb in _candidate_verbs(seg, sdoc, regions):
        governs = _governs(verb, seg, sdoc)
        if not governs and not _stands_alone(seg, doc_text(sdoc)):
            continue
        attr = _speaker_of(verb, seg, index, regions)
        if attr is None or _separated(verb, seg, regions):
            continue
        # a short quote sits inside a reported clause; a long one stands beside its "he said"
        ranks = (governs, _adjacent(verb, seg, sdoc, regions))
        if _word_count(doc_text(sdoc)[seg.start : seg.end]) > MAX_SCARE_WORDS:
            ranks = ranks[::-1]
        if not any(ranks):  # neither beside the quote nor governing it: some other clause's verb
            continue
        score = (0 if ranks[0] else 1, _distance(verb, seg))
        if best is None or score < best[0]:
            best = (score, attr)
    return best[1] if best is not None else None


def _stands_alone(seg: Marked, text: str) -> bool:
    """A quote the verb does not govern must be a sentence of its own, not a phrase ("a reference to 'X'")."""
    before = text[: seg.open].rstrip(" \t\xa0")
    if not before or before[-1] in "\n:,;—–(" or before[-1] in ".?!" + CLOSE_DOUBLE:
        return True
    return text[seg.start : seg.start + 1].isupper()


def _candidate_verbs(seg: Marked, sdoc: Doc, regions: list[tuple[int, int]]) -> list[Token]:
    """Speech verbs outside quote marks in the sentences the quote touches (and a colon-ended one before)."""
    span = sdoc.char_span(seg.open, seg.close, alignment_mode="expand")
    if span is None or len(span) == 0:
        return []
    first = span[0].sent
    sents = {s.start: s for s in (first, span[-1].sent)}
    lo, hi = _line_start(doc_text(sdoc), seg.open), _line_end(doc_text(sdoc), seg.close - 1)
    if first.start > 0 and first.start_char >= seg.open - 2:  # 'He said: "..."' split before the quote
        prev = sdoc[first.start - 1].sent
        if prev.text.rstrip().endswith(":"):
            sents[prev.start] = prev
            lo = min(lo, prev.start_char)
    return [
        t
        for sent in sents.values()
        for t in sent
        if _is_speech_word(t) and lo <= t.idx < hi and not any(a <= t.idx < b for a, b in regions)
    ]


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _is_speech_word(token: Token) -> bool:
    if token.lower_ == "according":
        return True
    return token.pos_ in ("VERB", "AUX") and lemma_in(token, QUOTE_VERBS)


def _speaker_of(
    verb: Token, seg: Marked, index: MentionIndex, regions: list[tuple[int, int]]
) -> Attribution | None:
    """The speaker of a speech verb: its subject, or the object of "according to"."""
    if verb.lower_ == "according":
        tokens = [o for to in verb.children for o in to.children if o.dep_ == "pobj"]
    elif any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        # "he was directed by Hendricks to ...": the agent speaks; "he was told" alone names no speaker
        tokens = [o for by in verb.children if by.dep_ == "agent" for o in by.children if o.dep_ == "pobj"]
    else:
        tokens = [t for t in subjects(verb) if t.pos_ in ("NOUN", "PROPN", "PRON", "NUM")]
    text = doc_text(verb.doc)
    # the speaker may be a quoted handle ('"@sham_reason" wrote'), never words of another quote
    tokens = [
        t for t in tokens if all(not a <= t.idx < b or _is_name(text[a + 1 : b - 1]) for a, b in regions)
    ]
    tokens = [t for t in tokens if not seg.open <= t.idx < seg.close]
    if not tokens:
        return None
    token = tokens[0]
    if token.lower_ in PERSONAL_PRONOUNS:
        person = _antecedent(token, seg, index, regions)
        return Attribution(verb, person, token.text, token)
    token = _author_of_text(token, index)
    mention = index.entity_of(token)
    if mention is not None and mention.type in SPEAKER_TYPES:
        return Attribution(verb, mention, mention.text, token)
    if not _can_speak(token):
        return None
    return Attribution(verb, None, _phrase(token, seg, verb), token)


def _author_of_text(token: Token, index: MentionIndex) -> Token:
    """ "Simpson posted a message which read '...'": the message speaks for the one who posted it."""
    if token.lemma_.lower() not in TEXT_NOUNS or token.dep_ != "dobj":
        return token
    for subj in subjects(token.head):
        if index.entity_of(subj) is not None:
            return subj
    return token


def _can_speak(token: Token) -> bool:
    """An unnamed speaker must be a pronoun, a name, or a noun for people or for a text ("officials")."""
    if token.lower_ in ("one", "some", "many", "several", "none", "each", "all", "most"):
        return any(_can_speak(o) for o in prep_objects(token, frozenset({"of"})))
    if any(t.ent_type_ in ("DATE", "TIME") for t in token.subtree):
        return False
    if token.pos_ == "PRON":
        return True
    if token.pos_ == "PROPN" or token.text.startswith("@"):
        return True
    return token.lemma_.lower() in SPEAKER_NOUNS


def _phrase(token: Token, seg: Marked, verb: Token) -> str:
    """The speaker as written: the subject's noun phrase, without the quote, the verb's clause or commas."""
    clause = {t.i for t in verb.subtree} if verb.i in {t.i for t in token.subtree} else set()
    words = [t for t in token.subtree if not seg.open <= t.idx < seg.close and t.i not in clause]
    words = words[: next((i for i, t in enumerate(words) if t.i > token.i and t.text in ",;—("), len(words))]
    if not words:
        return token.text
    start, end = words[0].idx, words[-1].idx + len(words[-1])
    return doc_text(token.doc)[start:end].strip("“”\"'‘’ ")


def _antecedent(
    pronoun: Token, seg: Marked, index: MentionIndex, regions: list[tuple[int, int]]
) -> Mention | None:
    """The person a "he"/"she" refers to: the last person before the quote, in the same or previous sentence.

    A person who is the subject of their clause wins over one who is not ("Turkish commentator Murat Yetkin
    questions the competence of ... President Erdogan." -> Yetkin).
    """
    anchor = min(pronoun.idx, seg.chain)  # a quote over several paragraphs: look before its first one
    sent = _token_at(pronoun.doc, anchor).sent
    window_start = pronoun.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
    people = [
        m
        for m in index.mentions
        if m.type == "person"
        and window_start <= m.start < anchor
        and not any(a <= m.start < b for a, b in regions)
    ]
    if not people:
        return None
    subjects_ = [m for m in people if (h := index.head(m)) is not None and h.dep_ in ("nsubj", "nsubjpass")]
    return max(subjects_ or people, key=lambda m: m.start)


def _token_at(sdoc: Doc, offset: int) -> Token:
    span = sdoc.char_span(offset, min(offset + 1, len(doc_text(sdoc))), alignment_mode="expand")
    return span[0] if span is not None and len(span) else sdoc[0]


def _governs(verb: Token, seg: Marked, sdoc: Doc) -> bool:
    """Say whether ``verb`` is the speech verb the quote's words hang under in the parse."""
    span = sdoc.char_span(seg.start, seg.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    first = span[0].sent
    head = sdoc[span.start : min(span.end, first.end)].root  # a quote of several sentences: the first
    return _governor(head) == verb


def _governor(token: Token) -> Token | None:
    """The nearest speech verb above ``token``, not crossing into a clause that merely modifies.

    "After UCE-1 made a comment that 'hijrah' was dead, Hendricks responded" -> none: the quote sits in an
    adverbial clause with its own subject, so "responded" does not report it.
    """
    while token.head.i != token.i:
        if _blocks(token):
            return None
        token = token.head
        if _is_speech_word(token):
            return token
    return None


def _blocks(token: Token) -> bool:
    if token.dep_ in ("pcomp", "csubj", "csubjpass"):
        return True
    return token.dep_ == "advcl" and any(c.dep_ == "mark" for c in token.children)


def _adjacent(verb: Token, seg: Marked, sdoc: Doc, regions: list[tuple[int, int]]) -> bool:
    """Nothing but the speaker, an addressee or other quotes between verb and quote ('"...," Idiz added')."""
    if verb.idx >= seg.close:
        between = [sdoc[i] for i in token_range(sdoc, seg.close, verb.idx)]
        allowed = {t.i for s in subjects(verb) for t in s.subtree}
        between = [t for t in between if t.i not in allowed]
    else:
        between = [sdoc[i] for i in token_range(sdoc, verb.idx + len(verb), seg.open)]
        between = [t for t in between if t.pos_ in ("VERB", "AUX")]
    # 'Hendricks explained, "A;" "B;" and "C."': the earlier quotes and the "and" do not separate
    return all(
        t.is_punct or t.is_space or t.pos_ in ("ADV", "CCONJ") or any(a <= t.idx < b for a, b in regions)
        for t in between
    )


def _distance(verb: Token, seg: Marked) -> int:
    if verb.idx >= seg.close:
        return verb.idx - seg.close
    return max(0, seg.open - (verb.idx + len(verb)))


def _separated(verb: Token, seg: Marked, regions: list[tuple[int, int]]) -> bool:
    """Another quote between the verb and this one takes the verb ("A," he said, "B" is fine: adjacent)."""
    lo, hi = (seg.close, verb.idx) if verb.idx >= seg.close else (verb.idx, seg.open)
    return any(lo <= a and b <= hi and (a, b) != (seg.open, seg.close) and b - a > 40 for a, b in regions)


# --- speech or something else --------------------------------------------------------------------


def _is_speech(seg: Marked, attr: Attribution, text: str) -> bool:
    """Drop titles, names and handles in quote marks, and short scare quotes not governed by the verb."""
    words = text[seg.start : seg.end]
    if TITLE_CUE.search(text[max(0, seg.open - 40) : seg.open]) or _is_name(words):
        return False
    if _word_count(words) <= MAX_SCARE_WORDS:
        single = text[seg.open] in "'‘"  # single quote marks around a short phrase mark a term
        return (
            not single
            and not _after_determiner(seg, text)
            and attr.verb.lower_ != "according"
            and _governs(attr.verb, seg, attr.verb.doc)
        )
    return True


def _after_determiner(seg: Marked, text: str) -> bool:
    """A short quote right after "the"/"his" names a thing ("the 'shop' in Gaziantep"), no one's words."""
    before = re.search(r"(\w+)\W*$", text[max(0, seg.open - 20) : seg.open])
    return before is not None and before.group(1).lower() in DETERMINERS


def _known_names(text: str, marked: list[Marked], mentions: list[Mention]) -> set[str]:
    """Names the document uses, so a quoted "juba" is known for the name "Juba" quoted elsewhere."""
    names = {_bare(m.text) for m in mentions}
    names.update(_bare(text[m.start : m.end]) for m in marked if _is_name(text[m.start : m.end]))
    return names


def _bare(words: str) -> str:
    return re.sub(r"[\W_]+", " ", words).strip().lower()


def _is_name(words: str) -> bool:
    """A name, handle or defined term ("Abu Harb", "@sham_reason", "FBI") rather than spoken words."""
    parts = re.findall(r"[\w@#$'’.-]+", words)
    if len(parts) == 1 and re.search(r"[@#_]|\d", parts[0]) and re.search(r"[^\W\d_]", parts[0]):
        return True  # a handle: juba1911, @sham_reason
    content = [p for p in parts if p.lower() not in NAME_PARTICLES]
    if not content or len(parts) > 6:
        return False
    return all(p[0].isupper() or p[0] in "@#$" or p[0].isdigit() for p in content)


def _word_count(words: str) -> int:
    return len(re.findall(r"[^\W_][\w'’-]*", words))
