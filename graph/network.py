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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

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
    inverse_labels: dict[str, str]  # relation local name -> label of its inverse, read backwards
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
        people = graph.objects(doc, DCTERMS.contributor)
        speakers = sorted(_text(graph, p, FOAF.name) for p in people)
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


def claim_order(claim: ClaimRecord) -> tuple:
    """Reading order: transcript, then the line of the first piece of evidence."""
    return (_quote_order(claim.quotes[0]) if claim.quotes else ("", 0, 0, "")), claim.iri


QuoteReader = Callable[[URIRef], Quote]


QUOTES = """
PREFIX lg: <https://w3id.org/leadgraph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?sentence ?text ?agent ?name ?source ?start ?end WHERE {
  ?sentence a lg:Sentence .
  OPTIONAL { ?sentence oa:hasSelector ?selector .
             ?selector a oa:TextQuoteSelector ; oa:exact ?text }
  OPTIONAL { ?sentence dcterms:isPartOf ?turn . ?turn prov:wasAttributedTo ?agent .
             OPTIONAL { ?agent foaf:name ?name } }
  OPTIONAL { ?sentence oa:hasSource ?source }
  OPTIONAL { ?sentence lg:startLine ?start }
  OPTIONAL { ?sentence lg:endLine ?end }
}"""


def read_quotes(graph: Graph) -> dict[URIRef, Quote]:
    """read_quote for every sentence with one value of each part, in one query (a graph in
    Oxigraph answers it at once; one look-up per triple is the slow way)."""
    rows: dict[URIRef, list] = defaultdict(list)
    for row in graph.query(QUOTES):
        rows[row[0]].append(row)
    quotes = {}
    for sentence, found in rows.items():
        if len(found) != 1:
            continue  # several selectors, speakers or names: read_quote chooses
        _, text, agent, name, source, start, end = found[0]
        speaker = ""
        if agent is not None:
            speaker = (" ".join(str(name).split()) if isinstance(name, Literal)
                       else local_name(str(agent)))
        quotes[sentence] = Quote(
            sentence=str(sentence), text=str(text) if text is not None else "", speaker=speaker,
            transcript=str(source) if source is not None else "",
            line_start=int(start.toPython()) if isinstance(start, Literal) else 0,
            line_end=int(end.toPython()) if isinstance(end, Literal) else 0,
        )
    return quotes


def quote_reader(graph: Graph) -> QuoteReader:
    """read_quote, remembering each sentence: a sentence is evidence and mentions several
    concepts, and every look-up in the graph costs. Most are read at once by read_quotes."""
    memo: dict[URIRef, Quote] = read_quotes(graph)

    def read(sentence: URIRef) -> Quote:
        quote = memo.get(sentence)
        if quote is None:
            quote = memo[sentence] = read_quote(graph, sentence)
        return quote

    return read


def read_claims(graph: Graph, quote: QuoteReader | None = None) -> list[ClaimRecord]:
    """Every claim between two concepts whose relation is one of leadgraph's, in a stable order."""
    quote = quote or quote_reader(graph)
    claims = []
    for c in graph.subjects(RDF.type, LG.Claim):
        relation = local_name(str(graph.value(c, RDF.predicate, default="")))
        subject, obj = graph.value(c, RDF.subject), graph.value(c, RDF.object)
        if relation not in RELATIONS or subject is None or obj is None:
            continue
        evidence = graph.objects(c, LG.evidence)
        quotes = sorted((quote(s) for s in evidence), key=_quote_order)
        confidence = graph.value(c, LG.confidence)
        claims.append(ClaimRecord(
            iri=str(c), subject=str(subject), relation=relation, object=str(obj),
            negated=_bool(graph, c, LG.negated), hedged=_bool(graph, c, LG.hedged),
            question=_bool(graph, c, LG.fromQuestion),
            confidence=float(confidence.toPython()) if confidence is not None else 1.0,
            rule=_text(graph, c, LG.rule), cue=_text(graph, c, LG.cue), speaker=_speaker(graph, c),
            transcript=quotes[0].transcript if quotes else "", quotes=tuple(quotes),
        ))
    return sorted(claims, key=claim_order)


def read_mentions(graph: Graph, quote: QuoteReader | None = None) -> dict[str, tuple[Quote, ...]]:
    """Concept IRI -> the sentences that mention it, in reading order."""
    quote = quote or quote_reader(graph)
    sentences = set(graph.subjects(RDF.type, LG.Sentence))
    found: dict[str, list[Quote]] = defaultdict(list)
    for sentence, concept in graph.subject_objects(LG.mentions):
        if sentence in sentences:
            found[str(concept)].append(quote(sentence))
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


Attributes = dict[str, str | int | float]


def node_attributes(graph: Graph, concept: str, mentions: int, denied: int) -> Attributes:
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
                    titles: dict[str, str]) -> Attributes:
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


def _category_labels(graph: Graph, net: nx.MultiDiGraph) -> dict[str, str]:
    """Labels of the categories in use, codebook-defined ones included."""
    iris = {local_name(str(c)): c for c in sorted(set(graph.objects(None, LG.category)))}
    used = sorted({d["category"] for _, d in net.nodes(data=True)})
    return {name: _text(graph, iris[name], RDFS.label, name) if name in iris else name
            for name in used}


def _inverse_labels(graph: Graph, labels: dict[str, str]) -> dict[str, str]:
    """'is required by' for requires (owl:inverseOf), the label itself for symmetric relations."""
    inverse = {}
    for name, label in labels.items():
        other = graph.value(LG[name], OWL.inverseOf)
        default = label if name in SYMMETRIC else f"← {label}"
        inverse[name] = _text(graph, other, RDFS.label, default) if other is not None else default
    return inverse


def project(graph: Graph) -> ConceptNetwork:
    """The concept network of an RDF graph built by leadgraph."""
    quote = quote_reader(graph)
    claims = read_claims(graph, quote)
    mentions = read_mentions(graph, quote)
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
    in_claims = {c for claim in claims for c in (claim.subject, claim.object)}
    concepts = sorted(set(mentions) | in_claims)
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
    return ConceptNetwork(
        graph=net, transcripts=transcripts, relation_labels=relation_labels,
        inverse_labels=_inverse_labels(graph, relation_labels),
        category_labels=_category_labels(graph, net), claims=evidence,
        mentions={c: mentions.get(c, ()) for c in concepts},
        denied={c: tuple(v) for c, v in sorted(denied.items())},
    )


def _add_weight(graph: nx.Graph, u: str, v: str, weight: int) -> None:
    graph.add_edge(u, v, weight=graph.get_edge_data(u, v, {"weight": 0})["weight"] + weight)


def _summed(net: nx.MultiDiGraph, kind: type[nx.Graph]) -> nx.Graph:
    """A simple graph of `kind` with the weights of parallel edges summed (no self-loops for an
    undirected one; symmetric relations count both ways in a directed one)."""
    summed = kind()
    summed.add_nodes_from(net.nodes)
    for u, v, data in net.edges(data=True):
        if summed.is_directed():
            _add_weight(summed, u, v, data["weight"])
            if not data["directed"]:
                _add_weight(summed, v, u, data["weight"])
        elif u != v:
            _add_weight(summed, u, v, data["weight"])
    return summed


def add_measures(net: nx.MultiDiGraph) -> None:
    """Degree, PageRank, Louvain community and layout position, as node attributes."""
    simple = _summed(net, nx.Graph)
    directed = _summed(net, nx.DiGraph)
    ranks = nx.pagerank(directed, weight="weight") if len(directed) else {}
    communities = communities_of(simple)
    order = {n: (d["category"], d["label"].lower()) for n, d in net.nodes(data=True)}
    positions = layout(simple, order)
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


def layout(simple: nx.Graph, order: dict[str, tuple[str, ...]]) -> dict[str, tuple[float, float]]:
    """Deterministic positions in screen pixels (y grows downwards, as in the browser).

    Each connected component is laid out on its own (Kamada-Kawai, or a seeded spring layout for
    big ones) with edges about EDGE_LENGTH long, and the components are packed in rows, largest
    first; concepts without relations follow in a grid, by `order` (category, then label).
    """
    blocks = [_component_layout(_induced(simple, c)) for c in _components(simple) if len(c) > 1]
    isolated = sorted((n for n in simple if not simple.degree(n)), key=lambda n: (order.get(n), n))
    area = sum(_box(b)[2] * _box(b)[3] for b in blocks) + len(isolated) * GRID[0] * GRID[1]
    width = max([math.sqrt(area * ASPECT)] + [_box(b)[2] for b in blocks])
    if isolated:
        blocks.append(_grid(isolated, max(1, int(width // GRID[0]))))
    return _pack(blocks, width)


EDGE_LENGTH = 230.0
GRID = (160.0, 100.0)  # cell width and height for concepts without relations
GAP = (150.0, 120.0)  # room around a packed block, for the labels
ASPECT = 1.45  # width / height of the packed layout, about a laptop's map area


def _components(simple: nx.Graph) -> list[list[str]]:
    found = (sorted(c) for c in nx.connected_components(simple))
    return sorted(found, key=lambda c: (-len(c), c[0]))


def _induced(simple: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph on `nodes`, built in their order: networkx's subgraph views iterate a set,
    whose order changes with the hash seed, and layouts depend on node order."""
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in simple.edges(nodes)))
    return sub


def _component_layout(sub: nx.Graph) -> dict[str, tuple[float, float]]:
    if len(sub) <= 300:
        raw = nx.kamada_kawai_layout(sub, weight=None)
    else:
        raw = nx.spring_layout(sub, seed=SEED, iterations=50)
    lengths = [math.dist(raw[u], raw[v]) for u, v in sub.edges() if u != v]
    factor = EDGE_LENGTH / (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
    nearest = _median_nearest(list(raw.values()))
    if nearest:  # neighbours at least a label apart, for big tangled components
        factor = max(factor, GRID[1] / nearest)
    return _widest({n: (float(x) * factor, float(y) * factor) for n, (x, y) in raw.items()})


def _median_nearest(points: list) -> float:
    """The median distance from a point to its nearest neighbour."""
    from scipy.spatial import cKDTree

    distances, _ = cKDTree(points).query(points, k=2)
    return float(sorted(d[1] for d in distances)[len(points) // 2])


def _widest(points: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Rotate a component so that its longest axis (principal component) lies horizontally."""
    mx = sum(x for x, _ in points.values()) / len(points)
    my = sum(y for _, y in points.values()) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points.values())
    syy = sum((y - my) ** 2 for _, y in points.values())
    sxy = sum((x - mx) * (y - my) for x, y in points.values())
    angle = -0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(angle), math.sin(angle)
    return {n: ((x - mx) * cos - (y - my) * sin, (x - mx) * sin + (y - my) * cos)
            for n, (x, y) in points.items()}


def _grid(nodes: list[str], columns: int) -> dict[str, tuple[float, float]]:
    return {n: ((i % columns) * GRID[0], (i // columns) * GRID[1]) for i, n in enumerate(nodes)}


def _box(block: dict[str, tuple[float, float]]) -> tuple[float, float, float, float]:
    """left, top, width and height of a block, with room for labels."""
    xs, ys = [p[0] for p in block.values()], [p[1] for p in block.values()]
    return min(xs), min(ys), max(xs) - min(xs) + GAP[0], max(ys) - min(ys) + GAP[1]


Positions = dict[str, tuple[float, float]]


def _pack(blocks: list[Positions], row_width: float) -> Positions:
    """Shelf packing: blocks left to right in rows of `row_width`, centred on the origin."""
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for block in blocks:
        left, top, width, height = _box(block)
        if x and x + width > row_width + GAP[0]:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.update({n: (px - left + x, py - top + y) for n, (px, py) in block.items()})
        x, row_height = x + width, max(row_height, height)
    if not placed:
        return {}
    cx = (min(p[0] for p in placed.values()) + max(p[0] for p in placed.values())) / 2
    cy = (min(p[1] for p in placed.values()) + max(p[1] for p in placed.values())) / 2
    return {n: (round(px - cx, 1), round(py - cy, 1)) for n, (px, py) in placed.items()}
