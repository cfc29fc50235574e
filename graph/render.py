"""The HTML views: the interactive concept map (concept_map.html) and the report (index.html).

Both are single offline files rendered from templates in graph/templates/ by Jinja2 with
autoescaping on. The map's data travels as JSON inside a `<script type="application/json">`
element (`tojson` escapes `<`, `>`, `&` and `'`), and the map's script builds every panel with
DOM APIs and textContent: transcript text is never interpreted as HTML.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib.util import find_spec
from itertools import chain
from pathlib import Path

from graph.network import (
    OTHER_COLOUR,
    RELATION_STYLES,
    ClaimRecord,
    ConceptNetwork,
    Quote,
    category_colour,
    claim_order,
    label_font,
    local_name,
    scaled_radius,
    wrap_label,
)

TOP_CONCEPTS = 12
MATRIX_ROWS = 40  # concepts in the concept-by-interview table
SHARED_QUOTES = 8  # quotes shown per relation that several speakers state
REPORT_ROWS = 500  # claims listed in the report at most; the graph files hold them all
SHARED_ROWS = 300  # relations stated more than once listed in the report at most (idem)
TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"),
                                         "ensure_ascii": False}
    return env


def _inline(source: str, name: str):
    """Trusted code or CSS to put inside a <script> or <style> element, checked to stay inside."""
    from markupsafe import Markup

    lowered = source.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise ValueError(f"{name} cannot be inlined in an HTML page")
    return Markup(source)


def _asset(name: str):
    return _inline((TEMPLATES / name).read_text(encoding="utf-8"), name)


def vis_network_js():
    """vis-network's standalone build, as shipped inside the pyvis package (inlined once;
    found without importing pyvis, which takes longer than the rest of the map)."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvis is not installed: the map needs its copy of vis-network")
    path = Path(spec.submodule_search_locations[0], "lib", "vis-9.1.2", "vis-network.min.js")
    return _inline(path.read_text(encoding="utf-8"), "vis-network.min.js")


def _darker(colour: str, factor: float = 0.72) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (r, g, b)))


COMMUNITY_COLOURS = ("#3B7DD8", "#D64550", "#2A9D8F", "#E0A030", "#8E6BBF", "#5BA846",
                     "#D9822B", "#C25B9C", "#4C6A92", "#8C6D46", "#1F9BB5", "#A3A13A")
SEVERAL_COLOUR = "#374151"  # concepts of more than one interview, when colouring by interview
QUOTE_BUDGET = 20_000  # quotes embedded in the map at most; the graph files hold them all
PER_CONCEPT = 12  # quotes of mentions shown per concept (before the budget lowers it)
PER_EDGE = 12  # claims with their evidence per relation (idem)
EDGE_BUDGET = 5_000  # relations the map draws at most (those with the most claims): a browser
# draws 5,000 in a few seconds, 40,000 (1,000 interviews) in fifteen


def palette(i: int) -> str:
    return COMMUNITY_COLOURS[i % len(COMMUNITY_COLOURS)] if i >= 0 else OTHER_COLOUR


class _Index:
    """Numbers for repeated strings, concepts and quotes, so the embedded data stays small:
    quotes, claims and edges travel as arrays (see `unpack` in concept_map.js)."""

    def __init__(self, net: ConceptNetwork) -> None:
        self.transcripts = {t.iri: i for i, t in enumerate(net.transcripts)}
        self.speakers = _speakers(net)
        self.concepts = {node: i for i, node in enumerate(net.graph.nodes)}
        self.relations = {r: i for i, r in enumerate(RELATION_STYLES)}
        self.words: dict[str, int] = {}
        self.quotes: dict[str, int] = {}
        self.quote_rows: list[list] = []
        self.claims: dict[str, int] = {}
        self.claim_rows: list[list] = []

    def word(self, text: str) -> int:
        return self.words.setdefault(text, len(self.words))

    def quote(self, quote: Quote) -> int:
        if quote.sentence not in self.quotes:
            self.quotes[quote.sentence] = len(self.quote_rows)
            self.quote_rows.append([
                quote.text, self.speakers.get(quote.speaker_iri, -1),
                self.transcripts.get(quote.transcript, -1), quote.lines, quote.time_start,
            ])
        return self.quotes[quote.sentence]

    def claim(self, claim: ClaimRecord) -> int:
        if claim.iri not in self.claims:
            self.claims[claim.iri] = len(self.claim_rows)
            asked = claim.question_quote
            flags = claim.negated + 2 * claim.hedged + 4 * claim.question
            self.claim_rows.append([
                self.concepts[claim.subject], self.relations[claim.relation],
                self.concepts[claim.object], flags, claim.confidence, self.word(claim.rule),
                self.word(claim.cue), self.speakers.get(claim.speaker_iri, -1),
                self.transcripts.get(claim.transcript, -1), [self.quote(q) for q in claim.quotes],
                self.quote(asked) if asked else -1, claim.subject_direction,
                claim.object_direction, claim.stated_relation,
            ])
        return self.claims[claim.iri]


def _speakers(net: ConceptNetwork) -> dict[str, int]:
    """Speaker IRI -> number, ordered by name: one entry per person of an interview, or per
    person across interviews when the build was told they are one (--same-person)."""
    names = {q.speaker_iri: q.speaker for qs in net.mentions.values() for q in qs}
    for claims in (*net.claims.values(), *net.denied.values()):
        for claim in claims:
            names[claim.speaker_iri] = claim.speaker
            names.update((q.speaker_iri, q.speaker) for q in claim.quotes)
    names.pop("", None)
    return {iri: i for i, iri in enumerate(sorted(names, key=lambda iri: (names[iri], iri)))}


def speaker_rows(net: ConceptNetwork, index: _Index) -> list[dict]:
    """Name and a label that tells apart namesakes of different interviews."""
    where: dict[str, list[str]] = {}
    names = {}
    for t in net.transcripts:
        for name, iri in zip(t.speakers, t.people, strict=False):
            where.setdefault(iri, []).append(t.title)
            names[iri] = name
    rows = []
    for iri in index.speakers:
        titles = where.get(iri, [])
        name = names.get(iri) or _speaker_name(net, iri)
        if len(net.transcripts) < 2 or not titles:
            label = name
        elif len(titles) == 1:
            label = f"{name} · {titles[0]}"
        else:
            label = f"{name} · {len(titles)} interviews"
        rows.append({"name": name, "label": label})
    return rows


def _speaker_name(net: ConceptNetwork, iri: str) -> str:
    for quotes in net.mentions.values():
        for q in quotes:
            if q.speaker_iri == iri:
                return q.speaker
    for claims in (*net.claims.values(), *net.denied.values()):
        for c in claims:
            if c.speaker_iri == iri:
                return c.speaker
    return local_name(iri)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _interview_of(net: ConceptNetwork, node: str, index: _Index) -> int:
    """The one interview a concept comes from, -1 if several (known at the second)."""
    quotes = (q.transcript for q in net.mentions.get(node, ()))
    claims = (c.transcript for key in _edges_of(net, node) for c in net.claims[key])
    found = set()
    for transcript in chain(quotes, claims):
        found.add(index.transcripts.get(transcript, -1))
        if len(found) > 1:
            return -1
    return found.pop() if found else -1


def _edges_of(net: ConceptNetwork, node: str) -> list[str]:
    g = net.graph
    return [k for _, _, k in g.out_edges(node, keys=True)] + \
        [k for _, _, k in g.in_edges(node, keys=True)]


def _concept_row(net: ConceptNetwork, index: _Index, node: str, data: dict, caps: tuple[int, int],
                 tops: tuple[int, int]) -> dict:
    category = net.category_labels.get(data["category"], data["category"])
    title = "\n".join(filter(None, (
        data["label"], category,
        f"{_plural(data['mentions'], 'mention')} · {_plural(data['degree'], 'relation')}",
        f"{data['denied']} denied" if data["denied"] else "",
    )))
    mentions = net.mentions.get(node, ())
    return {
        "id": node, "key": local_name(node), "label": data["label"],
        "lines": "\n".join(wrap_label(data["label"])), "alt": net.alt_labels.get(node, []),
        "category": data["category"], "definition": data["definition"], "degree": data["degree"],
        "pagerank": data["pagerank"], "community": data["community"],
        "interview": _interview_of(net, node, index),
        "x": data["x"], "y": data["y"], "color": data["color"], "border": _darker(data["color"]),
        "sizes": [scaled_radius(data["degree"], tops[0]), scaled_radius(data["mentions"], tops[1])],
        "font": label_font(data["degree"], tops[0]), "title": title,
        "count": data["mentions"],
        "mentions": [index.quote(q) for q in mentions[:caps[0]]],
        "denied": [index.claim(c) for c in net.denied.get(node, ())[:caps[1]]],
    }


def drawn_edges(net: ConceptNetwork) -> list[tuple[str, str, str, dict]]:
    """The edges the map draws, in the graph's order: every one, or the EDGE_BUDGET with the
    most claims (the first in order among equals)."""
    edges = list(net.graph.edges(keys=True, data=True))
    if len(edges) <= EDGE_BUDGET:
        return edges
    kept = {e[2] for e in sorted(edges, key=lambda e: -e[3]["weight"])[:EDGE_BUDGET]}
    return [e for e in edges if e[2] in kept]


def _edge_rows(net: ConceptNetwork, index: _Index, cap: int,
               edges: list[tuple[str, str, str, dict]]) -> list[list]:
    """Edges with their first claims, as arrays: number, ends, relation, weight, speakers,
    interviews and claims (the map works out titles, widths and curves)."""
    rows = []
    for u, v, key, data in edges:
        claims = net.claims[key]
        rows.append([
            int(key.removeprefix("e")), index.concepts[u], index.concepts[v],
            index.relations[data["relation"]], data["weight"],
            len({c.speaker_iri for c in claims}), len({c.transcript for c in claims}),
            [index.claim(c) for c in claims[:cap]],
        ])
    return rows


def _caps(net: ConceptNetwork, keys: list[str]) -> tuple[int, int]:
    """Quotes per concept and claims per relation (of those with `keys`), lowered until the
    map holds at most QUOTE_BUDGET quotes: a corpus of any size makes a page of bounded size."""
    per_concept, per_edge = PER_CONCEPT, PER_EDGE
    while True:
        sentences = {q.sentence for qs in net.mentions.values() for q in qs[:per_concept]}
        for claims in (net.claims[key] for key in keys):
            sentences |= {q.sentence for c in claims[:per_edge] for q in c.quotes}
        for claims in net.denied.values():
            sentences |= {q.sentence for c in claims[:per_edge] for q in c.quotes}
        if len(sentences) <= QUOTE_BUDGET or per_concept == per_edge == 1:
            return per_concept, per_edge
        per_concept, per_edge = max(1, per_concept // 2), max(1, per_edge // 2)


def map_data(net: ConceptNetwork) -> dict:
    """Everything the map's script needs, as plain JSON-ready data."""
    index = _Index(net)
    g = net.graph
    drawn = drawn_edges(net)
    caps = _caps(net, [key for _, _, key, _ in drawn])
    tops = (max((d["degree"] for _, d in g.nodes(data=True)), default=0),
            max((d["mentions"] for _, d in g.nodes(data=True)), default=0))
    concepts = [_concept_row(net, index, n, d, caps, tops) for n, d in g.nodes(data=True)]
    edges = _edge_rows(net, index, caps[1], drawn)
    relation_counts = Counter(d["relation"] for _, _, d in g.edges(data=True))
    category_counts = Counter(d["category"] for _, d in g.nodes(data=True) if d["degree"])
    communities = sorted({d["community"] for _, d in g.nodes(data=True) if d["community"] >= 0})
    return {
        "concepts": concepts,
        "edges": edges,
        "edgeTotal": g.number_of_edges(),
        "claims": index.claim_rows,
        "quotes": index.quote_rows,
        "words": list(index.words),
        "speakers": speaker_rows(net, index),
        "transcripts": [{"title": t.title, "source": t.source, "color": palette(i)}
                        for i, t in enumerate(net.transcripts)],
        "several": SEVERAL_COLOUR,
        "communities": [{"id": c, "color": palette(c),
                         "count": sum(d["community"] == c for _, d in g.nodes(data=True))}
                        for c in communities],
        "relations": [
            {"id": r, "label": net.relation_labels[r], "inverse": net.inverse_labels[r],
             "color": s.colour, "dashes": s.dashes,
             "directed": s.directed, "count": relation_counts[r]}
            for r, s in RELATION_STYLES.items()
        ],
        "categories": [
            {"id": c, "label": net.category_labels.get(c, c), "color": category_colour(c),
             "count": category_counts[c]}
            for c in sorted(category_counts, key=lambda c: (-category_counts[c], c))
        ],
    }


def _title(net: ConceptNetwork) -> str:
    titles = [t.title for t in net.transcripts]
    if len(titles) == 1:
        return titles[0]
    return f"{len(titles)} interviews" if titles else "Concept map"


def render_map(net: ConceptNetwork) -> str:
    """concept_map.html: one self-contained page, no network requests."""
    return _environment().get_template("concept_map.html").render(
        title=_title(net), data=map_data(net), vis_js=vis_network_js(),
        style=_asset("concept_map.css"), script=_asset("concept_map.js"),
    )


def clock(seconds: float) -> str:
    """A cue time as hh:mm:ss."""
    whole = int(seconds)
    return f"{whole // 3600:02}:{whole // 60 % 60:02}:{whole % 60:02}"


def where(quote: Quote) -> str:
    """A quote's place: its cue time for timed sources, else its lines."""
    if quote.time_start is not None:
        return clock(quote.time_start)
    return f"line{'s' if '–' in quote.lines else ''} {quote.lines}"


def _claim_rows(net: ConceptNetwork, claims: list[ClaimRecord]) -> list[dict]:
    g = net.graph
    numbers = {t.iri: i + 1 for i, t in enumerate(net.transcripts)}
    return [
        {
            "subject": g.nodes[c.subject]["label"], "object": g.nodes[c.object]["label"],
            "relation": net.relation_labels.get(c.relation, c.relation),
            "colour": RELATION_STYLES[c.relation].colour,
            "quotes": c.quotes, "where": ", ".join(dict.fromkeys(where(q) for q in c.quotes)),
            "speaker": c.speaker, "rule": c.rule, "hedged": c.hedged,
            "question": c.question, "interview": numbers.get(c.transcript, 0),
        }
        for c in claims[:REPORT_ROWS]
    ]


def _matrix(net: ConceptNetwork) -> list[dict]:
    """Concept by interview: mentions and claims (stated or denied) of the most mentioned
    concepts in each interview, like a code-document matrix."""
    g = net.graph
    order = {t.iri: i for i, t in enumerate(net.transcripts)}
    found: dict[str, set[str]] = {}  # concept -> the interviews it is mentioned or claimed in
    counted: Counter[tuple[str, str]] = Counter()  # (concept, interview) -> its claims there
    negated = {c.iri: c for cs in net.denied.values() for c in cs}.values()
    stated = ((u, v, net.claims[key]) for u, v, key in g.edges(keys=True))
    for ends, claims in chain(((dict.fromkeys((u, v)), claims) for u, v, claims in stated),
                              ((dict.fromkeys((c.subject, c.object)), (c,)) for c in negated)):
        per = ((claims[0].transcript, 1),) if len(claims) == 1 else \
            Counter(c.transcript for c in claims).items()
        for transcript, count in per:
            if transcript in order:
                for concept in ends:
                    counted[concept, transcript] += count
                    found.setdefault(concept, set()).add(transcript)
    known = set(order)
    for concept, quotes in net.mentions.items():
        here = {q.transcript for q in quotes}
        found.setdefault(concept, set()).update(here if here <= known else here & known)
    ranked = sorted(g.nodes(data=True), key=lambda item: (
        -len(found.get(item[0], ())), -item[1]["mentions"], item[1]["label"]))
    rows = []
    for node, data in ranked[:MATRIX_ROWS]:  # cells made for the rows shown only
        mentions, claims = [0] * len(order), [0] * len(order)
        for quote in net.mentions.get(node, ()):
            if quote.transcript in order:
                mentions[order[quote.transcript]] += 1
        for transcript in found.get(node, ()):
            claims[order[transcript]] = counted[node, transcript]
        rows.append({"key": local_name(node), "label": data["label"], "color": data["color"],
                     "cells": _cells(zip(mentions, claims, strict=True)),
                     "interviews": len(found.get(node, ())), "mentions": data["mentions"]})
    return rows


def _cells(counts: Iterable[tuple[int, int]]):
    """A row's cells of the matrix, as HTML: mentions / claims, empty where both are 0."""
    from markupsafe import Markup

    return Markup("".join(
        f'<td class="num count">{m}<span class="claims-count"> / {c}</span></td>' if m or c
        else '<td class="num count zero"></td>' for m, c in counts))


def _shared(net: ConceptNetwork) -> list[dict]:
    """Relations that two or more speakers or interviews state, each with its quotes."""
    g = net.graph
    titles = {t.iri: t.title for t in net.transcripts}
    rows = []
    for u, v, key, data in g.edges(keys=True, data=True):
        claims = net.claims[key]
        if len(claims) < 2:  # one speaker in one interview
            continue
        speakers = {c.speaker_iri for c in claims}
        interviews = {c.transcript for c in claims}
        if len(speakers) < 2 and len(interviews) < 2:
            continue
        quotes = []
        for claim in claims[:SHARED_QUOTES]:
            said = [q for q in claim.quotes if q is not claim.question_quote] or list(claim.quotes)
            quotes.append({"text": " ".join(q.text for q in said), "speaker": claim.speaker,
                           "interview": titles.get(claim.transcript, ""),
                           "where": ", ".join(where(q) for q in said)})
        rows.append({"subject": g.nodes[u]["label"], "object": g.nodes[v]["label"],
                     "subject_key": local_name(u), "object_key": local_name(v),
                     "relation": data["label"], "colour": data["color"], "claims": len(claims),
                     "speakers": len(speakers), "interviews": len(interviews), "quotes": quotes})
    rows.sort(key=lambda r: (-r["interviews"], -r["speakers"], -r["claims"], r["subject"]))
    return rows


def report_data(net: ConceptNetwork) -> dict:
    """What index.html shows: the interviews at a glance, and how they compare."""
    g = net.graph
    positive = [c for claims in net.claims.values() for c in claims]
    denied = sorted({c.iri: c for cs in net.denied.values() for c in cs}.values(), key=claim_order)
    top = sorted(g.nodes(data=True), key=lambda nd: (-nd[1]["mentions"], -nd[1]["degree"],
                                                     nd[1]["label"]))
    claims_in = Counter(c.transcript for c in positive)
    shared = _shared(net)
    return {
        "title": _title(net),
        "transcripts": [{"number": i + 1, "title": t.title, "source": t.source,
                         "speakers": t.speakers, "claims": claims_in[t.iri]}
                        for i, t in enumerate(net.transcripts)],
        "speakers": sorted({s for t in net.transcripts for s in t.speakers}),
        "counts": [
            ("interviews", len(net.transcripts)), ("concepts", g.number_of_nodes()),
            ("relations", g.number_of_edges()), ("claims", len(positive)),
            ("denied claims", len(denied)),
        ],
        "top": [
            {**d, "key": local_name(n),
             "category_label": net.category_labels.get(d["category"], d["category"])}
            for n, d in top[:TOP_CONCEPTS]
        ],
        "matrix": _matrix(net),
        "shared": shared[:SHARED_ROWS], "shared_count": len(shared),
        "relations": _claim_rows(net, heapq.nsmallest(REPORT_ROWS, positive, key=claim_order)),
        "relation_count": len(positive),
        "denied": _claim_rows(net, denied), "denied_count": len(denied),
        "several": len(net.transcripts) > 1,
    }


def render_report(net: ConceptNetwork) -> str:
    """index.html: a static, responsive report that links to the map."""
    return _environment().get_template("index.html").render(
        **report_data(net), style=_asset("report.css"),
    )
