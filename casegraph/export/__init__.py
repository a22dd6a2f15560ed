"""casegraph.export."""
