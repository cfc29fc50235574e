"""The package's modules: no top-level name bound twice (a second constant of the same name
silently replaces the first for every function that reads it)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

MODULES = sorted((Path(__file__).parent.parent / "graph").rglob("*.py"))


def _bound(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_no_top_level_name_is_bound_twice(path):
    counts = Counter(_bound(ast.parse(path.read_text(encoding="utf-8"))))
    assert not [name for name, n in counts.items() if n > 1]
