"""The build pipeline: shape checks that stop a build, the store beside the graph files,
and rebuilds from the cache that equal a clean build byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import graph.buildstore as buildstore
import graph.pipeline as pipeline
import graph.splice as splice
from graph.cli import main
from graph.pipeline import STORE, BuildError, Options, build
from graph.query import BUILD_FILES, SUMMARY_GRAPH, add_summaries, build_store, open_graph
from graph.rdf import Built

from .conftest import FIXTURES

OUTPUTS = ("graph.ttl", "graph.jsonld", "graph.trig", "graph.nq", "concept_map.html",
           "index.html", "graph.gexf", "graph.graphml", "nodes.csv", "edges.csv")


def _interviews(folder: Path) -> Path:
    folder.mkdir()
    for name in ("ward.md", "ed.txt", "community.txt", "pharmacy.srt"):
        shutil.copy(FIXTURES / "interviews" / name, folder / name)
    return folder


def test_a_graph_that_breaks_the_shapes_stops_the_build(tmp_path, monkeypatch):
    folder = _interviews(tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, Options(cache=None))
    before = (out / "graph.ttl").read_bytes()
    monkeypatch.setattr(pipeline, "check_pieces", lambda *_, **__: (False, "a broken shape"))
    with pytest.raises(BuildError, match="a broken shape"):
        build([folder], out, Options(cache=None))
    assert (out / "graph.ttl").read_bytes() == before
    summary = build([folder], out, Options(cache=None), check=False)
    assert summary.validated == 0


def test_a_build_in_one_process_checks_the_shapes_and_leaves_nothing_frozen(tmp_path,
                                                                            monkeypatch):
    """With one job the check runs in a forked process: a broken shape still stops the
    build there, and the objects the build kept out of full garbage collections are put
    back (gc.freeze, gc.unfreeze) whether it succeeds or fails."""
    import gc

    source = FIXTURES / "interviews" / "ed.txt"
    summary = build([source], tmp_path / "out", Options(cache=None, jobs=1))
    assert summary.validated == 1 and gc.get_freeze_count() == 0
    monkeypatch.setattr(pipeline, "check_pieces", lambda *_, **__: (False, "a broken shape"))
    with pytest.raises(BuildError, match="a broken shape"):
        build([source], tmp_path / "out", Options(cache=None, jobs=1))
    assert gc.get_freeze_count() == 0


def test_a_rebuild_after_one_change_equals_a_clean_build(tmp_path, monkeypatch):
    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    first = build([folder], tmp_path / "cached", options)
    assert first.validated == 4
    changed = folder / "ed.txt"
    changed.write_text(changed.read_text() + "\nInterviewer: Does trust require candour?\n")
    extracted = []
    extract = pipeline.extract
    monkeypatch.setattr(pipeline, "extract", lambda doc, engine: extracted.append(doc.id)
                        or extract(doc, engine))
    monkeypatch.setattr(buildstore, "_load", _no_load)
    before = splice.read_index(tmp_path / "cached" / STORE, pipeline.files_seal(options))
    copied = []
    copy = splice._copy
    monkeypatch.setattr(splice, "_copy", lambda *args: copied.append(
        (Path(args[1].name).name, args[2], args[3])) or copy(*args))  # file, offset, length
    again = build([folder], tmp_path / "cached", options)
    assert extracted == ["ed"]  # the others' outputs come from the cache
    others = [(name, segment) for name in BUILD_FILES
              for key, segment in before[name]["segments"].items()  # type: ignore[union-attr]
              if not re.search(r"/data/ed(/|>|$)", key)]
    assert len(others) > 6
    assert all(any(name == file and offset <= start and start + length <= offset + size
                   for file, offset, size in copied) for name, (_, start, length) in others)
    assert len(copied) < len(others)  # the other three's segments of every graph file, each
    # run of them (with the same text between them) in one copy (the views are made again: the
    # new sentence names concepts)
    assert (again.transcripts, again.validated) == (4, 4)
    monkeypatch.undo()
    build([folder], tmp_path / "clean", Options(cache=None))
    for name in OUTPUTS:
        clean = (tmp_path / "clean" / name).read_bytes()
        assert (tmp_path / "cached" / name).read_bytes() == clean, name
    assert _quads(tmp_path / "cached") == _quads(tmp_path / "clean")


def test_a_rebuild_after_a_rewrite_and_after_changing_back_equals_a_clean_build(
        tmp_path, monkeypatch):
    """A transcript rewritten (other claims and concepts: the network and every view change)
    and then put back: each rebuild from the cache and the memo writes the files and the
    store a clean build writes, and leaves garbage collection on."""
    import gc

    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "cached", options)
    first = {name: (tmp_path / "cached" / name).read_bytes() for name in OUTPUTS}
    changed = folder / "ed.txt"
    original = changed.read_text()
    changed.write_text((FIXTURES / "tiny.txt").read_text())
    monkeypatch.setattr(buildstore, "_load", _no_load)
    build([folder], tmp_path / "cached", options)
    assert gc.isenabled()
    monkeypatch.undo()
    build([folder], tmp_path / "clean", Options(cache=None))
    for name in OUTPUTS:
        rebuilt = (tmp_path / "cached" / name).read_bytes()
        assert rebuilt == (tmp_path / "clean" / name).read_bytes(), name
        assert rebuilt != first[name], name  # the rewrite changed every file
    assert _quads(tmp_path / "cached") == _quads(tmp_path / "clean")
    changed.write_text(original)
    build([folder], tmp_path / "cached", options)
    assert {name: (tmp_path / "cached" / name).read_bytes() for name in OUTPUTS} == first


def _no_load(folder: Path, built: Built) -> None:
    raise AssertionError("the store was loaded from the files, not updated")


def _quads(out: Path) -> list[str]:
    """Every quad of a build's store, sorted."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(out / STORE))
    return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())


def test_a_rebuild_without_a_transcript_and_with_a_new_one_stores_what_a_clean_build_does(
        tmp_path, monkeypatch):
    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options)
    (folder / "community.txt").unlink()
    shutil.copy(FIXTURES / "tiny.txt", folder / "tiny.txt")
    monkeypatch.setattr(buildstore, "_load", _no_load)
    build([folder], tmp_path / "out", options)
    monkeypatch.undo()
    build([folder], tmp_path / "clean", options)
    assert _quads(tmp_path / "out") == _quads(tmp_path / "clean")
    graphs = {graph.value for graph in open_graph(tmp_path / "out").store.named_graphs()}
    assert "https://w3id.org/leadgraph/data/tiny" in graphs
    assert "https://w3id.org/leadgraph/data/community" not in graphs


def test_a_line_that_names_nothing_leaves_the_summary_graph_uncounted(tmp_path, monkeypatch):
    """A rebuild whose changed triples cannot change a summary query's answer (a turn and
    sentence that mention nothing) keeps the summary graph without counting it; the store is
    still the clean build's. With other summary queries recorded, it is counted again."""
    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options)
    changed = folder / "ed.txt"
    changed.write_text(changed.read_text() + "\nInterviewer: Thank you.\n")
    counted = []
    refresh = buildstore._refresh_summaries
    monkeypatch.setattr(buildstore, "_refresh_summaries",
                        lambda store: counted.append(1) or refresh(store))
    monkeypatch.setattr(buildstore, "_load", _no_load)
    build([folder], tmp_path / "out", options)
    assert counted == []
    record = tmp_path / "out" / STORE / buildstore.DIGESTS
    record.write_text(record.read_text().replace('"summaries": "', '"summaries": "0'))
    changed.write_text(changed.read_text() + "Interviewer: Thank you again.\n")
    build([folder], tmp_path / "out", options)
    assert counted == [1]
    monkeypatch.undo()
    build([folder], tmp_path / "clean", Options(cache=None))
    assert _quads(tmp_path / "out") == _quads(tmp_path / "clean")


def test_a_store_without_its_record_is_loaded_again_from_the_files(tmp_path, monkeypatch):
    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options)
    before = _quads(tmp_path / "out")
    (tmp_path / "out" / STORE / buildstore.DIGESTS).write_text("{not json")
    loaded = []
    load = buildstore._load
    monkeypatch.setattr(buildstore, "_load",
                        lambda folder, built: loaded.append(folder) or load(folder, built))
    build([folder], tmp_path / "out", options)
    assert len(loaded) == 1 and _quads(tmp_path / "out") == before


@pytest.mark.parametrize("size", [1, 7, buildstore.LOAD_QUADS])
def test_a_store_loaded_in_pieces_holds_the_quads_of_the_graph_files(tmp_path, monkeypatch,
                                                                      size):
    monkeypatch.setattr(buildstore, "LOAD_QUADS", size)
    out = tmp_path / "out"
    build([_interviews(tmp_path / "in")], out, Options(cache=None), check=False)
    (tmp_path / "files").mkdir()
    files = ox.Store(str(tmp_path / "files" / STORE))
    files.bulk_load(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)
    files.bulk_load(path=out / "graph.ttl", format=ox.RdfFormat.TURTLE)
    add_summaries(files)
    files.flush()
    del files
    assert _quads(out) == _quads(tmp_path / "files")
    assert len(_quads(out)) > 1000


def test_the_store_answers_like_the_graph_file(tmp_path):
    folder = _interviews(tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, Options(cache=None))
    assert build_store(out / "graph.ttl") == out / STORE
    assert build_store(out) == out / STORE
    question = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (?g != <%s>) }"
    store = open_graph(out).store
    from_store = store.query(question % SUMMARY_GRAPH)
    from_file = open_graph(out / "graph.nq", writable=True).store.query(question % SUMMARY_GRAPH)
    assert next(iter(from_store))[0] == next(iter(from_file))[0]
    assert store.contains_named_graph(ox.NamedNode(SUMMARY_GRAPH))  # the build's counts
    runner = CliRunner()
    answers = [runner.invoke(main, ["query", str(source), "--name", "concepts-by-mentions",
                                    "--format", "csv", *extra])
               for source, extra in ((out, []), (out / "graph.ttl", ["--allow-update"]))]
    assert all(answer.exit_code == 0 for answer in answers), answers[0].output
    assert answers[0].stdout == answers[1].stdout and answers[0].stdout.count("\n") > 5


def test_an_edited_graph_file_is_read_instead_of_the_store(tmp_path):
    folder = _interviews(tmp_path / "in")
    out = tmp_path / "out"
    build([folder], out, Options(cache=None))
    turtle = out / "graph.ttl"
    turtle.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    assert build_store(turtle) is None
    loaded = open_graph(turtle)
    assert len(list(loaded.store)) == 1
    assert build_store(out / "graph.nq") == out / STORE  # the other files are as old as before
    other = out / "mine.ttl"
    shutil.copy(turtle, other)
    assert build_store(other) is None  # not a file the build wrote


def test_the_graph_checked_holds_every_triple_and_each_term_once(berwick_build):
    from rdflib import Graph

    from graph.validate import graph_of

    data = Graph().parse(berwick_build[0] / "graph.ttl").serialize(format="nt")
    merged = graph_of([data, data])
    assert set(merged) == set(Graph().parse(data=data, format="nt"))
    terms = [term for triple in merged for term in triple]
    assert len({id(term) for term in terms}) == len(set(terms))  # one object a term


def test_a_build_that_finds_a_component_again_takes_its_kept_positions(tmp_path, monkeypatch):
    import graph.layouts as layouts

    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "first", options)
    kept = sorted((tmp_path / "cache" / "layout").iterdir())
    assert len(kept) > 1  # the fixtures' map has several components

    def no_layout(*_: object) -> None:
        raise AssertionError("a component was laid out again")

    monkeypatch.setattr(layouts, "component_layout", no_layout)
    build([folder], tmp_path / "again", options)
    monkeypatch.undo()
    kept[0].write_text('[["not", "a", "position"]]')  # a damaged entry is laid out again
    build([folder], tmp_path / "repaired", options)
    for name in ("concept_map.html", "graph.gexf", "nodes.csv"):
        first = (tmp_path / "first" / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == first, name
        assert (tmp_path / "repaired" / name).read_bytes() == first, name
