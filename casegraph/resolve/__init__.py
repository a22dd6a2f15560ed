"""Resolve: which mentions name the same entity (inside a document, across the case)."""
