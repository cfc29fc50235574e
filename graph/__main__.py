"""`python -m graph ...` runs the leadgraph command."""

from graph.cli import main

main(prog_name="leadgraph")
