"""casegraph.store."""
