"""The fast writers give the same graph as rdflib reads back, whatever the text holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS, XSD

from graph.serialise import Names, jsonld, nquads, parse_lines, trig, turtle

NAMES = Names({"skos": str(SKOS), "ex": "https://example.org/", "xsd": str(XSD)})
DOC = "https://example.org/doc"


def sample(text: str) -> Graph:
    graph = Graph()
    node = URIRef("https://example.org/a")
    graph.add((node, SKOS.prefLabel, Literal(text, lang="en")))
    graph.add((node, SKOS.note, Literal(text)))
    graph.add((node, SKOS.notation, Literal(7, datatype=XSD.integer)))
    graph.add((node, SKOS.related, URIRef("https://example.org/path/with/slashes")))
    return graph


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_turtle_and_jsonld_round_trip_any_text(text: str):
    graph = sample(text)
    triples = parse_lines(graph.serialize(format="nt", encoding="utf-8"))
    assert isomorphic(Graph().parse(data=turtle(triples, NAMES), format="turtle"), graph)
    assert isomorphic(Graph().parse(data=jsonld(triples, NAMES), format="json-ld"), graph)


def test_named_graphs_round_trip_in_trig_and_nquads():
    shared = parse_lines(sample("shared").serialize(format="nt", encoding="utf-8"))
    part = parse_lines(sample("in the doc").serialize(format="nt", encoding="utf-8"))
    for data, fmt in ((trig(shared, {DOC: part}, NAMES), "trig"), (nquads(shared, {DOC: part}), "nquads")):
        dataset = Dataset()
        dataset.parse(data=data, format=fmt)
        named = dataset.graph(URIRef(DOC))
        assert isomorphic(Graph() + named, sample("in the doc"))
        assert len(dataset.default_graph) == len(shared)


def test_output_does_not_depend_on_input_order():
    triples = parse_lines(sample("x").serialize(format="nt", encoding="utf-8"))
    assert turtle(triples, NAMES) == turtle(list(reversed(triples)), NAMES)
    assert jsonld(triples, NAMES) == jsonld(list(reversed(triples)), NAMES)
    assert b"ex:a" in turtle(triples, NAMES)
    assert b"<https://example.org/path/with/slashes>" in turtle(triples, NAMES)
