"""Turn extractions into RDF: transcripts, turns, sentences, speakers, claims and mentions.

IRIs are minted from the document id, positions and concept ids, never blank nodes, so the same
input gives the same graph; serialisations are sorted so they are byte-identical too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS, XSD

from graph.codebook import Codebook
from graph.model import Claim, Document, Extraction
from graph.serialise import Names, Triple, jsonld, nquads, parse_lines, trig, turtle
from graph.vocab import CONCEPT, DATA, LG, OA, PERSON, PREFIXES, SCHEMA, SYMMETRIC

MEDIA_TYPES = {
    "text": "text/plain",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def new_graph() -> Graph:
    """An empty graph with leadgraph's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("owl", OWL),
        ("xsd", XSD),
        ("skos", SKOS),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
    ):
        graph.bind(prefix, ns)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def document_iri(doc: Document) -> URIRef:
    return DATA[doc.id]


def _part(doc: Document, *parts: object) -> URIRef:
    return URIRef(f"{DATA}{doc.id}/" + "/".join(str(p) for p in parts))


def speaker_iri(
    doc: Document, name: str, people: Mapping[str, str] = MappingProxyType({})
) -> URIRef:
    """A speaker is a person of this interview, unless the user said who across interviews."""
    from graph.readers import slug

    if name in people:
        return PERSON[slug(people[name])]
    return _part(doc, "speaker", slug(name))


def sentence_iri(doc: Document, index: int) -> URIRef:
    return _part(doc, "sentence", index)


def claim_iri(doc: Document, claim: Claim) -> URIRef:
    subject, relation, obj = claim.reading()
    s, o = _concept_id(subject), _concept_id(obj)
    return _part(doc, "claim", claim.evidence.sentence, f"{s}--{relation}--{o}")


def _concept_id(iri: str) -> str:
    return iri.removeprefix(str(CONCEPT)).rsplit("/", 1)[-1]


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _bool(value: bool) -> Literal:
    return Literal(value, datatype=XSD.boolean)


def add_document(
    graph: Graph, extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> None:
    """Add one transcript's description, turns, sentences, mentions and claims.

    `people` maps speaker names to one person's name across interviews (--same-person).
    """
    doc = extraction.document
    d = document_iri(doc)
    graph.add((d, RDF.type, LG.Transcript))
    graph.add((d, DCTERMS.source, Literal(doc.source)))
    graph.add((d, LG.sha256, Literal(doc.sha256)))
    graph.add((d, DCTERMS.format, Literal(MEDIA_TYPES.get(doc.format, "text/plain"))))
    if doc.title:
        graph.add((d, DCTERMS.title, Literal(" ".join(doc.title.split()))))
    if doc.date:
        graph.add((d, DCTERMS.date, Literal(doc.date)))
    for name in doc.speakers:
        person = speaker_iri(doc, name, people)
        graph.add((person, RDF.type, FOAF.Person))
        graph.add((person, RDF.type, PROV.Agent))
        graph.add((person, FOAF.name, Literal(people.get(name, name))))
        graph.add((d, DCTERMS.contributor, person))
    for turn in doc.turns:
        t = _part(doc, "turn", turn.index)
        graph.add((t, RDF.type, LG.Turn))
        graph.add((t, DCTERMS.isPartOf, d))
        graph.add((t, LG.index, _int(turn.index)))
        graph.add((t, PROV.wasAttributedTo, speaker_iri(doc, turn.speaker, people)))
        graph.add((t, LG.startLine, _int(turn.line_start)))
        graph.add((t, LG.endLine, _int(turn.line_end)))
        for sentence in turn.sentences:
            _add_sentence(graph, doc, t, sentence)
    for mention in extraction.mentions:
        graph.add((sentence_iri(doc, mention.sentence), LG.mentions, URIRef(mention.concept)))
        graph.add((_part(doc, "turn", mention.turn), LG.mentions, URIRef(mention.concept)))
    for entity in extraction.entities:
        e = URIRef(entity.entity)
        graph.add((_part(doc, "turn", entity.turn), SCHEMA.mentions, e))
        if entity.entity.startswith(str(DATA)):
            graph.add((e, RDF.type, FOAF.Person if entity.kind == "person" else FOAF.Organization))
            graph.add((e, FOAF.name, Literal(entity.name)))
    for iri, label in extraction.provisional.items():
        c = URIRef(iri)
        graph.add((c, RDF.type, SKOS.Concept))
        graph.add((c, RDF.type, LG.ProvisionalConcept))
        graph.add((c, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((c, LG.category, LG.Provisional))
    for mention in extraction.mentions:
        if mention.provisional:
            graph.add(
                (URIRef(mention.concept), SKOS.hiddenLabel, Literal(mention.surface, lang="en"))
            )
    for claim in extraction.claims:
        _add_claim(graph, doc, claim, speaker_iri(doc, claim.speaker, people))


def _add_sentence(graph: Graph, doc: Document, turn: URIRef, sentence) -> None:
    s = sentence_iri(doc, sentence.index)
    quote = URIRef(f"{s}/quote")
    position = URIRef(f"{s}/position")
    graph.add((s, RDF.type, LG.Sentence))
    graph.add((s, DCTERMS.isPartOf, turn))
    graph.add((s, OA.hasSource, document_iri(doc)))
    graph.add((s, LG.index, _int(sentence.index)))
    graph.add((s, LG.startLine, _int(sentence.line_start)))
    graph.add((s, LG.endLine, _int(sentence.line_end)))
    graph.add((s, OA.hasSelector, quote))
    graph.add((s, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(sentence.text)))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(sentence.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(sentence.end, datatype=XSD.nonNegativeInteger)))
    if sentence.time_start is not None:
        graph.add((s, LG.startTime, Literal(Decimal(f"{sentence.time_start:.3f}"))))
    if sentence.time_end is not None:
        graph.add((s, LG.endTime, Literal(Decimal(f"{sentence.time_end:.3f}"))))


def _add_claim(graph: Graph, doc: Document, claim: Claim, speaker: URIRef) -> None:
    c = claim_iri(doc, claim)
    subject, relation, obj = claim.reading()
    s, p, o = URIRef(subject), LG[relation], URIRef(obj)
    graph.add((c, RDF.type, LG.Claim))
    graph.add((c, RDF.subject, s))
    graph.add((c, RDF.predicate, p))
    graph.add((c, RDF.object, o))
    graph.add((c, LG.negated, _bool(claim.negated)))
    graph.add((c, LG.hedged, _bool(claim.hedged)))
    graph.add((c, LG.fromQuestion, _bool(claim.question)))
    graph.add((c, LG.confidence, Literal(Decimal(f"{claim.confidence:.3f}"))))
    graph.add((c, LG.rule, Literal(claim.rule)))
    graph.add((c, LG.cue, Literal(claim.cue)))
    if (subject, relation, obj) != (claim.subject, claim.relation, claim.object):
        graph.add((c, LG.statedRelation, LG[claim.relation]))
        graph.add((c, LG.statedSubject, URIRef(claim.subject)))
        graph.add((c, LG.statedObject, URIRef(claim.object)))
    for prop, direction in ((LG.subjectDirection, claim.subject_direction),
                            (LG.objectDirection, claim.object_direction)):
        if direction:
            graph.add((c, prop, Literal(direction)))
    graph.add((c, PROV.wasAttributedTo, speaker))
    graph.add((c, LG.evidence, sentence_iri(doc, claim.evidence.sentence)))
    if claim.answer:
        graph.add((c, LG.evidence, sentence_iri(doc, claim.answer.sentence)))
    if not claim.negated:
        if claim.relation in SYMMETRIC and (o, p, s) in graph:
            return
        graph.add((s, p, o))


def document_graph(
    extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> Graph:
    """One transcript's triples, for its own named graph."""
    graph = new_graph()
    add_document(graph, extraction, people)
    return graph


def shared_graph(codebook: Codebook, ontology: Graph) -> Graph:
    """What every build holds besides its transcripts: the ontology, codebook and gazetteer."""
    graph = new_graph()
    graph += ontology
    graph += codebook.graph
    return graph


def document_ntriples(
    extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> bytes:
    """One transcript's triples as N-Triples, to pass between processes and load in bulk."""
    return document_graph(extraction, people).serialize(format="nt", encoding="utf-8")


@dataclass
class Built:
    """The graph of a build: the shared triples (ontology, codebook, gazetteer) and each
    transcript's, as N-Triples terms, with the prefixes to write them with."""

    shared: list[Triple]
    parts: dict[str, list[Triple]]  # transcript IRI -> its triples
    prefixes: dict[str, str]

    @cached_property
    def union(self) -> list[Triple]:
        """Every triple once, sorted."""
        return sorted(set(self.shared).union(*self.parts.values()))

    def files(self) -> Iterator[tuple[str, bytes]]:
        """graph.ttl and graph.jsonld (every triple once), graph.trig and graph.nq (a named
        graph per transcript, the shared triples in the default graph), one at a time."""
        names = Names(self.prefixes)
        yield "graph.ttl", turtle(self.union, names)
        yield "graph.jsonld", jsonld(self.union, names)
        yield "graph.trig", trig(self.shared, self.parts, names)
        yield "graph.nq", nquads(self.shared, self.parts)

    def as_rdflib(self) -> Graph:
        """The union as an rdflib Graph in an Oxigraph store: quick to load and to query."""
        import pyoxigraph as ox
        from oxrdflib import OxigraphStore

        store = ox.Store()
        lines = "".join(f"{s} {p} {o} .\n" for s, p, o in self.union)
        store.bulk_load(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        graph = Graph(
            store=OxigraphStore(store=store),
            identifier=DATASET_DEFAULT_GRAPH_ID,
            bind_namespaces="none",
        )
        for prefix, ns in self.prefixes.items():
            graph.bind(prefix, ns)
        return graph


def assemble(shared: Graph, parts: Mapping[str, bytes]) -> Built:
    """The build's graph from the shared graph and each transcript's N-Triples (by IRI)."""
    return Built(
        shared=parse_lines(shared.serialize(format="nt", encoding="utf-8")),
        parts={doc: parse_lines(data) for doc, data in sorted(parts.items())},
        prefixes={p: str(ns) for p, ns in shared.namespaces()},
    )


def _triples_of(graph: Graph) -> tuple[list[Triple], Names]:
    triples = parse_lines(graph.serialize(format="nt", encoding="utf-8"))
    return triples, Names({p: str(ns) for p, ns in graph.namespaces()})


def to_turtle(graph: Graph) -> bytes:
    """Turtle as a build writes it: sorted, prefixed, byte-stable."""
    return turtle(*_triples_of(graph))


def to_jsonld(graph: Graph) -> bytes:
    """JSON-LD as a build writes it: expanded, sorted, the prefixes as its context."""
    return jsonld(*_triples_of(graph))
