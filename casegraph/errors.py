"""One error base class; each pipeline stage has its own subclass.

Stage code raises these with a message that names the fix; the CLI and the
HTTP API translate them into one line / one JSON error shape.
"""

from __future__ import annotations


class CasegraphError(Exception):
    """Base class of every error casegraph reports to a user."""

    code = "casegraph_error"


class SettingsError(CasegraphError):
    """A setting or option has a value casegraph cannot use."""

    code = "bad_setting"


class IngestError(CasegraphError):
    """One file could not be read; the run goes on with the next file."""

    code = "ingest_failed"


class ExtractError(CasegraphError):
    """Extraction failed for one document, or the NLP pipeline cannot load."""

    code = "extract_failed"


class StoreError(CasegraphError):
    """The store cannot be opened, migrated or written."""

    code = "store_failed"


class NotFoundError(CasegraphError):
    """A document, entity or other record asked for does not exist."""

    code = "not_found"


class ExportError(CasegraphError):
    """An export could not be written."""

    code = "export_failed"


class EvalError(CasegraphError):
    """An evaluation dataset is missing or malformed."""

    code = "eval_failed"


class QueryError(CasegraphError):
    """A search or lookup was asked in a form casegraph cannot answer."""

    code = "bad_query"


class DecisionError(CasegraphError):
    """A reviewer decision cannot be recorded as asked (unknown entity, contradiction, bad value)."""

    code = "bad_decision"
