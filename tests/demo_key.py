"""Score the ingested sample case against its answer key (examples/expected.json).

Run as a script to print the scores: .venv/bin/python -m tests.demo_key out/demo.db
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.conftest import REPO

KEY = json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))


def _doc_ids(data: dict[str, Any]) -> dict[str, str]:
    """Map key document names ("news/x.txt", "email/y.mbox#2") to stored document ids."""
    out = {}
    for doc in data["documents"]:
        out[doc["path"].split("examples/case/", 1)[-1]] = doc["id"]
    return out


def score_entities(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected entities whose spellings all fall in one entity of the right type."""
    found, misses = 0, []
    for want in KEY["entities"]:
        owners = {
            e["id"]
            for e in data["entities"]
            for m in e["mentions"]
            if m["text"] in want["variants"] and e["type"] == want["type"]
        }
        spellings = {m["text"] for e in data["entities"] if e["id"] in owners for m in e["mentions"]}
        if len(owners) == 1 and set(want["variants"]) <= spellings:
            found += 1
        else:
            misses.append(want["name"])
    return found, len(KEY["entities"]), misses


def _names(data: dict[str, Any]) -> dict[str, set[str]]:
    return {e["id"]: {e["name"], *e["aliases"]} for e in data["entities"]}


def score_relations(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected (not 'hard') relations found with the right type, ends and evidence sentence."""
    names, docs = _names(data), _doc_ids(data)
    wanted = [r for r in KEY["relations"] if not r.get("hard")]
    found, misses = 0, []
    for want in wanted:
        ok = any(
            rel["type"] == want["type"]
            and want["source"] in names[rel["source"]]
            and (want["target"] is None or want["target"] in names[rel["target"]])
            and any(_supports(ev, want, docs) for ev in rel["evidence"])
            for rel in data["relations"]
        )
        found += ok
        if not ok:
            misses.append(f"{want['type']} {want['source']} -> {want['target']}: {want['evidence']}")
    return found, len(wanted), misses


def _supports(ev: dict[str, Any], want: dict[str, Any], docs: dict[str, str]) -> bool:
    """Evidence in the right document holding the key's words ("header": the e-mail's header lines)."""
    doc = docs.get(want["doc"]) or docs.get(f"{want['doc']}#{want.get('message', 1)}")
    if want["evidence"] == "header":
        return ev["doc"] == doc and " To: " in " ".join(ev["text"].split())
    return ev["doc"] == doc and want["evidence"] in " ".join(ev["text"].split())


def score_quotes(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected quotes found with the right speaker (entity or anonymous description)."""
    names, docs = _names(data), _doc_ids(data)
    found, misses = 0, []
    for want in KEY["quotes"]:
        ok = any(
            q["text"].startswith(want["starts_with"])
            and q["evidence"][0]["doc"] == docs.get(want["doc"])
            and (
                (want["speaker"] is None and q["speaker"] is None)
                or (q["speaker"] is not None and want["speaker"] in names[q["speaker"]])
            )
            for q in data["quotes"]
        )
        found += ok
        if not ok:
            misses.append(f"{want['speaker'] or want['speaker_text']}: {want['starts_with']}")
    return found, len(KEY["quotes"]), misses


def score_times(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected time expressions found with the right normalised value."""
    docs = _doc_ids(data)
    got = {(t["doc"], t["text"]): t["value"] for t in data["times"]}
    found, misses = 0, []
    for want in KEY["times"]:
        doc = docs.get(want["doc"]) or docs.get(f"{want['doc']}#{want.get('message', 1)}")
        # A more precise value that falls inside the key's ("2015-06" for "the summer of 2015") counts.
        ok = any(
            d == doc and want["text"] in text and v is not None and v.startswith(want["value"])
            for (d, text), v in got.items()
        )
        found += ok
        if not ok:
            misses.append(f"{want['text']} = {want['value']}")
    return found, len(KEY["times"]), misses


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _event_matches(
    incident: dict[str, Any], want: dict[str, Any], doc: str | None, names: dict[str, set[str]]
) -> bool:
    """An incident that tells of the key's event: evidence in its document holding the snippet, a related
    type, and the date, place and participants the key names."""
    if not _related(incident["type"], want["type"]):
        return False
    if not any(
        ev["doc"] == doc and want["text"] in " ".join(ev["text"].split()) for ev in incident["evidence"]
    ):
        return False
    value = (incident["date"] or {}).get("value") or ""
    if "date" in want and not value.startswith(want["date"]):
        return False
    if "place" in want and want["place"] not in names.get(incident["place"] or "", set()):
        return False
    for role, who in want.get("participants", {}).items():
        if not any(
            p["role"] == role and (who in names.get(p["entity"] or "", set()) or who in (p.get("text") or ""))
            for p in incident["participants"]
        ):
            return False
    return True


def score_events(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected (not 'hard') events found as incidents with their type, date, place and participants."""
    names, docs = _names(data), _doc_ids(data)
    wanted = [e for e in KEY["events"] if not e.get("hard")]
    found, misses = 0, []
    for want in wanted:
        ok = any(_event_matches(i, want, docs.get(want["doc"]), names) for i in data["events"])
        found += ok
        if not ok:
            misses.append(f"{want['type']}: {want['text']}")
    return found, len(wanted), misses


def score_counts(data: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Expected counts ("35 killed", "more than 100 people died") found on an event of their document,
    with their value and qualifier, the words of the count inside the key's text."""
    docs = _doc_ids(data)
    found, misses = 0, []
    for want in KEY["counts"]:
        doc = docs.get(want["doc"])
        ok = any(
            c["source"] == doc
            and c["value"] == want["value"]
            and c["qualifier"] == want["qualifier"]
            and str(int(want["value"]) if float(want["value"]).is_integer() else want["value"]) in c["text"]
            for incident in data["events"]
            for c in incident["counts"]
        )
        found += ok
        if not ok:
            misses.append(f"{want['doc']}: {want['text']}")
    return found, len(KEY["counts"]), misses


def false_quotes(data: dict[str, Any]) -> list[str]:
    """Scare quotes and nicknames from the key that were taken for speech."""
    return [w["text"] for w in KEY["not_quotes"] if any(q["text"] == w["text"] for q in data["quotes"])]


SCORES = {
    "entities": score_entities,
    "relations": score_relations,
    "quotes": score_quotes,
    "times": score_times,
    "events": score_events,
    "counts": score_counts,
}


def main(db: str) -> None:
    from casegraph.case import open_case

    with open_case(db, create=False) as case:
        data = case.data()
    for name, score in SCORES.items():
        found, total, misses = score(data)
        print(f"{name}: {found}/{total}")
        for miss in misses:
            print(f"  missed {miss}")
    print(f"false quotes: {false_quotes(data)}")


if __name__ == "__main__":
    main(sys.argv[1])
