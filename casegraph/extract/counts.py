"""Counts reported for an event: "35 killed", "more than 100 people died", "at least 150 fighters",
"1.5 tonnes of ammonium nitrate", read off the dependency parse around the event's trigger.

A count is a number (digits, "1.5", "15,000", "1.5 million", number words such as "thirty-five",
"two hundred", "a dozen", "half a dozen") that the parse attaches to the trigger, to a noun the trigger
governs or modifies ("35 people were killed", "the five people arrested", "one dead terrorist"), to a
"death toll" ("a death toll of 35", "the toll rose to 35"), or, for an attack, to the clause that
reports its victims ("an attack that killed 23 soldiers", "a car bomb exploded killing 5 people").
Coordinated counts are reported one by one ("three officers and seven soldiers died": 3 and 7).

Each count keeps its qualifier, normalised by QUALIFIERS ("more than", "at least", "about", "nearly",
"up to", "at most", "fewer than"; "exact" when none), its unit for amounts ("tonnes", "kg", "sticks";
a currency for the price of a purchase or payment) and ``what`` was counted: "killed", "injured",
"arrested", "kidnapped", ... (PEOPLE_WHAT) for people harmed or detained, "casualties" for casualties,
"price" for money, otherwise the counted noun ("fighters", "ammonium nitrate"). Vague plurals are
lower bounds (VAGUE): "dozens" is at least 24, "hundreds" at least 200, "thousands" at least 2000,
"hundreds of thousands" at least 200,000. The span runs from the qualifier to the counted noun
("more than 100 people", "at least 1.5 tonnes of ammonium nitrate") in the document's offsets.

Not counts: years, dates and clock times, ages ("a 25-year-old", "aged 25", "Tamerlan, 26,"), article,
section and phone numbers, percentages (a share, not a number of anything), durations ("11 days ago"),
distances ("850 km north of Bogota"), money outside purchases and payments, ranges ("30-40") and numbers
the parse attaches to another clause. Known limits are listed in tests/extract/test_counts.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Token

from casegraph.extract._timex import MONTHS as MONTH_NUMBERS
from casegraph.extract._timex import NUMBERS
from casegraph.model import Count

# What a count of people means for each event type whose victims or detainees are counted.
PEOPLE_WHAT = {
    "death": "killed",
    "injury": "injured",
    "arrest": "arrested",
    "attack.kidnapping": "kidnapped",
    "release": "released",
    "charge": "charged",
    "conviction": "convicted",
    "sentence": "sentenced",
}
# Whatever these events count is people; an arrest also governs things ("seized 52 rifles").
VICTIM_TYPES = frozenset(
    {"death", "injury", "attack.kidnapping", "release", "charge", "conviction", "sentence"}
)
# Words reporting victims inside another event's sentence ("an attack that killed 23 soldiers").
HARM_WHAT = {
    "kill": "killed",
    "die": "killed",
    "dead": "killed",
    "slay": "killed",
    "murder": "killed",
    "execute": "killed",
    "injure": "injured",
    "injured": "injured",
    "wound": "injured",
    "wounded": "injured",
    "hurt": "injured",
    "maim": "injured",
    "kidnap": "kidnapped",
    "abduct": "kidnapped",
}
QUALIFIERS = {
    "more than": "more than",
    "over": "more than",
    "well over": "more than",
    "just over": "more than",
    "above": "more than",
    "upwards of": "more than",
    "in excess of": "more than",
    "at least": "at least",
    "no fewer than": "at least",
    "no less than": "at least",
    "not less than": "at least",
    "a minimum of": "at least",
    "about": "about",
    "around": "about",
    "some": "about",
    "approximately": "about",
    "roughly": "about",
    "an estimated": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "up to": "up to",
    "as many as": "up to",
    "at most": "at most",
    "no more than": "at most",
    "not more than": "at most",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
}
TRAILING_QUALIFIERS = {("or", "more"): "at least", ("or", "so"): "about"}
# Number words, from the table the time rules use ("a" and "an" are not counts on their own here).
WORDS = {w: n for w, n in NUMBERS.items() if w.isalpha() and w not in ("a", "an")}
UNITS_WORDS = {w: n for w, n in WORDS.items() if n < 10}
TENS = {w: n for w, n in WORDS.items() if n >= 20}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
# Vague plurals, read as the least they can mean (two dozens, two hundreds, ...).
VAGUE = {"tens": 20, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2_000_000}
# Amounts counted in a unit: weights, volumes and the packages goods come in ("250 sticks of dynamite").
UNITS = frozenset(
    """tonne ton kilogram kilo kg gram g pound lb ounce oz litre liter gallon barrel stick box crate bag
    sack package packet parcel carton bottle drum canister can round bale brick block pack""".split()
)
CURRENCY_SIGNS = {"$": "dollars", "us$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
CURRENCIES = {
    "dollar": "dollars", "euro": "euros", "peso": "pesos", "colon": "colones", "colone": "colones",
    "inti": "intis", "sol": "soles", "quetzal": "quetzales", "lira": "lira", "rupee": "rupees",
    "riyal": "riyals", "dinar": "dinars", "franc": "francs", "ruble": "rubles", "yen": "yen",
}  # fmt: skip
TIME_NOUNS = frozenset(
    "second minute hour day night week weekend month year decade century time o'clock am pm gmt".split()
)
DISTANCES = frozenset("km kilometer kilometre mile metre meter m foot feet yard".split())
# Nouns that gather a count ("a death toll of 35", "the number of dead rose to 35").
AGGREGATES = frozenset("toll total number tally figure count".split())
# Nouns whose "of" gives an amount of money: "paid a ransom of 2 million dollars".
SUMS = frozenset("ransom sum amount payment price fee bribe".split())
# Verbs that give an aggregate its value ("the toll rose to 35", "stands at 35", "was 35").
RISE = frozenset("rise climb reach stand increase jump hit mount grow total number be".split())
EXCEED = frozenset("exceed top pass surpass".split())
BRING = frozenset("bring raise push put take".split())  # "the blast brought the death toll to 35"
# Verbs whose "with" carries goods: "entered Chile with 2 kg of cocaine", "caught with 5 kilos".
CARRY = frozenset("enter cross arrive travel fly drive smuggle traffic catch arrest stop intercept".split())
# Verbs an attack is the object of: "insurgents launched attacks ..., killing at least 15 soldiers".
LIGHT_VERBS = frozenset("launch carry stage mount conduct commit perpetrate unleash".split())
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "xcomp", "ccomp", "conj"})
ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative", "npadvmod"})
PEOPLE = frozenset(
    """people person civilian soldier policeman policemen officer child children woman women man men
    worker passenger fighter militant member guerrilla rebel student peasant resident pilgrim tourist
    suspect citizen victim troop police individual other hostage prisoner inmate detainee captive
    terrorist insurgent subversive extremist trafficker smuggler bomber gunman gunmen attacker kidnapper
    leader reporter journalist farmer villager visitor traveller traveler migrant refugee immigrant
    priest nun judge mayor official diplomat employee agent guard boy girl baby infant adult youth
    engineer driver teacher lawyer banker manager owner player writer photographer commander director
    minister senator governor councillor ambassador adviser advisor doctor nurse pilot sailor trader
    miner brother sister mother father daughter son wife husband newsman newsmen chieftain chief
    teenager family relative national foreigner personnel staff crew cadet recruit volunteer follower
    supporter protester demonstrator dealer courier mule accomplice defendant convict them""".split()
)
PERSON_SUFFIXES = ("ist", "ists", "ian", "ians", "ee", "ees", "man", "men", "ant", "ants")
# Month names, and the abbreviations (a name another one starts with: "sep", "sept") with a full stop.
MONTHS = frozenset(MONTH_NUMBERS) | {
    f"{m}." for m in MONTH_NUMBERS if any(o != m and o.startswith(m) for o in MONTH_NUMBERS)
}
CLOCK = frozenset("o'clock am pm a.m. p.m. gmt hrs h".split())
AGE_WORDS = frozenset("aged age ages".split())
REFERENCES = frozenset(
    """article articles section sections no no. nos number # paragraph para chapter page pages room
    route road highway flight count counts apartment apt box code exhibit docket case rule title line
    item clause annex resolution platoon battalion brigade division regiment unit channel""".split()
)
PERCENT = frozenset("% percent per pct percentage".split())
FRACTIONS = frozenset("half halve third fourth quarter fifth tenth".split())  # "three-fourths of them"
NOT_ONE = frozenset("no every each any".split())
TOPIC_VERBS = frozenset(
    "tell talk speak know learn hear ask think worry care write read forget remember".split()
)
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_YEAR = re.compile(r"^(?:18|19|20)\d\d$")


@dataclass(frozen=True)
class _Site:
    """A number the parse attaches to the event, with the noun it counts and its unit noun."""

    number: Token
    counted: Token | None = None
    unit: Token | None = None
    what: str = ""  # set when the count is read through another event's clause ("killed")
    agent: bool = False  # the subject of an active verb: who did it, not whom it was done to
    price: bool = False  # after "for": a count only when it is money ("bought ... for $2,000")
    qualifier: str = ""  # implied by the verb that gives it ("the toll exceeded 100")


def parse_number(tokens: list[Token]) -> tuple[float, str] | None:
    """The value of a number written in one or more tokens, and a qualifier a vague plural implies."""
    words = [t.lower_ for t in tokens if t.lower_ not in ("-", "and")]
    if len(words) == 1 and _DIGITS.match(words[0]):
        return float(words[0].replace(",", "")), ""
    if words and words[0] in VAGUE:
        return _vague(words)
    return _compound(words)


def _vague(words: list[str]) -> tuple[float, str] | None:
    """ "dozens" (24), "hundreds of thousands" (200,000): the least a vague plural can mean."""
    value = float(VAGUE[words[0]])
    for word in words[1:]:
        if word == "of":
            continue
        scale = SCALES.get(word.removesuffix("s"))
        if scale is None:
            return None
        value *= scale
    return value, "at least"


def _compound(words: list[str]) -> tuple[float, str] | None:
    """ "thirty five", "two hundred", "1.5 million", "a hundred and twenty", "half a dozen"."""
    total, current = 0.0, 0.0
    for word in words:
        if _DIGITS.match(word):
            current += float(word.replace(",", ""))
        elif word in WORDS:
            current += WORDS[word]
        elif word in SCALES:
            current = (current or 1) * SCALES[word]
            if SCALES[word] >= 1000:  # "two thousand five hundred": close the thousands
                total, current = total + current, 0.0
        elif word == "half":
            current += 0.5
        elif word != "a":
            return None
    value = total + current
    return (value, "") if value else None


def extract_counts(trigger: Token, etype: str) -> list[Count]:
    """The counts the trigger's sentence reports for an event of type ``etype`` (see the module docstring)."""
    found: dict[int, Count] = {}
    for site in _sites(trigger, etype):
        count = _count(site, trigger, etype)
        if count is not None:
            found.setdefault(count.start, count)  # one count per number, the closest reading first
    return sorted(found.values(), key=lambda c: (c.start, c.end))


def _sites(trigger: Token, etype: str) -> Iterator[_Site]:
    """Every number attached to the trigger, its toll, or (for other events) the clause of its victims."""
    for anchor in _anchors(trigger):
        yield from _attached(anchor, "")
    if etype not in PEOPLE_WHAT:
        for clause, what in _harm_clauses(trigger):
            yield from _attached(clause, what)


def _anchors(trigger: Token) -> list[Token]:
    """The trigger, and the aggregate that holds its count ("death toll", "the number of dead")."""
    anchors = [trigger]
    modifies = trigger.dep_ in ("compound", "amod", "nmod", "acl", "relcl")
    for node in [trigger.head, trigger] if modifies else [trigger]:
        if node.lemma_.lower() in AGGREGATES and node.i != trigger.i:
            anchors.append(node)  # "the death toll", "the number killed"
        elif node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.lemma_.lower() in AGGREGATES:
            anchors.append(node.head.head)  # "the number of dead", "the number of people killed"
    return anchors


def _harm_clauses(trigger: Token) -> Iterator[tuple[Token, str]]:
    """Clauses reporting an attack's victims: "that killed 23", "exploded killing 5", "left 39 dead"."""
    roots = [trigger]
    if trigger.dep_ == "nsubj" or (trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in LIGHT_VERBS):
        roots.append(trigger.head)  # "the blast killed 35"; "launched attacks, killing 15"
    if trigger.dep_ == "nsubj" and trigger.head.lemma_ == "be":
        # "the bombing was an attack which killed 13"
        roots += [c for c in trigger.head.children if c.dep_ == "attr"]
    for root in roots:
        clauses = [root] if root is not trigger else []
        clauses += [c for c in root.children if c.dep_ in CLAUSE_DEPS and c.pos_ in ("VERB", "ADJ")]
        for clause in clauses:
            yield from _harm_chain(clause)


def _harm_chain(clause: Token) -> Iterator[tuple[Token, str]]:
    """A harm verb, the ones coordinated with it, and the harm a "left" clause reports ("left 39 dead")."""
    for verb in [clause, *(c for c in clause.children if c.dep_ == "conj")]:
        lemma = verb.lemma_.lower()
        if lemma in HARM_WHAT:
            yield verb, HARM_WHAT[lemma]
        elif lemma == "leave":
            for pred in verb.children:
                if pred.dep_ in ("oprd", "xcomp", "ccomp") and pred.lemma_.lower() in HARM_WHAT:
                    yield pred, HARM_WHAT[pred.lemma_.lower()]


def _attached(anchor: Token, what: str) -> Iterator[_Site]:
    """Numbers among the anchor's arguments, on the noun it modifies, and on the verb that gives a toll."""
    yield from _arguments(anchor, what)
    yield from _modified(anchor, what)
    yield from _toll(anchor, what)


def _arguments(anchor: Token, what: str) -> Iterator[_Site]:
    """Numbers on the anchor's subject and objects, its own number, and its "of", "for", "with" phrases."""
    transitive = any(c.dep_ in ("dobj", "dative") for c in anchor.children)
    for child in anchor.children:
        prep = child.lower_ if child.dep_ == "prep" else ""
        if child.dep_ in ARG_DEPS:
            agent = child.dep_ == "nsubj" and transitive
            yield from _noun_sites(child, what, agent=agent, conj=True)
        elif child.dep_ == "nummod" and _is_number(child):
            yield _Site(child, counted=anchor, what=what)  # "six deaths", "the 39 dead"
        elif prep == "of" and anchor.pos_ in ("NOUN", "PROPN"):
            for obj in _objects(child):
                yield from _noun_sites(obj, what, conj=True)  # "the killing of 12 officials"
        elif (prep == "with" and anchor.lemma_.lower() in CARRY) or _misparsed_qualifier(child):
            for obj in _objects(child):
                yield from _noun_sites(obj, what, conj=True)  # "entered Chile with 2 kg of cocaine"
        if prep == "for" or child.dep_ == "dobj":
            yield from _prices(child, what)


def _misparsed_qualifier(prep: Token) -> bool:
    """ "at least" / "at most" parsed as a preposition: "trafficking [at most 5 kilos]"."""
    after = prep.doc[prep.i + 1].lower_ if prep.i + 1 < len(prep.doc) else ""
    return prep.dep_ == "prep" and prep.lower_ == "at" and after in ("least", "most")


def _prices(node: Token, what: str) -> Iterator[_Site]:
    """Amounts after "for" (the trigger's or its objects'), kept only when money: "two rifles for $2,000"."""
    if node.dep_ == "dobj":
        for noun in [node, *_coordinated(node)]:
            for prep in noun.children:
                yield from _prices(prep, what) if prep.dep_ == "prep" and prep.lower_ == "for" else ()
        return
    for obj in _objects(node):
        site = _noun_site(obj, what, agent=False)
        if site is not None:
            yield replace(site, price=True)


def _modified(anchor: Token, what: str) -> Iterator[_Site]:
    """The noun a harm word describes: "44 people killed", "one dead terrorist", "left 39 dead"."""
    head = anchor.head
    if head.i == anchor.i:
        return
    if anchor.dep_ in ("oprd", "xcomp", "ccomp") and head.lemma_.lower() == "leave":
        for obj in head.children:
            if obj.dep_ == "dobj":
                yield from _noun_sites(obj, what, conj=False)
    elif _describes_head(anchor):
        yield from _noun_sites(head, what, conj=False)


def _describes_head(anchor: Token) -> bool:
    """Whether the anchor says what happened to the noun it hangs on (not what the noun did)."""
    if anchor.dep_ == "amod" or (anchor.dep_ == "acl" and anchor.tag_ in ("VBN", "JJ")):
        return True  # "one dead terrorist", "44 people killed"; not "two attempts to murder him"
    if anchor.dep_ != "relcl" or any(c.dep_ in ("dobj", "dative") for c in anchor.children):
        return False  # "an attack that killed 23": the head is the killer
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WP", "WDT") for c in anchor.children)


def _toll(anchor: Token, what: str) -> Iterator[_Site]:
    """The value a verb gives an aggregate or a count noun: "the death toll rose to 35"."""
    verb, lemma = anchor.head, anchor.head.lemma_.lower()
    rises = anchor.dep_ == "nsubj" and (lemma in RISE or lemma in EXCEED)
    if not (rises or (anchor.dep_ == "dobj" and lemma in BRING)) or not _gathers(anchor):
        return
    qualifier = "more than" if lemma in EXCEED else ""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "attr", "npadvmod")]
    objects += [
        o for p in verb.children if p.dep_ == "prep" and p.lower_ in ("to", "at") for o in _objects(p)
    ]
    for obj in objects:
        site = _noun_site(obj, what, agent=False)
        yield from [replace(site, qualifier=qualifier)] if site is not None else []


def _gathers(anchor: Token) -> bool:
    """A toll, a total, or a plural that a verb can give a number to ("deaths rose to 35")."""
    return anchor.lemma_.lower() in AGGREGATES or anchor.tag_ == "NNS" or anchor.lower_ in HARM_WHAT


def _noun_sites(noun: Token, what: str, *, agent: bool = False, conj: bool) -> Iterator[_Site]:
    """The numbers a noun phrase carries, and those of the noun phrases coordinated with it."""
    site = _noun_site(noun, what, agent)
    if site is not None:
        yield site
    if conj:
        for other in _coordinated(noun):
            yield from _noun_sites(other, what, agent=agent, conj=True)


def _coordinated(noun: Token) -> Iterator[Token]:
    """Noun phrases listed with this one, each its own count ("one lieutenant, four soldiers and ...")."""
    listing = any(c.dep_ == "cc" for c in noun.children)
    for other in noun.children:
        if _reports_own(other) or other.pos_ not in ("NOUN", "PROPN", "NUM"):
            continue
        # the parse takes a middle item of a list for an apposition: "lieutenant, four soldiers, and"
        listed = listing or any(c.dep_ == "conj" for c in other.children)
        if other.dep_ == "conj" or (other.dep_ == "appos" and listed and other.pos_ == "NOUN"):
            yield other


def _noun_site(noun: Token, what: str, agent: bool) -> _Site | None:
    """The number of one noun phrase: "35", "dozens of people", "1.5 tonnes of ...", "35 people"."""
    if _is_number(noun):
        return _Site(noun, counted=_counted_of(noun), what=what, agent=agent)
    lemma = noun.lemma_.lower()
    if lemma in UNITS or _currency(noun):
        number = next((c for c in noun.children if c.dep_ == "nummod" and _is_number(c)), None)
        counted = _counted_of(noun)
        return _Site(number, counted=counted, unit=noun, what=what) if number is not None else None
    if lemma in AGGREGATES or lemma in SUMS:
        return next((_noun_site(o, what, agent) for p in _ofs(noun) for o in _objects(p)), None)
    number = next((c for c in noun.children if c.dep_ == "nummod" and _is_number(c)), None)
    number = number or _leading_number(noun)
    return _Site(number, counted=noun, what=what, agent=agent) if number is not None else None


def _leading_number(noun: Token) -> Token | None:
    """A number opening the noun phrase that the parse hung elsewhere ("Eight IS members")."""
    for tok in noun.doc[noun.left_edge.i : noun.i]:
        if tok.dep_ == "det":
            continue
        misplaced = tok.head.pos_ not in ("NOUN", "PROPN") or tok.head.i == noun.i
        return tok if _is_number(tok) and misplaced else None
    return None


def _reports_own(noun: Token) -> bool:
    """A coordinated noun with its own predicate ("... and 50 people missing") or a harm word of its own."""
    if noun.lemma_.lower() in ("casualty", "death", "injury", "fatality"):
        return True
    return any(c.dep_ in ("acl", "relcl") or (c.dep_ == "amod" and c.i > noun.i) for c in noun.children)


def _counted_of(number: Token) -> Token | None:
    """The noun after "of" that a number or unit counts ("dozens of militants"), not a pronoun."""
    for prep in _ofs(number):
        for obj in _objects(prep):
            if obj.pos_ in ("PRON", "NUM") and _is_number(obj):
                return _counted_of(obj)  # "hundreds of thousands of people"
            if obj.pos_ != "PRON":
                return obj
    return None


def _ofs(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]


def _objects(prep: Token) -> list[Token]:
    return [c for c in prep.children if c.dep_ == "pobj"]


def _is_number(tok: Token) -> bool:
    """Digits or a number word: "35", "15,000", "1.5", "thirty", "dozen", "dozens" (not "5th", "AK-47")."""
    word = tok.lower_
    return bool(_DIGITS.match(word)) or word in WORDS or word in SCALES or word in VAGUE


def _number_run(number: Token) -> list[Token]:
    """The tokens of the number a token belongs to: "1.5 million", "thirty - five", "a hundred and twenty"."""
    sent, doc = number.sent, number.doc
    start = end = number.i
    while start > sent.start:
        far = doc[start - 2] if start - 2 >= sent.start else None
        step = _extend(far, doc[start - 1], doc[start], right=False)
        if not step:
            break
        start -= step
    while end + 1 < sent.end:
        far = doc[end + 2] if end + 2 < sent.end else None
        step = _extend(far, doc[end + 1], doc[end], right=True)
        if not step:
            break
        end += step
    return list(doc[start : end + 1])


def _extend(far: Token | None, near: Token, edge: Token, *, right: bool) -> int:
    """How far a run grows past ``edge``: 1 for ``near``, 2 for a joiner and ``far``, else 0."""
    if _joins(edge, near, "") if right else _joins(near, edge, ""):
        return 1
    if far is not None and near.lower_ in ("-", "and", "of"):
        if _joins(edge, far, near.lower_) if right else _joins(far, edge, near.lower_):
            return 2
    if not right and near.lower_ == "a" and edge.lower_ in SCALES:
        return 2 if far is not None and far.lower_ == "half" else 1  # "a dozen", "half a dozen"
    return 0


def _joins(left: Token, right: Token, sep: str) -> bool:
    """Whether two number words read as one number, with ``sep`` ("-", "and", "of") between them."""
    a, b = left.lower_, right.lower_
    if sep == "of":
        return a in VAGUE and b in VAGUE and b != "dozens"  # "hundreds of thousands"
    if sep == "" and b in SCALES:
        return bool(_DIGITS.match(a)) or a in WORDS or (a in SCALES and SCALES[a] < SCALES[b])
    if a in TENS and b in UNITS_WORDS:
        return sep in ("", "-")  # "thirty-five", "ninety six"
    return a in SCALES and a != "dozen" and (b in WORDS) and sep in ("", "and")  # "hundred and twenty"


def _count(site: _Site, trigger: Token, etype: str) -> Count | None:
    """The count a site reports, or None when its number is a date, an age, a code, money, ..."""
    run = _number_run(site.number)
    parsed = parse_number(run)
    if parsed is None or parsed[0] <= 0 or _not_a_count(run, site):
        return None
    unit, is_money = _unit(run, site)
    if (is_money and not etype.startswith("transaction")) or (site.price and not is_money):
        return None  # money is a count only as the price of a purchase or payment
    qualifier, start, end = _qualified_span(run, site)
    qualifier = qualifier or site.qualifier or parsed[1] or "exact"
    what = "price" if is_money else _what(site, trigger, etype)
    return Count(what=what, value=parsed[0], qualifier=qualifier, start=start, end=end, unit=unit)


def _qualified_span(run: list[Token], site: _Site) -> tuple[str, int, int]:
    """The qualifier and the span from it through the number, its unit and the noun it counts."""
    qualifier, first = _qualifier(run)
    if first is run[0] and run[0].i > run[0].sent.start and run[0].nbor(-1).lower_ in CURRENCY_SIGNS:
        first = run[0].nbor(-1)  # "$3.49"
    last = run[-1]
    trailing = _trailing(run)
    counted = _listed_end(site.counted) if site.counted is not None else None
    for tok in (site.unit, counted, trailing):
        if tok is not None and tok.i > last.i and tok.sent == last.sent:
            last = tok
    if trailing is not None:
        qualifier = qualifier or TRAILING_QUALIFIERS[(trailing.nbor(-1).lower_, trailing.lower_)]
    return qualifier, first.idx, last.idx + len(last)


def _listed_end(noun: Token) -> Token:
    """The last noun listed with a counted noun under its number: "28,000 officers and soldiers"."""
    for other in noun.children:
        between = noun.doc[noun.i + 1 : other.left_edge.i]
        # a bare plural right after "and" shares the number; "the seizure", "50 people" have their own
        adjacent = other.dep_ == "conj" and all(t.dep_ in ("cc", "punct") for t in between)
        bare = other.tag_ == noun.tag_ == "NNS" and other.left_edge.i == other.i
        if adjacent and bare:
            return _listed_end(other)
    return noun


def _qualifier(run: list[Token]) -> tuple[str, Token]:
    """The qualifier written just before a number ("more than"), and its first word."""
    sent = run[0].sent
    for size in (3, 2, 1):
        if run[0].i - size < sent.start:
            continue
        words = run[0].doc[run[0].i - size : run[0].i]
        phrase = " ".join(t.lower_ for t in words)
        if phrase in QUALIFIERS and not _about_topic(words[0]):
            return QUALIFIERS[phrase], words[0]
    return "", run[0]


def _about_topic(word: Token) -> bool:
    """ "tell us about two explosions": "about" naming a topic, not a guess."""
    if word.lower_ != "about" or word.i == 0:
        return False
    before = word.nbor(-1)
    return before.lemma_.lower() in TOPIC_VERBS or before.lower_ in ("us", "me", "him", "her", "them", "you")


def _trailing(run: list[Token]) -> Token | None:
    """The last word of "or more" / "or so" right after a number."""
    last = run[-1]
    if last.i + 2 < last.sent.end and (last.nbor(1).lower_, last.nbor(2).lower_) in TRAILING_QUALIFIERS:
        return last.nbor(2)
    return None


def _unit(run: list[Token], site: _Site) -> tuple[str, bool]:
    """The unit of an amount ("tonnes", "dollars"), and whether it is money."""
    before = run[0].nbor(-1) if run[0].i > run[0].sent.start else None
    if before is not None and before.lower_ in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[before.lower_], True
    for tok in (site.unit, site.counted):
        if tok is not None and _currency(tok):
            return _currency(tok), True
    if site.unit is not None:
        return site.unit.lower_, False
    return "", run[0].ent_type_ == "MONEY"


def _currency(tok: Token) -> str:
    return CURRENCIES.get(tok.lemma_.lower(), CURRENCIES.get(tok.lower_.removesuffix("s"), ""))


def _not_a_count(run: list[Token], site: _Site) -> bool:
    """Whether the number is a year, date, time, age, code, percentage, duration or distance."""
    counted = site.counted.lemma_.lower() if site.counted is not None else ""
    if counted in TIME_NOUNS or counted in DISTANCES or counted in PERCENT or counted in FRACTIONS:
        return True
    if site.unit is None and (_is_year(run, site) or _is_date(run, site.counted)):
        return True
    return _is_age(run) or _is_reference(run) or _is_code(run) or _is_no_one(run)


def _is_year(run: list[Token], site: _Site) -> bool:
    """ "in 2015", "the 1979 revolution"; "2000 people" stays a count."""
    if len(run) != 1 or not _YEAR.match(run[0].text):
        return False
    before = run[0].nbor(-1).lower_ if run[0].i > run[0].sent.start else ""
    people = site.counted is not None and _is_people(site.counted)
    return not people or before in ("the", "in", "since", "of", "by", "until", "from")


def _is_date(run: list[Token], counted: Token | None) -> bool:
    """ "30 December", "Dec. 5", "10 o'clock", "at 1145", or a date or time by the entity recogniser."""
    doc, first, last = run[0].doc, run[0], run[-1]
    before = doc[first.i - 1].lower_ if first.i > 0 else ""
    after = doc[last.i + 1].lower_ if last.i + 1 < len(doc) else ""
    # "35 may have died", "5,000 march": a month name after a number may be a verb
    if before in MONTHS or (after in MONTHS and after not in ("may", "march")) or after in CLOCK:
        return True
    if before == "at" and len(run) == 1 and len(first.text) == 4 and first.text.isdigit():
        return True  # military time: "at 1145"
    return counted is None and first.ent_type_ in ("DATE", "TIME")


def _is_age(run: list[Token]) -> bool:
    """ "a 25-year-old", "25 years old", "aged 25", and "Tamerlan, 26," (a number set off after a name)."""
    doc, first, last = run[0].doc, run[0], run[-1]
    after = [t.lower_ for t in doc[last.i + 1 : last.i + 5]]
    if any(w in ("year", "years") for w in after[:2]) and any(w in ("old", "-old") for w in after):
        return True
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and before.lower_ in AGE_WORDS:
        return True
    return first.dep_ == "appos" or (before is not None and before.text == "," and after[:1] == [","])


def _is_reference(run: list[Token]) -> bool:
    """ "article 35", "No. 4", "#1", "road no 32"."""
    first = run[0]
    return first.i > first.sent.start and first.nbor(-1).lower_ in REFERENCES


def _is_code(run: list[Token]) -> bool:
    """Phone numbers and codes: "(216) 555-0100", "0100", digits glued to digits by a dash or a dot."""
    doc, first, last = run[0].doc, run[0], run[-1]
    if first.text.startswith("0") and len(first.text) > 1 and not first.text.startswith("0."):
        return True
    glued_before = (
        first.i >= 2 and doc[first.i - 1].text in ("-", ".", "/") and doc[first.i - 2].text[-1:].isdigit()
    )
    glued_after = (
        last.i + 2 < len(doc)
        and doc[last.i + 1].text in ("-", ".", "/")
        and doc[last.i + 2].text[:1].isdigit()
    )
    bracketed = (
        0 < first.i and last.i + 1 < len(doc) and doc[first.i - 1].text == "(" and doc[last.i + 1].text == ")"
    )
    return glued_before or glued_after or bracketed


def _is_no_one(run: list[Token]) -> bool:
    """ "no one was injured", "each one": "one" that is not a number."""
    first = run[0]
    return first.lower_ == "one" and first.i > 0 and first.nbor(-1).lower_ in NOT_ONE


def _what(site: _Site, trigger: Token, etype: str) -> str:
    """What the number counts: the outcome for people harmed or detained, else the counted noun."""
    counted = site.counted
    if counted is not None and counted.lemma_.lower() == "casualty":
        return "casualties"  # dead and wounded together: neither "killed" nor "injured"
    if site.unit is None and not site.agent:
        if site.what:
            return site.what
        people = counted is None or counted.i == trigger.i or _is_people(counted)
        if etype in VICTIM_TYPES or (etype in PEOPLE_WHAT and people):
            return PEOPLE_WHAT[etype]
    return _phrase(counted) if counted is not None else trigger.lemma_.lower()


def _phrase(noun: Token) -> str:
    """The counted noun with the nouns compounded before it: "ammonium nitrate", "pressure-cookers"."""
    start = noun.i
    while start > noun.sent.start:
        prev = noun.doc[start - 1]
        joined = prev.dep_ == "compound" and prev.pos_ == "NOUN" and prev.head.i == noun.i
        if not (joined or (prev.text == "-" and prev.whitespace_ == "")):
            break
        start -= 1
    if noun.doc[start].text == "-":
        start += 1
    return noun.doc[start : noun.i + 1].text.lower()


def _is_people(noun: Token) -> bool:
    """Whether a noun names people: a word for people, a nationality or name, or an -ist, -ian, -man."""
    lemma, word = noun.lemma_.lower(), noun.lower_
    if lemma in PEOPLE or word in PEOPLE or noun.ent_type_ in ("NORP", "PERSON"):
        return True
    return word.endswith(PERSON_SUFFIXES) and noun.pos_ == "NOUN"
