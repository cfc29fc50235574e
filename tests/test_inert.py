"""Changed triples that cannot change a query's answer (graph/inert.py): over many varied changes
to a graph, whenever every triple taken out and put in is found inert, each summary query
answers as before; changes that do change an answer are found live; and query forms the module
does not follow count every triple as live."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from graph import query
from graph.inert import groups, live
from tests.test_query import FIXTURE

LG = "https://w3id.org/leadgraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TYPE = ox.NamedNode(RDF + "type")
CLASSES = [ox.NamedNode(LG + name) for name in ("Turn", "Sentence", "Claim", "Transcript")]
QUERIES = query.summary_queries()


def answer(store: ox.Store, text: str) -> list[str]:
    return sorted(str(triple) for triple in store.query(text))


def triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def changed(base: set[ox.Triple], rng: random.Random) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """Some of the graph's triples to take out and some to put in: made from its own terms
    and new ones (a new turn, sentence or claim, a mention, a name), so that some join with
    what is there and some do not."""
    known = sorted(base, key=str)
    taken = set(rng.sample(known, rng.randint(0, 3)))
    subjects = sorted({t.subject for t in known}, key=str)
    predicates = sorted({t.predicate for t in known}, key=str)
    objects = sorted({t.object for t in known}, key=str)
    fresh = [ox.NamedNode(f"https://example.org/new/{i}") for i in range(3)]
    put: set[ox.Triple] = set()
    for _ in range(rng.randint(0, 3)):
        subject = rng.choice(subjects + fresh)
        predicate = rng.choice(predicates + [TYPE] * 4)
        obj = rng.choice(CLASSES) if predicate == TYPE else rng.choice(objects + subjects + fresh)
        put.add(ox.Triple(subject, predicate, obj))
    return taken, put - base


@pytest.mark.parametrize("text", QUERIES)
def test_the_summary_queries_are_followed(text):
    assert groups(text)


@pytest.mark.parametrize("where", [
    "?t a lg:Turn OPTIONAL { ?t lg:mentions ?c }",
    "{ ?t lg:mentions ?c } UNION { ?c a lg:Concept }",
    "?t a lg:Turn FILTER NOT EXISTS { ?t lg:mentions ?c }",
    "?t lg:mentions/lg:category ?c",
    "GRAPH ?g { ?t lg:mentions ?c }",
])
def test_a_form_not_followed_counts_every_triple_as_live(where):
    text = f"PREFIX lg: <{LG}>\nCONSTRUCT {{ ?t lg:x ?c }} WHERE {{ {where} }}"
    assert groups(text) is None
    lone = ox.Triple(ox.NamedNode("https://example.org/a"), TYPE, CLASSES[0])
    assert live([lone], text, ox.Store())


def test_a_triple_without_partners_is_inert_and_one_with_them_live():
    text = next(q for q in QUERIES if "sharedTurns" in q)
    store = ox.Store()
    turn, concept = ox.NamedNode("https://example.org/turn"), ox.NamedNode(LG + "trust")
    typed = ox.Triple(turn, TYPE, CLASSES[0])
    store.add(ox.Quad(*typed, ox.DefaultGraph()))
    assert not live([typed], text, store)  # a turn that mentions nothing
    store.add(ox.Quad(turn, ox.NamedNode(LG + "mentions"), concept, ox.DefaultGraph()))
    assert live([typed], text, store)


def test_changes_found_inert_leave_every_summary_as_it_was():
    base_store = query.load_graph(FIXTURE).store
    base = triples(base_store)
    before = [answer(base_store, text) for text in QUERIES]
    rng = random.Random(7)
    inert = differing = 0
    for _ in range(150):
        taken, put = changed(base, rng)
        after = ox.Store()
        after.extend(ox.Quad(*t, ox.DefaultGraph()) for t in (base - taken) | put)
        for text, old in zip(QUERIES, before, strict=True):
            found = live(taken, text, base_store) or live(put, text, after)
            same = answer(after, text) == old
            if not found:
                assert same, (taken, put, text)
                inert += 1
            differing += not same
    assert inert > 100 and differing > 20  # both kinds of change were made
