"""Resolve the mentions of one document: which name the same entity, and what type each entity is.

Links (see docs/entities.md): same_name, alias, surname, partial_name, acronym, expansion. A link's
source is the later or shorter mention, its target the earlier or fuller one. Surnames the model
missed after a full name ("Durmaz" after "Yunus Durmaz") and acronyms defined in parentheses are
added as mentions. Finally each cluster of linked mentions takes one type by a weighted vote.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from casegraph.extract.entities import (
    LOCATIVE,
    PERSON_CONTEXT,
    best_type,
    context_word,
    given_names,
    sentence_of,
    sentence_spans,
    type_votes,
)
from casegraph.extract.gazetteer import is_country
from casegraph.model import Document, Link, Mention, Span
from casegraph.resolve.aliases import AliasTable, is_acronym, load_aliases
from casegraph.resolve.clusters import cluster_links
from casegraph.resolve.names import (
    FUNCTION_WORDS,
    PARTICLES,
    SMALL_WORDS,
    TITLES,
    WORD,
    initials_before,
    is_surname_form,
    name_key,
    name_tokens,
    surname_keys,
)

SCORES = {
    "same_name": 1.0,
    "alias": 0.95,
    "acronym": 0.95,
    "expansion": 0.95,
    "surname": 0.9,
    "partial_name": 0.8,
    "first_name": 0.6,
    "nearest": 0.7,
}
PERSON_LINKS = ("surname", "partial_name")
_ACRONYM_TEXT = r"[A-Z][A-Za-z]*[A-Z](?:\.?[A-Z])*\.?|[A-Z](?:\.[A-Z])+\.?"
_PAREN_AFTER = re.compile(
    rf"\s*\(\s*({_ACRONYM_TEXT})\s*\)|,\s+or\s+(?:the\s+)?({_ACRONYM_TEXT})(?=[\s,.;:)])"
)
_PAREN_EXPANSION = re.compile(r"\s*\(\s*([^()\n]{3,80}?)\s*\)")
# 'Harun Yavuz, also known as "Abu Harun"', 'Harun Yavuz ("Abu Harun")': the text names an alias.
_AKA = re.compile(
    r"""(?:,\s*\d{1,3})?\s*(?:,\s*|\(\s*)?(?:(?:also|better|widely)\s+)?(?:known\s+as|a\.k\.a\.|aka|alias|nicknamed)\s+["“‘']?"""
    r"""|\s*\(\s*["“‘']"""
)
_AGE = re.compile(r"\s*,\s*\d{1,3}\s*,")


def resolve_document(
    mentions: list[Mention], doc: Document, *, sdoc: Doc | None = None
) -> tuple[list[Mention], list[Link]]:
    """Link the document's mentions that name the same entity, add missed ones, and vote their types."""
    resolver = _Resolver(mentions, doc, sdoc)
    resolver.add_acronyms()
    resolver.add_surnames()
    resolver.link_all()
    return resolver.typed_mentions(), resolver.links


@dataclass(frozen=True)
class _Definition:
    """'Kurdistan Workers Party (PKK)': an acronym and its expansion, defined by the text."""

    acronym: Mention
    expansion: Mention
    acronym_first: bool  # "PKK (Kurdistan Workers Party)"


class _Resolver:
    """State of resolving one document."""

    def __init__(self, mentions: list[Mention], doc: Document, sdoc: Doc | None) -> None:
        self.doc = doc
        self.text = doc.text
        self.aliases: AliasTable = load_aliases()
        self.sents = sentence_spans(sdoc) if sdoc is not None else text_sentences(doc.text)
        unique = {m.id: m for m in reversed(mentions)}
        self.mentions = sorted(unique.values(), key=lambda m: (m.start, m.end))
        self.spans = [(m.start, m.end) for m in self.mentions]
        self.by_id = {m.id: m for m in self.mentions}
        self.votes = {m.id: type_votes(m, self.text, aliases=self.aliases) for m in self.mentions}
        self.prior = {m.id: best_type(self.votes[m.id]) or m.type for m in self.mentions}
        self.links: list[Link] = []
        self.link_of: dict[str, Link] = {}
        self.definitions: list[_Definition] = []

    # ------------------------------------------------------------------ new mentions

    def add(self, start: int, end: int, *, label: str, type_: str) -> Mention:
        """Return the mention at a span, creating a rule mention there when there is none."""
        i = bisect_left(self.spans, (start, end))
        if i < len(self.spans) and self.spans[i] == (start, end):
            return self.mentions[i]
        sent = sentence_of(self.sents, start, end)
        mention = Mention(
            id=Mention.make_id(self.doc.id, start, end),
            doc=self.doc.id,
            start=start,
            end=end,
            text=self.text[start:end],
            type=type_,
            label=label,
            source="rule",
            sent_start=sent[0],
            sent_end=sent[1],
        )
        self.mentions.insert(i, mention)
        self.spans.insert(i, (start, end))
        self.by_id[mention.id] = mention
        self.votes[mention.id] = Counter({type_: 2})
        self.prior[mention.id] = type_
        return mention

    def free(self, start: int, end: int) -> bool:
        """True when no mention overlaps the span (mentions never overlap one another)."""
        i = bisect_left(self.spans, (start, end))
        before = i > 0 and self.spans[i - 1][1] > start
        after = i < len(self.spans) and self.spans[i][0] < end
        return not (before or after)

    def add_acronyms(self) -> None:
        """Find acronyms defined in the text and their later bare uses."""
        self.definitions = self._definitions()
        self.definitions += self._initials_definitions({d.acronym.start for d in self.definitions})
        for definition in self.definitions:
            pattern = re.compile(rf"(?<![\w.]){re.escape(definition.acronym.text)}(?![\w])")
            for match in pattern.finditer(self.text, definition.acronym.end):
                if self.free(*match.span()):
                    self.add(*match.span(), label="rule:acronym", type_=self.prior[definition.expansion.id])

    def _definitions(self) -> list[_Definition]:
        found: list[_Definition] = []
        for m in list(self.mentions):
            if len(m.text.split()) >= 2 and self.prior[m.id] != "person":
                acronym = self._acronym_after(m)
                if acronym is not None:
                    found.append(_Definition(acronym, m, acronym_first=False))
            elif is_acronym(m.text):
                expansion = self._expansion_after(m)
                if expansion is not None:
                    found.append(_Definition(m, expansion, acronym_first=True))
        return found

    def _acronym_after(self, m: Mention) -> Mention | None:
        match = _PAREN_AFTER.match(self.text, m.end)
        if not match:
            return None
        span = match.span(1 if match.group(1) else 2)
        return self._existing_or_new(span, label="rule:acronym", type_=self.prior[m.id])

    def _expansion_after(self, acr: Mention) -> Mention | None:
        match = _PAREN_EXPANSION.match(self.text, acr.end)
        if not match or not _title_words(match.group(1)):
            return None
        return self._existing_or_new(match.span(1), label="rule:expansion", type_=self.prior[acr.id])

    def _existing_or_new(self, span: Span, *, label: str, type_: str) -> Mention | None:
        i = bisect_left(self.spans, span)
        if i < len(self.spans) and self.spans[i] == span:
            return self.mentions[i]
        return self.add(*span, label=label, type_=type_) if self.free(*span) else None

    def _initials_definitions(self, taken: set[int]) -> list[_Definition]:
        # "Conflict Armament Research (CAR)" when the model missed the name: its initials spell it.
        found: list[_Definition] = []
        for match in re.finditer(rf"\(\s*({_ACRONYM_TEXT})\s*\)", self.text):
            if match.start(1) in taken:
                continue
            span = initials_before(self.text, match.start(), re.sub(r"[^A-Z]", "", match.group(1)))
            if span is None or not self.free(*span):
                continue
            acr = self._existing_or_new(match.span(1), label="rule:acronym", type_="organization")
            if acr is not None:
                expansion = self.add(*span, label="rule:expansion", type_=self.prior[acr.id])
                found.append(_Definition(acr, expansion, acronym_first=False))
        return found

    def add_surnames(self) -> None:
        """Add later uses of a person's surname the model missed ('Durmaz'), and e-mail greetings ('Greg')."""
        first_end: dict[str, int] = {}
        given: dict[str, int] = {}
        for m in self.mentions:
            if self._full_person(m):
                for key in surname_keys(m.text):
                    first_end.setdefault(key, m.end)
                if m.source == "header":
                    given.setdefault(name_tokens(m.text)[0], m.end)
        if not first_end and not given:
            return
        for word in WORD.finditer(self.text):
            span = _bare_surname(self.text, word, first_end)
            if span is not None and self.free(*span):
                self.add(*span, label="rule:surname", type_="person")
            elif _greeting_name(self.text, word, given) and self.free(*word.span()):
                self.add(*word.span(), label="rule:first_name", type_="person")

    def _full_person(self, m: Mention) -> bool:
        return self.prior[m.id] == "person" and "@" not in m.text and len(name_tokens(m.text)) >= 2

    # ------------------------------------------------------------------ links

    def link(self, source: Mention, target: Mention, reason: str, score: float) -> None:
        """Record a link unless the source already has one."""
        if source.id in self.link_of or source.id == target.id:
            return
        link = Link(source=source.id, target=target.id, reason=reason, score=score)
        self.link_of[source.id] = link
        self.links.append(link)

    def link_all(self) -> None:
        """Link every mention to the earlier mention it refers to, in document order."""
        for d in self.definitions:
            if d.acronym_first:
                self.link(d.expansion, d.acronym, "expansion", SCORES["expansion"])
            else:
                self.link(d.acronym, d.expansion, "acronym", SCORES["acronym"])
        for name, other in self._aka_pairs():
            self.link(other, name, "alias", SCORES["alias"] - 0.05)
        linker = _Linker(self)
        for m in self.mentions:
            if m.id not in self.link_of:
                linker.link_back(m)
            linker.remember(m)
        for m in self.mentions:
            if m.id not in self.link_of:
                linker.link_forward(m)

    def _aka_pairs(self) -> list[tuple[Mention, Mention]]:
        pairs = []
        for m in self.mentions:
            match = _AKA.match(self.text, m.end)
            if match is None:
                continue
            i = bisect_left(self.spans, (match.end(), 0))
            if i < len(self.mentions) and self.mentions[i].start == match.end():
                other = self.mentions[i]
                if self.prior[other.id] == self.prior[m.id] or other.source == "rule":
                    pairs.append((m, other))
        return pairs

    # ------------------------------------------------------------------ types

    def typed_mentions(self) -> list[Mention]:
        """Return the mentions with each cluster's voted type.

        Mentions linked as a surname or partial name do not vote: 'Bali' (tagged GPE) takes the
        type of 'Ilhami Bali', 'Almond' (tagged ORG) that of 'Mark Almond'.
        """
        clusters = cluster_links((m.id for m in self.mentions), self.links)
        typed: dict[str, str] = {}
        for members in clusters.groups().values():
            votes: Counter[str] = Counter()
            for i in members:
                link = self.link_of.get(i)
                if link is None or link.reason not in PERSON_LINKS:
                    votes.update(self.votes[i])
            winner = best_type(votes)
            for i in members:
                typed[i] = winner or self.prior[i]
        return [replace(m, type=typed[m.id]) if typed[m.id] != m.type else m for m in self.mentions]


class _Linker:
    """Indexes of the mentions seen so far, so that linking stays linear in the document length."""

    def __init__(self, res: _Resolver) -> None:
        self.res = res
        self.first_by_key: dict[str, list[Mention]] = defaultdict(list)
        self.first_by_canonical: dict[str, Mention] = {}
        self.last_seen: dict[str, Mention] = {}  # person key -> last mention with that key
        self.org_suffixes: dict[str, Mention] = {}
        # every full person name under each part a shorter mention may take, in document order
        self.person_parts: dict[str, list[tuple[Mention, str]]] = defaultdict(list)
        # words the model (or a rule) tagged as a person somewhere in the document
        self.person_words = {
            " ".join(name_tokens(m.text)) for m in res.mentions if res.prior[m.id] == "person"
        }
        for m in res.mentions:
            if res._full_person(m):
                for part, kind in _name_parts(m.text):
                    self.person_parts[part].append((m, kind))

    def remember(self, m: Mention) -> None:
        """Index a mention once it has been linked."""
        res = self.res
        key = self.key(m)
        if len(self.first_by_key[key]) < 4:
            self.first_by_key[key].append(m)
        canonical = res.aliases.canonical(m.text)
        if canonical is not None:
            self.first_by_canonical.setdefault(canonical, m)
        if res.prior[m.id] == "person" or m.id in res.link_of:
            self.last_seen[key] = m
            if res._full_person(m):
                for part, _ in _name_parts(m.text):
                    self.last_seen[part] = m
        words = name_key(m.text).split()
        if res.prior[m.id] == "organization" and len(words) > 2:
            for i in range(1, len(words) - 1):
                self.org_suffixes[" ".join(words[i:])] = m

    def key(self, m: Mention) -> str:
        """The key for same_name: persons without titles and in given-name order ('Arora, Harry')."""
        if self.res.prior[m.id] == "person" and "@" not in m.text:
            return " ".join(name_tokens(m.text))
        return name_key(m.text)

    def root(self, m: Mention) -> str:
        """The id of the mention at the end of m's chain of links: one id per person so far."""
        seen = m.id
        while seen in self.res.link_of:
            seen = self.res.link_of[seen].target
        return seen

    def link_back(self, m: Mention) -> None:
        """Link a mention to the earlier one it names: alias, then person parts, then same name."""
        if not (self._alias(m) or self._person(m) or self._same(m)):
            self._org_part(m)

    def _alias(self, m: Mention) -> bool:
        canonical = self.res.aliases.canonical(m.text)
        target = self.first_by_canonical.get(canonical) if canonical else None
        if target is None:
            return False
        reason = "same_name" if name_key(target.text) == name_key(m.text) else "alias"
        self.res.link(m, target, reason, SCORES[reason])
        return True

    def _same(self, m: Mention) -> bool:
        for e in self.first_by_key.get(self.key(m), []):
            link = self.res.link_of.get(e.id)
            if link is not None and link.reason in PERSON_LINKS:
                continue  # a surname already; m was not fit to be one ("in Bali" after "Bali said")
            if self._compatible(m, e):
                self.res.link(m, e, "same_name", SCORES["same_name"])
                return True
        return False

    def _compatible(self, a: Mention, b: Mention) -> bool:
        # Different types block a link only when both mentions carry more than the model's word.
        res = self.res
        strong_a = max(res.votes[a.id].values(), default=0)
        strong_b = max(res.votes[b.id].values(), default=0)
        return res.prior[a.id] == res.prior[b.id] or strong_a < 2 or strong_b < 2

    def _org_part(self, m: Mention) -> None:
        # "Interior Ministry" after "Saudi Interior Ministry".
        if self.res.prior[m.id] != "organization":
            return
        target = self.org_suffixes.get(name_key(m.text))
        if target is not None:
            self.res.link(m, target, "partial_name", SCORES["partial_name"])

    def _person(self, m: Mention) -> bool:
        words = name_tokens(m.text)
        if not words or not self._could_be_person(m, words):
            return False
        matches = self._matches(m, words, before=True)
        if not matches or not self._convincing(m, words, matches):
            return False
        if len({self.root(e) for e, _ in matches}) == 1:
            target, kind = matches[-1]  # the nearest preceding full name
            self.res.link(m, target, *_person_reason(kind))
        else:
            self._nearest(m, words, matches)
        return True  # an ambiguous surname never falls back to same_name

    def _convincing(self, m: Mention, words: list[str], matches: list[tuple[Mention, str]]) -> bool:
        # A word the model never calls a person ("Chechnya" x7 GPE) is a surname only of a name that
        # is surely a person's: "Ilhami Bali" (a known given name), not the headline's "Lebed Chechnya".
        if self.res.prior[m.id] == "person" or " ".join(words) in self.person_words:
            return True
        if context_word(self.res.text, m.end) in PERSON_CONTEXT or _AGE.match(self.res.text, m.end):
            return True  # "Onarheim, 29, told Reuters"
        names = given_names()
        return all(name_tokens(full.text)[0] in names or full.source == "header" for full, _ in matches)

    def _matches(self, m: Mention, words: list[str], *, before: bool) -> list[tuple[Mention, str]]:
        out = []
        for full, kind in self.person_parts.get(" ".join(words), []):
            if kind == "first_name" and self.res.prior[m.id] != "person":
                continue
            if (full.start < m.start) == before and full.id != m.id:
                out.append((full, kind))
        return out

    def _nearest(self, m: Mention, words: list[str], matches: list[tuple[Mention, str]]) -> None:
        # Two people share the name ("Ali Sahin", "Yakub Sahin"): follow the last mention of it when
        # that one is unambiguous (a full name with no namesake in its sentence, or a linked surname).
        last = self.last_seen.get(" ".join(words))
        if last is None:
            return
        kinds = {e.id: kind for e, kind in matches}
        if last.id in kinds:
            rivals = [
                f for f, _ in matches if self.root(f) != self.root(last) and f.sent_start == last.sent_start
            ]
            if not rivals:
                self.res.link(m, last, _person_reason(kinds[last.id])[0], SCORES["nearest"])
            return
        previous = self.res.link_of.get(last.id)
        if previous is not None and previous.reason in PERSON_LINKS:
            self.res.link(m, self.res.by_id[previous.target], previous.reason, SCORES["nearest"])

    def link_forward(self, m: Mention) -> None:
        """Link a surname met before its full name ('Erdogan's government ... Recep Tayyip Erdoğan')."""
        words = name_tokens(m.text)
        if self.res.prior[m.id] != "person" or not words or self._matches(m, words, before=True):
            return  # no person, or left unlinked on purpose: ambiguous among earlier names
        matches = self._matches(m, words, before=False)
        if matches and len({self.root(e) for e, _ in matches}) == 1:
            reason, score = _person_reason(matches[0][1])
            self.res.link(m, matches[0][0], reason, score - 0.1)

    def _could_be_person(self, m: Mention, words: list[str]) -> bool:
        res = self.res
        if res.prior[m.id] == "person":
            return True
        if is_acronym(m.text) or res.aliases.lookup(m.text) is not None:
            return False
        if not (is_surname_form(words) or len(words) >= 2):
            return False
        # "in Bali" is the island; "Bali said" is the man introduced as Ilhami Bali.
        if res.prior[m.id] in ("location", "facility"):
            before = _word_before(res.text, m.start).lower()
            return before not in LOCATIVE and not is_country(m.text)
        return True


def _name_parts(full: str) -> list[tuple[str, str]]:
    """The keys by which a shorter mention may name this full name, with the kind of part."""
    words = name_tokens(full)
    surnames = surname_keys(full)
    parts = [(key, "surname") for key in surnames]
    for size in range(2, len(words)):
        runs = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
        parts += [(run, "partial_name") for run in sorted(runs - surnames)]
    parts.append((words[0], "first_name"))
    return parts


def _person_reason(kind: str) -> tuple[str, float]:
    if kind == "first_name":
        return "partial_name", SCORES["first_name"]
    return kind, SCORES[kind]


def text_sentences(text: str) -> list[Span]:
    """Split text into rough sentences when no spaCy Doc is at hand."""
    spans: list[Span] = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+|\n+", text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_][\w\-]*)\s+$", text[max(0, start - 40) : start])
    return match.group(1) if match else ""


def _bare_surname(text: str, word: re.Match[str], first_end: dict[str, int]) -> Span | None:
    """The span of a capitalised surname standing alone ('Durmaz said', not 'Durmaz Street')."""
    token = word.group()
    possessive = re.search(r"['’]s?$", token)
    core = token[: possessive.start()] if possessive else token
    key = name_key(core)
    if key not in first_end or word.start() < first_end[key]:
        return None
    if not (core[0].isupper() or (core.split("-")[0].lower() in PARTICLES and "-" in core)):
        return None
    before = re.search(r"([^\W\d_][\w.\-]*) $", text[max(0, word.start() - 40) : word.start()])
    after = re.match(r" ([^\W\d_][\w\-]*)", text[word.end() : word.end() + 40])
    if before and _name_word(before.group(1)):
        return None  # inside a longer capitalised name: "Ali Durmaz", "New Durmaz"
    if after and after.group(1)[0].isupper():
        return None  # "Wallace Street"
    return (word.start(), word.start() + len(core))


def _name_word(word: str) -> bool:
    """True for a capitalised word that may be part of a name (not 'But', 'Mr.', 'Gaziantep.')."""
    key = name_key(word)
    return word[0].isupper() and key not in TITLES and key not in FUNCTION_WORDS and not word.endswith(".")


def _greeting_name(text: str, word: re.Match[str], given: dict[str, int]) -> bool:
    """An e-mail's 'Greg' or 'Hello Harry,' line naming a sender or recipient by first name."""
    key = name_key(word.group())
    if key not in given or word.start() < given[key] or not word.group()[0].isupper():
        return False
    line_start = text.rfind("\n", 0, word.start()) + 1
    line_end = text.find("\n", word.end())
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return len(line.split()) <= 3


def _title_words(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 10 and all(w[0].isupper() or w.lower() in SMALL_WORDS for w in words)
