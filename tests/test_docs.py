"""Meta-tests that keep the docs honest: every command, setting and format is documented."""

from __future__ import annotations

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
