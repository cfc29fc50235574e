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
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

from graph.vocab import LG, OA, RELATIONS, SYMMETRIC

TERMS = Namespace(str(LG._NS))  # also the claim terms newer extractors write (statedRelation...)
DIRECTIONS = ("more", "less", "absent")
SEED = 7  # fixed seed for the layout and Louvain: same graph, same picture
SEEDS = (SEED, 11, 42)  # starts tried for a picture of several components laid out together
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
QUOTE_SEPARATOR = "\n"  # between the claims' quotes in an edge's evidence (quotes are one line)


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
    speaker_iri: str = ""
    time_start: float | None = None  # seconds, for timed sources (WebVTT, SRT)
    time_end: float | None = None

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
    speaker_iri: str = ""
    subject_direction: str = ""  # "more", "less" or "absent" as worded; "" for no mark
    object_direction: str = ""
    stated_relation: str = ""  # the relation as worded, when it differs from `relation`

    @property
    def question_quote(self) -> Quote | None:
        """For a claim put as a question: the question (another speaker's sentence)."""
        if not self.question:
            return None
        asked = [q for q in self.quotes if q.speaker_iri != self.speaker_iri]
        return asked[0] if asked else None


@dataclass(frozen=True)
class Transcript:
    iri: str
    title: str
    source: str
    speakers: tuple[str, ...]
    people: tuple[str, ...] = ()  # speaker IRIs, in the order of `speakers`


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
    alt_labels: dict[str, list[str]] = field(default_factory=dict)  # concept IRI -> other names
    sources: dict[str, str] = field(default_factory=dict)  # edge id -> digest of what it is made
    # of, where known (records.network_of): an edge with the same digest is written the same

    @cached_property
    def _evidence(self) -> dict[str, tuple[str, str]]:
        return {}  # edge id -> its evidence, as made (see evidence)

    def evidence(self, key: str) -> tuple[str, str]:
        """The text of an edge's claims, made once for every file that writes it (and only for
        the edges written): their quotes (a line per claim, its quotes' words joined by single
        spaces) and their IRIs (space-separated), in the order of `claims`."""
        found = self._evidence.get(key)
        if found is None:
            claims = self.claims.get(key, ())
            found = self._evidence[key] = (
                QUOTE_SEPARATOR.join(" ".join(" ".join(q.text.split()) for q in c.quotes)
                                     for c in claims), " ".join(c.iri for c in claims))
        return found


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
        people = sorted((_text(graph, p, FOAF.name), str(p))
                        for p in graph.objects(doc, DCTERMS.contributor))
        transcripts.append(Transcript(str(doc), _text(graph, doc, DCTERMS.title, source), source,
                                      tuple(n for n, _ in people), tuple(p for _, p in people)))
    return tuple(transcripts)


def _speaker(graph: Graph, subject: URIRef) -> tuple[str, str]:
    """The name and IRI of who said it."""
    agent = graph.value(subject, PROV.wasAttributedTo)
    if agent is None:
        return "", ""
    return _text(graph, agent, FOAF.name, local_name(agent)), str(agent)


def _seconds(graph: Graph, subject: URIRef, predicate: URIRef) -> float | None:
    value = graph.value(subject, predicate)
    return float(value.toPython()) if isinstance(value, Literal) else None


def read_quote(graph: Graph, sentence: URIRef) -> Quote:
    selectors = (s for s in graph.objects(sentence, OA.hasSelector)
                 if (s, RDF.type, OA.TextQuoteSelector) in graph)
    selector = next(selectors, None)
    text = str(graph.value(selector, OA.exact, default="")) if selector is not None else ""
    turn = graph.value(sentence, DCTERMS.isPartOf)
    speaker, speaker_iri = _speaker(graph, turn) if turn is not None else ("", "")
    return Quote(
        sentence=str(sentence), text=text, speaker=speaker,
        transcript=str(graph.value(sentence, OA.hasSource, default="")),
        line_start=_int(graph, sentence, LG.startLine), line_end=_int(graph, sentence, LG.endLine),
        speaker_iri=speaker_iri, time_start=_seconds(graph, sentence, LG.startTime),
        time_end=_seconds(graph, sentence, LG.endTime),
    )


def quote_order(quote: Quote) -> tuple[str, int, int, str]:
    return quote.transcript, quote.line_start, quote.line_end, quote.sentence


def claim_order(claim: ClaimRecord) -> tuple:
    """Reading order: transcript, then the line of the first piece of evidence."""
    return (quote_order(claim.quotes[0]) if claim.quotes else ("", 0, 0, "")), claim.iri


def _direction(graph: Graph, claim: URIRef, predicate: URIRef) -> str:
    value = _text(graph, claim, predicate)
    return value if value in DIRECTIONS else ""


QuoteReader = Callable[[URIRef], Quote]


def quote_reader(graph: Graph) -> QuoteReader:
    """read_quote, remembering each sentence: a sentence is evidence and mentions several
    concepts, and every look-up in the graph costs."""
    memo: dict[URIRef, Quote] = {}

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
        quotes = sorted((quote(s) for s in evidence), key=quote_order)
        confidence = graph.value(c, LG.confidence)
        speaker, speaker_iri = _speaker(graph, c)
        stated = local_name(str(graph.value(c, TERMS.statedRelation, default="")))
        claims.append(ClaimRecord(
            iri=str(c), subject=str(subject), relation=relation, object=str(obj),
            negated=_bool(graph, c, LG.negated), hedged=_bool(graph, c, LG.hedged),
            question=_bool(graph, c, LG.fromQuestion),
            confidence=float(confidence.toPython()) if confidence is not None else 1.0,
            rule=_text(graph, c, LG.rule), cue=_text(graph, c, LG.cue), speaker=speaker,
            transcript=quotes[0].transcript if quotes else "", quotes=tuple(quotes),
            speaker_iri=speaker_iri,
            subject_direction=_direction(graph, c, TERMS.subjectDirection),
            object_direction=_direction(graph, c, TERMS.objectDirection),
            stated_relation=stated if stated in RELATIONS and stated != relation else "",
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
    return {c: tuple(sorted(set(qs), key=quote_order)) for c, qs in sorted(found.items())}


def _edge_key(claim: ClaimRecord) -> tuple[str, str, str]:
    """(subject, relation, object); symmetric relations in one canonical direction."""
    s, o = claim.subject, claim.object
    if claim.relation in SYMMETRIC and o < s:
        s, o = o, s
    return s, claim.relation, o


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
        "size": 0.0,  # set with the layout, against the most mentioned concept
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
    return network(read_claims(graph, quote), read_mentions(graph, quote),
                   read_transcripts(graph), graph)


def network(claims: list[ClaimRecord], mentions: dict[str, tuple[Quote, ...]],
            transcripts: tuple[Transcript, ...], terms: Graph,
            lay: ComponentLayout | None = None) -> ConceptNetwork:
    """The concept network of claims and mentions; `terms` holds what is said of concepts and
    relations (labels, categories, definitions, inverses): the ontology and the codebook.
    `lay` lays out a connected component (component_layout, or one that remembers)."""
    titles = {t.iri: t.title for t in transcripts}
    relation_labels = _labels(terms, RELATIONS, LG)
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
        net.add_node(concept, **node_attributes(terms, concept, len(mentions.get(concept, ())),
                                                len(denied.get(concept, ()))))
    evidence: dict[str, tuple[ClaimRecord, ...]] = {}
    for number, (s, relation, o) in enumerate(sorted(positive), start=1):
        key = f"e{number}"
        evidence[key] = tuple(positive[s, relation, o])
        net.add_edge(s, o, key=key, **edge_attributes(relation, relation_labels[relation],
                                                      evidence[key], titles))
    add_measures(net, lay)
    return ConceptNetwork(
        graph=net, transcripts=transcripts, relation_labels=relation_labels,
        inverse_labels=_inverse_labels(terms, relation_labels),
        category_labels=_category_labels(terms, net), claims=evidence,
        mentions={c: mentions.get(c, ()) for c in concepts},
        denied={c: tuple(v) for c, v in sorted(denied.items())},
        alt_labels={c: names for c in concepts if (names := _alt_labels(terms, URIRef(c)))},
    )


def _alt_labels(graph: Graph, concept: URIRef) -> list[str]:
    """skos:altLabel values in English or untagged: what search also matches."""
    return sorted({" ".join(str(v).split()) for v in graph.objects(concept, SKOS.altLabel)
                   if isinstance(v, Literal) and v.language in (None, "en")})


def _summed(net: nx.MultiDiGraph, kind: type[nx.Graph]) -> nx.Graph:
    """A simple graph of `kind` with the weights of parallel edges summed (no self-loops for an
    undirected one; symmetric relations count both ways in a directed one). The edges are
    added once each, with their sums, in the order first met."""
    summed = kind()
    summed.add_nodes_from(net.nodes)
    directed = summed.is_directed()
    weights: dict[tuple[str, str], int] = {}
    for u, v, data in net.edges(data=True):
        ends = [(u, v), (v, u)] if directed and not data["directed"] else \
            [(u, v)] if directed or u != v else []
        for a, b in ends:
            key = (b, a) if not directed and (b, a) in weights else (a, b)
            weights[key] = weights.get(key, 0) + data["weight"]
    summed.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
    return summed


def add_measures(net: nx.MultiDiGraph, lay: ComponentLayout | None = None) -> None:
    """Degree, PageRank, Louvain community and layout position, as node attributes."""
    simple = _summed(net, nx.Graph)
    directed = _summed(net, nx.DiGraph)
    ranks = pagerank(directed)
    communities = communities_of(simple)
    order = {n: (d["category"], d["label"].lower()) for n, d in net.nodes(data=True)}
    degrees = {node: int(degree) for node, degree in net.degree()}
    top_degree = max(degrees.values(), default=0)
    top_mentions = max((d["mentions"] for _, d in net.nodes(data=True)), default=0)
    boxes = {}
    for node, data in net.nodes(data=True):
        degree = degrees[node]
        radius = max(scaled_radius(degree, top_degree),
                     scaled_radius(data["mentions"], top_mentions))
        boxes[node] = node_box(data["label"], radius, label_font(degree, top_degree))
        data["size"] = scaled_radius(data["mentions"], top_mentions)
    positions = layout(simple, boxes, order, lay)
    for node, data in net.nodes(data=True):
        data["degree"] = degrees[node]
        data["pagerank"] = round(float(ranks.get(node, 0.0)), 6)
        data["community"] = communities.get(node, -1)
        data["x"], data["y"] = positions[node]


def pagerank(graph: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-6) -> dict[str, float]:
    """Weighted PageRank by power iteration, as networkx's (dangling nodes link to all), without
    the SciPy import networkx's own version costs."""
    import numpy as np

    nodes = list(graph)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    size = len(nodes)
    matrix = np.zeros((size, size))
    for u, v, weight in graph.edges(data="weight", default=1):
        matrix[index[u], index[v]] += weight
    out = matrix.sum(axis=1)
    dangling = out == 0
    matrix[~dangling] /= out[~dangling, None]
    rank = np.full(size, 1.0 / size)
    for _ in range(100):
        previous = rank
        rank = alpha * (rank @ matrix + rank[dangling].sum() / size) + (1 - alpha) / size
        if np.abs(rank - previous).sum() < size * tol:
            break
    return dict(zip(nodes, (float(r) for r in rank), strict=True))


def communities_of(simple: nx.Graph) -> dict[str, int]:
    """Louvain communities of the concepts with relations (fixed seed), numbered from the
    largest (ties by first member); concepts without relations belong to none."""
    linked = sorted(n for n in simple if simple.degree(n))
    if not linked:
        return {}
    found = nx.community.louvain_communities(_induced(simple, linked), weight="weight", seed=SEED)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: number for number, members in enumerate(ordered) for node in members}


# --- layout -----------------------------------------------------------------------------------
# Positions are in canvas units, y down as in the browser. A concept is drawn as a dot of radius
# `size` with its label below it, in lines of at most WRAP characters; the label's box is
# estimated from the advance widths of DejaVu Sans / Verdana (the map's font), per 100 px.
FONT = 14.0  # label font size of the least connected concept; hubs get up to FONT_MAX
FONT_MAX = 16.0
RADIUS = (6.0, 22.0)  # smallest and largest dot
WRAP = 12
LINE_HEIGHT = 1.17  # of the font size, as vis-network sets multi-line labels
LABEL_GAP = 4.0  # between a dot and its label
MARGIN = 6.0  # kept free between two concepts' boxes
DENSITY = 0.4  # share of the layout's area the concepts' boxes take, before spreading
COMPACTION = 20  # rounds of shrinking by a tenth and spreading again (a quarter when LARGE)
LARGE = 200  # concepts from which the layout takes fewer, cheaper steps
ASPECT = 1.38  # width / height the layout is stretched to, at most (VIEW)
GRID = (170.0, 90.0)  # cells for concepts without relations (only exported files place them)
_WIDTHS = dict(zip(
    (chr(c) for c in range(32, 127)),  # printable ASCII, in order
    (32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64,
     64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75,
     79, 60, 79, 69, 63, 61, 73, 68, 99, 69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62,
     35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34,
     64, 84),
    strict=True))
_WIDE = 100  # any other character: as wide as "@" (accented letters are narrower; CJK is wider)


def scaled_radius(value: int, top: int) -> float:
    """A dot's radius over RADIUS, by the square root of `value` against the largest, `top`."""
    low, high = RADIUS
    share = math.sqrt(value / top) if top > 0 else 0.0
    return round(low + (high - low) * share, 1)


def label_font(degree: int, top: int) -> float:
    """Label font size: hubs a little larger, so the main concepts read first."""
    share = math.sqrt(degree / top) if top > 0 else 0.0
    return round(FONT + (FONT_MAX - FONT) * share, 1)


def wrap_label(label: str, width: int = WRAP) -> list[str]:
    """Greedy word wrap (a long word keeps its own line)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def text_width(text: str, font: float) -> float:
    return sum(_WIDTHS.get(ch, _WIDE) for ch in text) * font / 100


def node_box(label: str, radius: float, font: float) -> tuple[float, float, float]:
    """(width, above, below): the extent of a dot and its label around the concept's position."""
    lines = wrap_label(label)
    width = max(2 * radius, max(text_width(line, font) for line in lines) * 1.04 + 4)
    return width, radius, radius + LABEL_GAP + len(lines) * font * LINE_HEIGHT + 2


def layout(simple: nx.Graph, boxes: dict[str, tuple[float, float, float]],
           order: dict[str, tuple[str, ...]],
           lay: ComponentLayout | None = None) -> dict[str, tuple[float, float]]:
    """Deterministic positions: ForceAtlas2 (seeded) over the concepts with relations, spread
    until no two concepts' boxes (dot and label) overlap; the others in a grid below, for the
    exported files (the map lists them beside itself instead)."""
    linked = sorted(n for n in simple if simple.degree(n))
    placed = _force_layout(_induced(simple, linked), boxes, lay or component_layout) \
        if linked else {}
    isolated = sorted((n for n in simple if not simple.degree(n)), key=lambda n: (order.get(n), n))
    if isolated:
        bottom = max((y + boxes[n][2] for n, (x, y) in placed.items()), default=0.0)
        left = min((x for x, _ in placed.values()), default=0.0)
        columns = max(4, int(math.sqrt(len(isolated) * 2)))
        for i, node in enumerate(isolated):
            placed[node] = (left + (i % columns) * GRID[0],
                            bottom + 2 * GRID[1] + (i // columns) * GRID[1])
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in placed.items()}


def _induced(simple: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph on `nodes`, built in their order: networkx's subgraph views iterate a set,
    whose order changes with the hash seed, and layouts depend on node order."""
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    edges = (sorted((u, v)) for u, v in simple.edges(nodes) if u != v)
    sub.add_weighted_edges_from(sorted((u, v, simple[u][v]["weight"]) for u, v in edges))
    return sub


def _force_layout(sub: nx.Graph, boxes: dict[str, tuple[float, float, float]],
                  lay: ComponentLayout) -> Positions:
    """Each connected component laid out on its own (so none runs through another) and the
    components packed in rows, if that fits a laptop's map area (VIEW) at full size; otherwise
    whichever of that and one layout of all the components together (from a few seeded starts)
    fits it best (the components then fill each other's gaps)."""
    components = sorted((sorted(c) for c in nx.connected_components(sub)),
                        key=lambda c: (-len(c), c[0]))
    blocks = [lay(_induced(sub, c), boxes, False, SEED) for c in components]
    packed = _pack(blocks, boxes)
    if len(blocks) == 1 or len(sub) > LARGE or _view_fit(packed, boxes) >= 1.0:
        return packed
    tries = [packed, *(lay(sub, boxes, True, seed) for seed in SEEDS)]
    return max(tries, key=lambda p: _view_fit(p, boxes))  # the first of the best, if tied


def _view_fit(points: Positions, boxes: dict[str, tuple[float, float, float]]) -> float:
    left, top, right, bottom = _extent(points, boxes)
    return min(VIEW[0] / (right - left), VIEW[1] / (bottom - top))


def component_layout(sub: nx.Graph, boxes: dict[str, tuple[float, float, float]],
                     whole: bool = True, seed: int = SEED) -> Positions:
    """ForceAtlas2, rotated to lie wide, stretched to about ASPECT, scaled so the concepts'
    boxes cover about DENSITY of its area, spread until the boxes are apart, then compacted:
    toward the shape of VIEW if it is the `whole` picture, evenly if it is a block to pack."""
    if len(sub) == 1:
        return {next(iter(sub)): (0.0, 0.0)}
    large = len(sub) > LARGE
    raw = forceatlas2(sub, 80 if large else 300, seed)
    points = _widest({n: (float(x), float(y)) for n, (x, y) in zip(sub, raw, strict=True)})
    xs, ys = [x for x, _ in points.values()], [y for _, y in points.values()]
    width, height = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    stretch = math.sqrt(max(1.0, ASPECT * height / width))
    width, height = width * stretch, height / stretch
    area = sum(w * (above + below) for w, above, below in (boxes[n] for n in points)) / DENSITY
    factor = math.sqrt(area / (width * max(height, width / ASPECT)))  # a chain is not flat
    edges = sorted(sub.edges())
    points = remove_overlaps({n: (x * stretch * factor, y / stretch * factor)
                              for n, (x, y) in points.items()}, boxes, edges=edges)
    best = points
    for _ in range(COMPACTION // 4 if large else COMPACTION):  # pull in what spreading left
        # too far apart, the longer side of the map area's shape more, and settle again
        xs, ys = [x for x, _ in points.values()], [y for _, y in points.values()]
        aspect = max(max(xs) - min(xs), 1.0) / max(max(ys) - min(ys), 1.0)
        fx, fy = (0.9, 0.9 * min(1.0, aspect / ASPECT) ** 0.5) if aspect < ASPECT else \
            (0.9 * min(1.0, ASPECT / aspect) ** 0.5, 0.9)
        if not whole:
            fx = fy = 0.9
        points = remove_overlaps({n: (x * fx, y * fy) for n, (x, y) in points.items()}, boxes,
                                 bias=max(1.0, aspect / ASPECT), edges=edges)  # wide: go up, down
        if _compactness(points, boxes, whole) > _compactness(best, boxes, whole):
            best = points
    return best


def forceatlas2(sub: nx.Graph, steps: int, seed: int):
    """networkx's forceatlas2_layout with strong gravity 1 and weighted edges (the same start,
    forces and speed control), without its n x n x 2 arrays: repulsion summed per axis over
    all pairs, attraction over the edges. A few times faster on a large component; no
    BLAS call, whose sums may depend on its threads. The positions in the order of `sub`."""
    import numpy as np

    start = nx.random_layout(sub, seed=seed)
    pos = np.array([start[n] for n in sub], dtype=float)
    index = {n: i for i, n in enumerate(sub)}
    edges = np.array([(index[u], index[v], w) for u, v, w in sub.edges(data="weight", default=1)],
                     dtype=float).reshape(-1, 3)
    u, v, weight = edges[:, 0].astype(int), edges[:, 1].astype(int), edges[:, 2]
    mass = np.array([sub.degree(n) + 1 for n in sub], dtype=float)
    pairs = np.outer(mass, mass) * 2.0  # scaling ratio 2
    np.fill_diagonal(pairs, 0.0)
    speed, efficiency, swing, traction = 1.0, 1.0, 1.0, 1.0
    repulsion = _repulsion(pairs)
    for _ in range(steps):
        update = repulsion(pos)
        pull = weight[:, None] * (pos[v] - pos[u])  # attraction along the edges
        for axis in (0, 1):
            update[:, axis] += (np.bincount(u, pull[:, axis], len(pos))
                                - np.bincount(v, pull[:, axis], len(pos)))
        update -= mass[:, None] * (pos - pos.mean(axis=0))  # gravity
        swing += (mass * np.linalg.norm(pos - update, axis=1)).sum()
        traction += (0.5 * mass * np.linalg.norm(pos + update, axis=1)).sum()
        speed, efficiency = _speed(len(pos), swing, traction, speed, efficiency)
        swinging = mass * np.linalg.norm(update, axis=1)
        step = update * (speed / (1 + np.sqrt(speed * swinging)))[:, None]
        pos += step
        if np.abs(step).sum() < 1e-10:
            break
    return pos


REPULSION_BLOCK = 1 << 15  # pairs summed at a time: a few rows of n, kept in the CPU's cache


def _repulsion(pairs):
    """A function from positions to each concept's repulsion, summed per axis over all the
    others: for each pair, `pairs` (the masses' product, scaled) over the squared distance,
    times the distance along the axis. A few rows at a time, in buffers made once: the same
    operations on the same numbers as on whole n x n arrays (so the same sums, bit for bit),
    without allocating and touching eight arrays of n x n floats at every step."""
    import numpy as np

    n = len(pairs)
    rows = max(1, min(n, REPULSION_BLOCK // max(n, 1)))
    dx, dy, square, product = (np.empty((rows, n)) for _ in range(4))
    diagonal = np.arange(rows)

    def repulse(pos):
        x, y = pos[:, 0], pos[:, 1]
        update = np.empty((n, 2))
        for first in range(0, n, rows):
            last = min(n, first + rows)
            k = last - first
            bx, by, bs, bp = dx[:k], dy[:k], square[:k], product[:k]
            np.subtract(x[first:last, None], x[None, :], out=bx)
            np.subtract(y[first:last, None], y[None, :], out=by)
            np.multiply(bx, bx, out=bs)
            np.multiply(by, by, out=bp)
            np.add(bs, bp, out=bs)
            bs[diagonal[:k], diagonal[:k] + first] = 1.0  # a concept does not repel itself
            np.divide(pairs[first:last], bs, out=bs)
            np.multiply(bs, bx, out=bp)
            bp.sum(axis=1, out=update[first:last, 0])
            np.multiply(bs, by, out=bp)
            bp.sum(axis=1, out=update[first:last, 1])
        return update

    return repulse


def _speed(n: int, swing: float, traction: float, speed: float,
           efficiency: float) -> tuple[float, float]:
    """ForceAtlas2's next speed and speed efficiency, as networkx sets them."""
    jitter = max(math.sqrt(0.05 * math.sqrt(n)), min(10.0, 0.05 * math.sqrt(n) * traction / n**2))
    if swing / traction > 2.0:
        if efficiency > 0.05:
            efficiency *= 0.5
        jitter = max(jitter, 1.0)
    target = math.inf if swing == 0 else jitter * efficiency * traction / swing
    if swing > jitter * traction:
        if efficiency > 0.05:
            efficiency *= 0.7
    elif speed < 1000:
        efficiency *= 1.3
    return speed + min(target - speed, 0.5 * speed), efficiency


def _compactness(points: Positions, boxes: dict[str, tuple[float, float, float]],
                 whole: bool) -> float:
    """Larger is better: the zoom at which the whole picture fits VIEW, or for a block, the
    inverse of its area."""
    if whole:
        return _view_fit(points, boxes)
    left, top, right, bottom = _extent(points, boxes)
    return 1 / ((right - left) * (bottom - top))


GAP = 28.0  # between packed components


def _extent(block: Positions, boxes: dict[str, tuple[float, float, float]]) -> tuple[float, ...]:
    """left, top, right, bottom of a block's boxes."""
    return (min(x - boxes[n][0] / 2 for n, (x, _) in block.items()),
            min(y - boxes[n][1] for n, (_, y) in block.items()),
            max(x + boxes[n][0] / 2 for n, (x, _) in block.items()),
            max(y + boxes[n][2] for n, (_, y) in block.items()))


def _pack(blocks: list[Positions], boxes: dict[str, tuple[float, float, float]]) -> Positions:
    """Shelf packing, largest first: of a few row widths, the one whose result fits a map area
    of VIEW best; rows centred, the whole centred on the origin."""
    extents = [_extent(b, boxes) for b in blocks]
    sizes = [(r - left + GAP, b - top + GAP) for left, top, r, b in extents]
    widest = max(w for w, _ in sizes)
    area = sum(w * h for w, h in sizes)
    candidates = {max(widest, math.sqrt(area * ASPECT) * k) for k in (0.8, 1, 1.25, 1.5, 2, 3)}
    rows = max((_rows(sizes, w) for w in sorted(candidates)), key=lambda r: _fit(sizes, r))
    placed: Positions = {}
    width = max(sum(sizes[i][0] for i in row) for row in rows)
    y = 0.0
    for row in rows:
        x = (width - sum(sizes[i][0] for i in row)) / 2
        height = max(sizes[i][1] for i in row)
        for i in row:
            left, top = extents[i][:2]
            dy = (height - sizes[i][1]) / 2
            placed.update({n: (px - left + x, py - top + y + dy)
                           for n, (px, py) in blocks[i].items()})
            x += sizes[i][0]
        y += height
    return {n: (px - width / 2, py - y / 2) for n, (px, py) in placed.items()}


VIEW = (1060.0, 766.0)  # the map area of a laptop screen in pixels, less the margins of "fit"


def _rows(sizes: list[tuple[float, float]], width: float) -> list[list[int]]:
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, (w, _) in enumerate(sizes):
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += w
    return rows


def _fit(sizes: list[tuple[float, float]], rows: list[list[int]]) -> float:
    """The zoom at which packed rows fit VIEW (larger is better)."""
    width = max(sum(sizes[i][0] for i in row) for row in rows)
    height = sum(max(sizes[i][1] for i in row) for row in rows)
    return min(VIEW[0] / width, VIEW[1] / height)


Positions = dict[str, tuple[float, float]]
Boxes = dict[str, tuple[float, float, float]]
ComponentLayout = Callable[[nx.Graph, Boxes, bool, int], Positions]  # (sub, boxes, whole, seed)


def _widest(points: Positions) -> Positions:
    """Rotate a layout so that its longest axis (principal component) lies horizontally."""
    mx = sum(x for x, _ in points.values()) / len(points)
    my = sum(y for _, y in points.values()) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points.values())
    syy = sum((y - my) ** 2 for _, y in points.values())
    sxy = sum((x - mx) * (y - my) for x, y in points.values())
    angle = -0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(angle), math.sin(angle)
    return {n: ((x - mx) * cos - (y - my) * sin, (x - mx) * sin + (y - my) * cos)
            for n, (x, y) in points.items()}


def remove_overlaps(points: Positions, boxes: dict[str, tuple[float, float, float]],
                    rounds: int = 60, bias: float = 1.0,
                    edges: Iterable[tuple[str, str]] = ()) -> Positions:
    """Push apart every two concepts whose boxes (with MARGIN) overlap, along the axis of least
    overlap, and lengthen every edge whose middle (where its words go) lies in either end's box,
    until neither happens; if that does not settle, spread the whole layout a little and go on
    (spreading alone always ends it, the boxes keeping their size). A `bias` above 1 makes
    sideways pushes that much dearer."""
    import numpy as np

    nodes = sorted(points)
    index = {n: i for i, n in enumerate(nodes)}
    xy = np.array([points[n] for n in nodes], dtype=float)
    extents = np.array([boxes[n] for n in nodes], dtype=float)
    extents[:, 0] /= 2  # half width, above, below
    extents += MARGIN / 2
    ends = np.array([(index[u], index[v]) for u, v in edges if u != v], dtype=int).reshape(-1, 2)
    for _ in range(200):
        for _round in range(rounds):
            pushed = _push(xy, extents, bias)
            if not _lengthen(xy, extents, ends) and not pushed:
                return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy, strict=True)}
        xy *= 1.1
    raise RuntimeError("could not separate the concepts' labels")  # pragma: no cover


WORD = (4.0, 9.0)  # half width and half height kept free around an edge's middle


def _lengthen(xy, extents, ends) -> bool:
    """Move apart, a tenth of their distance, the two ends of every edge whose middle falls in
    the box of either end; True if any did."""
    import numpy as np

    if not len(ends):
        return False
    u, v = ends[:, 0], ends[:, 1]
    x, y = xy[:, 0], xy[:, 1]
    box = (x - extents[:, 0], x + extents[:, 0], y - extents[:, 1], y + extents[:, 2])
    mx, my = (x[u] + x[v]) / 2, (y[u] + y[v]) / 2
    near = (mx + WORD[0], mx - WORD[0], my + WORD[1], my - WORD[1])
    covered = np.zeros(len(ends), dtype=bool)
    for end in (u, v):  # the middle inside the end's box (each bound taken at the end)
        left, right, top, bottom = (bound[end] for bound in box)
        covered |= (near[0] > left) & (near[1] < right) & (near[2] > top) & (near[3] < bottom)
    if not covered.any():
        return False
    u, v = u[covered], v[covered]
    step = (xy[v] - xy[u]) * 0.05 + np.where(xy[v] >= xy[u], 1.0, -1.0)
    np.add.at(xy, u, -step)
    np.add.at(xy, v, step)
    return True


def _push(xy, extents, bias: float) -> bool:
    """Move both concepts of every overlapping pair half the overlap apart, all at once (the
    sideways or the up-and-down way, whichever is less, sideways counted `bias` times);
    True if any overlapped."""
    import numpy as np

    left, right = xy[:, 0] - extents[:, 0], xy[:, 0] + extents[:, 0]
    top, bottom = xy[:, 1] - extents[:, 1], xy[:, 1] + extents[:, 2]
    i, j = _side_by_side(left, right, ordered=False)
    ox = np.minimum(right[i], right[j]) - np.maximum(left[i], left[j])
    oy = np.minimum(bottom[i], bottom[j]) - np.maximum(top[i], top[j])
    keep = (ox > 0) & (oy > 0)
    if not keep.any():
        return False
    i, j, order = _in_order(i[keep], j[keep], len(xy))  # only the pairs that overlap
    ox, oy = ox[keep][order], oy[keep][order]
    move = np.zeros_like(xy)
    sideways = ox * bias < oy
    for axis, overlap, chosen in ((0, ox, sideways), (1, oy, ~sideways)):
        a, b = i[chosen], j[chosen]
        sign = np.where(xy[b, axis] >= xy[a, axis], 1.0, -1.0)
        step = sign * (overlap[chosen] / 2 + 0.5)
        np.add.at(move[:, axis], a, -step)
        np.add.at(move[:, axis], b, step)
    xy += move
    return True


def _side_by_side(left, right, ordered: bool = True):
    """The pairs (i, j), i < j, whose spans [left, right) overlap, in the order of i, then j
    (not `ordered`: each pair once, either way round, in no set order): a sweep over the spans
    sorted by their left end, so a layout's thousand boxes cost the pairs that share a
    column, not every pair."""
    import numpy as np

    order = np.argsort(left, kind="stable")
    after = np.searchsorted(left[order], right[order], side="left")  # first not overlapping
    first = np.arange(1, len(order) + 1)
    counts = np.maximum(after - first, 0)
    starts = np.repeat(first - np.cumsum(counts) + counts, counts)
    a = order[np.repeat(np.arange(len(order)), counts)]
    b = order[starts + np.arange(counts.sum())]
    if not ordered:
        return a, b
    i, j, _ = _in_order(a, b, len(order))
    return i, j


def _in_order(a, b, n: int):
    """Pairs of `n` items, each as (smaller, larger), in the order of the smaller, then the
    larger (a pair is the same either way round); and where each came from in `a` and `b`."""
    import numpy as np

    i, j = np.minimum(a, b), np.maximum(a, b)
    order = np.argsort(i * n + j)
    return i[order], j[order], order
