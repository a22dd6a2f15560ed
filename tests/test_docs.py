"""Meta-tests that keep the docs honest: every command, setting and format is documented."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from casegraph import settings
from casegraph.cli import cli
from tests.conftest import REPO


def test_every_command_has_help_and_a_docs_section() -> None:
    docs = (REPO / "docs" / "cli.md").read_text()
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), name
        assert f"## casegraph {name}\n" in docs, f"docs/cli.md lacks a section for casegraph {name}"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_every_setting_is_documented() -> None:
    docs = (REPO / "docs" / "settings.md").read_text()
    for setting in settings.SETTINGS.values():
        assert f"`{setting.env}`" in docs, f"docs/settings.md lacks {setting.env}"
        assert setting.help


def test_docs_list_no_setting_that_does_not_exist() -> None:
    docs = (REPO / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"`(CASEGRAPH_[A-Z_]+)`", docs))
    assert documented <= {s.env for s in settings.SETTINGS.values()}


def test_readme_starts_with_the_two_commands() -> None:
    head = (REPO / "README.md").read_text().split("\n\n", 3)[:3]
    block = "\n".join(head)
    assert "make demo" in block and "make test" in block


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_every_doc_link_in_readme_exists() -> None:
    readme = (REPO / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (REPO / target).exists(), target


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_every_link_between_docs_finds_its_page_and_heading() -> None:
    docs = REPO / "docs"
    anchors = {
        page.name: {_slug(h) for h in re.findall(r"^#+ (.+)$", page.read_text(), flags=re.M)}
        for page in docs.glob("*.md")
    }
    for page in docs.glob("*.md"):
        for target, anchor in re.findall(r"\]\(([\w./-]*\.md)?#([\w-]+)\)", page.read_text()):
            name = target.rsplit("/", 1)[-1] if target else page.name
            if target and not (docs / target).exists():
                continue  # links out of docs/ are checked by the README test
            assert anchor in anchors.get(name, set()), f"{page.name}: no heading for {target}#{anchor}"


EVENTS_DOC = REPO / "docs" / "events.md"


def test_events_doc_names_every_event_type_and_role() -> None:
    from casegraph.extract.ontology import ROLES, SLOTS, TYPES

    docs = EVENTS_DOC.read_text(encoding="utf-8")
    for name in [t.name for t in TYPES] + list(ROLES) + list(SLOTS):
        assert f"`{name}`" in docs, f"docs/events.md lacks `{name}`"


def test_events_doc_names_every_kairos_type_of_the_ontology() -> None:
    from casegraph.extract.ontology import KAIROS_EXTRA, KAIROS_ROLES, TYPES

    docs = EVENTS_DOC.read_text(encoding="utf-8")
    kairos = {t.kairos for t in TYPES if t.kairos} | set(KAIROS_EXTRA) | set(KAIROS_ROLES)
    for name in sorted(kairos):
        assert f"`{name}`" in docs, f"docs/events.md lacks `{name}`"


def test_events_doc_lists_the_trigger_words_of_every_type() -> None:
    from casegraph.extract.ontology import TYPES

    docs = EVENTS_DOC.read_text(encoding="utf-8")
    table = docs[docs.index("| type | trigger words |") :].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[2:]:
        name, words = (cell.strip() for cell in line.strip("|").split("|"))
        rows[name.strip("`")] = [w.strip() for w in words.split(",")]
    assert rows == {t.name: list(t.triggers) for t in TYPES}


def test_events_doc_quotes_the_current_thresholds() -> None:
    """The table of docs/events.md#thresholds shows the values in the code."""
    from casegraph import train
    from casegraph.eval import muc4
    from casegraph.extract import events

    docs = EVENTS_DOC.read_text(encoding="utf-8")
    modules = {"events": events, "eval.muc4": muc4, "train": train}
    rows = re.findall(r"^\| `([a-z.0-9]+)\.([A-Z_]+)` \| (.+?) \|", docs, flags=re.M)
    assert {name for _, name, _ in rows} >= {
        "TRIGGER_THRESHOLD",
        "ROLE_THRESHOLD",
        "MAX_PATH",
        "ROLE_CONFIDENCE",
    }
    for module, name, value in rows:
        actual = getattr(modules[module], name)
        shown = value.strip("`")
        assert shown == (json.dumps(actual) if isinstance(actual, dict) else str(actual)), (
            f"docs/events.md shows {module}.{name} = {shown}, the code has {actual!r}"
        )


def test_readme_links_the_events_doc() -> None:
    assert "](docs/events.md)" in (REPO / "README.md").read_text(encoding="utf-8")
