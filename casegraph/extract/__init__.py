"""Extract: a Document (and its spaCy parse) in, observations out. Pure: never touches the store."""

from __future__ import annotations

# Bump when extraction changes its output, so a store knows which documents to re-extract.
EXTRACTOR_VERSION = "2"
