"""Project the RDF graph onto a networkx graph of concepts: the shape the map, the report and the
Gephi files share.

Nodes are the concepts that are mentioned or take part in a claim; edges are the typed relations,
one per (subject, relation, object), weighted by the positive claims behind them. Denied (negated)
claims are not edges: they are kept per concept. Every networkx attribute is a plain str, int or
float (as in rdflib's extras/external_graph_libs.py, one function decides an edge's attributes);
the full evidence, lists of quotes, lives beside the networkx graph in `ConceptNetwork`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDFS, SKOS

from graph.vocab import LG, OA, RELATIONS, SYMMETRIC

SEED = 7  # fixed seed for the layout and Louvain: same graph, same picture
CATEGORY_COLOURS = {
    "Value": "#8E6BBF",
    "Condition": "#2A9D8F",
    "Practice": "#3B7DD8",
    "Role": "#E0A030",
    "Outcome": "#5BA846",
    "Structure": "#7C8A99",
    "Threat": "#D64550",
    "Provisional": "#B9B4AA",
}
OTHER_COLOUR = "#9AA0A6"


@dataclass(frozen=True)
class RelationStyle:
    colour: str
    dashes: str  # "solid", "dashed" or "dotted" (GEXF viz:shape names)
    directed: bool


RELATION_STYLES = {
    "isConsequenceOf": RelationStyle("#B0652B", "solid", True),
    "requires": RelationStyle("#2F6DB5", "solid", True),
    "enables": RelationStyle("#3E9B57", "solid", True),
    "undermines": RelationStyle("#C8323F", "dashed", True),
    "combinesWith": RelationStyle("#8A63C2", "solid", False),
    "contrastsWith": RelationStyle("#D9822B", "dashed", False),
    "isPartOf": RelationStyle("#6B7280", "dotted", True),
}


@dataclass(frozen=True)
class Quote:
    """A sentence of a transcript, as evidence."""

    sentence: str  # sentence IRI
    text: str
    speaker: str
    transcript: str  # transcript IRI
    line_start: int
    line_end: int

    @property
    def lines(self) -> str:
        if self.line_start == self.line_end:
            return str(self.line_start)
        return f"{self.line_start}–{self.line_end}"


@dataclass(frozen=True)
class ClaimRecord:
    """One claim with its evidence, read back from the graph."""

    iri: str
    subject: str
    relation: str  # local name, e.g. "requires"
    object: str
    negated: bool
    hedged: bool
    question: bool
    confidence: float
    rule: str
    cue: str
    speaker: str
    transcript: str  # transcript IRI
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Transcript:
    iri: str
    title: str
    source: str
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class ConceptNetwork:
    """The networkx projection and the evidence behind its nodes and edges."""

    graph: nx.MultiDiGraph  # edge keys are edge ids ("e1", "e2", ...)
    transcripts: tuple[Transcript, ...]
    relation_labels: dict[str, str]  # relation local name -> label
    category_labels: dict[str, str]  # category local name -> label
    claims: dict[str, tuple[ClaimRecord, ...]]  # edge id -> its positive claims
    mentions: dict[str, tuple[Quote, ...]]  # concept IRI -> sentences that mention it
    denied: dict[str, tuple[ClaimRecord, ...]]  # concept IRI -> negated claims it is part of


def local_name(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(graph: Graph, subject: URIRef, predicate: URIRef, default: str = "") -> str:
    """The English (or untagged) literal, else any literal, else `default`."""
    values = sorted((v for v in graph.objects(subject, predicate) if isinstance(v, Literal)),
                    key=lambda v: (v.language not in (None, "en"), str(v)))
    return " ".join(str(values[0]).split()) if values else default


def _int(graph: Graph, subject: URIRef, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    return int(value.toPython()) if isinstance(value, Literal) else 0


def _bool(graph: Graph, subject: URIRef, predicate: URIRef) -> bool:
    value = graph.value(subject, predicate)
    return bool(value.toPython()) if isinstance(value, Literal) else False


def read_transcripts(graph: Graph) -> tuple[Transcript, ...]:
    transcripts = []
    for doc in sorted(graph.subjects(RDF.type, LG.Transcript)):
        source = _text(graph, doc, DCTERMS.source, local_name(doc))
        speakers = sorted(_text(graph, p, FOAF.name) for p in graph.objects(doc, DCTERMS.contributor))
        transcripts.append(Transcript(str(doc), _text(graph, doc, DCTERMS.title, source), source,
                                      tuple(speakers)))
    return tuple(transcripts)


def _speaker(graph: Graph, subject: URIRef) -> str:
    agent = graph.value(subject, PROV.wasAttributedTo)
    return _text(graph, agent, FOAF.name, local_name(agent)) if agent is not None else ""


def read_quote(graph: Graph, sentence: URIRef) -> Quote:
    selectors = (s for s in graph.objects(sentence, OA.hasSelector)
                 if (s, RDF.type, OA.TextQuoteSelector) in graph)
    selector = next(selectors, None)
    text = str(graph.value(selector, OA.exact, default="")) if selector is not None else ""
    turn = graph.value(sentence, DCTERMS.isPartOf)
    return Quote(
        sentence=str(sentence), text=text,
        speaker=_speaker(graph, turn) if turn is not None else "",
        transcript=str(graph.value(sentence, OA.hasSource, default="")),
        line_start=_int(graph, sentence, LG.startLine), line_end=_int(graph, sentence, LG.endLine),
    )


def _quote_order(quote: Quote) -> tuple[str, int, int, str]:
    return quote.transcript, quote.line_start, quote.line_end, quote.sentence


def read_claims(graph: Graph) -> list[ClaimRecord]:
    """Every claim between two concepts whose relation is one of leadgraph's, in a stable order."""
    claims = []
    for c in graph.subjects(RDF.type, LG.Claim):
        relation = local_name(str(graph.value(c, RDF.predicate, default="")))
        subject, obj = graph.value(c, RDF.subject), graph.value(c, RDF.object)
        if relation not in RELATIONS or subject is None or obj is None:
            continue
        quotes = sorted((read_quote(graph, s) for s in graph.objects(c, LG.evidence)), key=_quote_order)
        confidence = graph.value(c, LG.confidence)
        claims.append(ClaimRecord(
            iri=str(c), subject=str(subject), relation=relation, object=str(obj),
            negated=_bool(graph, c, LG.negated), hedged=_bool(graph, c, LG.hedged),
            question=_bool(graph, c, LG.fromQuestion),
            confidence=float(confidence.toPython()) if confidence is not None else 1.0,
            rule=_text(graph, c, LG.rule), cue=_text(graph, c, LG.cue), speaker=_speaker(graph, c),
            transcript=quotes[0].transcript if quotes else "", quotes=tuple(quotes),
        ))
    return sorted(claims, key=lambda c: (c.quotes and _quote_order(c.quotes[0]), c.iri))


def read_mentions(graph: Graph) -> dict[str, tuple[Quote, ...]]:
    """Concept IRI -> the sentences that mention it, in reading order."""
    found: dict[str, list[Quote]] = defaultdict(list)
    for sentence, concept in graph.subject_objects(LG.mentions):
        if (sentence, RDF.type, LG.Sentence) in graph:
            found[str(concept)].append(read_quote(graph, sentence))
    return {c: tuple(sorted(set(qs), key=_quote_order)) for c, qs in sorted(found.items())}


def _edge_key(claim: ClaimRecord) -> tuple[str, str, str]:
    """(subject, relation, object); symmetric relations in one canonical direction."""
    s, o = claim.subject, claim.object
    if claim.relation in SYMMETRIC and o < s:
        s, o = o, s
    return s, claim.relation, o


def node_size(mentions: int) -> float:
    """The radius of a concept's dot: grows with the square root of its mentions."""
    return round(min(10 + 5 * math.sqrt(mentions), 48.0), 1)


def category_colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, OTHER_COLOUR)


def node_attributes(graph: Graph, concept: str, mentions: int, denied: int) -> dict[str, str | int | float]:
    """A concept's plain attributes from the RDF graph (layout and measures come later)."""
    iri = URIRef(concept)
    category = graph.value(iri, LG.category)
    category_name = local_name(str(category)) if category is not None else "Other"
    return {
        "label": _text(graph, iri, SKOS.prefLabel, local_name(concept)),
        "category": category_name,
        "definition": _text(graph, iri, SKOS.definition),
        "mentions": mentions,
        "denied": denied,
        "size": node_size(mentions),
        "color": category_colour(category_name),
    }


def edge_attributes(relation: str, label: str, claims: tuple[ClaimRecord, ...],
                    titles: dict[str, str]) -> dict[str, str | int | float]:
    """A typed edge's plain attributes: its relation, weight and first piece of evidence."""
    style = RELATION_STYLES.get(relation, RelationStyle(OTHER_COLOUR, "solid", True))
    first = claims[0]
    quote = first.quotes[0] if first.quotes else None
    return {
        "relation": relation,
        "label": label,
        "weight": len(claims),
        "claims": len(claims),
        "hedged": sum(c.hedged for c in claims),
        "confidence": round(sum(c.confidence for c in claims) / len(claims), 3),
        "directed": int(style.directed),
        "quote": " ".join(quote.text.split()) if quote else "",
        "speaker": first.speaker,
        "lines": quote.lines if quote else "",
        "rule": first.rule,
        "transcript": titles.get(first.transcript, ""),
        "color": style.colour,
        "dashes": style.dashes,
    }


def _labels(graph: Graph, names: Iterable[str], term) -> dict[str, str]:
    return {name: _text(graph, term[name], RDFS.label, name) for name in names}


def project(graph: Graph) -> ConceptNetwork:
    """The concept network of an RDF graph built by leadgraph."""
    claims = read_claims(graph)
    mentions = read_mentions(graph)
    transcripts = read_transcripts(graph)
    titles = {t.iri: t.title for t in transcripts}
    relation_labels = _labels(graph, RELATIONS, LG)
    positive: dict[tuple[str, str, str], list[ClaimRecord]] = defaultdict(list)
    denied: dict[str, list[ClaimRecord]] = defaultdict(list)
    for claim in claims:
        if claim.negated:
            for concept in dict.fromkeys((claim.subject, claim.object)):
                denied[concept].append(claim)
        else:
            positive[_edge_key(claim)].append(claim)
    concepts = sorted(set(mentions) | {c for claim in claims for c in (claim.subject, claim.object)})
    net = nx.MultiDiGraph()
    for concept in concepts:
        net.add_node(concept, **node_attributes(graph, concept, len(mentions.get(concept, ())),
                                                len(denied.get(concept, ()))))
    evidence: dict[str, tuple[ClaimRecord, ...]] = {}
    for number, (s, relation, o) in enumerate(sorted(positive), start=1):
        key = f"e{number}"
        evidence[key] = tuple(positive[s, relation, o])
        net.add_edge(s, o, key=key, **edge_attributes(relation, relation_labels[relation],
                                                      evidence[key], titles))
    add_measures(net)
    used = sorted({d["category"] for _, d in net.nodes(data=True)})
    return ConceptNetwork(
        graph=net, transcripts=transcripts, relation_labels=relation_labels,
        category_labels=_labels(graph, used, LG), claims=evidence,
        mentions={c: mentions.get(c, ()) for c in concepts},
        denied={c: tuple(v) for c, v in sorted(denied.items())},
    )


def _weighted_simple(net: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph with summed weights, nodes in the network's order."""
    simple = nx.Graph()
    simple.add_nodes_from(net.nodes)
    for u, v, weight in net.edges(data="weight"):
        if u != v:
            old = simple.get_edge_data(u, v, {"weight": 0})["weight"]
            simple.add_edge(u, v, weight=old + weight)
    return simple


def add_measures(net: nx.MultiDiGraph) -> None:
    """Degree, PageRank, Louvain community and layout position, as node attributes."""
    simple = _weighted_simple(net)
    directed = nx.DiGraph()
    directed.add_nodes_from(net.nodes)
    for u, v, data in net.edges(data=True):
        directed.add_edge(u, v, weight=directed.get_edge_data(u, v, {"weight": 0})["weight"] + data["weight"])
        if not data["directed"]:
            directed.add_edge(v, u, weight=directed.get_edge_data(v, u, {"weight": 0})["weight"] + data["weight"])
    ranks = nx.pagerank(directed, weight="weight") if len(directed) else {}
    communities = communities_of(simple)
    positions = layout(simple)
    for node, data in net.nodes(data=True):
        data["degree"] = int(net.degree(node))
        data["pagerank"] = round(float(ranks.get(node, 0.0)), 6)
        data["community"] = communities[node]
        data["x"], data["y"] = positions[node]


def communities_of(simple: nx.Graph) -> dict[str, int]:
    """Louvain communities with a fixed seed, numbered from the largest (ties by first member)."""
    if not len(simple):
        return {}
    found = nx.community.louvain_communities(simple, weight="weight", seed=SEED)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: number for number, members in enumerate(ordered) for node in members}


def layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """Deterministic positions in screen pixels (y grows downwards, as in the browser)."""
    if not len(simple):
        return {}
    raw = nx.spring_layout(simple, weight="weight", seed=SEED, iterations=300)
    scale = 140 * math.sqrt(len(simple))
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in raw.items()}
