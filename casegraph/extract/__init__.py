"""casegraph.extract."""
