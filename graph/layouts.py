"""The concept map's layout of each connected component, kept in the cache between builds.

A component's layout is a function of the component alone (its concepts in order, its weighted
edges, the boxes of its concepts' dots and labels, the seed) and of the code that lays it out, so
a build that finds the same component again takes the positions it gave before, the same floats,
instead of running ForceAtlas2 and the overlap removal again: a rebuild draws exactly what a
clean build would. The key holds everything the layout reads; the seal, the code and the
libraries.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import networkx as nx

from graph.network import Boxes, ComponentLayout, Positions, component_layout


def seal(knowledge: str) -> str:
    """What every layout also depends on: the code (in the knowledge digest) and libraries."""
    import numpy

    return f"{knowledge}|networkx {nx.__version__}|numpy {numpy.__version__}"


def remembered(folder: Path, sealed: str) -> ComponentLayout:
    """component_layout, with each result kept in `folder` by everything it depends on."""

    def lay(sub: nx.Graph, boxes: Boxes, whole: bool, seed: int) -> Positions:
        nodes = list(sub)
        key = json.dumps([sealed, nodes, list(sub.edges(data="weight")),
                          [boxes[n] for n in nodes], whole, seed])
        path = folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.json"
        found = _read(path, nodes)
        if found is None:
            found = component_layout(sub, boxes, whole, seed)
            _write(path, found)
        return found

    return lay


def _read(path: Path, nodes: list[str]) -> Positions | None:
    """The positions kept in `path`, if it holds one pair of numbers for each of `nodes`."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rows, list) or len(rows) != len(nodes):
        return None
    positions = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
                and all(type(v) is float for v in row[1:])):
            return None
        positions[row[0]] = (row[1], row[2])
    return positions if positions.keys() == set(nodes) else None


def _write(path: Path, positions: Positions) -> None:
    """Keep the positions (in their order), through a temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".layout-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump([[n, x, y] for n, (x, y) in positions.items()], handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
