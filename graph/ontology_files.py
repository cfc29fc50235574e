"""Where the ontology folder's files are (codebook, rules, shapes, queries), without loading any."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def ontology_file(name: str) -> Path:
    """A file of the ontology folder: ontology/ in a source checkout, else the installed copy."""
    source = Path(__file__).resolve().parent.parent / "ontology" / name
    if source.exists():
        return source
    return Path(str(files("graph.ontology").joinpath(name)))
