"""casegraph.query."""
