"""casegraph's event ontology: event types, their participant roles, trigger words, and the mappings to
the KAIROS types of WikiEvents and the MUC-4 incident types (docs/events.md shows them as tables).

Types are dotted: ``attack.bombing`` is a kind of ``attack``, and a report that says only "attack" may
be about the bombing (casegraph.resolve.incidents merges them). Trigger words are the lemmas a
candidate event starts from; a trained classifier (casegraph.extract.events) decides whether a
candidate is an event in its sentence and of which type. Roles are shared across types where they mean
the same thing (the ``attacker`` of an attack, of a death and of an injury), which lets one classifier
learn them from every type's examples.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: dict[str, str] = {
    "attacker": "who carried out the act: a person or a group of people (gunmen, a suicide bomber)",
    "perpetrator": "the organisation responsible (Islamic State, the FMLN), named as such or claiming it",
    "target": "a physical target: a building, vehicle, place or installation attacked, damaged or raided",
    "victim": "people killed, injured, kidnapped or attacked",
    "instrument": "the weapon or means: a bomb, rifles, a truck",
    "place": "where it happened (a location or facility)",
    "agent": "who arrests, raids or releases: police, soldiers, an agency",
    "detainee": "who is arrested or detained",
    "defendant": "who is charged, tried, convicted, sentenced or released",
    "prosecutor": "who charges or prosecutes",
    "court": "the court or judge",
    "speaker": "who says, writes, calls, meets, claims, threatens or asks",
    "recipient": "to whom: the addressee of a message, call, threat or request; the other party to a meeting",
    "topic": "what it is about",
    "buyer": "who buys, rents or acquires",
    "seller": "who sells or supplies",
    "payer": "who pays",
    "item": "what is bought, sold, paid for, supplied, carried or smuggled",
    "price": "the money paid",
    "traveller": "who travels, moves or crosses",
    "vehicle": "the vehicle used",
    "origin": "where from",
    "destination": "where to",
}


# Generic argument slots: what the role classifier predicts. Each type says which role a slot plays in
# it (the agent of an attack is its attacker, of an arrest the arresting agent, of a purchase the buyer),
# so one classifier learns "the subject of an active verb", "the object", "the place after in" from the
# examples of every type.
SLOTS: dict[str, str] = {
    "agent": "who acts: a person or a group of people",
    "agent_org": "who acts, when it is an organisation",
    "patient": "people the act is done to",
    "theme": "a thing the act is done to, or is about",
    "instrument": "what it is done with",
    "place": "where",
    "recipient": "to whom",
    "source": "from whom",
    "origin": "from where",
    "destination": "to where",
    "vehicle": "in what vehicle",
    "price": "for what money",
    "court": "before which court",
}
_VIOLENT_SLOTS = {
    "agent": "attacker",
    "agent_org": "perpetrator",
    "patient": "victim",
    "theme": "target",
    "instrument": "instrument",
    "place": "place",
}
_JUSTICE_SLOTS = {
    "agent": "prosecutor",
    "agent_org": "prosecutor",
    "patient": "defendant",
    "court": "court",
    "place": "place",
}
_SAY_SLOTS = {
    "agent": "speaker",
    "agent_org": "speaker",
    "recipient": "recipient",
    "theme": "topic",
    "place": "place",
}
_MOVE_SLOTS = {
    "agent": "traveller",
    "agent_org": "traveller",
    "patient": "item",
    "theme": "item",
    "vehicle": "vehicle",
    "origin": "origin",
    "destination": "destination",
}
_SLOT_ROLES: dict[str, dict[str, str]] = {
    "attack": _VIOLENT_SLOTS,
    "robbery": _VIOLENT_SLOTS,
    "death": {k: v for k, v in _VIOLENT_SLOTS.items() if k != "theme"},
    "injury": {k: v for k, v in _VIOLENT_SLOTS.items() if k != "theme"},
    "damage": {
        "agent": "attacker",
        "agent_org": "attacker",
        "theme": "target",
        "instrument": "instrument",
        "place": "place",
    },
    "claim": {"agent": "attacker", "agent_org": "perpetrator", "place": "place"},
    "raid": {
        "agent": "agent",
        "agent_org": "agent",
        "theme": "target",
        "patient": "victim",
        "place": "place",
    },
    "arrest": {"agent": "agent", "agent_org": "agent", "patient": "detainee", "place": "place"},
    "charge": _JUSTICE_SLOTS,
    "trial": _JUSTICE_SLOTS,
    "conviction": _JUSTICE_SLOTS,
    "sentence": _JUSTICE_SLOTS,
    "release": {"agent": "agent", "agent_org": "agent", "patient": "defendant", "place": "place"},
    "communication": _SAY_SLOTS,
    "transaction.purchase": {
        "agent": "buyer",
        "agent_org": "buyer",
        "source": "seller",
        "theme": "item",
        "price": "price",
        "place": "place",
    },
    "transaction.payment": {
        "agent": "payer",
        "agent_org": "payer",
        "recipient": "recipient",
        "price": "price",
        "theme": "item",
        "place": "place",
    },
    "transaction.supply": {
        "agent": "seller",
        "agent_org": "seller",
        "recipient": "recipient",
        "theme": "item",
        "place": "place",
    },
    "movement": _MOVE_SLOTS,
}


@dataclass(frozen=True)
class EventType:
    """One event type: its roles, trigger lemmas and how it maps to KAIROS and MUC-4."""

    name: str
    label: str  # what the type means, for people
    roles: tuple[str, ...]
    triggers: tuple[str, ...]  # lemmas (lower case) that can start a candidate; "bomb/VERB": as a verb only
    kairos: str | None = None  # the WikiEvents (KAIROS) type it corresponds to
    muc: str | None = None  # the MUC-4 incident type of its templates

    @property
    def slots(self) -> dict[str, str]:
        """The generic argument slots of this type and the role each one plays (see SLOTS)."""
        return _SLOT_ROLES[self.root if self.root in _SLOT_ROLES else self.name]

    @property
    def root(self) -> str:
        """The top-level type ("attack" for "attack.bombing")."""
        return self.name.split(".", 1)[0]


_VIOLENT = ("attacker", "perpetrator", "target", "victim", "instrument", "place")
_JUSTICE = ("defendant", "prosecutor", "court", "place")
_SAY = ("speaker", "recipient", "topic", "place")

TYPES: tuple[EventType, ...] = (
    EventType(
        "attack",
        "an attack, assault, ambush, massacre, murder or assassination",
        _VIOLENT,
        (
            "attack",
            "assault",
            "ambush",
            "massacre",
            "murder",
            "assassinate",
            "assassination",
            "terrorism",
            "sabotage",
            "harass",
            "harassment",
            "raze",
            "strafe",
            "offensive",
            "clash",
            "violence",
            "hit",
            "strike",
            "stab",
            "stabbing",
            "behead",
            "beheading",
            "hang",
            "torture",
            "mutilate",
            "lynch",
            "shell",
            "shelling",
        ),
        kairos="Conflict.Attack.Unspecified",
        muc="attack",
    ),
    EventType(
        "attack.bombing",
        "a bombing or explosion",
        _VIOLENT,
        (
            "bomb/VERB",
            "bombing",
            "explosion",
            "explode",
            "blast",
            "detonate",
            "detonation",
            "dynamite/VERB",
            "firebomb/VERB",
            "blow/VERB",
        ),
        kairos="Conflict.Attack.DetonateExplode",
        muc="bombing",
    ),
    EventType(
        "attack.shooting",
        "a shooting",
        _VIOLENT,
        ("shoot", "shooting", "gunfire", "shot", "gunshot", "machinegun", "machine-gun", "fire"),
        kairos="Conflict.Attack.Unspecified",
        muc="attack",
    ),
    EventType(
        "attack.kidnapping",
        "a kidnapping, abduction or hostage-taking",
        _VIOLENT,
        ("kidnap", "kidnapping", "abduct", "abduction", "hostage"),
        muc="kidnapping",
    ),
    EventType(
        "attack.arson",
        "an arson attack: setting fire to something",
        _VIOLENT,
        ("burn", "arson", "torch", "blaze", "ablaze"),
        muc="arson",
    ),
    EventType(
        "robbery",
        "a robbery, theft or looting",
        _VIOLENT,
        ("rob", "robbery", "steal", "loot", "looting", "theft", "holdup", "hold-up", "hijack"),
        muc="robbery",
    ),
    EventType(
        "death",
        "people killed or dying",
        ("victim", "attacker", "perpetrator", "instrument", "place"),
        (
            "kill",
            "killing",
            "die",
            "dead",
            "death",
            "slay",
            "slaying",
            "execute",
            "execution",
            "perish",
            "fatality",
            "slaughter",
            "toll",
            "casualty",
            "suicide",
            "assassinate",
            "murder",
        ),
        kairos="Life.Die.Unspecified",
    ),
    EventType(
        "injury",
        "people injured or wounded",
        ("victim", "attacker", "perpetrator", "instrument", "place"),
        ("injure", "injury", "wound", "hurt", "maim", "injured", "wounded", "wounding", "injuring"),
        kairos="Life.Injure.Unspecified",
    ),
    EventType(
        "damage",
        "property damaged or destroyed",
        ("attacker", "target", "instrument", "place"),
        ("damage", "destroy", "destruction", "demolish", "wreck", "collapse", "shatter", "tear", "ruin"),
        kairos="ArtifactExistence.DamageDestroyDisableDismantle.Damage",
    ),
    EventType(
        "claim",
        "a claim of responsibility for an attack",
        ("perpetrator", "attacker", "place"),
        ("responsibility",),  # and "claimed responsibility", "IS-claimed attack" (see events.candidate_types)
    ),
    EventType(
        "raid",
        "a police or military raid, search or operation",
        ("agent", "target", "victim", "place"),
        ("raid", "search", "operation", "swoop", "storm", "crackdown", "dragnet"),
    ),
    EventType(
        "arrest",
        "an arrest or detention",
        ("detainee", "agent", "place"),
        (
            "arrest",
            "detain",
            "detention",
            "capture",
            "apprehend",
            "custody",
            "jail",
            "imprison",
            "imprisonment",
            "seize",
        ),
        kairos="Justice.ArrestJailDetain.Unspecified",
    ),
    EventType(
        "charge",
        "a charge or indictment",
        _JUSTICE,
        ("charge", "indict", "indictment", "accuse", "prosecute", "prosecution"),
        kairos="Justice.ChargeIndict.Unspecified",
    ),
    EventType(
        "trial",
        "a trial or court hearing",
        _JUSTICE,
        ("trial", "hearing", "testify", "testimony", "try", "court"),
        kairos="Justice.TrialHearing.Unspecified",
    ),
    EventType(
        "conviction",
        "a conviction",
        _JUSTICE,
        ("convict", "conviction", "guilty"),
        kairos="Justice.Convict.Unspecified",
    ),
    EventType(
        "sentence",
        "a sentence passed by a court",
        _JUSTICE,
        ("sentence",),
        kairos="Justice.Sentence.Unspecified",
    ),
    EventType(
        "release",
        "a release from custody",
        ("defendant", "agent", "place"),
        ("release", "free", "parole"),
        kairos="Justice.ReleaseParole.Unspecified",
    ),
    EventType(
        "communication",
        "people in contact: talking, telling, speaking (kind not stated)",
        _SAY,
        ("say", "tell", "speak", "talk", "contact", "communicate", "discuss", "interview", "call"),
        kairos="Contact.Contact.Unspecified",
    ),
    EventType(
        "communication.statement",
        "a public statement, announcement, report or broadcast",
        _SAY,
        (
            "statement",
            "announce",
            "announcement",
            "declare",
            "declaration",
            "communique",
            "report",
            "broadcast",
            "publish",
            "post",
            "tweet",
            "confirm",
            "deny",
            "reveal",
            "issue",
            "claim",
            "state",
            "acknowledge",
            "admit",
        ),
        kairos="Contact.Contact.Broadcast",
    ),
    EventType(
        "communication.meeting",
        "a meeting or talks",
        _SAY,
        ("meet", "meeting", "talks", "summit", "negotiate", "negotiation", "visit", "conference"),
        kairos="Contact.Contact.Meet",
    ),
    EventType(
        "communication.message",
        "a written message: e-mail, letter, text or post sent to someone",
        _SAY,
        ("email", "e-mail", "message", "letter", "write", "text", "send", "fax", "mail", "sms"),
        kairos="Contact.Contact.Correspondence",
    ),
    EventType(
        "communication.call",
        "a telephone call",
        _SAY,
        ("phone", "telephone", "call", "ring", "dial"),
        kairos="Contact.Contact.Correspondence",
    ),
    EventType(
        "communication.request",
        "an order, demand, request or appeal",
        _SAY,
        ("order", "demand", "ask", "urge", "request", "instruct", "command", "appeal", "beg", "plead"),
        kairos="Contact.RequestCommand.Unspecified",
    ),
    EventType(
        "communication.threat",
        "a threat or warning",
        _SAY,
        ("threaten", "threat", "warn", "warning", "ultimatum", "coerce", "coercion", "intimidate"),
        kairos="Contact.ThreatenCoerce.Unspecified",
    ),
    EventType(
        "transaction.purchase",
        "a purchase, sale or rental",
        ("buyer", "seller", "item", "price", "place"),
        ("buy", "purchase", "acquire", "sell", "sale", "rent", "procure", "reserve", "obtain"),
        kairos="Transaction.ExchangeBuySell.Unspecified",
    ),
    EventType(
        "transaction.payment",
        "a payment, transfer of money, donation or bribe",
        ("payer", "recipient", "price", "item", "place"),
        ("pay", "payment", "fund", "finance", "transfer", "donate", "donation", "bribe", "ransom", "wire"),
    ),
    EventType(
        "transaction.supply",
        "goods or weapons supplied or delivered to someone",
        ("seller", "recipient", "item", "place"),
        ("supply", "provide", "deliver", "delivery", "ship", "shipment", "arm"),
    ),
    EventType(
        "movement",
        "travel or transport: people or goods moving from one place to another",
        ("traveller", "item", "vehicle", "origin", "destination"),
        (
            "travel",
            "trip",
            "fly",
            "arrive",
            "leave",
            "return",
            "drive",
            "cross",
            "move",
            "journey",
            "enter",
            "head",
            "flee",
            "transport",
            "carry",
            "reach",
            "come",
            "walk",
            "go",
            "escape",
            "infiltrate",
            "depart",
            "land",
        ),
        kairos="Movement.Transportation.Unspecified",
    ),
    EventType(
        "movement.smuggling",
        "smuggling or trafficking of people or goods",
        ("traveller", "item", "vehicle", "origin", "destination"),
        ("smuggle", "smuggling", "traffic", "trafficking"),
        kairos="Movement.Transportation.IllegalTransportation",
    ),
)

TYPE_BY_NAME: dict[str, EventType] = {t.name: t for t in TYPES}
EVENT_TYPES: tuple[str, ...] = tuple(t.name for t in TYPES)

# KAIROS types of WikiEvents that casegraph folds into one of its own (a second KAIROS type for a
# casegraph type whose main counterpart is listed on the type itself).
KAIROS_EXTRA: dict[str, str] = {
    "ArtifactExistence.DamageDestroyDisableDismantle.Destroy": "damage",
    "Contact.RequestCommand.Broadcast": "communication.request",
    "Contact.RequestCommand.Correspondence": "communication.request",
    "Contact.RequestCommand.Meet": "communication.request",
    "Contact.ThreatenCoerce.Broadcast": "communication.threat",
    "Contact.ThreatenCoerce.Correspondence": "communication.threat",
}

# casegraph role -> KAIROS role, per KAIROS type prefix (the longest prefix that matches wins).
KAIROS_ROLES: dict[str, dict[str, str]] = {
    "Conflict.Attack": {
        "attacker": "Attacker",
        "perpetrator": "Attacker",
        "target": "Target",
        "victim": "Target",
        "instrument": "Instrument",
        "place": "Place",
    },
    "Conflict.Attack.DetonateExplode": {"instrument": "ExplosiveDevice"},
    "Life.Die": {
        "victim": "Victim",
        "attacker": "Killer",
        "perpetrator": "Killer",
        "instrument": "Instrument",
        "place": "Place",
    },
    "Life.Injure": {
        "victim": "Victim",
        "attacker": "Injurer",
        "perpetrator": "Injurer",
        "instrument": "Instrument",
        "place": "Place",
    },
    "ArtifactExistence.DamageDestroyDisableDismantle.Damage": {
        "attacker": "Damager",
        "target": "Artifact",
        "instrument": "Instrument",
        "place": "Place",
    },
    "ArtifactExistence.DamageDestroyDisableDismantle.Destroy": {
        "attacker": "Destroyer",
        "target": "Artifact",
        "instrument": "Instrument",
        "place": "Place",
    },
    "Justice.ArrestJailDetain": {"detainee": "Detainee", "agent": "Jailer", "place": "Place"},
    "Justice": {
        "defendant": "Defendant",
        "prosecutor": "Prosecutor",
        "court": "JudgeCourt",
        "place": "Place",
    },
    "Contact.Contact": {
        "speaker": "Participant",
        "recipient": "Participant",
        "topic": "Topic",
        "place": "Place",
    },
    "Contact.Contact.Broadcast": {"speaker": "Communicator", "recipient": "Recipient"},
    "Contact.RequestCommand": {"speaker": "Communicator", "recipient": "Recipient", "topic": "Topic"},
    "Contact.ThreatenCoerce": {"speaker": "Communicator", "recipient": "Recipient", "topic": "Topic"},
    "Transaction.ExchangeBuySell": {
        "buyer": "Recipient",
        "seller": "Giver",
        "item": "AcquiredEntity",
        "price": "PaymentBarter",
        "place": "Place",
    },
    "Movement.Transportation": {
        "traveller": "Transporter",
        "item": "PassengerArtifact",
        "vehicle": "Vehicle",
        "origin": "Origin",
        "destination": "Destination",
    },
}

# MUC-4 slot of each casegraph role, for the types that become MUC-4 templates.
MUC_ROLES: dict[str, str] = {
    "attacker": "PerpInd",
    "perpetrator": "PerpOrg",
    "target": "Target",
    "victim": "Victim",
    "instrument": "Weapon",
}


# Triggers whose grammatical subject is the other party of their type: the agent of "sold" is the seller.
CONVERSE: dict[str, dict[str, str]] = {
    "sell": {"agent": "seller", "agent_org": "seller", "recipient": "buyer", "source": "buyer"},
    "sale": {"agent": "seller", "agent_org": "seller", "recipient": "buyer", "source": "buyer"},
}


def slot_of(etype: str, role: str, *, organisation: bool = False, person: bool = True) -> str | None:
    """The generic slot that plays ``role`` in a type; where two slots play it (the agent of a
    statement, person or organisation), the participant's kind decides."""
    slots = [slot for slot, r in event_type(etype).slots.items() if r == role]
    if len(slots) <= 1:
        return slots[0] if slots else None
    if "agent_org" in slots and "agent" in slots:
        return "agent_org" if organisation else "agent"
    if "patient" in slots and "theme" in slots:
        return "patient" if person else "theme"
    return slots[0]


def event_type(name: str) -> EventType:
    """The EventType called ``name`` (KeyError when casegraph has no such type)."""
    return TYPE_BY_NAME[name]


def parents(name: str) -> list[str]:
    """The type and its dotted ancestors, most specific first ("attack.bombing", "attack")."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def from_kairos(kairos: str) -> str | None:
    """The casegraph type a KAIROS event type maps to, or None when casegraph has none."""
    for t in TYPES:
        if t.kairos == kairos:
            return t.name
    return KAIROS_EXTRA.get(kairos)


def to_kairos(name: str) -> str | None:
    """The KAIROS type of a casegraph type: its own, else its nearest ancestor's (a subtype WikiEvents
    does not annotate counts as its parent: a shooting is a Conflict.Attack.Unspecified)."""
    for candidate in parents(name):
        kairos = TYPE_BY_NAME[candidate].kairos if candidate in TYPE_BY_NAME else None
        if kairos is not None:
            return kairos
    return None


def kairos_role(kairos: str, role: str) -> str | None:
    """The KAIROS role that a casegraph role plays in a KAIROS event type, or None."""
    found: str | None = None
    best = -1
    for prefix, roles in KAIROS_ROLES.items():
        if (kairos == prefix or kairos.startswith(prefix + ".")) and role in roles and len(prefix) > best:
            found, best = roles[role], len(prefix)
    return found


def to_muc(name: str) -> str | None:
    """The MUC-4 incident type of a casegraph type (None for types that are not MUC-4 incidents)."""
    for candidate in parents(name):
        muc = TYPE_BY_NAME[candidate].muc if candidate in TYPE_BY_NAME else None
        if muc is not None:
            return muc
    return None


# Words that report an event nearly whenever they are used (the rest often do not: "said", "report",
# "operation", "court"): a feature of their own, so that what the classifier learns of the frequent ones
# carries over to the rare ones ("convicted", "smuggled").
CORE_TRIGGERS = frozenset(
    """kill die injure wound explode detonate bomb kidnap abduct arrest detain charge indict convict sentence
    shoot assassinate murder massacre behead stab buy purchase sell smuggle ambush torch burn loot rob
    execute slay bombing explosion kidnapping abduction arrest assassination murder massacre shooting
    purchase sale injury death killing""".split()
)

# Triggers of two words: a verb and its particle or object ("went off", "set fire", "opened fire").
PHRASES: dict[tuple[str, str], str] = {
    ("go", "off"): "attack.bombing",
    ("blow", "up"): "attack.bombing",
    ("set", "fire"): "attack.arson",
    ("set", "ablaze"): "attack.arson",
    ("set", "alight"): "attack.arson",
    ("open", "fire"): "attack.shooting",
    ("take", "hostage"): "attack.kidnapping",
    ("claim", "responsibility"): "claim",
    ("take", "responsibility"): "claim",
    ("lose", "life"): "death",
    ("pass", "away"): "death",
    ("take", "custody"): "arrest",
    ("hold", "talks"): "communication.meeting",
    ("make", "call"): "communication.call",
    **{
        (verb, device): "attack.bombing"
        for verb in ("place", "plant", "throw", "hurl", "toss", "leave", "set", "detonate", "explode")
        for device in ("bomb", "grenade", "explosive", "dynamite", "device", "charge", "carbomb", "mine")
    },
}


def trigger_types(lemma: str, pos: str = "") -> tuple[str, ...]:
    """The event types a lemma (with its part of speech) can trigger, in ontology order."""
    return tuple(name for name, only in _TRIGGERS.get(lemma, ()) if not only or only == pos)


def _index_triggers() -> dict[str, tuple[tuple[str, str], ...]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for t in TYPES:
        for entry in t.triggers:
            lemma, _, pos = entry.partition("/")
            index.setdefault(lemma, []).append((t.name, pos))
    return {lemma: tuple(names) for lemma, names in index.items()}


_TRIGGERS = _index_triggers()
# Every word that can start a trigger: a listed lemma or the verb of a phrase.
TRIGGER_WORDS = frozenset(_TRIGGERS) | frozenset(verb for verb, _ in PHRASES)
