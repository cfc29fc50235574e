"""The Gephi files, the CSV tables and `leadgraph export`: read back by independent readers
(graphology's GEXF and GraphML parsers under node, python-igraph), byte-stable, never half-written."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from rdflib import Graph

import graph.export as export_module
from graph.cli import EXPORT_FORMATS, main
from graph.export import EDGE_COLUMNS, FORMATS, NODE_COLUMNS, write_atomic, write_views
from graph.network import project
from graph.pipeline import MARKER

JS = Path(__file__).parent / "js"
OUTPUTS = ("concept_map.html", "index.html", "graph.gexf", "graph.graphml", "nodes.csv", "edges.csv")
GEXF_NS = {"g": "http://www.gexf.net/1.2draft", "viz": "http://www.gexf.net/1.2draft/viz"}


@pytest.fixture(scope="module")
def built(berwick_build):
    """(out folder, the network projected from its graph.ttl)."""
    out, _, _ = berwick_build
    return out, project(Graph().parse(out / "graph.ttl", format="turtle"))


@pytest.fixture(scope="module")
def graphology() -> Path:
    """tests/js with its locked npm packages installed."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node and npm are needed to run graphology's GEXF and GraphML parsers")
    if not (JS / "node_modules" / "graphology-gexf").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=JS, check=True)
    return JS


def read_with_graphology(js: Path, fmt: str, path: Path) -> dict:
    done = subprocess.run(["node", str(js / "read_graph.js"), fmt, str(path)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_build_writes_every_view_and_gephi_file(built):
    out, _ = built
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != MARKER]


def test_outputs_are_byte_identical_for_the_same_graph(built, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    write_views(Graph().parse(out / "graph.jsonld", format="json-ld"), again)
    for name in OUTPUTS:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("seed", ["1", "2"])
def test_outputs_do_not_depend_on_the_hash_seed(built, tmp_path, seed):
    out, _ = built
    env = {**os.environ, "PYTHONHASHSEED": seed}
    for fmt in ("gexf", "html"):
        subprocess.run([sys.executable, "-m", "graph", "export", str(out / "graph.ttl"), "--format",
                        fmt, "--out", str(tmp_path)], env=env, check=True, capture_output=True)
    for name in ("graph.gexf", "concept_map.html", "index.html"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_gexf_is_read_by_graphology_with_attributes_colours_sizes_and_positions(built, graphology):
    out, net = built
    read = read_with_graphology(graphology, "gexf", out / "graph.gexf")
    assert (read["order"], read["size"]) == (net.graph.number_of_nodes(), net.graph.number_of_edges())
    for node, data in net.graph.nodes(data=True):
        attrs = read["nodes"][node]
        for name in ("label", "category", "mentions", "degree", "pagerank", "community"):
            assert attrs[name] == data[name], name
        r, g, b = (int(data["color"][i:i + 2], 16) for i in (1, 3, 5))
        assert attrs["color"] == f"rgba({r},{g},{b},1.0)"
        assert (attrs["size"], attrs["x"], attrs["y"]) == (data["size"], data["x"], -data["y"])
    for _, _, key, data in net.graph.edges(keys=True, data=True):
        edge = read["edges"][key]
        assert edge["undirected"] == (not data["directed"])
        for name in ("relation", "weight", "claims", "quote", "label"):
            assert edge["attributes"][name] == data[name], name


def test_gexf_declares_typed_attributes_and_alpha_and_no_date(built):
    out, net = built
    root = ElementTree.parse(out / "graph.gexf").getroot()
    declared = {(a.get("title"), a.get("type")) for a in root.iterfind(".//g:attribute", GEXF_NS)}
    assert {("category", "string"), ("mentions", "long"), ("pagerank", "double"),
            ("community", "long"), ("relation", "string"), ("claims", "long"),
            ("quote", "string")} <= declared
    assert not {t for t, _ in declared} & {"id", "pid", "label", "networkx_key", "viz"}
    colours = root.findall(".//viz:color", GEXF_NS)
    assert len(colours) == net.graph.number_of_nodes() + net.graph.number_of_edges()
    assert all(c.get("a") == "1.0" for c in colours)
    assert root.find("g:meta", GEXF_NS).get("lastmodifieddate") is None


def test_graphml_is_read_by_graphology(built, graphology):
    out, net = built
    read = read_with_graphology(graphology, "graphml", out / "graph.graphml")
    assert (read["order"], read["size"]) == (net.graph.number_of_nodes(), net.graph.number_of_edges())
    node, data = next(iter(net.graph.nodes(data=True)))
    assert read["nodes"][node]["label"] == data["label"]
    assert read["nodes"][node]["pagerank"] == data["pagerank"]


def test_graphml_is_read_by_igraph_with_flattened_colours_and_positions(built):
    igraph = pytest.importorskip("igraph")
    out, net = built
    g = igraph.Graph.Read_GraphML(str(out / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == (net.graph.number_of_nodes(), net.graph.number_of_edges())
    assert {"label", "category", "mentions", "degree", "pagerank", "community", "x", "y", "size",
            "color", "r", "g", "b"} <= set(g.vs.attributes())
    assert {"relation", "weight", "claims", "quote"} <= set(g.es.attributes())
    by_id = {v["id"]: v for v in g.vs}
    for node, data in net.graph.nodes(data=True):
        vertex = by_id[node]
        assert vertex["label"] == data["label"] and vertex["mentions"] == data["mentions"]
        assert (vertex["x"], vertex["y"]) == (data["x"], -data["y"])
    assert sorted(g.es["weight"]) == sorted(float(w) for _, _, w in net.graph.edges(data="weight"))


def test_csv_tables_use_gephi_spreadsheet_columns(built):
    out, net = built
    nodes = list(csv.DictReader(io.StringIO((out / "nodes.csv").read_text(encoding="utf-8"))))
    edges = list(csv.DictReader(io.StringIO((out / "edges.csv").read_text(encoding="utf-8"))))
    assert tuple(nodes[0]) == NODE_COLUMNS and NODE_COLUMNS[:2] == ("Id", "Label")
    assert tuple(edges[0]) == EDGE_COLUMNS
    assert EDGE_COLUMNS[:6] == ("Source", "Target", "Type", "Id", "Label", "Weight")
    assert [row["Id"] for row in nodes] == list(net.graph.nodes)
    assert len(edges) == net.graph.number_of_edges()
    for row in edges:
        data = net.graph.edges[row["Source"], row["Target"], row["Id"]]
        assert row["Type"] == ("Directed" if data["directed"] else "Undirected")
        assert (row["Relation"], int(row["Weight"]), row["Quote"]) == (
            data["relation"], data["weight"], data["quote"])


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.gexf"
    target.write_bytes(b"old")

    def refuse(*_):
        raise OSError("disk full")

    monkeypatch.setattr(export_module.os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


# --- leadgraph export ---------------------------------------------------------------------------

def invoke(*args: str):
    return CliRunner().invoke(main, ["export", *args])


def test_cli_formats_match_the_library():
    assert EXPORT_FORMATS == FORMATS


@pytest.mark.parametrize("fmt, names", [
    ("gexf", ["graph.gexf"]), ("graphml", ["graph.graphml"]), ("csv", ["nodes.csv", "edges.csv"]),
    ("html", ["concept_map.html", "index.html"]),
])
def test_export_re_renders_the_build_outputs_exactly(built, tmp_path, fmt, names):
    out, _ = built
    result = invoke(str(out / "graph.ttl"), "--format", fmt, "--out", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()
        assert f"wrote {tmp_path / 'again' / name}" in result.output


@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_to_rdf_formats_keeps_every_triple(built, tmp_path, fmt, parse_as):
    out, _ = built
    target = tmp_path / f"copy.{fmt}"
    result = invoke(str(out / "graph.jsonld"), "--format", fmt, "--out", str(target))
    assert result.exit_code == 0, result.output
    original = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(Graph().parse(target, format=parse_as)) == len(original)


def test_export_writes_beside_the_graph_by_default(built, tmp_path):
    out, _ = built
    shutil.copy(out / "graph.ttl", tmp_path / "graph.ttl")
    result = invoke(str(tmp_path / "graph.ttl"), "--format", "gexf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "graph.gexf").read_bytes() == (out / "graph.gexf").read_bytes()


def test_export_of_a_missing_file_is_a_one_line_error(tmp_path):
    result = invoke(str(tmp_path / "nope.ttl"), "--format", "gexf")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nope.ttl'}: no such file"


def test_export_of_an_unparsable_file_fails_cleanly_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is <not turtle\n", encoding="utf-8")
    result = invoke(str(bad), "--format", "gexf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "cannot parse as turtle" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_export_refuses_a_remote_json_ld_context(tmp_path):
    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": "https://example.org/ctx.jsonld", "@id": "x"}))
    result = invoke(str(remote), "--format", "ttl", "--out", str(tmp_path / "o.ttl"))
    assert result.exit_code == 1 and "remote JSON-LD @context is not fetched" in result.output
    assert not (tmp_path / "o.ttl").exists()


def test_export_rejects_an_unknown_format(built):
    out, _ = built
    result = invoke(str(out / "graph.ttl"), "--format", "pdf")
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.output


def test_export_of_two_files_needs_a_folder(built, tmp_path):
    out, _ = built
    result = invoke(str(out / "graph.ttl"), "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "writes two files; give a folder" in result.output


def test_export_help_shows_an_example():
    result = invoke("--help")
    assert result.exit_code == 0 and "leadgraph export out/graph.ttl --format gexf" in result.output
