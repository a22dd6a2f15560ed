"""The template-filling metric of GTT (Du, Rush and Cardie, NAACL 2021) for MUC-4, reimplemented.

A template is ``{"incident_type": str, "PerpInd": [...], "PerpOrg": [...], "Target": [...], "Victim":
[...], "Weapon": [...]}``; each role holds entities, an entity being a list of coreferent mention
strings. Per document, every one-to-one alignment of predicted to gold templates is tried (a predicted
template may stay unaligned) and the one with the best micro F1 over the document wins; ties keep the
first alignment in the order GTT enumerates them. A predicted template counts as aligned only when its
incident type is a substring of the gold one ("attack" aligns with "attack / bombing"). In an aligned
pair the incident type is one correct filler; a predicted entity is correct when each of its mention
strings is one of a gold entity's mentions in the same role, after lower-casing and removing
punctuation, the articles a/an/the and extra spaces. Unaligned templates count all their fillers (and
their incident type) as spurious or missing. Counts are summed over documents and micro-averaged over
the six roles, incident type included.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
KEYS = ("incident_type", *ROLES)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)

Template = dict[str, Any]  # incident_type: str; each role: list of entities (lists of mention strings)


def normalise(text: str) -> str:
    """Lower-case, drop punctuation, the articles a/an/the and extra whitespace (GTT's normalisation)."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def percentages(p_num: float, p_den: float, r_num: float, r_den: float) -> dict[str, float]:
    """Precision (p_num / p_den), recall (r_num / r_den) and their F1, in percent to 2 decimals."""
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f1, 2)}


@dataclass
class Counts:
    """Precision and recall numerators and denominators for one role."""

    p_num: int = 0
    p_den: int = 0
    r_num: int = 0
    r_den: int = 0

    def add(self, other: Counts) -> None:
        """Add another count into this one."""
        self.p_num += other.p_num
        self.p_den += other.p_den
        self.r_num += other.r_num
        self.r_den += other.r_den

    def scores(self) -> dict[str, float]:
        """Precision, recall and F1 in percent, rounded to 2 decimals, with the raw counts."""
        return {
            **percentages(self.p_num, self.p_den, self.r_num, self.r_den),
            "predicted": self.p_den,
            "gold": self.r_den,
            "correct_predicted": self.p_num,
            "correct_gold": self.r_num,
        }


@dataclass
class Tally:
    """Counts for each role of one document or of a whole split."""

    roles: dict[str, Counts] = field(default_factory=lambda: {key: Counts() for key in KEYS})

    def add(self, other: Tally) -> None:
        """Add another tally into this one."""
        for key in KEYS:
            self.roles[key].add(other.roles[key])

    def micro(self) -> Counts:
        """The counts summed over all roles, incident type included."""
        total = Counts()
        for counts in self.roles.values():
            total.add(counts)
        return total

    def f1(self) -> float:
        """The micro F1 as a fraction (for choosing the best alignment)."""
        micro = self.micro()
        p = micro.p_num / micro.p_den if micro.p_den else 0.0
        r = micro.r_num / micro.r_den if micro.r_den else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def clean_gold(templates: Sequence[Mapping[str, Any]]) -> list[Template]:
    """Gold templates as GTT reads them: entities without mentions dropped, duplicate templates dropped
    (compared before normalising), then mention strings normalised."""
    kept: list[Template] = []
    for template in templates:
        new: Template = {"incident_type": template.get("incident_type")}
        for role in ROLES:
            new[role] = [list(entity) for entity in template.get(role) or [] if entity]
        if new not in kept:
            kept.append(new)
    return [_normalised(template) for template in kept]


def clean_pred(templates: Sequence[Mapping[str, Any]]) -> list[Template]:
    """Predicted templates as GTT reads them: mention strings normalised, an incident type that is not a
    string read as "attack"; nothing dropped."""
    return [_normalised(template) for template in templates]


def _normalised(template: Mapping[str, Any]) -> Template:
    incident = template.get("incident_type")
    new: Template = {"incident_type": incident if isinstance(incident, str) else "attack"}
    for role in ROLES:
        new[role] = [[normalise(str(m)) for m in entity] for entity in template.get(role) or []]
    return new


def _matches(gold_entity: list[str], pred_entity: list[str]) -> bool:
    return all(mention in gold_entity for mention in pred_entity)


def _pair_tally(pred: Template, gold: Template, tally: Tally) -> None:
    """Count an aligned pair of templates into tally."""
    incident = tally.roles["incident_type"]
    incident.p_num, incident.p_den = incident.p_num + 1, incident.p_den + 1
    incident.r_num, incident.r_den = incident.r_num + 1, incident.r_den + 1
    for role in ROLES:
        counts = tally.roles[role]
        for entity in pred[role]:
            counts.p_den += 1
            counts.p_num += any(_matches(g, entity) for g in gold[role])
        for entity in gold[role]:
            counts.r_den += 1
            counts.r_num += any(_matches(entity, p) for p in pred[role])


def _spurious(template: Template, tally: Tally) -> None:
    tally.roles["incident_type"].p_den += 1
    for role in ROLES:
        tally.roles[role].p_den += len(template[role])


def _missing(template: Template, tally: Tally) -> None:
    tally.roles["incident_type"].r_den += 1
    for role in ROLES:
        tally.roles[role].r_den += len(template[role])


def score_mapping(mapping: Sequence[int], preds: list[Template], golds: list[Template]) -> Tally:
    """Score one alignment: ``mapping[i]`` is the gold template of prediction i, or -1."""
    tally = Tally()
    aligned_golds: set[int] = set()
    for i, g in enumerate(mapping):
        if g != -1 and preds[i]["incident_type"] in golds[g]["incident_type"]:
            _pair_tally(preds[i], golds[g], tally)
            aligned_golds.add(g)
        else:
            _spurious(preds[i], tally)
    for g, gold in enumerate(golds):
        if g not in aligned_golds:
            _missing(gold, tally)
    return tally


def mappings(n_pred: int, n_gold: int) -> Iterator[tuple[int, ...]]:
    """Every one-to-one alignment, in the order GTT's filtered ``itertools.product`` yields them."""
    choices = [*range(n_gold), -1]

    def extend(prefix: tuple[int, ...], used: frozenset[int]) -> Iterator[tuple[int, ...]]:
        if len(prefix) == n_pred:
            yield prefix
            return
        for g in choices:
            if g == -1 or g not in used:
                yield from extend((*prefix, g), used | {g} if g != -1 else used)

    yield from extend((), frozenset())


def score_document(preds: list[Template], golds: list[Template]) -> Tally:
    """The tally of the best alignment of one document's (cleaned) templates."""
    best: Tally | None = None
    best_f1 = -1.0
    for mapping in mappings(len(preds), len(golds)):
        tally = score_mapping(mapping, preds, golds)
        f1 = tally.f1()
        if f1 > best_f1:
            best, best_f1 = tally, f1
    assert best is not None  # mappings() always yields at least the empty alignment
    return best


def score_templates(
    preds: Mapping[str, Sequence[Mapping[str, Any]]], golds: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, Any]:
    """Score predicted against gold templates per document id (a document missing in preds has none).

    Returns micro ``precision``, ``recall``, ``f1`` (percent) and ``per_role`` (incident type and the
    five roles, each with its scores and counts).
    """
    total = Tally()
    for doc_id, gold in golds.items():
        total.add(score_document(clean_pred(preds.get(doc_id, [])), clean_gold(gold)))
    micro = total.micro().scores()
    return {
        "precision": micro["precision"],
        "recall": micro["recall"],
        "f1": micro["f1"],
        "per_role": {key: total.roles[key].scores() for key in KEYS},
        "counts": micro,
    }
