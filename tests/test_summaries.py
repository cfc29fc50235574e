"""The other forms of the named queries: those that read the build's summary graph
(ontology/summaries/) and those for a listing with no parameter given (ontology/listings/) give
the rows of the queries they stand for, in the same order; the summary is valid and
deterministic."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from graph import cli, query
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
