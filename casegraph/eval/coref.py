"""In-document coreference on WikiEvents: casegraph's resolver clustering the gold entity mentions.

Data: ``wikievents/{split}.jsonl`` (documents with their entity mentions) and
``wikievents/coref/{split}.jsonlines`` (the gold clusters of mention ids), v1.0 of Li et al. 2021
(see ../shared/eval/wikievents/SOURCE.md). Mentions absent from every gold cluster are gold singletons.

Setup, per document:

- Text. The ``text`` field glues sentences together ("in SyriaThe desert") and the token offsets
  leave 1 to 8 characters between sentences that ``text`` lacks, so the document is rebuilt as its
  sentence texts joined by newlines. Within a sentence the token offsets are exact, so each token's
  span is its sentence's offset plus the token's distance from the sentence's first token, and a
  mention spans its first to its last token; the rebuilt text at that span is checked to equal the
  mention's text.
- Mentions. Every gold entity mention becomes a casegraph ``Mention`` (source ``spacy``, as if the
  model had found it) with type PER -> person, ORG -> organization, GPE and LOC -> location,
  FAC -> facility, every other type (WEA, VEH, VAL, MHI, COM, TTL, ...) -> misc. Its label is the
  spaCy label of that type (PERSON, ORG, GPE, LOC, FAC), so the gold type counts as the model's vote in
  casegraph's type vote; the other types get ``MISC``, which casegraph does not vote on.
- casegraph. ``resolve.inside.resolve_document`` (with the spaCy parse, as the pipeline calls it)
  links the mentions, then ``resolve.clusters.cluster_links`` clusters them. The resolver may add
  mentions (surnames, acronyms the text defines); they are clustered with the rest, so two gold
  mentions linked through one stay together, and dropped afterwards. Every gold mention is kept with
  the cluster it ends in, whatever type the resolver gives it; a gold mention no link reaches is a
  singleton.
- Baseline ("same string"), in the same run: mentions whose ``resolve.names.name_key`` is equal form
  one cluster.
- Names only. casegraph resolves names; it never sees pronouns or nominals ("he", "the government"),
  which are two thirds of the gold mentions. WikiEvents v1.0 has no NAM/NOM/PRO mention types
  (``mention_type`` is "UNK" throughout), so a mention counts as named when one of its words is
  capitalised and spaCy tags it a proper noun or puts it in a named entity (not a pronoun: "US" is a
  name, "We" is not), unless the mention is only title words ("President", "Agent", "Attorney
  General": nominals in ACE's scheme, though spaCy tags them PROPN). For this view the resolver runs
  on the named mentions alone, as it would in the pipeline, and both clusterings are scored against
  the gold clusters restricted to named mentions.

Scores are MUC, B³ and CEAF-e (see ``coref_metrics``), micro-averaged over documents like the
CoNLL-2012 reference scorer, in percent with 2 decimals, and their mean (CoNLL F1).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casegraph.errors import EvalError
from casegraph.eval.coref_metrics import METRICS, Clustering, Counts, conll_f1, score_corpus
from casegraph.eval.files import read_jsonl
from casegraph.model import Document, Mention, Span, make_id

if TYPE_CHECKING:
    from spacy.tokens import Doc

SPLITS = ("dev", "test")
FOLDER = "wikievents"
BATCH_SIZE = 8
V1_FILES = "the v1.0 WikiEvents files"
# WikiEvents (KAIROS) entity types -> casegraph types; every other type is misc.
ENTITY_TYPES = {
    "PER": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "facility",
}
# The spaCy label of each type, so that the gold type weighs as the model's vote in the type vote.
SPACY_LABELS = {"PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC"}
# spaCy entity labels whose capitalised words are names even when not tagged PROPN ("Russian", "Syrian").
NAME_LABELS = frozenset("PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE".split())


@dataclass
class CorefDoc:
    """One WikiEvents document: its text, its gold mentions and the gold clusters (casegraph ids)."""

    doc: Document
    mentions: list[Mention]
    clusters: list[set[str]]
    named: set[str] = field(default_factory=set)  # ids of the mentions that are names


def split_files(split: str, data_dir: Path) -> tuple[Path, Path]:
    """Return the documents file and the coref file of a split, in data_dir/wikievents or data_dir."""
    if split not in SPLITS:
        raise EvalError(f"unknown WikiEvents split {split!r}; use one of: {', '.join(SPLITS)}")
    for folder in (data_dir / FOLDER, data_dir):
        docs, coref = folder / f"{split}.jsonl", folder / "coref" / f"{split}.jsonlines"
        if docs.is_file() and coref.is_file():
            return docs, coref
    raise EvalError(
        f"{split}.jsonl and coref/{split}.jsonlines not found in {data_dir / FOLDER} or {data_dir}; "
        "pass --data (or set CASEGRAPH_EVAL_DIR) to the folder holding wikievents/"
    )


def read_split(split: str, data_dir: Path, *, limit: int | None = None) -> list[CorefDoc]:
    """Read a split's first ``limit`` documents with their gold mentions and clusters."""
    docs_path, coref_path = split_files(split, data_dir)
    raw_docs = read_jsonl(docs_path, dataset="WikiEvents", files=V1_FILES)[:limit]
    rows = read_jsonl(coref_path, dataset="WikiEvents", files=V1_FILES)
    clusters = {row["doc_key"]: row["clusters"] for row in rows}
    out = []
    for raw in raw_docs:
        if raw["doc_id"] not in clusters:
            raise EvalError(f"document {raw['doc_id']} has no line in {coref_path}; use the v1.0 files")
        out.append(build_document(raw, clusters[raw["doc_id"]], split=split))
    return out


def build_document(raw: dict[str, Any], clusters: list[list[str]], *, split: str) -> CorefDoc:
    """Turn one WikiEvents document and its gold clusters into a Document, Mentions and id clusters."""
    text, tokens, sentences = rebuild_text(raw["sentences"])
    name = f"{FOLDER}/{split}/{raw['doc_id']}"
    doc = Document(
        id=make_id("wikievents", split, raw["doc_id"]), path=name, title=name, text=text, language="en"
    )
    ids: dict[str, str] = {}  # WikiEvents id -> casegraph mention id
    mentions = []
    for row in raw["entity_mentions"]:
        mention = _mention(doc, row, tokens, sentences)
        if mention.id in ids.values():  # casegraph ids come from spans: one mention per span
            raise EvalError(f"{name}: mention {row['id']} repeats the span of another; use the v1.0 files")
        ids[row["id"]] = mention.id
        mentions.append(mention)
    gold = [{_known(ids, m, raw["doc_id"]) for m in cluster} for cluster in clusters]
    clustered = set().union(*gold)
    gold += [{m.id} for m in mentions if m.id not in clustered]
    return CorefDoc(doc=doc, mentions=mentions, clusters=gold)


def rebuild_text(sentences: list[list[Any]]) -> tuple[str, list[Span], list[Span]]:
    """Join the sentence texts by newlines; return the text, every token's span and every sentence's."""
    tokens: list[Span] = []
    spans: list[Span] = []
    offset = 0
    for sent_tokens, sent_text in sentences:
        base = sent_tokens[0][1]  # token offsets are exact within a sentence, not across sentences
        tokens += [(offset + start - base, offset + end - base) for _, start, end in sent_tokens]
        spans.append((offset, offset + len(sent_text)))
        offset += len(sent_text) + 1
    return "\n".join(sent_text for _, sent_text in sentences), tokens, spans


def _mention(doc: Document, row: dict[str, Any], tokens: list[Span], sentences: list[Span]) -> Mention:
    """A casegraph Mention for one gold entity mention (token offsets, end exclusive)."""
    start, end = tokens[row["start"]][0], tokens[row["end"] - 1][1]
    if doc.text[start:end] != row["text"]:
        raise EvalError(
            f"{doc.title}: mention {row['id']} reads {doc.text[start:end]!r}, not {row['text']!r}; "
            "use the v1.0 WikiEvents files"
        )
    kind = row["entity_type"]
    sent = sentences[row["sent_idx"]]
    return Mention(
        id=Mention.make_id(doc.id, start, end),
        doc=doc.id,
        start=start,
        end=end,
        text=row["text"],
        type=ENTITY_TYPES.get(kind, "misc"),
        label=SPACY_LABELS.get(kind, "MISC"),
        source="spacy",
        sent_start=sent[0],
        sent_end=sent[1],
    )


def _known(ids: dict[str, str], mention_id: str, doc_id: str) -> str:
    """The casegraph id of a gold cluster member, or say which id the document lacks."""
    if mention_id not in ids:
        raise EvalError(f"gold cluster of {doc_id} names mention {mention_id}, which the document lacks")
    return ids[mention_id]


def named_mentions(mentions: Iterable[Mention], sdoc: Doc) -> set[str]:
    """The ids of the mentions that are names: a capitalised proper noun or named-entity word, not a title."""
    return {
        m.id
        for m in mentions
        if not _is_title(m.text) and _is_name(sdoc.char_span(m.start, m.end, alignment_mode="expand"))
    }


def _is_title(text: str) -> bool:
    """True for a mention made only of title words ('President', 'Attorney General', 'Col.'): a nominal.

    An all-capitals word is an acronym, not a title, though its key may be one ("US", "U.S.").
    """
    from casegraph.resolve.names import TITLES

    words = text.split()
    return bool(words) and all(w.strip(".").lower() in TITLES and not w.isupper() for w in words)


def _is_name(span: Any) -> bool:
    """True when a capitalised token of the span is a proper noun, or a non-pronoun in a named entity."""
    for token in span if span is not None else ():
        if not token.text[:1].isupper() or token.pos_ == "PRON":
            continue
        if token.pos_ == "PROPN" or token.ent_type_ in NAME_LABELS:
            return True
    return False


def casegraph_clusters(mentions: list[Mention], doc: Document, sdoc: Doc | None) -> list[set[str]]:
    """Cluster the mentions as casegraph's in-document resolver links them (added mentions dropped)."""
    from casegraph.resolve.clusters import cluster_links
    from casegraph.resolve.inside import resolve_document

    resolved, links = resolve_document(mentions, doc, sdoc=sdoc)
    clusters = cluster_links((m.id for m in resolved), links)
    gold = {m.id for m in mentions}
    groups = [set(members) & gold for members in clusters.groups().values()]
    linked = set().union(*groups)
    # A mention the resolver dropped (none does today) stays, alone.
    return [g for g in groups if g] + [{i} for i in sorted(gold - linked)]


def same_string_clusters(mentions: Iterable[Mention]) -> list[set[str]]:
    """The baseline: mentions with the same normalised text are one entity."""
    from casegraph.resolve.names import name_key

    by_key: dict[str, set[str]] = {}
    for m in mentions:
        by_key.setdefault(name_key(m.text), set()).add(m.id)
    return list(by_key.values())


def restrict(clusters: Clustering, keep: Collection[str]) -> list[set[str]]:
    """The clusters cut down to the mentions in ``keep`` (empty ones dropped)."""
    cut = [set(c) & set(keep) for c in clusters]
    return [c for c in cut if c]


def report(totals: dict[str, Counts]) -> dict[str, Any]:
    """Precision, recall and F1 of each metric, and the CoNLL F1, in percent (2 decimals)."""
    row: dict[str, Any] = {
        name: {
            "precision": _pct(totals[name].precision),
            "recall": _pct(totals[name].recall),
            "f1": _pct(totals[name].f1),
        }
        for name in METRICS
    }
    row["conll_f1"] = _pct(conll_f1(totals))
    return row


def _pct(value: float) -> float:
    return round(100.0 * value, 2)


def parse(docs: Sequence[CorefDoc]) -> list[Doc]:
    """Parse every document with casegraph's English pipeline and mark its named mentions."""
    from casegraph.extract.nlp import load_pipeline

    nlp = load_pipeline("en")
    sdocs = list(nlp.pipe([cdoc.doc.text for cdoc in docs], batch_size=BATCH_SIZE))
    for cdoc, sdoc in zip(docs, sdocs, strict=True):
        cdoc.named = named_mentions(cdoc.mentions, sdoc)
    return sdocs


def evaluate_wikievents_coref(*, split: str, data_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Score casegraph's in-document resolver, and the same-string baseline, on WikiEvents gold mentions."""
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be a positive number of documents, not {limit}")
    docs = read_split(split, data_dir, limit=limit)
    sdocs = parse(docs)
    pairs: dict[str, list[tuple[Clustering, Clustering]]] = {
        k: [] for k in ("cg", "base", "cg_nam", "base_nam")
    }
    for cdoc, sdoc in zip(docs, sdocs, strict=True):
        names = [m for m in cdoc.mentions if m.id in cdoc.named]
        named_gold = restrict(cdoc.clusters, cdoc.named)
        pairs["cg"].append((cdoc.clusters, casegraph_clusters(cdoc.mentions, cdoc.doc, sdoc)))
        pairs["base"].append((cdoc.clusters, same_string_clusters(cdoc.mentions)))
        pairs["cg_nam"].append((named_gold, casegraph_clusters(names, cdoc.doc, sdoc)))
        pairs["base_nam"].append((named_gold, same_string_clusters(names)))
    scores = {k: report(score_corpus(v)) for k, v in pairs.items()}
    return _result(split, docs, scores)


def _result(split: str, docs: list[CorefDoc], scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The result dict: casegraph's F1s on top, then every P/R/F1 for both systems and both views."""
    casegraph = scores["cg"]
    return {
        "dataset": "wikievents-coref",
        "split": split,
        "documents": len(docs),
        "mentions": sum(len(d.mentions) for d in docs),
        "gold_entities": sum(len(d.clusters) for d in docs),
        "muc_f1": casegraph["muc"]["f1"],
        "b3_f1": casegraph["b3"]["f1"],
        "ceafe_f1": casegraph["ceafe"]["f1"],
        "conll_f1": casegraph["conll_f1"],
        "casegraph": casegraph,
        "baseline": scores["base"],
        "names_only": {
            "mentions": sum(len(d.named) for d in docs),
            "gold_entities": sum(len(restrict(d.clusters, d.named)) for d in docs),
            "casegraph": scores["cg_nam"],
            "baseline": scores["base_nam"],
        },
    }


def score_clusterings(pairs: Iterable[tuple[Clustering, Clustering]]) -> dict[str, Any]:
    """Score (gold, response) clusterings, one pair per document, as the evaluation reports them."""
    return report(score_corpus(pairs))
