"""The casegraph command line: thin wiring over casegraph.case, casegraph.query and casegraph.eval."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from casegraph import __version__, settings
from casegraph.errors import CasegraphError
from casegraph.model import ENTITY_TYPES

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

db_option = click.option(
    "--db",
    envvar="CASEGRAPH_DB",
    default=settings.SETTINGS["db"].default,
    show_default=True,
    help="The case store: a SQLite file or postgresql://USER@HOST:PORT/DBNAME (env CASEGRAPH_DB).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


class _Group(click.Group):
    """Turns casegraph errors into click's one-line error and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CasegraphError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="casegraph")
def cli() -> None:
    """Turn investigative documents into an evidence-linked knowledge graph."""


@contextmanager
def _case(db: str, *, create: bool = False) -> Iterator[Any]:
    from casegraph.case import open_case

    case = open_case(db, create=create)
    try:
        yield case
    finally:
        case.close()


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--date", "ref_date", metavar="YYYY-MM-DD", help="Reference date for documents with none of their own."
)
@click.option("--recursive", "-r", is_flag=True, help="Also read files in subfolders of the folders given.")
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar; print only the summary line and failures."
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, 512),
    default=1,
    show_default=True,
    envvar="CASEGRAPH_WORKERS",
    help="Extract in this many local processes (env CASEGRAPH_WORKERS).",
)
@click.option(
    "--dask",
    metavar="ADDRESS",
    envvar="CASEGRAPH_DASK",
    help="Extract on a Dask cluster: the scheduler address, e.g. tcp://10.0.0.5:8786 (env CASEGRAPH_DASK).",
)
def ingest(
    paths: tuple[str, ...],
    db: str,
    ref_date: str | None,
    recursive: bool,
    quiet: bool,
    workers: int,
    dask: str | None,
) -> None:
    """Read files and folders (.txt .html .eml .mbox .pdf .docx) into the case.

    Ingesting the same content twice adds nothing. Exit code 1 when any file failed.
    The result is the same with any number of --workers or on a --dask cluster.

    Example: casegraph ingest documents/ --recursive --date 2016-09-20 --workers 4
    """
    from casegraph.case import check_date
    from casegraph.pipeline import ingest_paths, list_files
    from casegraph.workers import check_options

    ref = check_date(ref_date)
    check_options(workers=workers, dask=dask or None)
    with _case(db, create=True) as case:
        files = list_files(paths, recursive=recursive)
        with _progress(len(files), quiet=quiet) as tick:
            report = ingest_paths(
                case.store,
                paths,
                ref_date=ref,
                files=files,
                progress=tick,
                workers=workers,
                dask=dask or None,
            )
    for path, reason in report.failed:
        err.print(f"[red]failed[/red] {_one_line(path)}: {_one_line(reason)}")
    if not quiet:
        for path, why in report.text_only:
            err.print(f"[yellow]text only[/yellow] {_one_line(path)}: {_one_line(why)}")
        for path, copy in report.duplicates:
            err.print(f"[dim]duplicate[/dim] {_one_line(path)}: same content as {_one_line(copy)}")
    text_only = f" ({len(report.text_only)} text only)" if report.text_only else ""
    out.print(
        f"ingested {len(report.ingested) + len(report.text_only)}{text_only}, "
        f"skipped {len(report.duplicates)} duplicate(s), failed {len(report.failed)}"
    )
    if not report.ok:
        sys.exit(1)


def _one_line(text: str) -> str:
    """Text safe to print on one line: control characters (a newline in a file name) escaped, markup too."""
    if any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in text):
        text = "".join(ch if ch >= " " and not "\x7f" <= ch <= "\x9f" else repr(ch)[1:-1] for ch in text)
    return escape(text)


@contextmanager
def _progress(total: int, *, quiet: bool) -> Iterator[Callable[[str], None]]:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )
    with bar:
        task = bar.add_task("ingesting", total=total)
        yield lambda _path: bar.advance(task)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "ftm", "graphml", "csv"]), required=True)
@click.option(
    "--output", "-o", required=True, type=click.Path(path_type=Path), help="File to write (a folder for csv)."
)
def export(db: str, fmt: str, output: Path) -> None:
    """Export the case: casegraph JSON, FollowTheMoney, GraphML (Gephi) or CSV.

    Example: casegraph export --format ftm --output case.ftm.json
    """
    with _case(db) as case:
        written = case.export(output, format=fmt)
    for path in written:
        out.print(f"wrote {escape(str(path))}")


@cli.command()
@click.argument("query")
@db_option
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Most documents to show."
)
@json_option
def search(query: str, db: str, limit: int, as_json: bool) -> None:
    """Full-text search over the documents, with highlighted snippets.

    Words are all required; "quoted phrases" match as phrases; OR between words means either.

    Example: casegraph search '"safe house" Gaziantep'
    """
    with _case(db) as case:
        result = case.search(query, limit=limit)
    if as_json:
        _print_json({"query": query, "hits": [h.as_dict() for h in result.hits], "entities": result.entities})
        return
    for e in result.entities:
        out.print(f"[bold]{escape(e['name'])}[/bold] ({e['type']}, {e['mentions']} mentions) id {e['id']}")
    for hit in result.hits:
        snippet = "".join(f"[reverse]{escape(t)}[/reverse]" if m else escape(t) for t, m in hit.snippet)
        out.print(f"\n[bold]{escape(hit.title)}[/bold]  {escape(hit.path)}  {hit.date or ''}")
        out.print("  " + snippet.replace("\n", " "))
    if not result.hits and not result.entities:
        out.print(f"nothing matches {query!r}")


@cli.command()
@click.argument("name_or_id")
@db_option
@click.option(
    "--limit",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Most mentions, relations and quotes to show (of each).",
)
@json_option
def show(name_or_id: str, db: str, limit: int, as_json: bool) -> None:
    """One entity: aliases, mentions with their sentences, relations, quotes, merge reasons.

    Example: casegraph show 'Islamic State'
    """
    with _case(db) as case:
        page = case.entity(name_or_id, limit=limit)
    if as_json:
        _print_json(page)
        return
    _print_entity(page)


def _print_entity(page: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(page['name'])}[/bold]  {page['type']}  id {page['id']}")
    if page["aliases"]:
        out.print("also: " + escape("; ".join(page["aliases"])))
    totals = page["totals"]
    _section(
        _title("Relations", page["relations"], totals["relations"]),
        [_relation_line(r) for r in page["relations"]],
    )
    _section(
        _title("Quotes", page["quotes"], totals["quotes"]),
        [
            f"“{escape(q['text'])}” ({escape(q['speaker_text'])})  [dim]{q['evidence']['doc'][:8]}[/dim]"
            for q in page["quotes"]
        ],
    )
    _section(
        _title("Mentions", page["mentions"], totals["mentions"]),
        [_mention_line(m) for m in page["mentions"]],
    )
    if len(page["groups"]) > 1:
        _section(
            "Names joined into this entity",
            [f"{escape(g['name'])} ({g['mentions']})  [dim]{g['id']}[/dim]" for g in page["groups"]],
        )
    _section("Why these mentions were merged", [escape(r) for r in page["reasons"]])
    _section(
        "Reviewer decisions",
        [
            f"#{d['id']} {d['kind']} {d['a']} {d['b'] or ''} {escape(d['value'] or '')}".rstrip()
            + f"  by {escape(d['author'])} at {d['at']}"
            for d in page["decisions"]
        ],
    )


def _relation_line(rel: dict[str, Any]) -> str:
    arrow = "->" if rel["direction"] == "out" else "<-"
    sentence = escape(" ".join(rel["evidence"]["text"].split()))
    return f"{rel['type']} {arrow} [bold]{escape(rel['other']['name'])}[/bold]: [dim]{sentence}[/dim]"


def _mention_line(mention: dict[str, Any]) -> str:
    sent = mention["sentence"]
    start, end = mention["start"] - sent["start"], mention["end"] - sent["start"]
    text = sent["text"]
    marked = escape(text[:start]) + "[reverse]" + escape(text[start:end]) + "[/reverse]" + escape(text[end:])
    where = f"{escape(mention['doc_path'])}:{mention['start']}"
    return f"{where}  " + " ".join(marked.split()) + f"  [dim]{mention['id']}[/dim]"


def _title(name: str, shown: list[Any], total: int) -> str:
    """A section title with its count, saying when the list was cut (casegraph show --limit)."""
    if len(shown) < total:
        return f"{name} (first {len(shown)} of {total}; --limit shows more)"
    return f"{name} ({total})"


def _section(title: str, lines: list[str]) -> None:
    if lines:
        out.print(f"\n[bold underline]{title}[/bold underline]")
        for line in lines:
            out.print("  " + line)


@cli.command()
@db_option
@click.option(
    "--entity", metavar="NAME_OR_ID", help="Only incidents naming this entity (place or participant)."
)
@click.option(
    "--from", "date_from", metavar="DATE", help="Only incidents on or after DATE (2015, 2015-07, 2015-07-20)."
)
@click.option("--to", "date_to", metavar="DATE", help="Only incidents on or before DATE.")
@click.option(
    "--limit", default=500, show_default=True, type=click.IntRange(1, 5000), help="Most incidents to show."
)
@json_option
def timeline(
    db: str, entity: str | None, date_from: str | None, date_to: str | None, limit: int, as_json: bool
) -> None:
    """The case's events (incidents) in date order, undated ones last, with their evidence.

    Example: casegraph timeline --entity 'Kemal Aydın' --from 2016 --to 2016-06
    """
    from casegraph.export import count_text

    with _case(db) as case:
        result = case.events(entity=entity, date_from=date_from, date_to=date_to, limit=limit)
    if as_json:
        _print_json(result)
        return
    items = result["items"]
    if not items:
        out.print("no events match" if entity or date_from or date_to else "no events in the case")
        return
    table = Table("date", "type", "place", "participants", "counts", "evidence", show_lines=True)
    for column in table.columns[:2]:
        column.no_wrap = True
    for item in items:
        counts = dict.fromkeys(count_text(c) for c in item["counts"])  # each reading once, in order
        table.add_row(
            _event_date(item["date"]),
            _one_line(item["type"]),
            _one_line((item["place"] or {}).get("name", "")),
            "\n".join(_one_line(_participant_line(p)) for p in item["participants"]),
            "\n".join(_one_line(c) for c in counts),
            "\n".join(
                f"“{_one_line(' '.join(ev['text'].split()))}” [dim]({_one_line(ev['doc_title'])})[/dim]"
                for ev in item["evidence"]
            ),
        )
    out.print(table)
    out.print(_title("Events", items, result["total"]))


def _event_date(when: dict[str, Any] | None) -> str:
    """An incident's date as shown: "2016-03-14", "before 2016", "2015-10 – 2016-02", or "undated"."""
    if when is None:
        return "undated"
    if when["value"] is None:
        return f"[dim]undated ({_one_line(when['text'])})[/dim]" if when["text"] else "undated"
    text = " ".join(part for part in (when["modifier"], when["value"]) if part)
    end = when["end_value"]
    return text + (f" – {end}" if end and end != when["value"] else "")


def _participant_line(part: dict[str, Any]) -> str:
    """A participant as "role: name" ("perpetrator: Islamic State"), with the words of one that names no
    entity ("victim: six Jesuit priests")."""
    return f"{part['role']}: {part['name'] or part['text'] or part['entity'] or 'unknown'}"


@cli.command()
@db_option
@json_option
def summary(db: str, as_json: bool) -> None:
    """What the case holds: counts and the most-mentioned entities per type."""
    with _case(db) as case:
        data = case.summary()
    if as_json:
        _print_json(data)
        return
    counts = data["counts"]
    out.print(", ".join(f"{n} {name}" for name, n in counts.items()))
    table = Table("type", "most mentioned", title="Entities")
    for etype, rows in data["top_entities"].items():
        table.add_row(etype, escape(", ".join(f"{r['name']} ({r['mention_count']})" for r in rows)))
    out.print(table)


@cli.command()
@db_option
@json_option
@click.option("--paths", "paths_only", is_flag=True, help="Print only the paths, one per line, for a retry.")
@click.option(
    "-0",
    "--null",
    "null",
    is_flag=True,
    help="With --paths: end each path with a NUL byte instead of a newline (for xargs -0).",
)
def failures(db: str, as_json: bool, paths_only: bool, null: bool) -> None:
    """Files that failed to ingest, with the reason; fix them and run ingest again.

    A file that later reads without error leaves the list. Retry every failed file with:
    casegraph failures --paths -0 | xargs -0 casegraph ingest --
    """
    with _case(db) as case:
        rows = case.failures()
    if paths_only or null:
        _print_paths([row["path"] for row in rows], null=null)
        return
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        out.print(f"{_one_line(row['path'])}: {_one_line(row['reason'])}")
    if not rows:
        out.print("no failures")


def _print_paths(paths: list[str], *, null: bool) -> None:
    """Each failed file once (an mbox for its messages), as bytes the file system knows, for a retry."""
    from casegraph.ingest.files import real_path

    seen: set[bytes] = set()
    for path in paths:
        head, sep, tail = path.rpartition("#")
        if sep and tail.isdigit() and head.lower().endswith(".mbox"):
            path = head  # "box.mbox#3" is message 3 of box.mbox: the retry reads the mailbox again
        raw = real_path(path) if null else _one_line(path).encode("utf-8")
        if raw not in seen:
            seen.add(raw)
            click.echo(raw + (b"\0" if null else b"\n"), nl=False)  # bytes: written as they are


@cli.command(name="eval")
@click.argument("dataset")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Folder of the eval data (default ../shared/eval).",
)
@click.option("--limit", type=click.IntRange(1), help="Only the first N documents (a quick check).")
@click.option(
    "--reference",
    type=click.Path(path_type=Path, dir_okay=False),
    help="muc4 only: score a released prediction file (GTT's format) instead of casegraph.",
)
@json_option
def evaluate(
    dataset: str, split: str, data_dir: Path | None, limit: int | None, reference: Path | None, as_json: bool
) -> None:
    """Measure extraction quality on a public annotated dataset
    (conll, wikievents-coref, crossdoc, muc4, wikievents).

    Example: casegraph eval muc4 --split test
    """
    from casegraph.eval import evaluate as run_eval

    result = run_eval(dataset, split=split, data_dir=data_dir, limit=limit, reference=reference)
    if as_json:
        _print_json(result)
        return
    if "casegraph" in result:  # coreference: F1 of casegraph and the same-string baseline, two views
        _print_coref(dataset, split, result)
    elif dataset == "muc4":
        _print_muc4(split, result)
    elif dataset == "wikievents":
        _print_wikievents(split, result)
    else:
        out.print(
            f"{dataset} {split}: F1 {result['f1']:.2f}  P {result['precision']:.2f}  R {result['recall']:.2f}"
        )
        for name, row in sorted((result.get("per_type") or result.get("per_variant") or {}).items()):
            out.print(
                f"  {name:6} F1 {row['f1']:.2f}  P {row['precision']:.2f}  R {row['recall']:.2f}"
                f"  n={row['support']}"
            )


def _print_coref(dataset: str, split: str, result: dict[str, Any]) -> None:
    names = result["names_only"]
    out.print(f"{dataset} {split}: {result['documents']} documents, {result['mentions']} mentions; F1")
    out.print(f"  {'':30}" + "".join(f" {h:>6}" for h in ("MUC", "B3", "CEAF-e", "CoNLL")))
    for view, scores in (("all mentions", result), (f"names only ({names['mentions']})", names)):
        for system, label in (("casegraph", "casegraph"), ("baseline", "same string")):
            row = scores[system]
            f1s = [row[metric]["f1"] for metric in ("muc", "b3", "ceafe")] + [row["conll_f1"]]
            out.print(f"  {view:17} {label:12}" + "".join(f" {f1:6.2f}" for f1 in f1s))


def _print_muc4(split: str, result: dict[str, Any]) -> None:
    out.print(
        f"muc4 {split} ({escape(result['system'])}): F1 {result['f1']:.2f}  "
        f"P {result['precision']:.2f}  R {result['recall']:.2f}  (GTT's metric)"
    )
    for role, row in result["per_role"].items():
        out.print(
            f"  {role:13} F1 {row['f1']:6.2f}  P {row['precision']:6.2f}  R {row['recall']:6.2f}"
            f"  predicted {row['predicted']}, gold {row['gold']}"
        )
    if "date_accuracy" in result:
        out.print(
            f"  incident date: {result['date_accuracy']:.2f}% of {result['dated_templates']} dated key "
            f"templates right ({result['date_accuracy_found']:.2f}% of the dates casegraph gave)"
        )


def _print_wikievents(split: str, result: dict[str, Any]) -> None:
    out.print(
        f"wikievents {split}: {result['documents']} documents, {result['mapped_events']} of "
        f"{result['events']} events in casegraph's ontology (coverage {result['coverage']:.2f})"
    )
    for title, key in (
        ("arguments, gold triggers (head F1)", "arguments"),
        ("triggers, end to end", "triggers"),
    ):
        out.print(f"  {title}")
        for name, row in result[key].items():
            out.print(f"    {name:15} F1 {row['f1']:6.2f}  P {row['precision']:6.2f}  R {row['recall']:6.2f}")


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Folder of the eval data (default ../shared/eval): MUC-4 train and WikiEvents dev are read.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the models (default: the package's own, replacing the shipped ones).",
)
@click.option(
    "--limit", type=click.IntRange(1), help="Only the first N documents of each set (a quick check)."
)
@json_option
def train(data_dir: Path | None, output: Path | None, limit: int | None, as_json: bool) -> None:
    """Train the event classifiers on MUC-4 train and WikiEvents dev (needs scikit-learn).

    Example: casegraph train --output models/ && CASEGRAPH_EVENT_MODELS=models/ casegraph ingest docs/
    """
    from casegraph.eval import eval_dir
    from casegraph.train import train_models

    manifest = train_models(eval_dir(data_dir), output, limit=limit, progress=lambda s: err.print(s))
    if as_json:
        _print_json(manifest)
        return
    for name in ("triggers", "roles"):
        part = manifest[name]
        out.print(f"{name}: {part['examples']} examples, {part['features']} features, C={part['C']}")
    out.print(f"written to {escape(manifest['output'])} in {manifest['seconds']} s")


def _audit_cli(case: Any, action: str, decisions: list[Any]) -> None:
    """Log a decision made on the command line in the case's audit log, as the server logs its own."""
    from casegraph.serve.auth import audit

    for d in decisions:
        detail = {"id": d.id, "kind": d.kind, "a": d.a, "b": d.b, "value": d.value}
        audit(case.store, action, user=d.author, detail=detail, address="command line")


by_option = click.option(
    "--by",
    "author",
    envvar="CASEGRAPH_REVIEWER",
    help="Who decides (env CASEGRAPH_REVIEWER; default: login name).",
)
note_option = click.option(
    "--note", default="", help="Why: kept with the decision and shown with the entity."
)


@cli.command()
@click.argument("a")
@click.argument("b")
@db_option
@by_option
@note_option
def merge(a: str, b: str, db: str, author: str | None, note: str) -> None:
    """Record that entities A and B (names or ids) are one; kept through later ingests.

    Example: casegraph merge 'Abu Harun' 'Harun Yavuz' --note 'same passport'
    """
    with _case(db) as case:
        done = case.merge(a, b, author=author, note=note)
        _audit_cli(case, "decision", [done])
        name = case.entity(done.a, limit=1)["name"]
    out.print(f"decision #{done.id}: merged into [bold]{escape(name)}[/bold] ({done.a})")


@cli.command()
@click.argument("a")
@click.argument("b")
@click.argument("judgement", type=click.Choice(["positive", "negative", "unsure"]))
@db_option
@by_option
@note_option
def decide(a: str, b: str, judgement: str, db: str, author: str | None, note: str) -> None:
    """Judge a candidate pair: positive (same), negative (different: never merged again), unsure.

    Example: casegraph decide e3f1... e9a2... negative --note 'different fathers'
    """
    with _case(db) as case:
        done = case.judge(a, b, judgement, author=author, note=note)
        _audit_cli(case, "decision", [done])
    out.print(f"decision #{done.id}: {done.a} and {done.b} judged {judgement}")


@cli.command()
@click.argument("entity")
@click.option(
    "--mention", "mentions", multiple=True, required=True, help="Mention id (casegraph show lists them)."
)
@db_option
@by_option
@note_option
def split(entity: str, mentions: tuple[str, ...], db: str, author: str | None, note: str) -> None:
    """Take mentions out of an entity: each becomes an entity of its own, never merged back.

    Example: casegraph split 'Ilhami Bali' --mention m1c2d3...
    """
    with _case(db) as case:
        done = case.split(entity, list(mentions), author=author, note=note)
        _audit_cli(case, "decision", done)
    for d in done:
        out.print(f"decision #{d.id}: mention {d.a} split off")


@cli.command()
@click.argument("entity")
@click.argument("name")
@db_option
@by_option
@note_option
def rename(entity: str, name: str, db: str, author: str | None, note: str) -> None:
    """Give an entity the name you choose. Example: casegraph rename ISIL 'Islamic State'"""
    with _case(db) as case:
        done = case.rename(entity, name, author=author, note=note)
        _audit_cli(case, "decision", [done])
    out.print(f"decision #{done.id}: {done.a} is now named [bold]{escape(name)}[/bold]")


@cli.command()
@click.argument("entity")
@click.argument("type_", metavar="TYPE", type=click.Choice(list(ENTITY_TYPES)))
@db_option
@by_option
@note_option
def retype(entity: str, type_: str, db: str, author: str | None, note: str) -> None:
    """Give an entity the type you choose. Example: casegraph retype 'Bali' location"""
    with _case(db) as case:
        done = case.retype(entity, type_, author=author, note=note)
        _audit_cli(case, "decision", [done])
    out.print(f"decision #{done.id}: {done.a} is now a {type_}")


@cli.command()
@click.argument("decision_id", type=int)
@db_option
def undo(decision_id: int, db: str) -> None:
    """Remove a reviewer decision (ids: casegraph decisions); what it changed is recomputed."""
    with _case(db) as case:
        done = case.undo(decision_id)
        _audit_cli(case, "undo", [done])
    out.print(f"decision #{done.id} ({done.kind}) removed")


@cli.command()
@db_option
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 10_000), help="Most pairs shown."
)
@json_option
def review(db: str, limit: int, as_json: bool) -> None:
    """Candidate merges left undone, the most uncertain first; answer with casegraph decide."""
    with _case(db) as case:
        items = case.review(limit=limit)
    if as_json:
        _print_json(items)
        return
    if not items:
        out.print("nothing to review")
        return
    table = Table("score", "rule", "A", "B", "reason")
    for i in items:
        a, b = i["a"], i["b"]
        table.add_row(
            f"{i['score']:.2f}",
            i["rule"],
            f"{escape(a['name'])}\n[dim]{a['group']}[/dim]",
            f"{escape(b['name'])}\n[dim]{b['group']}[/dim]",
            escape(i["reason"]),
        )
    out.print(table)
    out.print("answer: casegraph decide A_ID B_ID positive|negative|unsure")


@cli.command(name="decisions")
@db_option
@json_option
def list_decisions(db: str, as_json: bool) -> None:
    """Every reviewer decision, oldest first (remove one with casegraph undo ID)."""
    with _case(db) as case:
        items = case.decisions()
    if as_json:
        _print_json(items)
        return
    if not items:
        out.print("no decisions yet")
    for d in items:
        target = f" {d['b']}" if d["b"] else ""
        value = f" = {escape(str(d['value']))}" if d["value"] else ""
        note = f"  [dim]{escape(d['note'])}[/dim]" if d["note"] else ""
        out.print(
            f"#{d['id']} {d['kind']} {d['a']}{target}{value}  by {escape(d['author'])} at {d['at']}{note}"
        )


@cli.command()
@click.option(
    "--against", required=True, type=click.Path(path_type=Path), help="FollowTheMoney entities file."
)
@db_option
@click.option(
    "--threshold",
    default=0.6,
    show_default=True,
    type=click.FloatRange(0.01, 1.0),
    help="Lowest score shown.",
)
@click.option(
    "--accept", type=click.FloatRange(0.01, 1.0), help="Record matches scoring at least this as decisions."
)
@by_option
@json_option
def xref(
    against: Path, db: str, threshold: float, accept: float | None, author: str | None, as_json: bool
) -> None:
    """Match the case's entities against a list of FollowTheMoney entities (e.g. a sanctions list).

    Example: casegraph xref --against wanted.ftm.json --accept 0.95
    """
    with _case(db) as case:
        result = case.xref(against, threshold=threshold, accept=accept, author=author)
    if as_json:
        _print_json(result)
        return
    skipped = ", ".join(f"{n} {schema}" for schema, n in result["skipped"].items())
    out.print(f"{result['entries']} list entries read" + (f"; skipped: {skipped}" if skipped else ""))
    items = result["candidates"]
    if not items:
        out.print(f"no entity of the case matches {escape(str(against))} at {threshold} or more")
        return
    table = Table("score", "case entity", "list entity", "reason", "recorded")
    for i in items:
        table.add_row(
            f"{i['score']:.2f}",
            f"{escape(i['entity_name'])}\n[dim]{i['entity']}[/dim]",
            f"{escape(i['caption'])}\n[dim]{i['list_id']}[/dim]",
            escape(i["reason"]),
            f"#{i['recorded']}" if i["recorded"] else "",
        )
    out.print(table)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program holds, in one line, before saying that the case is served."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({err.strerror}): another program uses it; "
                "choose another --port"
            ) from err


def _case_name(db: str) -> str:
    """The URL name of a case given by --db: the file's stem, or the PostgreSQL database's name."""
    tail = db.rstrip("/").rsplit("/", 1)[-1]
    return tail.split("?")[0] if "://" in db and not db.startswith("sqlite:") else Path(tail).stem


def _cases_to_serve(dbs: tuple[str, ...], cases: tuple[str, ...]) -> dict[str, str]:
    """NAME -> store for each case to serve under /c/NAME/ ({"": store} for one case served at /)."""
    if not cases and len(dbs) <= 1:
        return {"": dbs[0] if dbs else settings.get("db")}
    if any(not name or not db for name, _, db in (c.partition("=") for c in cases)):
        raise click.BadParameter("give each case as NAME=STORE", param_hint="--case")
    named: dict[str, str] = {}
    for name, db in [(_case_name(db), db) for db in dbs] + [c.split("=", 1) for c in cases]:
        if name in named:
            raise click.BadParameter(
                f"two cases are called {name!r}; name them with --case NAME=STORE", param_hint="--case"
            )
        named[name] = db
    return named


def _refuse_open_cases(stores: dict[str, Any], host: str) -> None:
    """Refuse to listen beyond this machine while a case has no users (anyone could read it)."""
    from casegraph.serve.auth import has_users

    for name, (db, store) in stores.items():
        if not has_users(store):
            which = f"case {name!r} ({db})" if name else db
            raise click.ClickException(
                f"--host {host}: {which} has no users, and a server others can reach needs a login; add one "
                f"with `casegraph users add NAME --role admin --db {db}`, or serve on 127.0.0.1"
            )


@cli.command()
@click.option(
    "--db",
    "dbs",
    multiple=True,
    metavar="STORE",
    help="The case store (default: CASEGRAPH_DB). Repeat to serve several cases, each at /c/NAME/, "
    "NAME being the file's stem.",
)
@click.option(
    "--case",
    "cases",
    multiple=True,
    metavar="NAME=STORE",
    help="A case to serve at /c/NAME/ (repeat for several).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any but 127.0.0.1, localhost or ::1 needs users in every case.",
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--secure-cookies", is_flag=True, help="Send the login cookie over HTTPS only (behind a TLS proxy)."
)
def serve(dbs: tuple[str, ...], cases: tuple[str, ...], host: str, port: int, secure_cookies: bool) -> None:
    """The HTTP API and web UI over a case: search, documents, entities, graph, timeline, map, review.

    On this machine (127.0.0.1) a case without users is open to anyone who can reach the port; once it
    has users (casegraph users add), every request needs a login or a token. Any other --host needs users.

    Example: casegraph serve --db out/demo.db  (then open http://127.0.0.1:8765/)
    """
    import uvicorn

    from casegraph.serve.app import create_app, create_server

    named = _cases_to_serve(dbs, cases)
    loopback = host in LOOPBACK
    # On this machine only this machine's names are answered, so a web page whose name its owner points
    # at 127.0.0.1 (DNS rebinding) cannot read the case.
    options: dict[str, Any] = {
        "require_auth": not loopback,
        "secure_cookies": secure_cookies,
        "hosts": frozenset(LOOPBACK) if loopback else None,
    }
    try:
        if "" in named:
            app = create_app(named[""], **options)
            stores = {"": (named[""], app.state.store)}
        else:
            app = create_server(named, **options)
            stores = {n: (named[n], a.state.store) for n, a in app.state.cases.items()}
    except CasegraphError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if not loopback:
            _refuse_open_cases(stores, host)
        _check_port(host, port)
    except click.ClickException:
        for _, store in stores.values():
            store.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    for name, (db, _) in stores.items():
        where = f"c/{name}/" if name else ""
        out.print(f"casegraph: serving {escape(db)} at http://{shown}:{port}/{where}  (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.group()
def users() -> None:
    """Who may open a case through `casegraph serve`: users with a role, their API tokens, the audit log.

    Roles: reader (reads everything), editor (also records decisions), admin (also reads the audit log).
    Users are stored in the case, so each case has its own.

    Example: casegraph users add maria --role editor --db case.db
    """


@contextmanager
def _store(db: str) -> Iterator[Any]:
    from casegraph.store import open_store

    store = open_store(db, create=False)
    try:
        yield store
    finally:
        store.close()


def _actor() -> str:
    """Who changes users, for the audit log: the login name of whoever runs the command."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):  # no login name in a bare container
        return "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("no terminal to ask for the password on: pipe it in with --password-stdin")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


password_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin (for scripts)."
)


@users.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reader", "editor", "admin"]), required=True)
@db_option
@password_option
def add_user(name: str, role: str, db: str, password_stdin: bool) -> None:
    """Add a user with a role; asks for the password (at least 12 characters).

    Example: casegraph users add maria --role editor --db case.db
    """
    from casegraph.serve import auth

    with _store(db) as store:
        auth.check_name(name)
        auth.add_user(store, name, role, _read_password(password_stdin), actor=_actor())
    out.print(f"added {escape(name)} ({role}) to {escape(db)}")


@users.command(name="list")
@db_option
@json_option
def list_users(db: str, as_json: bool) -> None:
    """Every user with role, creation time, API tokens and live sessions."""
    from casegraph.serve import auth

    with _store(db) as store:
        found = auth.list_users(store)
    if as_json:
        _print_json(found)
        return
    if not found:
        out.print(f"no users: anyone who reaches `casegraph serve` on 127.0.0.1 opens {escape(db)}")
        return
    table = Table("name", "role", "created", "tokens", "sessions")
    for u in found:
        table.add_row(escape(u["name"]), u["role"], u["created_at"], str(u["tokens"]), str(u["sessions"]))
    out.print(table)


@users.command(name="remove")
@click.argument("name")
@db_option
def remove_user(name: str, db: str) -> None:
    """Remove a user with their API tokens and sessions."""
    from casegraph.serve import auth

    with _store(db) as store:
        auth.remove_user(store, name, actor=_actor())
    out.print(f"removed {escape(name)} from {escape(db)}")


@users.command(name="password")
@click.argument("name")
@db_option
@password_option
def change_password(name: str, db: str, password_stdin: bool) -> None:
    """Give a user a new password; their sessions end (API tokens stay)."""
    from casegraph.serve import auth

    with _store(db) as store:
        auth.set_password(store, name, _read_password(password_stdin), actor=_actor())
    out.print(f"changed the password of {escape(name)}")


@users.command(name="token")
@click.argument("name")
@db_option
@click.option("--label", default="", help="What the token is for (shown in the audit log).")
def new_token(name: str, db: str, label: str) -> None:
    """Print a new API token for a user (sent as Authorization: Bearer TOKEN).

    Only its hash is stored: copy it now, it cannot be shown again. `users revoke` ends it.
    """
    from casegraph.serve import auth

    with _store(db) as store:
        token = auth.new_token(store, name, label=label, actor=_actor())
    click.echo(token)


@users.command(name="revoke")
@click.argument("name")
@db_option
def revoke(name: str, db: str) -> None:
    """End every API token and session of a user."""
    from casegraph.serve import auth

    with _store(db) as store:
        auth.revoke(store, name, actor=_actor())
    out.print(f"revoked every token and session of {escape(name)}")


@users.command(name="audit")
@db_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@json_option
def show_audit(db: str, limit: int, as_json: bool) -> None:
    """The audit log, newest first: logins (failed ones too), logouts, decisions, changes to users."""
    from casegraph.serve import auth

    with _store(db) as store:
        log = auth.audit_log(store, limit=limit)
    if as_json:
        _print_json(log)
        return
    table = Table("#", "at", "user", "action", "address", "detail", title=f"{log['total']} entries")
    for e in log["entries"]:
        detail = json.dumps(e["detail"], ensure_ascii=False, sort_keys=True)
        table.add_row(str(e["id"]), e["at"], escape(e["user"]), e["action"], e["address"], escape(detail))
    out.print(table)


@cli.command(name="settings")
def show_settings() -> None:
    """List every setting, its environment variable, current value and help."""
    for s in settings.SETTINGS.values():
        out.print(f"[bold]{s.env}[/bold] = {escape(settings.get(s.name))!s}  (default {escape(s.default)!s})")
        out.print(f"  {escape(s.help)}")


@cli.command()
@click.option(
    "--docs",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    help="Documents in the benchmark case.",
)
@click.option(
    "--sample",
    type=click.IntRange(1),
    help="Documents timed for throughput and speedup (default: min(docs, 400)).",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty folder for the corpus and stores (default: a temporary folder, removed after).",
)
@click.option(
    "--muc4",
    type=click.Choice(["original", "lowercased"]),
    default="original",
    show_default=True,
    help="MUC-4 texts: the mixed-case TST4 originals, or the lower-cased gtt_processed texts.",
)
@json_option
def bench(docs: int, sample: int | None, workdir: Path | None, muc4: str, as_json: bool) -> None:
    """Measure throughput, speedup, incremental cost, query latency and memory against the targets.

    Builds a corpus from ../shared/eval/muc4 and ../shared/corpus replicated to --docs documents.
    Exit code 0 even when a target is missed: it is a measurement.

    Example: casegraph bench --docs 10000
    """
    from casegraph.bench import run_bench

    if sample is not None and sample > docs:
        raise click.BadParameter(f"{sample} is more than --docs ({docs})", param_hint="--sample")
    result = run_bench(
        docs=docs,
        sample=sample,
        workdir=workdir,
        muc4=muc4,
        progress=lambda msg: err.print(f"[dim]{msg}[/dim]"),
    )
    if as_json:
        _print_json(result)
        return
    _print_bench(result)


def _print_bench(result: dict[str, Any]) -> None:
    table = Table("figure", "value", "target", "met", title=f"casegraph bench: {result['docs']} documents")
    for row in result["targets"]:
        met = "[green]yes[/green]" if row["met"] else "[red]no[/red]"
        table.add_row(row["figure"], f"{row['value']:,}", f"{row['op']} {row['target']:,}", met)
    out.print(table)
    words = f"{result['words']:,} words in {result['sample_docs']} sample documents"
    two = result["pipeline_2_workers_words_per_s"]
    out.print(
        f"bare spaCy {result['bare_spacy_words_per_s']:,} words/s, casegraph "
        f"{result['pipeline_words_per_s']:,} words/s (1 worker), {two:,} (2 workers); {words}"
    )
    for kind, ms in result["query_ms"].items():
        out.print(f"{kind}: p50 {ms['p50']} ms, p95 {ms['p95']} ms, max {ms['max']} ms ({ms['runs']} runs)")
    start, spawned = result["phases_s"]["worker_start_s"], result["speedup_2_workers_spawned"]
    out.print(
        f"2 workers: speedup {result['speedup_2_workers']} (forked from the warmed-up process); "
        f"{spawned} where workers must be spawned and each loads the pipeline ({start} s)"
    )
    inc = result["incremental"]
    out.print(
        f"one more document: {inc['case_ms_median']} ms into the case, {inc['empty_ms_median']} ms into an "
        f"empty store (median of {inc['docs']})"
    )
    rss = result["peak_rss"]
    out.print(f"peak memory: main {rss['main_mb']} MB, largest worker {rss['worker_mb']} MB")
    out.print(
        "phases (s): " + ", ".join(f"{k.removesuffix('_s')} {v}" for k, v in result["phases_s"].items())
    )
    m = result["machine"]
    out.print(
        f"machine: {m['cpus']} CPUs ({escape(m['cpu_model'])}), {m['memory_gb']} GB, Python {m['python']}"
    )
    out.print(f"spaCy {m['spacy']}, {escape(m['model'])}, SQLite {m['sqlite']}")


def main() -> None:
    """Run the CLI; errors become one line on stderr and a non-zero exit, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except CasegraphError as exc:  # raised outside a command (e.g. while parsing)
        err.print(f"Error: {escape(str(exc))}")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # the last guard: no traceback reaches a user
        if settings.get("debug"):
            raise
        err.print(
            f"casegraph: internal error: {type(exc).__name__}: {escape(str(exc))} "
            "(set CASEGRAPH_DEBUG=1 for details)"
        )
        sys.exit(1)
