"""The networkx projection of the built graph: which concepts become nodes, one weighted edge per
typed relation, denied claims kept beside the edges, plain attributes, stable measures and layout."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from collections import Counter
from dataclasses import replace

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from graph.network import (
    RELATION_STYLES,
    TERMS,
    WORD,
    _lengthen,
    _repulsion,
    _side_by_side,
    category_colour,
    forceatlas2,
    label_font,
    local_name,
    node_box,
    project,
    remove_overlaps,
    scaled_radius,
)
from graph.pipeline import build
from graph.render import QUOTE_BUDGET, render_map
from graph.vocab import LG, RELATIONS, SYMMETRIC

from .conftest import BERWICK, CORPUS, FIXTURES, ROOT

PLAIN = (str, int, float)


@pytest.fixture(scope="module")
def berwick(berwick_build) -> tuple[Graph, object]:
    out, _, _ = berwick_build
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    return graph, project(graph)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Graph, object]:
    """tests/fixtures/tiny.txt: one denial ("Does technology undermine compassion?" "No")."""
    out = tmp_path_factory.mktemp("tiny") / "out"
    build([FIXTURES / "tiny.txt"], out)
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    return graph, project(graph)


def claims_of(graph: Graph) -> list[tuple[str, str, str, bool]]:
    rows = []
    for c in graph.subjects(RDF.type, LG.Claim):
        relation = local_name(str(graph.value(c, RDF.predicate)))
        s, o = str(graph.value(c, RDF.subject)), str(graph.value(c, RDF.object))
        if relation in SYMMETRIC:
            s, o = min(s, o), max(s, o)
        rows.append((s, relation, o, graph.value(c, LG.negated).toPython()))
    return rows


def test_nodes_are_the_concepts_mentioned_or_in_a_claim(berwick):
    graph, net = berwick
    mentioned = {str(c) for s, c in graph.subject_objects(LG.mentions)
                 if (s, RDF.type, LG.Sentence) in graph}
    in_claims = {c for s, _, o, _ in claims_of(graph) for c in (s, o)}
    assert mentioned and set(net.graph.nodes) == mentioned | in_claims


def test_one_edge_per_typed_relation_weighted_by_its_positive_claims(berwick):
    graph, net = berwick
    expected = Counter((s, r, o) for s, r, o, negated in claims_of(graph) if not negated)
    found = {(u, d["relation"], v): d["weight"] for u, v, d in net.graph.edges(data=True)}
    assert expected and found == dict(expected)
    for _, _, d in net.graph.edges(data=True):
        assert d["claims"] == d["weight"]
        assert d["directed"] == int(d["relation"] not in SYMMETRIC)


def test_every_direct_triple_between_concepts_is_an_edge(berwick):
    graph, net = berwick
    edges = {(u, d["relation"], v) for u, v, d in net.graph.edges(data=True)}
    for relation in RELATIONS:
        for s, o in graph.subject_objects(LG[relation]):
            s, o = str(s), str(o)
            assert (s, relation, o) in edges or (relation in SYMMETRIC and (o, relation, s) in edges)


def test_denied_claims_are_not_edges_but_listed_on_their_concepts(tiny):
    _, net = tiny
    labels = {d["label"]: n for n, d in net.graph.nodes(data=True)}
    technology, compassion = labels["technology"], labels["compassion"]
    [denial] = net.denied[compassion]
    assert denial.negated and denial in net.denied[technology]
    assert (denial.subject, denial.relation, denial.object) == (technology, "undermines", compassion)
    assert not net.graph.has_edge(technology, compassion)
    assert net.graph.nodes[compassion]["denied"] == 1
    assert [q.text for q in denial.quotes] == ["Does technology undermine compassion?",
                                               "No, not at all."]
    blame, learning = labels["blame"], labels["learning"]
    assert [d["relation"] for d in net.graph.get_edge_data(blame, learning).values()] == ["undermines"]


def test_every_attribute_is_a_plain_str_int_or_float(berwick):
    _, net = berwick
    for _, data in net.graph.nodes(data=True):
        assert all(type(v) in PLAIN for v in data.values()), data
    for _, _, data in net.graph.edges(data=True):
        assert all(type(v) in PLAIN for v in data.values()), data


def test_edges_carry_quotes_speaker_lines_and_rule_from_the_transcript(berwick):
    _, net = berwick
    original = BERWICK.read_text(encoding="utf-8")
    [transcript] = net.transcripts
    for _, _, key, data in net.graph.edges(keys=True, data=True):
        claims = net.claims[key]
        assert len(claims) == data["weight"]
        for claim in claims:
            assert claim.quotes and all(q.text in original for q in claim.quotes)
            assert claim.speaker in transcript.speakers and claim.rule
            assert all(0 < q.line_start <= q.line_end for q in claim.quotes)
        first = claims[0].quotes[0]
        assert data["quote"] == " ".join(first.text.split())
        assert (data["speaker"], data["rule"], data["lines"]) == (
            claims[0].speaker, claims[0].rule, first.lines)
        assert data["transcript"] == transcript.title


def test_node_attributes_follow_the_codebook_and_mentions(berwick):
    graph, net = berwick
    top = max(d["mentions"] for _, d in net.graph.nodes(data=True))
    for node, data in net.graph.nodes(data=True):
        assert data["label"] and data["category"] in {
            local_name(str(c)) for c in graph.objects(None, LG.category)}
        assert data["mentions"] == len(net.mentions[node])
        assert data["size"] == scaled_radius(data["mentions"], top)
        assert data["color"] == category_colour(data["category"])
        assert data["degree"] == net.graph.degree(node)
        assert data["denied"] == len(net.denied.get(node, ()))
    for _, _, data in net.graph.edges(data=True):
        assert data["color"] == RELATION_STYLES[data["relation"]].colour


def test_measures_and_layout_are_sane(berwick):
    _, net = berwick
    g = net.graph
    nodes = g.nodes(data=True)
    assert math.isclose(sum(d["pagerank"] for _, d in nodes), 1.0, abs_tol=1e-3)
    linked = [n for n in g if g.degree(n)]
    communities = {g.nodes[n]["community"] for n in linked}
    assert communities == set(range(len(communities)))
    assert all(d["community"] == -1 for n, d in nodes if not g.degree(n))
    positions = [(d["x"], d["y"]) for _, d in nodes]
    assert all(math.isfinite(c) for p in positions for c in p)
    assert len(set(positions)) == len(positions)


def boxes_of(net) -> dict[str, tuple[float, float, float, float]]:
    """left, top, right, bottom of each related concept's dot and label, as the layout sees it."""
    g = net.graph
    top_degree = max(d for _, d in g.degree())
    top_mentions = max(d["mentions"] for _, d in g.nodes(data=True))
    boxes = {}
    for n, d in g.nodes(data=True):
        if not g.degree(n):
            continue
        radius = max(scaled_radius(d["degree"], top_degree), scaled_radius(d["mentions"], top_mentions))
        width, above, below = node_box(d["label"], radius, label_font(d["degree"], top_degree))
        boxes[n] = (d["x"] - width / 2, d["y"] - above, d["x"] + width / 2, d["y"] + below)
    return boxes


@pytest.mark.parametrize("name", ["berwick", "corpus"])
def test_no_two_related_concepts_boxes_overlap(name, request):
    _, net = request.getfixturevalue(name)
    boxes = list(boxes_of(net).items())
    assert boxes
    for i, (a, (al, at, ar, ab)) in enumerate(boxes):
        for b, (bl, bt, br, bb) in boxes[i + 1:]:
            assert ar <= bl or br <= al or ab <= bt or bb <= at, (a, b)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Graph, object]:
    out = tmp_path_factory.mktemp("corpus") / "out"
    build([CORPUS, FIXTURES / "interviews"], out)
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    return graph, project(graph)


def test_the_layout_needs_neither_scipy_nor_kamada_kawai(berwick_build):
    out, _, _ = berwick_build
    script = ("import sys; from rdflib import Graph; from graph.network import project; "
              f"project(Graph().parse({str(out / 'graph.ttl')!r})); print('scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_claims_read_directions_and_the_stated_relation_when_present(berwick):
    graph, net = berwick
    claims = [c for cs in net.claims.values() for c in cs]
    for claim in claims:  # what the graph says, and nothing made up
        iri = URIRef(claim.iri)
        assert claim.subject_direction == str(graph.value(iri, TERMS.subjectDirection) or "")
        assert claim.object_direction == str(graph.value(iri, TERMS.objectDirection) or "")
    claims = [c for c in claims if not (c.subject_direction or c.object_direction
                                        or c.stated_relation)]
    marked = Graph() + graph
    first = URIRef(claims[0].iri)
    marked.add((first, TERMS.subjectDirection, Literal("less")))
    marked.add((first, TERMS.objectDirection, Literal("sideways")))  # not a direction: ignored
    marked.add((first, TERMS.statedRelation, LG.undermines))
    again = {c.iri: c for cs in project(marked).claims.values() for c in cs}[claims[0].iri]
    assert (again.subject_direction, again.object_direction) == ("less", "")
    assert again.stated_relation == ("undermines" if claims[0].relation != "undermines" else "")


def test_a_question_claim_knows_its_question(corpus):
    _, net = corpus
    asked = [c for cs in net.claims.values() for c in cs if c.question]
    assert asked
    for claim in asked:
        question = claim.question_quote
        assert question is not None and question.speaker_iri != claim.speaker_iri
        assert question in claim.quotes and question.text.rstrip().endswith("?")


def test_the_map_of_a_huge_corpus_stays_small(corpus):
    """Two hundred times the corpus's quotes and claims: the page embeds a bounded sample."""
    _, net = corpus

    def copy(quote, i):
        return replace(quote, sentence=f"{quote.sentence}/{i}", text=f"{quote.text} ({i})")

    copies = range(200)
    mentions = {c: tuple(copy(q, i) for i in copies for q in qs) for c, qs in net.mentions.items()}
    claims = {k: tuple(replace(c, iri=f"{c.iri}/{i}", quotes=tuple(copy(q, i) for q in c.quotes))
                       for c in cs for i in copies) for k, cs in net.claims.items()}
    page = render_map(replace(net, mentions=mentions, claims=claims))
    assert len(page.encode("utf-8")) < 10_000_000
    assert len(map_json(page)["quotes"]) <= QUOTE_BUDGET


def map_json(page: str) -> dict:
    """The data a map page embeds."""
    start = page.index('<script type="application/json" id="leadgraph-data">')
    body = page[page.index(">", start) + 1 :]
    return json.loads(body[: body.index("</script>")])


def test_projection_is_deterministic(berwick_build):
    out, _, _ = berwick_build
    first = project(Graph().parse(out / "graph.ttl", format="turtle"))
    second = project(Graph().parse(out / "graph.jsonld", format="json-ld"))
    assert list(first.graph.nodes(data=True)) == list(second.graph.nodes(data=True))
    assert list(first.graph.edges(keys=True, data=True)) == list(second.graph.edges(keys=True, data=True))
    assert first.claims == second.claims and first.denied == second.denied


def test_an_empty_graph_projects_to_an_empty_network():
    net = project(Graph())
    assert net.graph.number_of_nodes() == 0 and not net.transcripts


def test_a_map_with_more_relations_than_it_draws_keeps_the_most_stated(corpus, monkeypatch):
    """Past EDGE_BUDGET relations the map draws the ones with the most claims, in graph order,
    and says how many there are in all."""
    import graph.render

    _, net = corpus
    edges = list(net.graph.edges(keys=True, data=True))
    monkeypatch.setattr(graph.render, "EDGE_BUDGET", 5)
    data = map_json(render_map(net))
    assert len(data["edges"]) == 5 and data["edgeTotal"] == len(edges)
    drawn = {f"e{row[0]}" for row in data["edges"]}
    weights = sorted((d["weight"] for _, _, _, d in edges), reverse=True)
    assert sorted((d["weight"] for _, _, k, d in edges if k in drawn), reverse=True) == weights[:5]
    order = [k for _, _, k, _ in edges if k in drawn]
    assert [f"e{row[0]}" for row in data["edges"]] == order


def test_forceatlas2_takes_the_steps_networkx_takes():
    """The layout's own ForceAtlas2 is networkx's (strong gravity, weighted), step for step:
    the same positions but for networkx's single-precision start and sums."""
    import networkx as nx
    import numpy as np

    g = nx.les_miserables_graph()
    for steps in (1, 5):
        ours = forceatlas2(g, steps, 7)
        theirs = nx.forceatlas2_layout(g, max_iter=steps, gravity=1.0, strong_gravity=True,
                                       weight="weight", seed=7)
        expected = np.array([theirs[n] for n in g])
        assert np.allclose(ours, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


@pytest.mark.parametrize("block", [1, 7 * 50, 1 << 15])
def test_repulsion_a_few_rows_at_a_time_is_the_whole_arrays_sum_bit_for_bit(block, monkeypatch):
    """The blocked repulsion makes the same floats as the n x n arrays did, whatever the
    block (one row, blocks that do not divide n, all rows at once)."""
    import numpy as np

    import graph.network

    monkeypatch.setattr(graph.network, "REPULSION_BLOCK", block)
    rng = np.random.default_rng(11)
    pos = rng.normal(0, 50, (50, 2))
    mass = rng.integers(1, 9, 50).astype(float)
    pairs = np.outer(mass, mass) * 2.0
    np.fill_diagonal(pairs, 0.0)
    dx, dy = pos[:, 0, None] - pos[None, :, 0], pos[:, 1, None] - pos[None, :, 1]
    square = dx * dx + dy * dy
    np.fill_diagonal(square, 1.0)
    repulse = pairs / square
    expected = np.stack([(repulse * dx).sum(axis=1), (repulse * dy).sum(axis=1)], axis=1)
    assert _repulsion(pairs)(pos).tobytes() == expected.tobytes()


def test_an_edge_is_lengthened_when_its_middle_lies_in_either_ends_box():
    import numpy as np

    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 300, (60, 2))
    extents = rng.uniform(5, 40, (60, 3))
    ends = rng.integers(0, 60, (400, 2))
    ends = ends[ends[:, 0] != ends[:, 1]]
    middle = (xy[ends[:, 0]] + xy[ends[:, 1]]) / 2
    inside = np.zeros(len(ends), dtype=bool)
    for end in (ends[:, 0], ends[:, 1]):
        inside |= ((middle[:, 0] + WORD[0] > xy[end, 0] - extents[end, 0])
                   & (middle[:, 0] - WORD[0] < xy[end, 0] + extents[end, 0])
                   & (middle[:, 1] + WORD[1] > xy[end, 1] - extents[end, 1])
                   & (middle[:, 1] - WORD[1] < xy[end, 1] + extents[end, 2]))
    assert 0 < inside.sum() < len(ends)
    expected = xy.copy()
    u, v = ends[inside, 0], ends[inside, 1]
    step = (expected[v] - expected[u]) * 0.05 + np.where(expected[v] >= expected[u], 1.0, -1.0)
    np.add.at(expected, u, -step)
    np.add.at(expected, v, step)
    assert _lengthen(xy, extents, ends)
    assert xy.tobytes() == expected.tobytes()


def test_overlapping_spans_are_every_pair_a_full_comparison_finds_in_its_order():
    import numpy as np

    rng = np.random.default_rng(3)
    left = np.round(rng.uniform(0, 500, 400))  # ties included
    right = left + rng.uniform(1, 40, 400)
    i, j = _side_by_side(left, right)
    found = np.minimum(right[:, None], right) - np.maximum(left[:, None], left) > 0
    expected = [(a, b) for a, b in zip(*np.nonzero(found), strict=True) if a < b]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected
    a, b = _side_by_side(left, right, ordered=False)  # the same pairs, each once, either way
    ends = zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True)
    assert sorted(ends) == expected


def test_a_thousand_crowded_boxes_end_apart():
    import numpy as np

    rng = np.random.default_rng(5)
    names = [f"c{n:04d}" for n in range(1000)]
    points = {n: (float(x), float(y)) for n, (x, y) in zip(names, rng.normal(0, 300, (1000, 2)),
                                                           strict=True)}
    boxes = {n: (float(w), 10.0, 30.0) for n, w in zip(names, rng.uniform(20, 120, 1000),
                                                     strict=True)}
    placed = remove_overlaps(points, boxes, edges=list(itertools.pairwise(names)))
    order = sorted(placed, key=lambda n: placed[n][0] - boxes[n][0] / 2)
    for k, a in enumerate(order):
        ax, ay = placed[a]
        for b in order[k + 1:]:
            bx, by = placed[b]
            if bx - boxes[b][0] / 2 >= ax + boxes[a][0] / 2:
                break  # every later box starts right of this one
            assert by - 10 >= ay + 30 or ay - 10 >= by + 30, (a, b)
