"""casegraph.ingest."""
