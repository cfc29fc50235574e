"""The built graph: SHACL-valid, evidence-backed, deterministic, readable by other parsers,
and holding the gold sample of the first input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from graph.pipeline import build, load_ontology, load_shapes
from graph.validate import validate
from graph.vocab import LG, OA, RELATIONS

from .conftest import BERWICK, FIXTURES, ROOT, gold

sys.path.insert(0, str(ROOT / "bench"))
from evaluate import _found


@pytest.fixture(scope="module")
def berwick_graph(berwick_build) -> Graph:
    out, _, _ = berwick_build
    return Graph().parse(out / "graph.ttl", format="turtle")


def labelled_claims(graph: Graph) -> set[tuple[str, str, str, bool]]:
    rows = graph.query(
        """SELECT ?sl ?p ?ol ?neg WHERE { ?c a lg:Claim ; rdf:subject ?s ; rdf:predicate ?p ;
           rdf:object ?o ; lg:negated ?neg . ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol }""",
        initNs={"lg": LG._NS, "rdf": RDF, "skos": SKOS},
    )
    return {(str(r.sl), str(r.p).rsplit("#")[-1], str(r.ol), r.neg.toPython()) for r in rows}


def test_graph_conforms_to_the_shapes(berwick_graph):
    conforms, report = validate(berwick_graph, load_shapes())
    assert conforms, report


def test_shapes_catch_a_claim_without_its_direct_triple_or_rule(berwick_graph):
    broken = Graph() + berwick_graph
    positive = next(
        c for c in broken.subjects(RDF.type, LG.Claim) if not broken.value(c, LG.negated).toPython()
    )
    s, p, o = (broken.value(positive, x) for x in (RDF.subject, RDF.predicate, RDF.object))
    broken.remove((s, p, o))
    broken.remove((o, p, s))
    conforms, report = validate(broken, load_shapes())
    assert not conforms and "asserted as a direct triple" in report
    broken = Graph() + berwick_graph
    broken.remove((positive, LG.rule, None))
    conforms, report = validate(broken, load_shapes())
    assert not conforms and ("lg:rule" in report or str(LG.rule) in report)


@pytest.mark.parametrize(
    "item", gold("berwick-bohmer-clinical-leadership")["relations"], ids=lambda r: r["id"]
)
def test_gold_relation_is_found(berwick_graph, item):
    assert _found(item, labelled_claims(berwick_graph), negated=False), item


@pytest.mark.parametrize(
    "item", gold("berwick-bohmer-clinical-leadership")["must_not"], ids=lambda r: r["id"]
)
def test_must_not_relation_is_absent_and_denial_recorded(berwick_graph, item):
    claims = labelled_claims(berwick_graph)
    assert not _found(item, claims, negated=False)
    if item.get("negated_claim_expected"):
        assert _found(item, claims, negated=True)


def test_every_claim_quote_is_the_original_text(berwick_build, berwick_graph):
    original = BERWICK.read_text(encoding="utf-8")
    _, _, [extraction] = berwick_build
    assert extraction.claims
    for claim in extraction.claims:
        ev = claim.evidence
        assert original[ev.start : ev.end] == ev.quote
    for sentence in berwick_graph.subjects(RDF.type, LG.Sentence):
        quote = berwick_graph.value(URIRef(f"{sentence}/quote"), OA.exact)
        start = berwick_graph.value(URIRef(f"{sentence}/position"), OA.start).toPython()
        end = berwick_graph.value(URIRef(f"{sentence}/position"), OA.end).toPython()
        assert original[start:end] == str(quote)


def test_negated_claims_are_not_asserted(berwick_graph):
    for claim in berwick_graph.subjects(RDF.type, LG.Claim):
        s, p, o = (berwick_graph.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if berwick_graph.value(claim, LG.negated).toPython():
            others = [
                c
                for c in berwick_graph.subjects(RDF.subject, s)
                if berwick_graph.value(c, RDF.object) == o
                and berwick_graph.value(c, RDF.predicate) == p
                and not berwick_graph.value(c, LG.negated).toPython()
            ]
            assert (s, p, o) not in berwick_graph or others


def test_mentioned_people_and_organisations_are_linked_to_turns(berwick_graph):
    from rdflib.namespace import FOAF

    from graph.vocab import SCHEMA

    names = {
        str(berwick_graph.value(e, FOAF.name)) for e in berwick_graph.objects(None, SCHEMA.mentions)
    }
    expected = gold("berwick-bohmer-clinical-leadership")["ingest"]
    for pattern in expected["mentioned_people"] + expected["mentioned_orgs"]:
        assert any(re.search(pattern, n) for n in names), (pattern, names)


def test_rebuild_is_byte_identical(berwick_build, tmp_path):
    first, _, _ = berwick_build
    build([BERWICK], tmp_path / "again")
    for name in ("graph.ttl", "graph.jsonld"):
        assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes(), name


def test_independent_parser_counts_the_same_triples(berwick_build, berwick_graph):
    rapper = shutil.which("rapper")
    assert rapper, "rapper (raptor2-utils) is needed for this test"
    out, _, _ = berwick_build
    run = subprocess.run(
        [rapper, "-i", "turtle", "-c", str(out / "graph.ttl")],
        capture_output=True,
        text=True,
        check=True,
    )
    count = int(re.search(r"returned (\d+) triples", run.stderr).group(1))
    assert count == len(berwick_graph)


def test_jsonld_holds_the_same_graph(berwick_build, berwick_graph):
    out, _, _ = berwick_build
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert isomorphic(jsonld, berwick_graph)


def test_tiny_transcript_matches_its_golden_graph(tmp_path, knowledge, update_snapshots):
    """The transcript's own triples (the graph less ontology and codebook) are the golden file."""
    build([FIXTURES / "tiny.txt"], tmp_path)
    codebook, _ = knowledge
    produced = Graph().parse(tmp_path / "graph.ttl") - load_ontology() - codebook.graph
    snapshot = Path(__file__).parent / "snapshots" / "tiny.ttl"
    if update_snapshots:
        for prefix, ns in Graph().parse(tmp_path / "graph.ttl").namespaces():
            produced.bind(prefix, ns)
        snapshot.write_bytes(produced.serialize(format="turtle", encoding="utf-8"))
    assert isomorphic(produced, Graph().parse(snapshot)), (
        "run pytest --update-snapshots after checking the change"
    )


def test_ontology_and_vocabulary_agree():
    ontology = load_ontology()
    declared = {
        str(s).removeprefix(str(LG._NS))
        for s in ontology.subjects()
        if str(s).startswith(str(LG._NS)) and str(s) != str(LG._NS)
    }
    in_code = {name for name in LG.__annotations__}
    assert declared == in_code
    for term in declared:
        iri = LG[term]
        assert ontology.value(iri, RDFS.label), term
        assert ontology.value(iri, RDFS.comment), term
    for relation in RELATIONS:
        assert (LG[relation], RDFS.subPropertyOf, SKOS.related) in ontology


def test_codebook_is_broad_and_complete(knowledge):
    codebook, _ = knowledge
    assert len(codebook.concepts) >= 120
    labels: dict[str, str] = {}
    for concept in codebook.concepts.values():
        assert concept.definition and concept.category
        for text in (concept.label, *concept.alt_labels):
            key = text.lower()
            assert labels.setdefault(key, concept.iri) == concept.iri, f"label {text!r} used twice"
