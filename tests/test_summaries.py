"""The other forms of the named queries: those that read the build's summary graph
(ontology/summaries/) and those for a listing with no parameter given (ontology/listings/) give
the rows of the queries they stand for, in the same order; the summary is valid and
deterministic."""

from __future__ import annotations

import csv
import gc
import io
import marshal
import random

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from graph import buildstore, cli, partials, query
from graph.pipeline import load_shapes
from graph.validate import validate
from tests.test_query import FIXTURE

SUMMARISED = sorted(name for name, named in query.named_queries().items() if named.summary)
LISTED = sorted(name for name, named in query.named_queries().items() if named.listing)
SUMMARY = ox.NamedNode(query.SUMMARY_GRAPH)


def summarised(path) -> query.LoadedGraph:
    """A graph file loaded into memory with the summary graph a build would add."""
    loaded = query.load_graph(path)
    query.add_summaries(loaded.store)
    return query.LoadedGraph(loaded.store, loaded.prefixes, loaded.graphs | {query.SUMMARY_GRAPH})


def summary_lines(store: ox.Store) -> list[str]:
    return sorted(str(q.triple) for q in store.quads_for_pattern(None, None, None, SUMMARY))


def csv_of(source: query.Source, text: str) -> bytes:
    _, result = query.answer(source, query.own_query(text))
    return query.render(result, "csv", {})


@pytest.fixture(scope="module")
def fixture_summarised() -> query.LoadedGraph:
    return summarised(FIXTURE)


@pytest.fixture(scope="module")
def berwick_store(berwick_build) -> query.LoadedGraph:
    out, _, _ = berwick_build
    return query.open_graph(out)


def test_the_counting_queries_have_a_summary_form():
    assert SUMMARISED == ["co-mention-gaps", "concepts-by-mentions", "corroborated-relations"]


@pytest.mark.parametrize("name", SUMMARISED)
def test_the_summary_form_gives_the_same_rows_in_the_same_order_on_the_fixture(
        name, fixture_summarised):
    named = query.named_query(name)
    assert query.named_text(named, fixture_summarised) == named.summary
    fast, plain = csv_of(fixture_summarised, named.summary), csv_of(fixture_summarised, named.text)
    assert fast == plain
    assert fast.count(b"\n") > 1  # the golden files hold rows for each


@pytest.mark.parametrize("name", SUMMARISED)
def test_the_summary_form_gives_the_same_rows_on_a_build(name, berwick_store):
    named = query.named_query(name)
    assert query.named_text(named, berwick_store) == named.summary
    assert csv_of(berwick_store, named.summary) == csv_of(berwick_store, named.text)


def test_a_graph_file_is_asked_the_query_itself():
    loaded = query.load_graph(FIXTURE)
    for name in SUMMARISED:
        named = query.named_query(name)
        assert query.named_text(named, loaded) == named.text


def test_the_command_reads_the_summary_of_a_build(berwick_build, berwick_store):
    out, _, _ = berwick_build
    assert summary_lines(berwick_store.store)
    for name in SUMMARISED:
        done = CliRunner().invoke(cli.main, ["query", str(out), "--name", name, "--format", "csv"])
        assert done.exit_code == 0, done.output
        on_file = csv_of(query.load_graph(out / "graph.ttl"), query.named_query(name).text)
        assert done.stdout_bytes == on_file


def test_the_build_made_the_summary_the_graph_file_gives(berwick_build, berwick_store):
    out, _, _ = berwick_build
    again = summarised(out / "graph.ttl")
    assert summary_lines(again.store) == summary_lines(berwick_store.store)


def test_the_summary_is_deterministic_and_names_every_node():
    first, second = summarised(FIXTURE), summarised(FIXTURE)
    lines = summary_lines(first.store)
    assert lines == summary_lines(second.store)
    assert lines and not any("_:" in line for line in lines)


def test_the_summary_conforms_to_the_shapes(fixture_summarised):
    graph = rdflib.Graph().parse(FIXTURE)  # as written: the store keeps some datatypes apart
    graph.parse(data=fixture_summarised.store.dump(format=ox.RdfFormat.N_TRIPLES,
                                                   from_graph=SUMMARY), format="nt")
    lg = rdflib.Namespace(query.STANDARD_PREFIXES["lg"])
    for kind in (lg.CorroboratedRelation, lg.CoMentionGap):
        assert any(graph.subjects(rdflib.RDF.type, kind))
    conforms, report = validate(graph, load_shapes())
    assert conforms, report
    gap = next(graph.subjects(rdflib.RDF.type, lg.CoMentionGap))
    graph.remove((gap, lg.sharedTurns, None))
    conforms, report = validate(graph, load_shapes())
    assert not conforms and "sharedTurns" in report


def test_the_evidence_listings_with_a_parameter_have_a_listing_form():
    assert LISTED == ["concept-relations", "speaker-on-concept"]


@pytest.mark.parametrize("which", ["fixture", "berwick"])
@pytest.mark.parametrize("name", LISTED)
def test_the_listing_form_gives_the_same_rows_in_the_same_order(name, which, berwick_store):
    source = query.load_graph(FIXTURE) if which == "fixture" else berwick_store
    named = query.named_query(name)
    assert query.named_text(named, source) == named.listing
    assert query.named_text(named, source, ("concept=trust",)) == named.text
    fast, plain = csv_of(source, named.listing), csv_of(source, named.text)
    assert fast == plain
    assert fast.count(b"\n") > 1


# --- pages of the listings of the whole corpus (ontology/pages/) -------------------------

PAGED = sorted(name for name, named in query.named_queries().items() if named.pages)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def full_listing(source: query.Source, name: str) -> list[list[str]]:
    named = query.named_query(name)
    return csv_rows(csv_of(source, query.named_text(named, source)))


def test_the_listings_of_the_whole_corpus_have_pages():
    assert PAGED == ["concept-relations", "relations-with-evidence", "speaker-on-concept"]


@pytest.mark.parametrize("walk", [True, False], ids=["walked", "cut-from-the-listing"])
@pytest.mark.parametrize("which", ["fixture", "berwick"])
@pytest.mark.parametrize("name", PAGED)
def test_a_page_holds_the_listings_rows_in_its_order(name, which, walk, berwick_store,
                                                     monkeypatch):
    if not walk:
        monkeypatch.setattr(query, "WALK_ROWS", 0)
    source = query.load_graph(FIXTURE) if which == "fixture" else berwick_store
    header, *rows = full_listing(source, name)
    assert len(rows) >= 4
    named = query.named_query(name)
    for offset, limit in [(0, 1), (0, 3), (2, 3), (len(rows) - 2, 5), (0, len(rows)),
                          (len(rows), 2), (1, 0)]:
        _, result, more = query.answer_page(source, named, (), query.Page(offset, limit),
                                            results="csv")
        end = offset + limit if limit else len(rows)
        assert csv_rows(query.render(result, "csv", {})) == [header, *rows[offset:end]]
        assert more == (end < len(rows))


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_a_page_is_written_as_the_engine_writes_the_answer(fmt, berwick_store):
    named = query.named_query("speaker-on-concept")
    _, whole = query.answer(berwick_store, query.own_query(named.text),
                            results=fmt if fmt in query.RESULT_FORMATS else "json")
    _, page, more = query.answer_page(berwick_store, named, (), query.Page(0, 10_000),
                                      results=fmt if fmt in query.RESULT_FORMATS else "json")
    assert not more
    assert query.render(page, fmt, berwick_store.prefixes) == \
        query.render(whole, fmt, berwick_store.prefixes)


def test_the_command_prints_a_page_of_a_listing_and_says_what_follows(berwick_build,
                                                                      monkeypatch):
    out, _, _ = berwick_build
    monkeypatch.setattr(query, "LISTING_ROWS", 4)
    whole = CliRunner().invoke(cli.main, ["query", str(out), "--name", "relations-with-evidence",
                                          "--format", "csv", "--limit", "0"])
    assert whole.exit_code == 0 and not whole.stderr
    header, *rows = csv_rows(whole.stdout_bytes)
    done = CliRunner().invoke(cli.main, ["query", str(out), "--name", "relations-with-evidence",
                                         "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert csv_rows(done.stdout_bytes) == [header, *rows[:4]]
    assert "showing rows 1 to 4" in done.stderr and "--offset 4" in done.stderr
    after = CliRunner().invoke(cli.main, ["query", str(out), "--name", "relations-with-evidence",
                                          "--format", "csv", "--offset", "4", "--limit", "3"])
    assert csv_rows(after.stdout_bytes) == [header, *rows[4:7]]
    assert "showing rows 5 to 7" in after.stderr


def test_a_listing_with_a_parameter_prints_every_row(berwick_build, berwick_store, monkeypatch):
    out, _, _ = berwick_build
    monkeypatch.setattr(query, "LISTING_ROWS", 1)
    named = query.named_query("speaker-on-concept")
    done = CliRunner().invoke(cli.main, ["query", str(out), "--name", "speaker-on-concept",
                                         "--param", "concept=leadership", "--format", "csv"])
    _, result = query.answer(berwick_store, query.own_query(named.text), ("concept=leadership",),
                             named.kinds)
    assert done.exit_code == 0 and not done.stderr
    assert done.stdout_bytes == query.render(result, "csv", {})
    assert done.stdout_bytes.count(b"\n") > 2


def test_limit_and_offset_go_with_a_named_query(berwick_build):
    out, _, _ = berwick_build
    done = CliRunner().invoke(cli.main, ["query", str(out), "-e", "SELECT * { ?s ?p ?o }",
                                         "--limit", "3"])
    assert done.exit_code == 2 and "LIMIT and OFFSET" in done.stderr


# A summary query flagged in ontology/summaries/ is kept up to date by parts on a rebuild
# (graph/partials.py): on random corpora, the summary graph and the kept counts after replacing,
# dropping or adding a transcript's graph are those of a full count of the new store.

LG, DATA = "https://w3id.org/leadgraph/ontology#", "https://w3id.org/leadgraph/data/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RELATIONS = ("combinesWith", "contrastsWith", "enables", "undermines")


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def transcript(name: str, rng: random.Random, concepts: int = 7) -> list[ox.Triple]:
    """The triples of a random transcript graph: turns and sentences that mention concepts of a
    small shared pool, and claims (some denied) between them by speakers whose names other
    transcripts may share."""
    own, lg = f"{DATA}{name}", lambda local: _iri(LG + local)
    typed = _iri(RDF + "type")
    triples: list[ox.Triple] = []
    people = [_iri(f"{own}/person/{i}") for i in range(rng.randint(1, 3))]
    for person in people:
        name_of = ox.Literal(rng.choice(["Interviewer", "Ann", "Bo", "Cy"]))
        triples.append(ox.Triple(person, _iri("http://xmlns.com/foaf/0.1/name"), name_of))
    for t in range(rng.randint(0, 4)):
        turn = _iri(f"{own}/turn/{t}")
        triples.append(ox.Triple(turn, typed, lg("Turn")))
        for s in range(rng.randint(1, 3)):
            sentence = _iri(f"{own}/turn/{t}/sentence/{s}")
            mentioned = rng.sample(range(concepts), rng.randint(0, 3))
            triples += [ox.Triple(sentence, typed, lg("Sentence")),
                        ox.Triple(sentence, _iri("http://purl.org/dc/terms/isPartOf"), turn),
                        ox.Triple(sentence, _iri("http://www.w3.org/ns/oa#hasSource"),
                                  _iri(own))]
            for c in mentioned:
                concept = _iri(f"{DATA}concept/c{c}")
                triples += [ox.Triple(sentence, lg("mentions"), concept),
                            ox.Triple(turn, lg("mentions"), concept)]
            for k in range(rng.randint(0, 2)):
                claim = _iri(f"{own}/turn/{t}/sentence/{s}/claim/{k}")
                ends = rng.sample(range(concepts), 2)
                triples += [
                    ox.Triple(claim, typed, lg("Claim")),
                    ox.Triple(claim, _iri(RDF + "subject"), _iri(f"{DATA}concept/c{ends[0]}")),
                    ox.Triple(claim, _iri(RDF + "predicate"), lg(rng.choice(RELATIONS))),
                    ox.Triple(claim, _iri(RDF + "object"), _iri(f"{DATA}concept/c{ends[1]}")),
                    ox.Triple(claim, lg("negated"), ox.Literal(rng.random() < 0.2)),
                    ox.Triple(claim, _iri("http://www.w3.org/ns/prov#wasAttributedTo"),
                              rng.choice(people)),
                    ox.Triple(claim, lg("evidence"), sentence)]
    return triples


def _store_of(folder, graphs: dict[str, list[ox.Triple]]) -> None:
    """A build's store of `graphs` in `folder`, with its summary graph and what it keeps."""
    store = ox.Store(str(folder))
    for iri, triples in graphs.items():
        store.extend(ox.Quad(*t, _iri(iri)) for t in triples)
        store.extend(ox.Quad(*t) for t in triples)
    lines, kept = buildstore._summarise(store)
    store.load(b"\n".join(sorted(lines)), ox.RdfFormat.N_TRIPLES, to_graph=SUMMARY)
    buildstore._keep(folder, kept)
    store.flush()


def _sorted_quads(store: ox.Store) -> list[str]:
    return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())


def _ntriples(triples: list[ox.Triple]) -> str:
    return "".join(f"{t} .\n" for t in triples)


@pytest.mark.parametrize("flagged", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_a_summary_updated_by_parts_is_the_full_count(tmp_path, monkeypatch, seed, flagged):
    """Unflagged, each query is counted again when a changed triple is live for it."""
    if not flagged:
        texts = [text.replace(partials.FLAG, "") for text in query.summary_queries()]
        monkeypatch.setattr(query, "summary_queries", lambda: texts)
    rng = random.Random(seed)
    graphs = {f"{DATA}t{i}": transcript(f"t{i}", rng) for i in range(rng.randint(2, 6))}
    _store_of(tmp_path / "before", graphs)
    dropped = rng.sample(sorted(graphs), rng.randint(0, 2))
    added = {f"{DATA}t{i}": transcript(f"t{i}", rng)
             for i in rng.sample(range(8), rng.randint(1, 2))}
    buildstore._replace(tmp_path / "before", tmp_path / "after", sorted({*dropped, *added}),
                        {iri: [_ntriples(t)] for iri, t in added.items()}, "", True)
    kept = marshal.loads((tmp_path / "after" / buildstore.KEPT).read_bytes())
    now = {iri: t for iri, t in graphs.items() if iri not in dropped} | added
    _store_of(tmp_path / "clean", now)
    clean = marshal.loads((tmp_path / "clean" / buildstore.KEPT).read_bytes())
    gc.collect()  # the stores written above are closed
    after, fresh = (ox.Store.read_only(str(tmp_path / name)) for name in ("after", "clean"))
    assert _sorted_quads(after) == _sorted_quads(fresh)  # the summary graph's with the rest
    assert set(after.named_graphs()) == set(fresh.named_graphs())
    full = {line for made in query.summaries(after)
            for line in made.serialize(format=ox.RdfFormat.N_TRIPLES).splitlines()}
    assert set(after.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=SUMMARY).splitlines()) \
        == full
    assert kept == clean
    assert any(partials.summed(text) for text in query.summary_queries()) == flagged


def test_a_summary_updated_by_parts_to_nothing_leaves_no_summary_graph(tmp_path):
    graphs = {f"{DATA}t{i}": transcript(f"t{i}", random.Random(i)) for i in range(3)}
    _store_of(tmp_path / "before", graphs)
    quiet = [t for t in transcript("t0", random.Random(0)) if "/person/" in str(t.subject)]
    buildstore._replace(tmp_path / "before", tmp_path / "after", sorted(graphs),
                        {f"{DATA}t0": [_ntriples(quiet)]}, "", True)
    gc.collect()
    after = ox.Store.read_only(str(tmp_path / "after"))
    assert [g.value for g in after.named_graphs()] == [f"{DATA}t0"]


def test_the_flagged_summary_queries_are_cut_at_their_grouped_subquery():
    cut = {path.name: partials.summed(path.read_text(encoding="utf-8"))
           for path in query.summaries_folder().glob("*.construct.rq")}
    assert sorted(name for name, summed in cut.items() if summed) == [
        "co-mention-gaps.construct.rq", "concepts-by-mentions.construct.rq",
        "corroborated-relations.construct.rq"]
    assert list(cut["corroborated-relations.construct.rq"].through) == [0]  # ?speaker
    gaps = cut["co-mention-gaps.construct.rq"]
    assert gaps.keys == ("concept", "other") and gaps.names == ("sharedTurns",)
    assert len(gaps.minus) == 2


@pytest.mark.parametrize("change", [
    ("COUNT(DISTINCT ?turn)", "SUM(?turn)"),
    ("AS ?sharedTurns)", "AS ?sharedTurns) (COUNT(*) AS ?rows)"),
    ("GROUP BY ?concept ?other", "GROUP BY ?concept ?other HAVING (COUNT(DISTINCT ?turn) > 1)"),
    ("FILTER (STR(?concept) < STR(?other))", "OPTIONAL { ?concept a ?kind }"),
    ("{ SELECT ?claim ?concept { ?claim rdf:object ?concept } }",
     "{ SELECT ?claim ?thing { ?claim rdf:object ?thing } }"),  # a MINUS that misses ?concept
])
def test_a_flagged_query_that_cannot_be_counted_by_parts_is_refused(change):
    text = (query.summaries_folder() / "co-mention-gaps.construct.rq").read_text("utf-8")
    assert change[0] in text
    with pytest.raises(partials.Unsupported):
        partials.summed(text.replace(*change, 1))
