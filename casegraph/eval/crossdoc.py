"""Cross-document resolution measured on real documents cut in two, the second part re-spelled.

Data: the real documents of ``../shared/corpus`` (news/, court/, email/), read with casegraph's own
readers. ``data_dir`` is the eval folder (the corpus is ``<data_dir>/../corpus``) or a folder holding
``corpus/``.

Split: within each kind folder the files are ordered by the sha256 of their path in the corpus
("news/voa-....txt"); even ranks are dev, odd ranks test, so each split holds about half of every
kind. Documents come news first, then court, then email (``limit`` keeps the first N); one whose text
repeats an earlier one (a copied e-mail) is left out.

Per document:

1. Its text (as casegraph reads the file) is written as a .txt, read back and extracted once. The
   *original entities* are the groups casegraph forms from that document alone
   (``resolve.across.group_mentions``: in-document links, then type and name key, aliases folded).
2. The text is cut at the paragraph break ("\\n\\n", else a line break) nearest its middle. Part A is
   written as it is; in part B every original entity is re-spelled by one variant:

   ========== =====================================================================================
   diacritics letters with diacritics lose them ("Recep Tayyip Erdoğan" -> "Recep Tayyip Erdogan");
              else the first letter of each word that has a Turkish-alphabet counterpart gets it
              ("Semih Idiz" -> "Şemih İdiz")
   acronym    an organization whose acronym the document uses (an all-capital name of its group) or
              the alias table gives is written as that acronym ("Syrian Democratic Forces" -> "SDF")
   surname    a person named by two words or more is written as the last word ("Semih Idiz" -> "Idiz")
   translit   one word spelled another way, the last word first: a table of common variants
              ("Mohamed" -> "Mohammed", "Abu" -> "Abou") or else a doubled letter made single
              ("Abaaoud" -> "Abaoud", "Raqqa" -> "Raqa")
   unchanged  left as written: the control
   ========== =====================================================================================

   A name with diacritics always loses them and an organization with an acronym always becomes it;
   any other entity gets one of the variants that apply to its fullest name (surname weighing three,
   translit, diacritics and unchanged one each), picked by the hash of its name key, so an entity is
   re-spelled the same way in every document. Every word-bounded occurrence in B of one of the
   entity's names is rewritten (not only the extracted mentions, so that B keeps no full name to link
   to), except inside another entity's mention. An entity nothing was rewritten for is ``unchanged``,
   unless its variant is surname or acronym and B already names it only that way ("Idiz" alone).
3. Both parts of every document go into one temporary SQLite case in one ingest of the folder, with a
   fixed reference date, and are resolved as any ingest is.

Scoring. An original mention found again by the parts' extraction at its span (in B the re-spelled
span) is *aligned*. A *unit* is the aligned mentions of one original entity in one part; it belongs to
the entity (for the baseline, the group) that most of them are in. A *gold link* joins the A and B
units of one original entity; a *merge* is an A and a B unit of the same document in one entity.
precision = correct merges / merges, recall = correct merges / gold links, per variant by the B unit's
variant and overall. The baseline is the group layer of the same run (``entity_mentions.grp``:
in-document clusters joined by exact type and name key, aliases folded), before groups are joined
into entities.

False merges across documents: units of two different documents in one entity although their original
entities were in different entities when the unmodified documents were resolved together (the same
extractions written to a second case). Counted once per pair of original entities; a few are listed.
Scores are percentages with 2 decimals.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casegraph.errors import CasegraphError, EvalError
from casegraph.model import Document, Extraction, Span
from casegraph.resolve.aliases import AliasTable, is_acronym, load_aliases
from casegraph.resolve.names import name_key, name_tokens

if TYPE_CHECKING:
    from casegraph.store import Store

SPLITS = ("dev", "test")
KINDS = ("news", "court", "email")  # the corpus folders, in the order documents are taken
VARIANTS = ("diacritics", "surname", "acronym", "translit", "unchanged")
# Variants chosen by a name's hash among those that apply to it; the surname thrice (the common case).
ROTATION = ("surname", "surname", "surname", "translit", "diacritics", "unchanged")
REF_DATE = "2017-01-01"
EXAMPLES = 10  # examples listed of each kind of error
PART_NAMES = ("A", "B")

# Latin letters and their Turkish-alphabet counterparts (the diacritics variant adds them).
TURKISH = str.maketrans("cgiosuCIOSU", "çğıöşüÇİÖŞÜ")
# Common transliteration variants of words of names (the translit variant; the table comes first).
SPELLINGS = {
    "Mohammed": "Muhammad",
    "Muhammad": "Mohammed",
    "Mohammad": "Muhammad",
    "Mohamed": "Mohammed",
    "Mohamad": "Muhammad",
    "Ahmed": "Ahmad",
    "Ahmad": "Ahmed",
    "Abdel": "Abdul",
    "Abdul": "Abdel",
    "Osama": "Usama",
    "Usama": "Osama",
    "Omar": "Umar",
    "Umar": "Omar",
    "Hussein": "Husayn",
    "Hassan": "Hasan",
    "Mustafa": "Mostafa",
    "Youssef": "Yusuf",
    "Yusuf": "Youssef",
    "Mansur": "Mansour",
    "Mansour": "Mansur",
    "Abu": "Abou",
    "Hezbollah": "Hizbollah",
    "Qaeda": "Qaida",
}
_DOUBLED = re.compile(r"(?<=\w)([a-z])\1")  # a doubled small letter after a word's first letter
_WORD = re.compile(r"\S+")


# ------------------------------------------------------------------------------------------ re-spelling


def strip_diacritics(text: str) -> str:
    """Letters with diacritics (Turkish dotless i and dotted I included) without them; the rest as is."""
    from unidecode import unidecode

    return "".join(unidecode(c) if c.isalpha() and not c.isascii() else c for c in text)


def has_diacritics(text: str) -> bool:
    """True when a letter of the text is not ASCII."""
    return any(c.isalpha() and not c.isascii() for c in text)


def add_diacritics(word: str) -> str:
    """The word with its first letter that has a Turkish counterpart replaced by it ('Idiz' -> 'İdiz')."""
    for i, c in enumerate(word):
        turkish = c.translate(TURKISH)
        if turkish != c:
            return word[:i] + turkish + word[i + 1 :]
    return word


def translit_word(word: str, *, doubled: bool = True) -> str | None:
    """Another spelling of a word: the table's, else (``doubled``) one doubled letter made single."""
    if word in SPELLINGS:
        return SPELLINGS[word]
    found = _DOUBLED.search(word) if doubled and len(word) >= 5 and not word.isupper() else None
    return word[: found.start()] + word[found.start() + 1 :] if found else None


def translit_map(name: str, *, doubled: bool = True) -> dict[str, str]:
    """One word of the name and its other spelling, trying the last word first ({} when none has one)."""
    for word in reversed(name.split()):
        other = translit_word(word, doubled=doubled)
        if other is not None:
            return {word: other}
    return {}


def diacritics_map(name: str) -> dict[str, str]:
    """Each capitalised word of the name ('Idiz', not 'GPS' nor 'al-Masafi') with a Turkish letter added."""
    words = [w for w in name.split() if w.isalpha() and w[:1].isupper() and w[1:].islower()]
    return {w: add_diacritics(w) for w in words if add_diacritics(w) != w}


def replace_words(text: str, words: dict[str, str]) -> str:
    """The text with each whitespace-separated word found in ``words`` replaced."""
    return _WORD.sub(lambda m: words.get(m.group(), m.group()), text)


def surname_of(name: str) -> str | None:
    """The surname of a person's name of two words or more ('Allen, Phillip K' -> 'Allen'), else None."""
    if len(name_tokens(name)) < 2:
        return None
    if name.count(",") == 1 and name.split(",")[0].strip():
        return name.split(",")[0].strip()
    words = [w.strip(".,") for w in name.split() if any(c.isalpha() for c in w)]
    return words[-1] if len(words) > 1 else None


def acronym_of(texts: Counter[str], type_: str, table: AliasTable) -> str | None:
    """An organization's acronym: the document's own (an all-capital name), else the alias table's."""
    fullest = max(texts, key=lambda t: (len(t.split()), len(t), t))
    if type_ != "organization" or len(fullest.split()) < 2:
        return None
    own = [t for t in texts if is_acronym(t) and name_key(t) != name_key(fullest)]
    if own:
        return min(own, key=lambda t: (-texts[t], len(t), t))
    canonical = table.canonical(fullest)
    listed = sorted(
        (row.alias for row in table if row.acronym and row.name == canonical and row.type == type_),
        key=lambda a: (len(a), a),
    )
    return listed[0] if listed else None


# ------------------------------------------------------------------------------------- original entities


@dataclass
class Original:
    """An entity of the original document (a group of its mentions) and how part B re-spells it."""

    id: str
    type: str
    key: str
    name: str  # the fullest name
    texts: Counter[str]  # mention texts and their counts
    mentions: list[str]  # mention ids
    kind: str = "unchanged"
    change: Callable[[str], str] = field(default=lambda text: text, repr=False)


def original_entities(ext: Extraction, table: AliasTable) -> dict[str, Original]:
    """The groups casegraph forms from one document alone, each with its chosen re-spelling."""
    from casegraph.resolve.across import group_mentions

    out: dict[str, Original] = {}
    for gid, group in sorted(group_mentions(ext.mentions, ext.links, aliases=table).items()):
        texts = Counter(" ".join(m.text.split()) for m in group.mentions)
        name = max(texts, key=lambda t: (len(t.split()), texts[t], len(t), t))
        orig = Original(gid, group.type, group.key, name, texts, [m.id for m in group.mentions])
        orig.kind, orig.change = choose_variant(orig, table)
        out[gid] = orig
    return out


def choose_variant(orig: Original, table: AliasTable) -> tuple[str, Callable[[str], str]]:
    """The variant part B writes an original entity in, and the function that re-spells its names."""
    if any(has_diacritics(t) for t in orig.texts):
        return "diacritics", strip_diacritics
    acronym = acronym_of(orig.texts, orig.type, table)
    if acronym is not None:
        return "acronym", lambda text: text if is_acronym(text) else acronym
    choices = [(k, c) for k in ROTATION if (c := _rotation_change(k, orig)) is not None]
    return choices[int(hashlib.sha256(orig.key.encode("utf-8")).hexdigest(), 16) % len(choices)]


def _rotation_change(kind: str, orig: Original) -> Callable[[str], str] | None:
    """The re-spelling of one rotation variant for an entity, or None when it does not apply."""
    if kind == "surname":
        last = surname_of(orig.name) if orig.type == "person" else None
        return (lambda _text: last) if last is not None else None
    if kind == "translit":
        words = translit_map(orig.name, doubled=orig.type in ("person", "location"))
    else:
        words = diacritics_map(orig.name) if kind == "diacritics" else {}
    if kind == "unchanged" or words:
        return lambda text: replace_words(text, words)
    return None


# ----------------------------------------------------------------------------------- cutting and editing


@dataclass(frozen=True)
class Edit:
    """Characters of part B replaced by an entity's re-spelling."""

    start: int
    end: int
    text: str
    group: str


def cut_point(text: str) -> int | None:
    """Where part B starts: after the paragraph break (else line break) nearest the middle; None if none."""
    middle = len(text) // 2
    for sep in ("\n\n", "\n"):
        cuts = [m.end() for m in re.finditer(re.escape(sep), text) if text[: m.start()].strip()]
        cuts = [c for c in cuts if text[c:].strip()]
        if cuts:
            return min(cuts, key=lambda c: (abs(c - middle), c))
    return None


def find_edits(text: str, originals: dict[str, Original], spans: dict[Span, str]) -> list[Edit]:
    """Every occurrence in ``text`` of an entity's names that its variant changes, longest names first.

    ``spans`` are the mentions in ``text`` and their entities: an occurrence inside another entity's
    mention is left alone, and occurrences never overlap.
    """
    edits: list[Edit] = []
    taken: list[Span] = []
    order = sorted(originals.values(), key=lambda o: (-sum(o.texts.values()), o.id))
    for orig in order:
        others = [s for s, gid in spans.items() if gid != orig.id]
        for name in sorted(orig.texts, key=lambda t: (-len(t), t)):
            new = orig.change(name)
            if new == name:
                continue
            words = r"\s+".join(re.escape(w) for w in name.split())  # a name may wrap across lines
            for m in re.finditer(rf"(?<!\w){words}(?!\w)", text):
                span = (m.start(), m.end())
                if not any(_overlap(span, s) for s in (*taken, *others)):
                    edits.append(Edit(span[0], span[1], new, orig.id))
                    taken.append(span)
    return sorted(edits, key=lambda e: e.start)


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the (sorted, non-overlapping) edits made."""
    out, at = [], 0
    for e in edits:
        out += [text[at : e.start], e.text]
        at = e.end
    return "".join(out) + text[at:]


def move_span(span: Span, edits: Sequence[Edit]) -> Span | None:
    """Where a span of the text lands once the edits are made; None when an edit cuts across it."""
    shift = 0
    for e in edits:
        if e.end <= span[0]:
            shift += len(e.text) - (e.end - e.start)
        elif (e.start, e.end) == span:
            return (span[0] + shift, span[0] + shift + len(e.text))
        elif e.start < span[1]:
            return None
        else:
            break
    return (span[0] + shift, span[1] + shift)


@dataclass
class Plan:
    """One document cut in two: the parts as written, and where each original mention lands."""

    path: str  # in the corpus: news/voa-....txt
    parts: tuple[str, str]
    spans: dict[tuple[int, int, int], str]  # (part, start, end) in the written part -> original entity
    originals: dict[str, Original]
    mentions: list[int] = field(default_factory=lambda: [0, 0])  # original mentions in each part


def plan_document(path: str, ext: Extraction, table: AliasTable) -> Plan | None:
    """Cut a document's text in two and re-spell part B; None when it has no line break to cut at."""
    text = ext.doc.text
    cut = cut_point(text)
    if cut is None:
        return None
    originals = original_entities(ext, table)
    owner = {mid: o.id for o in originals.values() for mid in o.mentions}
    in_b = [m for m in ext.mentions if m.start >= cut]
    edits = find_edits(text[cut:], originals, {(m.start - cut, m.end - cut): owner[m.id] for m in in_b})
    edited = {e.group for e in edits}
    for orig in originals.values():
        if orig.id not in edited and not _written_so(orig, [m.text for m in in_b if owner[m.id] == orig.id]):
            orig.kind = "unchanged"
    plan = Plan(path, (text[:cut], apply_edits(text[cut:], edits)), {}, originals)
    for m in ext.mentions:
        part = 0 if m.end <= cut else 1 if m.start >= cut else None
        if part is None:
            continue
        plan.mentions[part] += 1
        moved = (m.start, m.end) if part == 0 else move_span((m.start - cut, m.end - cut), edits)
        if moved is not None:
            plan.spans[(part, *moved)] = owner[m.id]
    return plan


def _written_so(orig: Original, texts: Sequence[str]) -> bool:
    """True when part B already names a surname or acronym entity only as its variant writes it."""
    if orig.kind not in ("surname", "acronym") or not texts:
        return False
    return orig.change(orig.name) != orig.name and all(orig.change(t) == t for t in texts)


# ------------------------------------------------------------------------------------- documents and runs


def corpus_dir(data_dir: Path) -> Path:
    """The corpus folder: ``<data_dir>/corpus`` or ``<data_dir>/../corpus`` (beside ../shared/eval)."""
    for folder in (data_dir / "corpus", data_dir.parent / "corpus"):
        if any((folder / kind).is_dir() for kind in KINDS):
            return folder
    raise EvalError(
        f"corpus folder {data_dir.parent / 'corpus'} not found (nor {data_dir / 'corpus'}) with "
        f"{', '.join(KINDS)} folders; pass --data the eval folder beside it (e.g. ../shared/eval)"
    )


def split_paths(split: str, corpus: Path) -> list[Path]:
    """The corpus files of a split: per kind folder, even ranks by path hash (dev) or odd ones (test)."""
    from casegraph.ingest.files import format_of

    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
    out: list[Path] = []
    for kind in KINDS:
        files = [p for p in (corpus / kind).glob("*") if p.is_file() and format_of(p) is not None]
        files.sort(key=lambda p: hashlib.sha256(f"{kind}/{p.name}".encode()).hexdigest())
        out += files[SPLITS.index(split) :: 2]
    return out


def read_originals(
    paths: Sequence[Path], corpus: Path, folder: Path, *, limit: int | None
) -> tuple[list[tuple[str, Document]], list[tuple[str, str]]]:
    """Each file's text written as a .txt and read back (as the parts are read), and the files left out."""
    from casegraph.ingest import read_file

    folder.mkdir()
    docs: list[tuple[str, Document]] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in paths:
        if limit is not None and len(docs) >= limit:
            break
        rel = path.relative_to(corpus).as_posix()
        try:
            text = read_file(path, display=rel, ref_date=REF_DATE)[0].text
            copy = folder / f"{len(docs):03d}.txt"
            copy.write_text(text, encoding="utf-8")
            doc = read_file(copy, display=copy.name, ref_date=REF_DATE)[0]
        except CasegraphError as err:
            skipped.append((rel, str(err)))
            continue
        if doc.text in seen:
            skipped.append((rel, "the same text as a document before it"))
            continue
        seen.add(doc.text)
        docs.append((rel, doc))
    return docs, skipped


def extract_originals(docs: Sequence[tuple[str, Document]]) -> Iterator[tuple[str, Extraction | str]]:
    """Each document's extraction (or the reason it failed), by casegraph's pipeline."""
    from casegraph.pipeline import extract_batch

    outcomes = extract_batch([doc for _, doc in docs], {}) if docs else []
    yield from zip((rel for rel, _ in docs), outcomes, strict=True)


@dataclass(frozen=True)
class Stored:
    """A stored mention of a part: its entity, its group and its text."""

    entity: str
    grp: str
    text: str


def ingest_parts(
    plans: Sequence[Plan], folder: Path
) -> tuple[list[dict[tuple[int, int, int], Stored]], dict[str, str], list[tuple[str, str]]]:
    """Write both parts of every plan into a folder and ingest it into a new case.

    Returns each plan's stored mentions by (part, start, end) in the written part, the names of the
    entities and groups, and the parts that were not extracted, with why.
    """
    from casegraph.case import open_case

    parts = folder / "parts"
    parts.mkdir()
    for i, plan in enumerate(plans):
        for p, text in enumerate(plan.parts):
            (parts / _part_file(i, p)).write_text(text, encoding="utf-8")
    case = open_case(folder / "parts.db")
    try:
        report = case.ingest(parts, ref_date=REF_DATE)
        stored, names = _read_parts(case.store)
    finally:
        case.close()
    lost = [(Path(f).name, why) for f, why in [*report.failed, *report.text_only, *report.duplicates]]
    found = [_place(i, plan, stored) for i, plan in enumerate(plans)]
    by_file = {
        _part_file(i, p): f"{plan.path} part {PART_NAMES[p]}" for i, plan in enumerate(plans) for p in (0, 1)
    }
    return found, names, [(by_file.get(f, f), why) for f, why in lost]


def _place(
    index: int, plan: Plan, stored: dict[str, tuple[str, dict[Span, Stored]]]
) -> dict[tuple[int, int, int], Stored]:
    """A plan's stored mentions by (part, start, end) in the part as written."""
    found: dict[tuple[int, int, int], Stored] = {}
    for p, written in enumerate(plan.parts):
        text, mentions = stored.get(_part_file(index, p), ("", {}))
        at = written.find(text) if text else -1  # the reader trims the ends of a text
        found.update({(p, s + at, e + at): m for (s, e), m in mentions.items() if at >= 0})
    return found


def _part_file(index: int, part: int) -> str:
    return f"{index:03d}-{PART_NAMES[part]}.txt"


def _read_parts(store: Store) -> tuple[dict[str, tuple[str, dict[Span, Stored]]], dict[str, str]]:
    """Each stored part by file name: its text and its mentions by span; and every entity's and group's
    name and type."""
    from casegraph.store import schema

    d, m, em, e = schema.documents, schema.mentions, schema.entity_mentions, schema.entities
    with store.read() as conn:
        docs = {
            row.id: (Path(row.path).name, row.text)
            for row in conn.execute(select(d.c.id, d.c.path, d.c.text))
        }
        rows = conn.execute(
            select(m.c.doc, m.c.start, m.c.end, m.c.text, em.c.entity, em.c.grp).join(
                em, em.c.mention == m.c.id
            )
        ).all()
        names = {
            row.id: f"{row.name} ({row.type})" for row in conn.execute(select(e.c.id, e.c.name, e.c.type))
        }
        g = schema.groups
        names.update(
            {row.id: f"{row.key} ({row.type})" for row in conn.execute(select(g.c.id, g.c.key, g.c.type))}
        )
    out: dict[str, tuple[str, dict[Span, Stored]]] = {name: (text, {}) for name, text in docs.values()}
    for row in rows:
        out[docs[row.doc][0]][1][(row.start, row.end)] = Stored(row.entity, row.grp or "", row.text)
    return out, names


def resolve_originals(exts: Sequence[Extraction], db: Path) -> dict[str, str]:
    """The entity of every mention when the extractions are written to a new case and resolved."""
    from casegraph.case import open_case
    from casegraph.resolve.update import resolve_pending
    from casegraph.store import Writer, schema

    case = open_case(db)
    try:
        writer = Writer(case.store)
        for ext in exts:
            writer.write_extraction(ext)
        resolve_pending(case.store)
        with case.store.read() as conn:
            em = schema.entity_mentions
            return {row.mention: row.entity for row in conn.execute(select(em.c.mention, em.c.entity))}
    finally:
        case.close()


def resolve_alone(plans: Sequence[Plan], exts: Sequence[Extraction], folder: Path) -> list[dict[str, str]]:
    """Each document's groups' entities when it is resolved alone, in a case of its own."""
    return [
        group_entities(plan, resolve_originals([ext], folder / f"alone-{i:03d}.db"))
        for i, (plan, ext) in enumerate(zip(plans, exts, strict=True))
    ]


def group_entities(plan: Plan, entity_of: dict[str, str]) -> dict[str, str]:
    """The entity each original group of a plan is in (most of its mentions' entity)."""
    return {
        orig.id: _most(entity_of[mid] for mid in orig.mentions if mid in entity_of)
        for orig in plan.originals.values()
    }


def _most(items: Iterable[str]) -> str:
    """The most common item (ties: the smallest); '' when there is none."""
    counts = Counter(items)
    return min(counts, key=lambda k: (-counts[k], k)) if counts else ""


# ---------------------------------------------------------------------------------------------- scoring


@dataclass
class Unit:
    """The aligned mentions of one original entity in one part of its document, and where they ended."""

    doc: int
    key: str  # the original entity: its entity when the unmodified document is resolved alone
    part: int
    entity: str  # most of its mentions' entity
    grp: str  # most of its mentions' group (the baseline)
    kind: str  # most of its mentions' variant
    reference: str  # its entity when the unmodified documents are resolved together
    texts: list[str]
    size: int  # aligned mentions


def build_units(
    plans: Sequence[Plan],
    found: Sequence[dict[tuple[int, int, int], Stored]],
    gold: Sequence[dict[str, str]],
    reference: Sequence[dict[str, str]],
) -> list[Unit]:
    """Every unit of every document, from the original mentions found again at their span.

    ``gold`` and ``reference`` give, per document, each original group's entity when the unmodified
    document is resolved alone and when all of them are resolved together.
    """
    units: list[Unit] = []
    for i, (plan, stored) in enumerate(zip(plans, found, strict=True)):
        by_unit: dict[tuple[str, int], list[tuple[str, Stored]]] = {}
        for (part, s, e), gid in sorted(plan.spans.items()):
            if (part, s, e) in stored:
                by_unit.setdefault((gold[i][gid], part), []).append((gid, stored[(part, s, e)]))
        for (key, part), hits in sorted(by_unit.items()):
            units.append(
                Unit(
                    doc=i,
                    key=key,
                    part=part,
                    entity=_most(h.entity for _, h in hits),
                    grp=_most(h.grp for _, h in hits),
                    kind=_most(plan.originals[g].kind for g, _ in hits),
                    reference=_most(reference[i][g] for g, _ in hits),
                    texts=sorted({h.text for _, h in hits}),
                    size=len(hits),
                )
            )
    return units


@dataclass
class Tally:
    """Gold links, merges and correct merges, per variant."""

    gold: Counter[str] = field(default_factory=Counter)
    merged: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)

    def row(self, kind: str | None = None) -> dict[str, Any]:
        """Precision, recall and F1 (percent) of one variant, or overall."""
        gold, merged, correct = (
            c[kind] if kind else sum(c.values()) for c in (self.gold, self.merged, self.correct)
        )
        p, r = _ratio(correct, merged), _ratio(correct, gold)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        pct = {"precision": _pct(p), "recall": _pct(r), "f1": _pct(f1)}
        return {**pct, "support": gold, "merges": merged, "correct": correct}

    def report(self) -> dict[str, Any]:
        """The overall row and one per variant."""
        return {**self.row(), "per_variant": {k: self.row(k) for k in VARIANTS}}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _pct(value: float) -> float:
    return round(100.0 * value, 2)


def score_parts(
    units: Sequence[Unit], attr: str, describe: Callable[[Unit, Unit], dict[str, Any]]
) -> tuple[Tally, list[dict[str, Any]], list[dict[str, Any]]]:
    """Score the cross-part merges of ``attr`` ('entity' or 'grp'); also the missed and wrong examples."""
    tally = Tally()
    missed: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    for doc in sorted({u.doc for u in units}):
        side_a = [u for u in units if u.doc == doc and u.part == 0]
        side_b = [u for u in units if u.doc == doc and u.part == 1]
        tally.gold.update(b.kind for b in side_b if any(a.key == b.key for a in side_a))
        for a in side_a:
            for b in side_b:
                same = getattr(a, attr) == getattr(b, attr)
                tally.merged[b.kind] += same
                tally.correct[b.kind] += same and a.key == b.key
                if same != (a.key == b.key):
                    (wrong if same else missed).append(describe(a, b))
    return tally, missed, wrong


def _describer(
    plans: Sequence[Plan], names: dict[str, str], attr: str
) -> Callable[[Unit, Unit], dict[str, Any]]:
    """A function that describes a pair of units of one document for the examples."""

    def describe(a: Unit, b: Unit) -> dict[str, Any]:
        def ends(u: Unit) -> str:
            target = str(getattr(u, attr))
            return names.get(target, target)

        return {
            "document": plans[a.doc].path,
            "variant": b.kind,
            "a": a.texts,
            "b": b.texts,
            "a_in": ends(a),
            "b_in": ends(b),
        }

    return describe


def cross_document(units: Sequence[Unit], attr: str) -> tuple[int, list[tuple[str, Unit, Unit]]]:
    """Pairs of original entities of different documents joined by ``attr``: how many, and the false ones
    (those the unmodified documents, resolved together, kept apart)."""
    by_target: dict[str, dict[tuple[int, str], Unit]] = {}
    for u in units:
        by_target.setdefault(getattr(u, attr), {}).setdefault((u.doc, u.key), u)
    merges, false = 0, []
    for target, members in sorted(by_target.items()):
        for (ka, a), (kb, b) in combinations(sorted(members.items()), 2):
            if ka[0] != kb[0]:
                merges += 1
                if a.reference != b.reference:
                    false.append((target, a, b))
    return merges, false


def _false_example(
    plans: Sequence[Plan], entity: str, a: Unit, b: Unit, names: dict[str, str]
) -> dict[str, Any]:
    def side(u: Unit) -> dict[str, Any]:
        part = PART_NAMES[u.part]
        return {"document": plans[u.doc].path, "part": part, "variant": u.kind, "texts": u.texts}

    return {"entity": names.get(entity, entity), "a": side(a), "b": side(b)}


# ------------------------------------------------------------------------------------------- evaluation


def evaluate_crossdoc(*, split: str, data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Cut real documents in two, re-spell part B, ingest all parts into one case and score the merges."""
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be a positive number of documents, not {limit}")
    corpus = corpus_dir(data_dir)
    paths = split_paths(split, corpus)
    with tempfile.TemporaryDirectory(prefix="casegraph-crossdoc-") as tmp:
        folder = Path(tmp)
        plans, exts, skipped = prepare(paths, corpus, folder, limit=limit)
        # Gold: each document resolved alone; reference for false merges: all of them resolved together.
        gold = resolve_alone(plans, exts, folder)
        together = resolve_originals(exts, folder / "originals.db")
        reference = [group_entities(p, together) for p in plans]
        found, names, lost = ingest_parts(plans, folder)
    units = build_units(plans, found, gold, reference)
    return _result(split, plans, units, names, [*skipped, *lost])


def prepare(
    paths: Sequence[Path], corpus: Path, folder: Path, *, limit: int | None
) -> tuple[list[Plan], list[Extraction], list[tuple[str, str]]]:
    """Read and extract the documents and plan their parts; also the documents left out, with why."""
    table = load_aliases()
    docs, skipped = read_originals(paths, corpus, folder / "originals", limit=limit)
    plans, exts = [], []
    for rel, outcome in extract_originals(docs):
        if isinstance(outcome, str):
            skipped.append((rel, outcome))
        elif (plan := plan_document(rel, outcome, table)) is None:
            skipped.append((rel, "no line break to cut the text at"))
        else:
            plans.append(plan)
            exts.append(outcome)
    return plans, exts, skipped


def _result(
    split: str,
    plans: Sequence[Plan],
    units: Sequence[Unit],
    names: dict[str, str],
    skipped: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The result dict: casegraph's scores on top, the baseline's beside them, then counts and examples."""
    tally, missed, wrong = score_parts(units, "entity", _describer(plans, names, "entity"))
    base, _, _ = score_parts(units, "grp", _describer(plans, names, "grp"))
    merges, false = cross_document(units, "entity")
    base_merges, base_false = cross_document(units, "grp")
    row = tally.report()
    return {
        "dataset": "crossdoc",
        "split": split,
        "documents": len(plans),
        "skipped": [list(s) for s in skipped],
        **row,
        "baseline": base.report(),
        "pairs": {"gold": row["support"], "merges": row["merges"], "correct": row["correct"]},
        "mentions": _mention_counts(plans, units),
        "cross_document": {
            "merges": merges,
            "false": len(false),
            "baseline_merges": base_merges,
            "baseline_false": len(base_false),
        },
        "false_merges": [_false_example(plans, e, a, b, names) for e, a, b in false[:EXAMPLES]],
        "missed": missed[:EXAMPLES],
        "wrong": wrong[:EXAMPLES],
    }


def _mention_counts(plans: Sequence[Plan], units: Sequence[Unit]) -> dict[str, int]:
    """Original mentions, those placed in a part (not cut by an edit), those found again, and units."""
    return {
        "original": sum(sum(p.mentions) for p in plans),
        "placed": sum(len(p.spans) for p in plans),
        "aligned": sum(u.size for u in units),
        "units": len(units),
    }
