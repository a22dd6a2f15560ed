"""python -m casegraph."""

from casegraph.cli import main

main()
