"""Check a graph against the SHACL shapes in ontology/shapes.ttl."""

from __future__ import annotations

from rdflib import Graph


def validate(graph: Graph, shapes: Graph) -> tuple[bool, str]:
    """(conforms, readable report). The graph is not changed."""
    import pyshacl

    conforms, _report, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), text
