"""MUC-4 template filling: casegraph's events turned into MUC-4 templates and scored with GTT's metric.

Data (../shared/eval/muc4/SOURCE.md): the GTT split ``gtt_processed/{train,dev,test}.json`` (dev is
TST1+TST2, test TST3+TST4; texts lower-cased, datelines removed) and the original 1992 texts and
answer keys (``raw_muc34_tst``, ``raw_muc34_dev``), which give each article's dateline and each
template's INCIDENT: DATE.

Setup, per document: the lower-cased text becomes a Document whose date is its dateline's ("SAN
SALVADOR, 12 JAN 90 (RADIO ...) --"; none for "NO DATE"), so relative dates ("yesterday", "last
night", "on 30 December") resolve against it. The text goes through casegraph's pipeline unchanged
(parse, mentions, times, events). ``templates_from`` then reads the events as MUC-4 templates:

- An event whose type has a MUC-4 incident type (``ontology.to_muc``: attack, bombing, kidnapping,
  arson, robbery) opens the template of that type, one per type in order of first report.
- Its participants fill the template: attacker -> PerpInd, perpetrator -> PerpOrg, target -> Target,
  victim -> Victim, instrument -> Weapon, as written (each a one-mention entity); the same words in one
  slot are kept once.
- The consequences reported in their own words (death, injury, damage) and claims of responsibility
  add their participants to the template of the nearest incident before them in the text (else the
  first); when a document reports only consequences with participants (killings without an attack
  word), they make one ``attack`` template.
- A participant fills a slot only when the role classifier gave its role a probability of at least
  ``ROLE_CONFIDENCE`` of that slot (tuned on MUC-4 dev); the pipeline keeps less certain participants
  too (``events.ROLE_THRESHOLD``), which WikiEvents, annotating every argument of an event, rewards.
- There is no relevance filter: every incident casegraph finds becomes a template, including those
  MUC-4 leaves out (clashes between soldiers and guerrillas, incidents years old). A bag-of-words
  relevance classifier trained on MUC-4 train was tried and lowered F1 on dev (it judged 78% of dev
  documents right), so it was dropped.

Scores: ``gtt.score_templates``. ``--reference FILE`` scores a released prediction file in GTT's format
(``{docid: {"pred_templates": [...]}}`` with docids such as 30001 for TST3-MUC4-0001) instead.

Incident dates: for every template of the raw answer keys with a date, the date of casegraph's
template of the same incident type in that document (the first when there are several) is compared
with the key's: a day (``16 NOV 89``) must be that day; ``- 13 NOV 89`` (on or before) any day up to
it; a range any day inside it. ``date_accuracy`` is over all dated key templates, a missing template
or date counting as wrong; ``date_accuracy_found`` over those for which casegraph gave a date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casegraph.errors import EvalError
from casegraph.eval.files import read_jsonl
from casegraph.eval.gtt import ROLES, Template, normalise, score_templates
from casegraph.extract.ontology import MUC_ROLES, to_muc
from casegraph.model import Document, Event, Extraction, make_id

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from casegraph.extract.events import Models

SPLITS = ("train", "dev", "test")
FOLDER = "muc4"
BATCH_SIZE = 16
# Raw 1992 texts and keys of each GTT split (GTT's dev = TST1 + TST2, test = TST3 + TST4).
RAW = {
    "dev": (("raw_muc34_tst", "tst1-muc3", "key-tst1.v7"), ("raw_muc34_tst", "tst2-muc4", "key-tst2.v4")),
    "test": (("raw_muc34_tst", "tst3-muc4", "key-tst3.v2"), ("raw_muc34_tst", "tst4-muc4", "key-tst4.v2")),
}
# Participants fill a slot only when the role classifier is at least this sure of them (the pipeline keeps
# less certain ones too); per slot, tuned on MUC-4 dev, since MUC-4 asks for the main fillers only.
ROLE_CONFIDENCE = {"PerpInd": 0.3, "PerpOrg": 0.5, "Target": 0.5, "Victim": 0.4, "Weapon": 0.3}
# Consequences and claims: their participants join the nearest incident's template.
SUPPORTING = ("death", "injury", "damage", "claim")
MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
_DATELINE = re.compile(r"^\s*[A-Z][^\n]{0,80}?,\s*(\d{1,2}) ([A-Z]{3}) (\d{2})\b")
_DOC_ID = re.compile(r"^((?:DEV|TST\d)-MUC\d-\d{4})\b", re.MULTILINE)
_KEY_DATE = re.compile(r"(\d{1,2}) ([A-Z]{3}) (\d{2})")


@dataclass
class MucDoc:
    """One MUC-4 document of the GTT split: its text, gold templates and dateline date."""

    docid: str  # TST3-MUC4-0001
    text: str
    templates: list[Template]
    date: str | None = None

    @property
    def gtt_id(self) -> str:
        """The id GTT's prediction files use: 30001 for TST3-MUC4-0001."""
        head, _, number = self.docid.split("-")
        return str(int(head[-1]) * 10000 + int(number)) if head.startswith("TST") else self.docid


@dataclass
class KeyDate:
    """The INCIDENT: DATE of one answer-key template, as the interval of days it allows."""

    incident_type: str
    first: date
    last: date


@dataclass
class DateScore:
    """Incident dates compared with the answer keys."""

    gold: int = 0
    given: int = 0
    correct: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)


def muc_folder(data_dir: Path) -> Path:
    """The MUC-4 folder inside data_dir (or data_dir itself)."""
    for folder in (data_dir / FOLDER, data_dir):
        if (folder / "gtt_processed").is_dir():
            return folder
    raise EvalError(
        f"gtt_processed/ not found in {data_dir / FOLDER} or {data_dir}; "
        "pass --data (or set CASEGRAPH_EVAL_DIR) to the folder holding muc4/"
    )


def read_split(split: str, data_dir: Path, *, limit: int | None = None) -> list[MucDoc]:
    """Read a GTT split's first ``limit`` documents, with their dateline dates."""
    if split not in SPLITS:
        raise EvalError(f"unknown MUC-4 split {split!r}; use one of: {', '.join(SPLITS)}")
    folder = muc_folder(data_dir)
    path = folder / "gtt_processed" / f"{split}.json"
    rows = read_jsonl(path, dataset="MUC-4", files="GTT's processed files")
    docs = [_muc_doc(row, path) for row in rows[:limit]]
    dates = read_datelines(folder, split)
    for doc in docs:
        doc.date = dates.get(doc.docid)
    return docs


def _muc_doc(row: dict[str, Any], path: Path) -> MucDoc:
    try:
        templates = [
            {
                key: value if key == "incident_type" else [[m for m, _ in entity] for entity in value]
                for key, value in template.items()
            }
            for template in row["templates"]
        ]
        return MucDoc(docid=row["docid"], text=row["doctext"], templates=templates)
    except (KeyError, TypeError, ValueError) as err:
        raise EvalError(f"{path}: document {row.get('docid', '?')} is malformed ({err})") from err


def read_datelines(folder: Path, split: str) -> dict[str, str | None]:
    """The dateline date (ISO) of every raw document of a split; None for "NO DATE"."""
    if split == "train":
        files = sorted((folder / "raw_muc34_dev").glob("dev-muc3-*"))
    else:
        files = [folder / sub / name for sub, name, _ in RAW[split]]
    dates: dict[str, str | None] = {}
    for path in files:
        if path.is_file():
            dates.update(datelines(path.read_text(encoding="latin-1")))
    return dates


def datelines(raw: str) -> dict[str, str | None]:
    """Each document id of a raw MUC file with the date of its dateline."""
    found: dict[str, str | None] = {}
    ids = list(_DOC_ID.finditer(raw))
    for i, match in enumerate(ids):
        body = raw[match.end() : ids[i + 1].start() if i + 1 < len(ids) else len(raw)]
        # The id line may name a site ("DEV-MUC3-0001 (NOSC)"); the dateline is the next line with text.
        line = next((ln for ln in body.splitlines()[1:] if ln.strip()), "")
        found[match.group(1)] = _dateline_date(line)
    return found


def _dateline_date(line: str) -> str | None:
    match = _DATELINE.match(line)
    if match is None or match.group(2) not in MONTHS:
        return None
    day, month, year = int(match.group(1)), MONTHS[match.group(2)], 1900 + int(match.group(3))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def read_key_dates(folder: Path, split: str) -> dict[str, list[KeyDate]]:
    """The dated templates of a split's raw answer keys, by document id (dev and test only)."""
    if split not in RAW:
        return {}
    out: dict[str, list[KeyDate]] = {}
    for sub, _, key in RAW[split]:
        path = folder / sub / key
        if not path.is_file():
            raise EvalError(f"answer key {path} not found; the MUC-4 folder needs raw_muc34_tst/")
        for docid, kind, when in key_templates(path.read_text(encoding="latin-1")):
            interval = key_interval(when)
            if interval is not None and kind:
                out.setdefault(docid, []).append(KeyDate(kind, *interval))
    return out


def key_templates(raw: str) -> Iterable[tuple[str, str, str]]:
    """(document id, incident type, INCIDENT: DATE) of every template of an answer key."""
    for block in re.split(r"\n\s*\n", raw):
        fields = dict(_key_fields(block))
        docid = fields.get("MESSAGE: ID", "")
        if docid:
            yield docid, fields.get("INCIDENT: TYPE", "").lower(), fields.get("INCIDENT: DATE", "")


def _key_fields(block: str) -> Iterable[tuple[str, str]]:
    for line in block.splitlines():
        match = re.match(r"\s*\d+\.\s+([A-Z ]+: [A-Z ]+?)\s{2,}(.*)$", line)
        if match:
            yield match.group(1).strip(), match.group(2).strip()


def key_interval(text: str) -> tuple[date, date] | None:
    """The days an INCIDENT: DATE allows: "16 NOV 89", "- 13 NOV 89" (on or before), "A - B"; for
    alternatives ("(- 25 MAY 89) / (25 MAY 89)") the days any of them allows."""
    intervals = [_one_interval(part) for part in text.split("/")]
    known = [i for i in intervals if i is not None]
    if not known or len(known) < len(intervals):
        return None
    return min(first for first, _ in known), max(last for _, last in known)


def _one_interval(text: str) -> tuple[date, date] | None:
    text = text.strip().strip("()").strip()
    days = [_key_day(m) for m in _KEY_DATE.finditer(text)]
    if not days or any(d is None for d in days):
        return None
    known = [d for d in days if d is not None]
    if text.startswith("-") and len(known) == 1:
        return date.min, known[0]
    return min(known), max(known)


def _key_day(match: re.Match[str]) -> date | None:
    month = MONTHS.get(match.group(2))
    if month is None:
        return None
    try:
        return date(1900 + int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def to_document(mdoc: MucDoc) -> Document:
    """A MUC-4 document as casegraph reads it: its text as given, dated by its dateline."""
    return Document(
        id=make_id("muc4", mdoc.docid),
        path=f"muc4/{mdoc.docid}",
        title=mdoc.docid,
        text=mdoc.text,
        date=mdoc.date,
        date_source="dateline" if mdoc.date else "none",
        language="en",
    )


@dataclass
class _Draft:
    """A template being filled: its type, where its first incident is reported, its fillers."""

    incident_type: str
    start: int
    fillers: dict[str, list[str]] = field(default_factory=lambda: {role: [] for role in ROLES})
    dates: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # where each of its incident events is reported

    def add(self, event: Event, dates: dict[str, str | None]) -> None:
        for part in event.participants:
            slot = MUC_ROLES.get(part.role)
            if slot is None or part.confidence < ROLE_CONFIDENCE[slot]:
                continue
            text = " ".join(part.text.split())
            if text and normalise(text) not in {normalise(t) for t in self.fillers[slot]}:
                self.fillers[slot].append(text)
        value = dates.get(event.date) if event.date else None
        if value:
            self.dates.append(value)

    def template(self) -> Template:
        out: Template = {"incident_type": self.incident_type}
        out.update({role: [[text] for text in texts] for role, texts in self.fillers.items()})
        return out


def templates_from(extraction: Extraction) -> list[tuple[Template, str | None]]:
    """The MUC-4 templates of one document's events, each with its date (the most precise given)."""
    dates = {t.id: t.value for t in extraction.times}
    events = sorted(extraction.events, key=lambda e: (e.trigger_start, e.id))
    drafts: dict[str, _Draft] = {}
    for event in events:
        kind = to_muc(event.type)
        if kind is not None:
            draft = drafts.setdefault(kind, _Draft(kind, event.trigger_start))
            draft.add(event, dates)
            draft.positions.append(event.trigger_start)
    ordered = sorted(drafts.values(), key=lambda d: d.start)
    for event in events:
        if event.type.split(".")[0] not in SUPPORTING or not event.participants:
            continue
        if not ordered:
            ordered.append(_Draft("attack", event.trigger_start, positions=[event.trigger_start]))
        _nearest_before(ordered, event.trigger_start).add(event, dates)
    return [(d.template(), _best_date(d.dates)) for d in ordered if _has_content(d)]


def _nearest_before(drafts: list[_Draft], position: int) -> _Draft:
    """The template with the incident event reported last before ``position`` (else the first one)."""
    best: tuple[int, int] | None = None
    for i, draft in enumerate(drafts):
        before = [p for p in draft.positions if p <= position]
        if before and (best is None or max(before) > best[0]):
            best = (max(before), i)
    return drafts[best[1]] if best is not None else drafts[0]


def _has_content(draft: _Draft) -> bool:
    return any(draft.fillers.values())


def _best_date(values: Sequence[str]) -> str | None:
    """The most precise date (longest ISO prefix), the first reported among equals."""
    return max(values, key=len) if values else None


def score_dates(
    predicted: dict[str, list[tuple[Template, str | None]]], keys: dict[str, list[KeyDate]]
) -> DateScore:
    """Compare each dated key template with casegraph's template of that type in the same document."""
    score = DateScore()
    for docid, key_dates in sorted(keys.items()):
        for key in key_dates:
            score.gold += 1
            ours = [d for t, d in predicted.get(docid, []) if t["incident_type"] in key.incident_type]
            value = ours[0] if ours else None
            ok = value is not None and _inside(value, key)
            score.given += value is not None
            score.correct += ok
            score.details.append(
                {
                    "doc": docid,
                    "type": key.incident_type,
                    "gold": [key.first.isoformat(), key.last.isoformat()],
                    "casegraph": value,
                    "correct": ok,
                }
            )
    return score


def _inside(value: str, key: KeyDate) -> bool:
    """True when a casegraph date (a day, or a month or year whose days all fit) lies in the key's days."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            first = last = date(*parts)
        elif len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            last = (date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)) - timedelta(days=1)
        else:
            first, last = date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return False
    return key.first <= first and last <= key.last


def parse(docs: Sequence[Document]) -> list[Doc]:
    """Parse the documents with casegraph's English pipeline."""
    from casegraph.extract.nlp import load_pipeline
    from casegraph.pipeline import parse_texts

    return [sdoc for sdoc in parse_texts(load_pipeline("en"), [d.text for d in docs])]


def predict(
    docs: Sequence[MucDoc], models: Models | None = None
) -> dict[str, list[tuple[Template, str | None]]]:
    """casegraph's templates (each with its date) for every document, by document id."""
    from casegraph.pipeline import extract_document

    documents = [to_document(d) for d in docs]
    out: dict[str, list[tuple[Template, str | None]]] = {}
    for mdoc, document, sdoc in zip(docs, documents, parse(documents), strict=True):
        if sdoc is None:
            raise EvalError(f"{mdoc.docid} could not be parsed")
        out[mdoc.docid] = templates_from(extract_document(document, sdoc, models=models))
    return out


def read_reference(path: Path) -> dict[str, list[dict[str, Any]]]:
    """A released prediction file in GTT's format: {docid: {"pred_templates": [...]}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(docid): list(row["pred_templates"]) for docid, row in data.items()}
    except OSError as err:
        raise EvalError(
            f"cannot read {path}: {err.strerror}; pass the path of a GTT prediction file"
        ) from err
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError) as err:
        raise EvalError(
            f'{path} is not a GTT prediction file ({{docid: {{"pred_templates": [...]}}}}): {err}'
        ) from err


def evaluate_muc4(
    *, split: str, data_dir: Path, limit: int | None = None, reference: Path | None = None
) -> dict[str, Any]:
    """Score casegraph's templates (or a released prediction file) on a MUC-4 split with GTT's metric."""
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be a positive number of documents, not {limit}")
    if split == "train":
        raise EvalError("casegraph is trained on MUC-4 train; evaluate on --split dev or test")
    docs = read_split(split, data_dir, limit=limit)
    if reference is not None:
        preds = read_reference(reference)
        golds = {d.gtt_id: d.templates for d in docs}
        return {"dataset": "muc4", "split": split, "system": str(reference), **score_templates(preds, golds)}
    predicted = predict(docs)
    golds = {d.docid: d.templates for d in docs}
    result = score_templates({k: [t for t, _ in v] for k, v in predicted.items()}, golds)
    keys = read_key_dates(muc_folder(data_dir), split)
    dates = score_dates(predicted, {k: v for k, v in keys.items() if k in golds})
    return {
        "dataset": "muc4",
        "split": split,
        "system": "casegraph",
        "documents": len(docs),
        **result,
        "date_accuracy": round(100 * dates.correct / dates.gold, 2) if dates.gold else 0.0,
        "date_accuracy_found": round(100 * dates.correct / dates.given, 2) if dates.given else 0.0,
        "dated_templates": dates.gold,
    }
