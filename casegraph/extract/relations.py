"""Typed, directed relations between mentions, read off the dependency parse (see docs/relations.md).

Each finder walks one kind of construction (an appositive role noun, a verb and its arguments, a
possessive place, an e-mail header) and proposes candidates; one table then checks the entity types
of both ends, so a finder may propose freely and only well-typed pairs survive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from casegraph.extract._patterns import (
    MentionIndex,
    conjuncts,
    evidence_span,
    prep_objects,
    sentence_span,
    subjects,
)
from casegraph.model import Document, Field, Link, Mention, Relation, make_id

PERSON, ORG, LOC, FAC = "person", "organization", "location", "facility"
# Which entity types each relation may join: (source types, target types).
ALLOWED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "member_of": (frozenset({PERSON}), frozenset({ORG})),
    "leader_of": (frozenset({PERSON}), frozenset({ORG})),
    "founded": (frozenset({PERSON, ORG}), frozenset({ORG})),
    "co_founded_with": (frozenset({PERSON}), frozenset({PERSON})),
    "employed_by": (frozenset({PERSON}), frozenset({ORG})),
    "affiliated_with": (frozenset({PERSON, ORG}), frozenset({ORG})),
    "communicated_with": (frozenset({PERSON, ORG}), frozenset({PERSON, ORG})),
    "located_in": (frozenset({PERSON, ORG, FAC}), frozenset({LOC})),
    "died_in": (frozenset({PERSON}), frozenset({LOC})),
    "related_to": (frozenset({PERSON}), frozenset({PERSON})),
}
SYMMETRIC = frozenset({"co_founded_with", "related_to"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Role nouns said of a person ("X, a member of Y", "Y spokesman X"), by the relation they signal.
LEADER_NOUNS = _words(
    "leader head chief commander emir chairman chairwoman chair president ringleader boss chieftain "
    "secretary-general director-general"
)
FOUNDER_NOUNS = _words("founder co-founder cofounder")
MEMBER_NOUNS = _words(
    "member militant fighter operative figure jihadist jihadi recruiter loyalist soldier insurgent "
    "commando gunman bomber"
)
EMPLOYEE_NOUNS = _words(
    "analyst researcher spokesman spokeswoman spokesperson official employee staffer reporter "
    "correspondent director professor lecturer editor columnist journalist economist agent officer "
    "executive manager lawyer attorney engineer secretary minister ambassador envoy investigator "
    "prosecutor trader worker producer writer photographer diplomat aide deputy detective"
)
AFFILIATE_NOUNS = _words(
    "fellow scholar expert specialist historian adviser advisor consultant commentator representative "
    "supporter sympathizer sympathiser associate affiliate ally student graduate alumnus partner"
)
KIN_NOUNS = _words(
    "brother sister son daughter father mother wife husband cousin uncle aunt nephew niece widow "
    "grandson granddaughter grandfather grandmother sibling relative spouse brother-in-law"
)
RESIDENT_NOUNS = _words("resident native")
# Modifiers that make a member a leader ("the most senior Islamic State figure").
RANK_WORDS = _words("senior top leading high-ranking highest-ranking chief")
# Nouns for a part of an organisation that a person holds ("Bali's Islamic State cell").
CELL_NOUNS = _words("cell network branch wing faction unit brigade battalion")
ROLE_PREPS = frozenset({"of", "at", "for", "with", "in", "from"})
MESSAGE_NOUNS = _words(
    "call phone email e-mail message letter note conversation meeting interview exchange talks chat "
    "text correspondence video telephone"
)
# Organisations that sit in one place, so "X in Y" places them ("Macquarie University in Sydney").
INSTITUTION_NOUNS = _words(
    "university institute college school academy center centre hospital museum mosque church embassy "
    "consulate library prison court headquarters office"
)
# Verbs under which a clause is a belief, not a statement ("CW-1 believed that Hendricks was ...").
BELIEF_VERBS = _words("believe think suspect assume guess wonder fear hope doubt speculate imagine")
# Words after a name that make it a service someone has an account on ("Twitter account", "App #2").
PLATFORM_WORDS = _words("# account accounts profile page channel handle feed")
MODAL_WORDS = _words("will would could might may should must shall")
WISH_VERBS = _words("want plan try hope intend attempt refuse seek wish expect")


@dataclass(frozen=True)
class Candidate:
    """A proposed relation before type checks: both mentions, and the tokens that signalled it."""

    type: str
    source: Mention
    target: Mention
    trigger: tuple[Token, ...]


def extract_relations(sdoc: Doc, doc: Document, mentions: list[Mention], links: list[Link]) -> list[Relation]:
    """Return the typed, directed relations the document's sentences (and e-mail headers) state."""
    index = MentionIndex.build(sdoc, mentions, links)
    out = _Collector(doc, index)
    for cand in _candidates(index):
        if _well_typed(cand, index):
            out.add(cand.type, cand.source, cand.target, _evidence(cand, index), _trigger_text(cand))
    for rel_type, source, target, span, trigger in _header_relations(doc, index):
        out.add(rel_type, source, target, span, trigger)
    return out.relations


def _candidates(index: MentionIndex) -> Iterator[Candidate]:
    finders: list[Callable[[MentionIndex], Iterator[Candidate]]] = [
        _role_relations,
        _person_of_org,
        _cell_relations,
        _verb_relations,
        _modifier_relations,
        _place_of_relations,
        _headquarters_relations,
        _surface_relations,
    ]
    for finder in finders:
        yield from finder(index)


class _Collector:
    """The relations found so far, one per type, pair of entities and evidence sentence."""

    def __init__(self, doc: Document, index: MentionIndex) -> None:
        self.doc, self.index = doc, index
        self.relations: list[Relation] = []
        self.seen: set[tuple[str, str, str, int]] = set()

    def add(
        self, rel_type: str, source: Mention, target: Mention, span: tuple[int, int], trigger: str
    ) -> None:
        """Keep a relation unless it joins a cluster to itself or repeats one already kept."""
        if self.index.same_entity(source, target):
            return
        ends = [self.index.clusters.find(source.id), self.index.clusters.find(target.id)]
        if rel_type in SYMMETRIC:
            ends.sort()
        key = (rel_type, ends[0], ends[1], span[0])
        if key in self.seen:
            return
        self.seen.add(key)
        rel_id = make_id("r", self.doc.id, rel_type, source.id, target.id, span[0])
        self.relations.append(
            Relation(rel_id, self.doc.id, rel_type, source.id, target.id, span[0], span[1], trigger)
        )


def _well_typed(cand: Candidate, index: MentionIndex) -> bool:
    sources, targets = ALLOWED[cand.type]
    return (
        cand.source.type in sources
        and cand.target.type in targets
        and not index.same_entity(cand.source, cand.target)
    )


def _evidence(cand: Candidate, index: MentionIndex) -> tuple[int, int]:
    """The sentence(s) holding the trigger and both mentions."""
    spans = [(t.idx, t.idx + len(t)) for t in cand.trigger]
    spans += [(m.start, m.end) for m in (cand.source, cand.target)]
    sentences = [sentence_span(t) for t in cand.trigger]
    sentences += [(m.sent_start, m.sent_end) for m in (cand.source, cand.target)]
    return evidence_span(index.text, spans, sentences)


def _trigger_text(cand: Candidate) -> str:
    """The signalling words as written; a split "co-founded" is given back whole."""
    tokens = sorted(set(cand.trigger), key=lambda t: t.i)
    words: list[str] = []
    for token in tokens:
        doc = token.doc
        if token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "co":
            words.append(doc[token.i - 2 : token.i + 1].text)
        else:
            words.append(token.text)
    return " ".join(words)


# --- role nouns: "X, a member of Y", "Y leader X", "X is the founder of Y" -------------------------


def _role_relations(index: MentionIndex) -> Iterator[Candidate]:
    """Relations signalled by a role noun in apposition to, compounded with, or predicated of a person."""
    for mention in index.mentions:
        head = index.head(mention)
        if mention.type != PERSON or head is None:
            continue
        for noun in _role_nouns(head, index):
            yield from _role_candidates(mention, noun, index)


def _role_nouns(head: Token, index: MentionIndex) -> list[Token]:
    """The nouns that say what the person at ``head`` is, with their coordinated nouns."""
    nouns = [c for c in head.children if c.dep_ in ("appos", "compound") and index.at(c) is None]
    if head.dep_ == "appos" and index.at(head.head) is None:
        nouns.append(head.head)
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_ in ("be", "become", "remain"):
        nouns.extend(c for c in head.head.children if c.dep_ == "attr")
    return [n for noun in nouns for n in (noun, *conjuncts(noun)) if n.pos_ in ("NOUN", "PROPN")]


def _role_candidates(person: Mention, noun: Token, index: MentionIndex) -> Iterator[Candidate]:
    rel_type = _role_type(noun)
    if noun.dep_ == "attr" and _is_unreal(noun.head):
        return
    for place, based in _based_places(noun, index):
        yield Candidate("located_in", person, place, (based,))
    if rel_type is None:
        return
    targets = _role_targets(noun, index)
    if not targets:  # "a senior leader and official spokesman of ISIL": share the last noun's object
        for other in _coordinated(noun):
            targets.extend(_role_targets(other, index))
    trigger = (*_rank_words(noun), noun)
    for target in targets:
        yield Candidate(_for_weakens(rel_type, target, index), person, target, trigger)


def _for_weakens(rel_type: str, target: Mention, index: MentionIndex) -> str:
    """A "recruiter for Daesh" works for the group but is not said to be a member of it."""
    span = index.span_of(target)
    head = span.root if span is not None else None
    if rel_type == "member_of" and head is not None and head.dep_ == "pobj" and head.head.lower_ == "for":
        return "affiliated_with"
    return rel_type


def _role_type(noun: Token) -> str | None:
    """The relation a role noun signals, with "senior"/"top" turning a member into a leader."""
    lemma = noun.lemma_.lower()
    if lemma in FOUNDER_NOUNS or noun.lower_.endswith("founder"):
        return "founded"
    if lemma in LEADER_NOUNS:
        return "leader_of"
    if lemma in MEMBER_NOUNS:
        return "leader_of" if _rank_words(noun) else "member_of"
    if lemma in EMPLOYEE_NOUNS:
        return "employed_by"
    if lemma in AFFILIATE_NOUNS:
        return "affiliated_with"
    if lemma in KIN_NOUNS:
        return "related_to"
    if lemma in RESIDENT_NOUNS:
        return "located_in"
    return None


def _rank_words(noun: Token) -> list[Token]:
    return [c for c in noun.children if c.dep_ == "amod" and c.lower_ in RANK_WORDS]


def _role_targets(noun: Token, index: MentionIndex) -> list[Mention]:
    """Names attached to a role noun: its compound or possessive modifiers and prepositional objects."""
    tokens = [c for c in noun.children if c.dep_ in ("compound", "nmod", "poss")]
    tokens.extend(prep_objects(noun, ROLE_PREPS))
    out: list[Mention] = []
    for token in tokens:
        mention = index.entity_of(token)
        if mention is not None and mention not in out:
            out.append(mention)
    return out


def _coordinated(noun: Token) -> list[Token]:
    """The other nouns of a coordination ("a senior leader and official spokesman")."""
    first = noun.head if noun.dep_ == "conj" else noun
    return [n for n in (first, *conjuncts(first)) if n.i != noun.i]


def _person_of_org(index: MentionIndex) -> Iterator[Candidate]:
    """ "Mark Almond of Oxford University": a person's "of"/"from" organisation, typed by a title noun."""
    for mention in index.mentions:
        head = index.head(mention)
        if mention.type != PERSON or head is None:
            continue
        titles = [c for c in head.children if c.dep_ == "compound" and index.at(c) is None]
        typed = [t for t in (_role_type(t) for t in titles) if t in ALLOWED and t != "related_to"]
        rel_type = typed[0] if typed else "affiliated_with"
        for obj in prep_objects(head, frozenset({"of", "from"})):
            target = index.entity_of(obj)
            if target is not None and target.type == ORG:
                yield Candidate(rel_type, mention, target, (obj.head,))


def _cell_relations(index: MentionIndex) -> Iterator[Candidate]:
    """ "Bali's Islamic State cell": the possessor is a member of the organisation naming the cell."""
    for token in index.sdoc:
        if token.lemma_.lower() not in CELL_NOUNS or index.at(token) is not None:
            continue
        owners = [index.at(c) for c in token.children if c.dep_ == "poss"]
        orgs = [index.at(c) for c in token.children if c.dep_ in ("compound", "nmod")]
        for owner in owners:
            for org in orgs:
                if owner is not None and org is not None:
                    yield Candidate("member_of", owner, org, (token,))


# --- verbs: "X joined Y", "X told Y", "X was killed in Y" -----------------------------------------

DOBJ_VERBS: dict[str, str] = {
    "join": "member_of",
    "lead": "leader_of",
    "head": "leader_of",
    "command": "leader_of",
    "found": "founded",
    "establish": "founded",
    "co-found": "founded",
    "cofound": "founded",
}
COMM_DOBJ = _words(
    "tell inform ask email e-mail phone contact meet message text brief notify instruct admonish remind "
    "interview warn urge thank"
)
COMM_WITH = _words("meet speak talk correspond chat communicate confer")
COMM_TO = _words("write speak talk say report reply respond explain complain email e-mail text")
COMM_SEND = _words("send forward mail")
PLACE_VERBS: dict[str, str] = {
    "live": "located_in",
    "reside": "located_in",
    "bear": "located_in",
    "base": "located_in",
    "headquarter": "located_in",
    "locate": "located_in",
    "die": "died_in",
}
KILL_VERBS = _words("kill shoot execute murder slay assassinate behead gun")


def _verb_relations(index: MentionIndex) -> Iterator[Candidate]:
    """Relations stated by a verb between its subject and an object or prepositional object."""
    for verb in index.sdoc:
        if verb.pos_ not in ("VERB", "AUX") or _is_unreal(verb):
            continue
        if verb.dep_ == "acl" and verb.head.dep_ == "pobj":  # "a recruiter for ISIL based in ...": unclear
            continue
        sources = _subject_mentions(verb, index)
        for source in sources:
            for rel_type, target, trigger in _verb_targets(verb, index):
                yield Candidate(rel_type, source, target, trigger)
        if _verb_lemma(verb) == "co-found":  # "X and Y co-founded Z": each founded it with the other
            for other in sources[1:]:
                yield Candidate("co_founded_with", sources[0], other, (verb,))


def _subject_mentions(verb: Token, index: MentionIndex) -> list[Mention]:
    """The mentions a verb's subjects stand for; "co-founded" takes the subject of its split-off "co"."""
    head_is_co = verb.dep_ == "ccomp" and verb.head.lower_ == "co"
    tokens = subjects(verb.head if head_is_co else verb)
    # the small model parses "Durmaz co-founded" as a noun "Durmaz co" subject of "founded"
    tokens = [
        next((c for c in t.children if c.dep_ == "compound"), t) if t.lower_ == "co" else t for t in tokens
    ]
    # a footnote or page break between subject and verb means the parser joined two texts
    tokens = [t for t in tokens if not _blank_line_between(t, verb)]
    return [m for m in (index.entity_of(t) for t in tokens) if m is not None]


def _blank_line_between(a: Token, b: Token) -> bool:
    lo, hi = sorted((a.i, b.i))
    # the tokens' own text, not doc.text: spaCy joins the whole document on each doc.text access
    return re.search(r"\n[ \t]*\n", a.doc[lo:hi].text_with_ws) is not None


def _is_unreal(verb: Token) -> bool:
    """A negated, modal or wished-for verb states no fact ("will meet", "wants to join")."""
    # only a "not"/"will" right before the verb counts: the parser hangs stray ones from quotes on it
    near = [c for c in verb.children if abs(verb.i - c.i) <= 3]
    if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in MODAL_WORDS and c.i < verb.i) for c in near):
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in WISH_VERBS:
        return True
    return _is_believed(verb)


def _is_believed(token: Token) -> bool:
    """Say whether ``token`` sits in a clause under a verb of belief."""
    while token.dep_ in ("ccomp", "conj", "xcomp", "advcl") and token.head.i != token.i:
        token = token.head
        if token.lemma_.lower() in BELIEF_VERBS:
            return True
    return False


def _verb_targets(verb: Token, index: MentionIndex) -> Iterator[tuple[str, Mention, tuple[Token, ...]]]:
    lemma = _verb_lemma(verb)
    if lemma in DOBJ_VERBS:
        for obj in _objects(verb):
            yield from _as_target(DOBJ_VERBS[lemma], obj, (verb,), index)
    if lemma == "co-found":
        for obj in prep_objects(verb, frozenset({"with"})):
            yield from _as_target("co_founded_with", obj, (verb,), index)
    if lemma == "work":
        for obj in prep_objects(verb, frozenset({"for", "at"})):
            yield from _as_target("employed_by", obj, (verb,), index)
    yield from _communication_targets(verb, lemma, index)
    yield from _place_targets(verb, lemma, index)


def _verb_lemma(verb: Token) -> str:
    """The verb's lemma, with "co-founded" (split by the tokenizer as co / - / founded) kept whole."""
    lemma = verb.lemma_.lower()
    if verb.i >= 2 and verb.doc[verb.i - 1].text == "-" and verb.doc[verb.i - 2].lower_ == "co":
        return "co-" + lemma
    if lemma.startswith("co-") or lemma == "cofound":
        return "co-found"
    return lemma


def _objects(verb: Token) -> list[Token]:
    objs = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.pos_ in ("NOUN", "PROPN")]
    return [t for obj in objs for t in (obj, *conjuncts(obj))]


def _as_target(
    rel_type: str, token: Token, trigger: tuple[Token, ...], index: MentionIndex
) -> Iterator[tuple[str, Mention, tuple[Token, ...]]]:
    mention = index.entity_of(token)
    if mention is None or _bracketed(token):
        return
    if rel_type == "communicated_with" and _names_a_platform(mention, index):
        return
    yield rel_type, mention, trigger


def _names_a_platform(mention: Mention, index: MentionIndex) -> bool:
    """ "contacted Social Media Application #3 account 'jubal911'": the account was reached, not the app."""
    span = index.span_of(mention)
    if span is None:
        return False
    after = [t for t in index.sdoc[span.end : span.end + 3] if not t.is_punct or t.text == "#"]
    return bool(after) and after[0].lower_ in PLATFORM_WORDS


def _bracketed(token: Token) -> bool:
    """An editor's insertion ("... with 'juba' [Simpson]") is no argument of the verb it hangs on."""
    doc = token.doc
    before = next((t for t in reversed(doc[max(0, token.i - 6) : token.i]) if t.text in "[]"), None)
    after = next((t for t in doc[token.i + 1 : token.i + 7] if t.text in "[]"), None)
    return before is not None and before.text == "[" and after is not None and after.text == "]"


def _communication_targets(
    verb: Token, lemma: str, index: MentionIndex
) -> Iterator[tuple[str, Mention, tuple[Token, ...]]]:
    """Recipients: "told Y", "met with Y", "wrote to Y", "said in a phone call with Y"."""
    comm = "communicated_with"
    if lemma in COMM_DOBJ and not any(c.dep_ == "oprd" for c in verb.children):
        for obj in _objects(verb):
            yield from _as_target(comm, obj, (verb,), index)
    if lemma in COMM_WITH:
        for obj in prep_objects(verb, frozenset({"with"})):
            yield from _as_target(comm, obj, (verb,), index)
    if lemma in COMM_TO and lemma != "say":  # "reported the crossing to Y": "to Y" hangs on the object
        for obj in _objects(verb):
            for rcpt in prep_objects(obj, frozenset({"to"})):
                yield from _as_target(comm, rcpt, (verb,), index)
    sends_message = lemma in COMM_SEND and any(c.lemma_.lower() in MESSAGE_NOUNS for c in _objects(verb))
    if lemma in COMM_TO or sends_message:
        for obj in prep_objects(verb, frozenset({"to"})):
            yield from _as_target(comm, obj, (verb,), index)
    for channel in prep_objects(verb, frozenset({"in", "during", "by", "via", "over"})):
        if channel.lemma_.lower() in MESSAGE_NOUNS:
            for obj in prep_objects(channel, frozenset({"with", "to"})):
                yield from _as_target(comm, obj, (verb, channel), index)


def _place_targets(
    verb: Token, lemma: str, index: MentionIndex
) -> Iterator[tuple[str, Mention, tuple[Token, ...]]]:
    """Places: "lived in Y", "based in Y", "died in Y", "was killed in a Y safe house"."""
    if lemma in PLACE_VERBS:
        rel_type = PLACE_VERBS[lemma]
    elif lemma in KILL_VERBS and _is_passive(verb):
        rel_type = "died_in"
    else:
        return
    if lemma in ("bear", "base", "headquarter", "locate") and not _is_passive(verb):
        return
    for place in _places_in(verb, index):
        yield rel_type, place, (verb,)


def _is_passive(verb: Token) -> bool:
    """A passive verb ("was killed") or a participle modifying a noun ("Bali, killed in Raqqa")."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod", "relcl")


def _places_in(token: Token, index: MentionIndex, *, depth: int = 2) -> list[Mention]:
    """Locations under an "in" phrase: "in Raqqa", "in a Gaziantep safe house", "in an airstrike in Raqqa"."""
    out: list[Mention] = []
    for obj in prep_objects(token, frozenset({"in", "inside"})):
        mention = index.entity_of(obj)
        if mention is not None:
            out.append(mention)
            continue
        for child in obj.children:
            found = index.at(child) if child.dep_ in ("compound", "nmod", "poss") else None
            if found is not None and found.type == LOC:
                out.append(found)
        if depth > 1:
            out.extend(_places_in(obj, index, depth=depth - 1))
    return out


# --- modifiers and possessives: "Washington-based X", "Istanbul's Reina nightclub" ---------------


def _based_places(noun: Token, index: MentionIndex) -> list[tuple[Mention, Token]]:
    """Places (with the word "based") in "Y-based X" and "X, based in Y" said of the noun ``noun``."""
    out: list[tuple[Mention, Token]] = []
    for child in noun.children:
        if child.lemma_.lower() != "base" or child.dep_ not in ("amod", "acl", "compound"):
            continue
        for mod in child.children:
            place = index.at(mod) if mod.dep_ in ("npadvmod", "compound", "nmod") else None
            if place is not None:
                out.append((place, child))
        # "a recruiter for ISIL based in the United States": the parser cannot tell who is based there
        if child.dep_ == "acl" and noun.dep_ != "pobj":
            out.extend((place, child) for place in _places_in(child, index, depth=1))
    return out


def _modifier_relations(index: MentionIndex) -> Iterator[Candidate]:
    """ "Washington-based Middle East Institute" (located_in), "IS-affiliated Amaq" (affiliated_with)."""
    for mention in index.mentions:
        head = index.head(mention)
        if head is None:
            continue
        for place, based in _based_places(head, index):
            yield Candidate("located_in", mention, place, (based,))
        for child in head.children:
            if child.lemma_.lower() == "affiliate" and child.dep_ in ("amod", "compound"):
                for mod in child.children:
                    org = index.at(mod)
                    if org is not None:
                        yield Candidate("affiliated_with", mention, org, (child,))


def _place_of_relations(index: MentionIndex) -> Iterator[Candidate]:
    """A facility or organisation placed by "in Y" or a possessive place ("Istanbul's Reina nightclub")."""
    for mention in index.mentions:
        head = index.head(mention)
        if head is None or not (mention.type == FAC or head.lemma_.lower() in INSTITUTION_NOUNS):
            continue
        for obj in prep_objects(head, frozenset({"in"})):
            place = index.at(obj)
            if place is not None:
                yield Candidate("located_in", mention, place, (obj.head,))
    for token in index.sdoc:
        place = index.at(token)
        if place is None or place.type != LOC or token.dep_ != "poss" or not index.is_head(token):
            continue
        owner = index.entity_of(token.head)
        if owner is not None and owner.type in (FAC, ORG):
            marks = tuple(c for c in token.children if c.dep_ == "case")
            yield Candidate("located_in", owner, place, marks or (token.head,))


def _headquarters_relations(index: MentionIndex) -> Iterator[Candidate]:
    """ "X's headquarters in Y", "the headquarters of X in Y"."""
    for token in index.sdoc:
        if token.lower_ not in ("headquarters", "hq", "headquarter"):
            continue
        owners = [index.at(c) for c in token.children if c.dep_ == "poss"]
        owners += [index.entity_of(o) for o in prep_objects(token, frozenset({"of"}))]
        places = _places_in(token, index, depth=1)
        places += [p for c in token.children if c.dep_ in ("compound", "nmod") and (p := index.at(c))]
        for owner in owners:
            for place in places:
                if owner is not None:
                    yield Candidate("located_in", owner, place, (token,))


# --- surface fallbacks: constructions the parser often gets wrong ---------------------------------
# These read the words between two neighbouring mentions, so they only fire when nothing but a short,
# fixed phrase separates the names ("Aydin, the leader of the EFB"); the type table still applies.

_ADJS = r"(?P<adjs>(?:[\w-]+\s+){0,3}?)"
_ROLE = r"(?P<role>[A-Za-z-]+)\s+(?P<prep>of|in|at|for)\s+(?:the\s+)?"
# "X, the leader of Y", "X and Z, both members of Y"
APPOS_GAP = re.compile(rf"^,\s+(?:(?P<both>both|all)\s+|(?:the|a|an)\s+{_ADJS}|){_ROLE}$")
# "X, whom investigators describe as the leader of Y"
DESCRIBED_GAP = re.compile(
    rf"^,\s+whom?\s+(?:[\w-]+\s+){{1,3}}?(?:describes?|described|calls?|called|identif(?:y|ies|ied))\s+"
    rf"as\s+(?:the|a|an)\s+{_ADJS}{_ROLE}$"
)
# a list entry: "2. Erkan Tuzcu, 29. Member of the EFB."
LIST_GAP = re.compile(rf"^,[ \t]*\d{{1,3}}\.[ \t]+(?:an?\s+{_ADJS})?{_ROLE}$")
# "X, a used-car exporter based in Y" and, after a role's organisation, "... for Daesh based in Y"
BASED_GAP = re.compile(r"^,\s+(?:the|a|an)\s+(?P<adjs>(?:[\w-]+\s+){0,4}?)based\s+in\s+(?:the\s+)?$")
# "X, 47, a Belgian citizen based in Y, director of Z": the second apposition is X's too
PLACED_GAP = re.compile(
    r"^,\s+(?:\d{1,3},\s+)?(?:the|a|an)\s+(?:[\w-]+\s+){1,5}?(?:based|born|living)\s+in\s+$"
)
THEN_BASED_GAP = re.compile(r"^\s+based\s+in\s+(?:the\s+)?$")
FOUNDED_GAP = re.compile(
    r"^\s+(?:(?:also|later|first)\s+)?(?P<verb>co-?founded|cofounded|founded)\s+(?:the\s+)?$"
)
# "X co-founded the group with Y", "X founded the EFB in Gaziantep in 2014 together with Y"
PARTNER_GAP = re.compile(
    r"^\s+(?:(?:also|later|first)\s+)?(?P<verb>co-?founded|cofounded|founded)\b"
    r"(?:[^,;.:\n()\[\]\"]|\([^()\n]*\))*?\b(?:along\s+|together\s+)?with\s+$"
)
TOLD_GAP = re.compile(r"^\s+(?P<verb>told|informed|e-?mailed|phoned|messaged|texted|wrote\s+to)\s+$")
# Coordinated names that share a plural apposition ("Erkan Tuzcu and Oguz Kantarci, both members of").
AND_GAP = re.compile(r"^\s*(?:,\s*)?(?:and\s+)?$")
PARTNER_REACH = 200  # characters from the founder to the partner's name


def _surface_relations(index: MentionIndex) -> Iterator[Candidate]:
    """Relations read off the words between neighbouring names, for parses that miss them."""
    named = _text_order(index)
    text = index.text
    for i, (left, right) in enumerate(zip(named, named[1:], strict=False)):
        gap = text[left.end : right.start]
        yield from _appos_candidates(index, named[: i + 1], right, gap, left.end)
        yield from _based_candidates(index, named, i, gap, left.end)
        yield from _verb_surface_candidates(index, left, right, gap, left.end)
        yield from _partner_candidates(index, named, i)


def _text_order(index: MentionIndex) -> list[Mention]:
    """The outermost mentions in text order ("Eastern Front Brigade", not the "EFB" inside it)."""
    out: list[Mention] = []
    for mention in sorted(index.mentions, key=lambda m: (m.start, -m.end)):
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


def _tokens(index: MentionIndex, match: re.Match[str], group: str, offset: int) -> tuple[Token, ...]:
    span = index.sdoc.char_span(
        offset + match.start(group), offset + match.end(group), alignment_mode="expand"
    )
    return tuple(span) if span is not None else ()


def _appos_candidates(
    index: MentionIndex, before: list[Mention], target: Mention, gap: str, offset: int
) -> Iterator[Candidate]:
    """ "X, the leader of Y" and its variants; a plural "both members of" covers coordinated names."""
    for pattern in (APPOS_GAP, DESCRIBED_GAP, LIST_GAP):
        match = pattern.match(gap)
        if match is None:
            continue
        role = _tokens(index, match, "role", offset)
        rel_type = _surface_role_type(role, match)
        if rel_type is None or not role:
            return
        people = (
            _coordinated_names(index, before)
            if match.groupdict().get("both")
            else _appos_owner(index, before)
        )
        for person in people:
            yield Candidate(rel_type, person, target, role)
        return


def _surface_role_type(role: tuple[Token, ...], match: re.Match[str]) -> str | None:
    """The relation of a role noun; "a recruiter for Y" says less than membership."""
    if len(role) != 1:
        return None
    rel_type = _role_type(role[0])
    ranked = not _words(match.group("adjs") or "").isdisjoint(RANK_WORDS)
    if rel_type == "member_of" and match.group("prep") == "for":
        return "affiliated_with"
    if rel_type == "member_of" and ranked:
        return "leader_of"
    return rel_type


def _appos_owner(index: MentionIndex, before: list[Mention]) -> list[Mention]:
    """The name an apposition describes: the last name, or the one a stacked "based in Y," phrase follows."""
    last = before[-1]
    if last.type != LOC or len(before) < 2:
        return [last]
    owner = before[-2]
    return [owner] if PLACED_GAP.match(index.text[owner.end : last.start]) else [last]


def _coordinated_names(index: MentionIndex, before: list[Mention]) -> list[Mention]:
    """The last name and the names joined to it by "and" or commas, back to the start of the list."""
    text = index.text
    out = [before[-1]]
    for prev in reversed(before[:-1]):
        if AND_GAP.match(text[prev.end : out[-1].start]) is None:
            break
        out.append(prev)
    return out


def _based_candidates(
    index: MentionIndex, named: list[Mention], i: int, gap: str, offset: int
) -> Iterator[Candidate]:
    """ "X, a used-car exporter based in Y"; "X, a recruiter for Z based in Y" places X, not Z."""
    left, right = named[i], named[i + 1]
    match = BASED_GAP.match(gap)
    if match is not None:
        yield Candidate("located_in", left, right, _based_token(index, offset + match.end("adjs")))
        return
    if i == 0 or THEN_BASED_GAP.match(gap) is None:
        return
    text = index.text
    owner = named[i - 1]
    appos = APPOS_GAP.match(text[owner.end : left.start])
    if appos is not None and not appos.group("both"):
        yield Candidate("located_in", owner, right, _based_token(index, offset + gap.index("based")))


def _based_token(index: MentionIndex, char: int) -> tuple[Token, ...]:
    span = index.sdoc.char_span(char, char + len("based"), alignment_mode="expand")
    return tuple(span) if span is not None else ()


def _verb_surface_candidates(
    index: MentionIndex, left: Mention, right: Mention, gap: str, offset: int
) -> Iterator[Candidate]:
    """ "X co-founded the Y" and "X told Y" right after the subject's name."""
    for pattern, rel_type in ((FOUNDED_GAP, "founded"), (TOLD_GAP, "communicated_with")):
        match = pattern.match(gap)
        verb = _tokens(index, match, "verb", offset) if match is not None else ()
        if not verb or any(_is_unreal(t) for t in verb if t.pos_ in ("VERB", "AUX")):
            continue
        if rel_type == "communicated_with" and right.type != PERSON:
            continue
        yield Candidate(rel_type, left, right, verb[-1:])


def _partner_candidates(index: MentionIndex, named: list[Mention], i: int) -> Iterator[Candidate]:
    """ "X co-founded the group with Y", "X founded Z in 2014 together with Y": X and Y co-founded."""
    founder, text = named[i], index.text
    if founder.type != PERSON:
        return
    for partner in named[i + 1 :]:
        if partner.start - founder.end > PARTNER_REACH:
            return
        match = PARTNER_GAP.match(text[founder.end : partner.start])
        if match is None or partner.type != PERSON:
            continue
        verb = _tokens(index, match, "verb", founder.end)
        if verb and not any(_is_unreal(t) for t in verb if t.pos_ in ("VERB", "AUX")):
            yield Candidate("co_founded_with", founder, partner, verb[-1:])
        return


# --- e-mail headers ------------------------------------------------------------------------------

RECIPIENT_FIELDS = ("to", "cc", "bcc")


def _header_relations(
    doc: Document, index: MentionIndex
) -> Iterator[tuple[str, Mention, Mention, tuple[int, int], str]]:
    """From -> each To/Cc/Bcc person: the header says the sender wrote to them."""
    senders = [f for f in doc.fields if f.name.lower() == "from"]
    if not senders:
        return
    sender_field = senders[0]
    sender = next(iter(_header_mentions(sender_field, index)), None)
    if sender is None:
        return
    for rcpt_field in doc.fields:
        if rcpt_field.name.lower() not in RECIPIENT_FIELDS:
            continue
        span = (min(sender_field.start, rcpt_field.start), max(sender_field.end, rcpt_field.end))
        for rcpt in _header_mentions(rcpt_field, index):
            yield "communicated_with", sender, rcpt, span, f"{sender_field.name}/{rcpt_field.name}"


def _header_mentions(fld: Field, index: MentionIndex) -> list[Mention]:
    """Header mentions inside a field, one per cluster, in text order."""
    inside = [m for m in index.mentions if m.source == "header" and fld.start <= m.start and m.end <= fld.end]
    out: list[Mention] = []
    for mention in sorted(inside, key=lambda m: m.start):
        if mention.type in (PERSON, ORG) and not any(index.same_entity(mention, o) for o in out):
            out.append(mention)
    return out
