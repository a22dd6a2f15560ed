"""Shared helpers for relation and quote extraction: mentions on the parse, subjects, sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from casegraph.extract.nlp import doc_text
from casegraph.model import Link, Mention
from casegraph.resolve.clusters import Clusters, cluster_links

# Words that introduce speech or writing (lemmas), shared by quotes and the communication relation.
SPEECH_VERBS = frozenset(
    """say tell add write state warn explain claim note ask argue query insist declare conclude announce
    report confirm deny admit acknowledge allege assert testify reply respond recall urge post tweet
    observe comment remark continue stress emphasize emphasise suggest predict estimate caution inform
    complain concede boast brag contend maintain reiterate point""".split()
)
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Common nouns that can head an unnamed speaker: people, groups and texts ("officials said",
# "a police source told Reuters", "the statement said").
SPEAKER_NOUNS = frozenset(
    """official source expert analyst observer witness resident people person man woman boy girl child user
    individual agent police authority government ministry spokesman spokeswoman spokesperson statement
    report document group organization organisation video message post tweet letter note email e-mail text
    website sign banner poster caption complaint affidavit court judge prosecutor lawyer attorney
    investigator reporter journalist newspaper agency army military militant commander leader speaker
    researcher study survey article interview transcript recording audio brother sister friend neighbor
    neighbour family relative colleague informant defendant suspect victim survivor someone member
    minister president diplomat officer soldier fighter activist critic commentator columnist scholar
    historian specialist adviser advisor aide staff employee worker diplomat ambassador envoy lawmaker
    legislator senator representative candidate voter student teacher doctor nurse official officials
    administration council committee commission office department service force forces guard parliament
    cabinet embassy team company firm bank party movement militia faction network caller writer author
    editor blogger poster account accountholder director manager chairman chief executive founder
    insider participant protester demonstrator local citizen villager farmer driver passenger indictment
    filing ruling verdict record memo memorandum manual guide book communique claim announcement
    speech sermon broadcast""".split()
)
# Generic nouns that stand for the name beside them: "the Islamic State group", "his counterpart Hulusi Akar".
STAND_IN_NOUNS = frozenset(
    """group organization organisation newspaper paper agency party network company militia movement
    counterpart channel station television broadcaster outlet website magazine firm""".split()
)


@dataclass
class MentionIndex:
    """The document's mentions placed on the spaCy parse, with their clusters."""

    sdoc: Doc
    mentions: list[Mention]
    clusters: Clusters
    spans: dict[str, Span] = field(default_factory=dict)
    by_token: dict[int, Mention] = field(default_factory=dict)
    text: str = ""  # sdoc.text, joined once: spaCy rebuilds it from every token on each access

    @classmethod
    def build(cls, sdoc: Doc, mentions: list[Mention], links: list[Link]) -> MentionIndex:
        """Place every mention on the tokens it covers; longer mentions win overlaps."""
        index = cls(sdoc, mentions, cluster_links((m.id for m in mentions), links), text=doc_text(sdoc))
        for mention in sorted(mentions, key=lambda m: m.end - m.start):
            span = sdoc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            index.spans[mention.id] = span
            for token in span:
                index.by_token[token.i] = mention
        return index

    def at(self, token: Token) -> Mention | None:
        """Return the mention covering ``token``, if any."""
        return self.by_token.get(token.i)

    def head(self, mention: Mention) -> Token | None:
        """Return the syntactic head token of a mention."""
        span = self.spans.get(mention.id)
        return span.root if span is not None else None

    def span_of(self, mention: Mention) -> Span | None:
        """Return the spaCy span of a mention."""
        return self.spans.get(mention.id)

    def same_entity(self, a: Mention, b: Mention) -> bool:
        """Say whether two mentions are in one cluster (or are the same mention)."""
        return a.id == b.id or self.clusters.find(a.id) == self.clusters.find(b.id)

    def entity_of(self, token: Token) -> Mention | None:
        """Return the mention a noun stands for: its own, an appositive's, or the name by a stand-in noun."""
        own = self.at(token)
        if own is not None:
            return own
        for child in token.children:
            if child.dep_ == "appos" and self.at(child) is not None:
                return self.at(child)
        if token.lemma_.lower() in STAND_IN_NOUNS:
            for child in token.children:
                if child.dep_ == "compound" and self.at(child) is not None:
                    return self.at(child)
        return None

    def is_head(self, token: Token) -> bool:
        """Say whether ``token`` is the head token of the mention that covers it."""
        mention = self.at(token)
        return mention is not None and self.head(mention) == token


def subjects(verb: Token) -> list[Token]:
    """Return the subject tokens of a verb, following relative clauses, participles and shared subjects."""
    own = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if own:
        if any(s.lower_ in RELATIVE_PRONOUNS for s in own) and verb.dep_ == "relcl":
            return [verb.head, *conjuncts(verb.head)]
        return [t for subj in own for t in (subj, *conjuncts(subj))]
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return [verb.head]
    if (
        verb.dep_ in ("conj", "xcomp", "advcl")
        and verb.head.i != verb.i
        and verb.head.pos_ in ("VERB", "AUX")
    ):
        return subjects(verb.head)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        return subjects(verb.head.head)  # "After telling UCE-1 ..., Hendricks directed": Hendricks told
    return []


def conjuncts(token: Token) -> list[Token]:
    """Return the tokens coordinated with ``token`` ("X and Y")."""
    return [c for c in token.children if c.dep_ == "conj"]


def lemma_in(token: Token, words: frozenset[str]) -> bool:
    """Say whether a verb's lemma is in ``words``, forgiving the lemmatizer's misses ("urges")."""
    lower = token.lower_
    forms = {token.lemma_.lower(), lower}
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if lower.endswith(suffix):
            forms.add(lower[: -len(suffix)] + repl)
    return not forms.isdisjoint(words)


def is_negated(token: Token) -> bool:
    """Say whether a verb or noun is negated ("not", "never", "no")."""
    return any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in token.children)


def sentence_span(token: Token) -> tuple[int, int]:
    """Return the character span of the sentence holding ``token``."""
    sent = token.sent
    return sent.start_char, sent.end_char


def evidence_span(
    text: str, spans: list[tuple[int, int]], sentences: list[tuple[int, int]]
) -> tuple[int, int]:
    """The sentences around ``spans``, cut at line breaks outside them (a headline glued to a sentence)."""
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    start = min(lo, *(s for s, _ in sentences))
    end = max(hi, *(e for _, e in sentences))
    start = max(start, _last_break(text, start, lo) + 1)
    cut = _first_break(text, hi, end)
    end = cut if cut >= 0 else end
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _is_hard_break(text: str, pos: int) -> bool:
    """A line break that ends a text unit: not a wrapped line that goes on in lower case ("EFB,\nwas")."""
    after = text[pos + 1 : pos + 2]
    return not (after.islower() and text[pos - 1 : pos] not in ("", "\n"))


def _last_break(text: str, start: int, end: int) -> int:
    """The position of the last hard line break in text[start:end], or -1."""
    pos = text.rfind("\n", start, end)
    while pos >= 0 and not _is_hard_break(text, pos):
        pos = text.rfind("\n", start, pos)
    return pos


def _first_break(text: str, start: int, end: int) -> int:
    """The position of the first hard line break in text[start:end], or -1."""
    pos = text.find("\n", start, end)
    while pos >= 0 and not _is_hard_break(text, pos):
        pos = text.find("\n", pos + 1, end)
    return pos


def prep_objects(token: Token, preps: frozenset[str]) -> list[Token]:
    """Return the objects of the prepositions in ``preps`` attached to ``token`` ("member *of* Y")."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ not in ("prep", "dative", "agent"):
            continue
        if child.lower_ in preps:
            out.extend(_pobjs(child))
        elif child.lower_ in ("along", "together"):  # "along with Y"
            for inner in child.children:
                if inner.dep_ == "prep" and inner.lower_ in preps:
                    out.extend(_pobjs(inner))
    return out


def _pobjs(prep: Token) -> list[Token]:
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    return [t for obj in objs for t in (obj, *conjuncts(obj))]
