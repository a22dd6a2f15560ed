"""casegraph.serve."""
