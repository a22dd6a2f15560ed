"""casegraph: investigative documents in, an evidence-linked knowledge graph out."""

from __future__ import annotations

__version__ = "0.1.0"
