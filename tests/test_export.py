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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD

import graph.export as export_module
from graph.cli import EXPORT_FORMATS, main
from graph.export import (
    EDGE_COLUMNS,
    FORMATS,
    NODE_COLUMNS,
    to_edges_csv,
    to_gexf,
    to_graphml,
    to_nodes_csv,
    write_atomic,
    write_views,
)
from graph.network import project
from graph.pipeline import MARKER
from graph.vocab import CONCEPT, DATA, LG, OA

JS = Path(__file__).parent / "js"
OUTPUTS = ("concept_map.html", "index.html", "graph.gexf", "graph.graphml", "nodes.csv", "edges.csv")
GEXF_NS = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}


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
    assert read["order"] == net.graph.number_of_nodes()
    for node, data in net.graph.nodes(data=True):
        attrs = read["nodes"][node]
        for name in ("label", "category", "mentions", "degree", "pagerank", "community"):
            assert attrs[name] == data[name], name
        r, g, b = (int(data["color"][i:i + 2], 16) for i in (1, 3, 5))
        assert attrs["color"] == f"rgba({r},{g},{b},1.0)"
        assert (attrs["size"], attrs["x"], attrs["y"]) == (data["size"], data["x"], -data["y"])
    symmetric = sum(1 for *_, d in net.graph.edges(data="directed") if not d)
    assert symmetric and read["size"] == net.graph.number_of_edges() + symmetric
    assert read["type"] == "directed"
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        edge = read["edges"][key]
        assert (edge["source"], edge["target"], edge["undirected"]) == (u, v, False)
        for name in ("relation", "weight", "claims", "quote", "label"):
            assert edge["attributes"][name] == data[name], name
        assert edge["attributes"]["symmetric"] == 1 - data["directed"]
        if not data["directed"]:
            reverse = read["edges"][f"{key}-reverse"]
            assert (reverse["source"], reverse["target"]) == (v, u)
            assert reverse["attributes"]["relation"] == data["relation"]


def test_gexf_edges_carry_every_claims_quote_and_iri(built, graphology):
    out, net = built
    read = read_with_graphology(graphology, "gexf", out / "graph.gexf")
    for _, _, key, data in net.graph.edges(keys=True, data=True):
        attrs = read["edges"][key]["attributes"]
        claims = net.claims[key]
        assert attrs["claim_iris"].split(" ") == [c.iri for c in claims]
        quotes = attrs["quotes"].split("\n")
        assert len(quotes) == len(claims) == data["weight"]
        for claim, line in zip(claims, quotes, strict=True):
            assert all(" ".join(q.text.split()) in line for q in claim.quotes)


def test_gexf_is_read_by_networkx_as_a_directed_multigraph_of_the_relations(built):
    import networkx as nx

    out, net = built
    read = nx.read_gexf(out / "graph.gexf")
    assert read.is_directed()
    assert set(read.nodes) == set(net.graph.nodes)
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        ends = [(u, v)] if data["directed"] else [(u, v), (v, u)]
        for a, b in ends:
            found = [d for d in read.get_edge_data(a, b).values()] if read.is_multigraph() else [
                read.get_edge_data(a, b)]
            match = [d for d in found if d["relation"] == data["relation"]]
            assert match and match[0]["weight"] == data["weight"], (a, b, key)
            assert match[0]["claim_iris"].split(" ") == [c.iri for c in net.claims[key]]


def test_gexf_declares_typed_attributes_and_alpha_and_no_date(built):
    out, _ = built
    root = ElementTree.parse(out / "graph.gexf").getroot()
    declared = {(a.get("title"), a.get("type")) for a in root.iterfind(".//g:attribute", GEXF_NS)}
    assert {("category", "string"), ("mentions", "long"), ("pagerank", "double"),
            ("community", "long"), ("relation", "string"), ("claims", "long"),
            ("quote", "string")} <= declared
    assert not {t for t, _ in declared} & {"id", "pid", "label", "networkx_key", "viz"}
    colours = root.findall(".//viz:color", GEXF_NS)
    assert len(colours) == len(root.findall(".//g:node", GEXF_NS)) + len(
        root.findall(".//g:edge", GEXF_NS))
    assert all(c.get("a") == "1.0" for c in colours)
    assert root.find("g:meta", GEXF_NS).get("lastmodifieddate") is None


def test_gexf_is_version_1_3_with_its_schema_location_and_types(built):
    out, _ = built
    root = ElementTree.parse(out / "graph.gexf").getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location == "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    graph_element = root.find("g:graph", GEXF_NS)
    assert graph_element.get("defaultedgetype") == "directed"
    assert {e.get("type") for e in graph_element.iterfind(".//g:edge", GEXF_NS)} == {"directed"}
    # the attribute types and viz shapes GEXF 1.3's schema allows
    types = {a.get("type") for a in root.iterfind(".//g:attribute", GEXF_NS)}
    assert types <= {"integer", "long", "double", "float", "boolean", "string", "liststring",
                     "anyURI"}
    shapes = {s.get("value") for s in root.iterfind(".//viz:shape", GEXF_NS)}
    assert shapes <= {"solid", "dotted", "dashed", "double"}
    ids = [e.get("id") for e in root.iterfind(".//g:edge", GEXF_NS)]
    assert len(ids) == len(set(ids))


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
        assert row["Claim IRIs"].split(" ") == [c.iri for c in net.claims[row["Id"]]]
        assert len(row["Quotes"].split("\n")) == data["weight"]


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


# --- hostile text: a graph made by hand, so any text can go anywhere -------------------------------

def hand_graph(label: str = "Candour", quote: str = "Candour needs trust.", title: str = "T",
               speaker: str = "Ann") -> Graph:
    """One transcript with two sentences by one speaker; concepts `label` and trust; two claims
    that candour requires trust (one per sentence) and one that they combine."""
    g = Graph()
    doc, person, turn = DATA["t"], DATA["t/speaker/ann"], DATA["t/turn/0"]
    candour, trust = CONCEPT["candour"], CONCEPT["trust"]
    for concept, name, category in ((candour, label, LG.Value), (trust, "trust", LG.Condition)):
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, Literal(name, lang="en")))
        g.add((concept, SKOS.definition, Literal(f"What {name} means.", lang="en")))
        g.add((concept, LG.category, category))
    g.add((candour, SKOS.broader, trust))
    g.add((doc, RDF.type, LG.Transcript))
    g.add((doc, DCTERMS.title, Literal(title)))
    g.add((doc, DCTERMS.source, Literal("t.txt")))
    g.add((doc, DCTERMS.contributor, person))
    g.add((person, RDF.type, FOAF.Person))
    g.add((person, FOAF.name, Literal(speaker)))
    g.add((turn, RDF.type, LG.Turn))
    g.add((turn, PROV.wasAttributedTo, person))
    texts = [quote, "And trust again."]
    start = len(speaker) + 2
    for index, text in enumerate(texts):
        sentence = DATA[f"t/sentence/{index}"]
        g.add((sentence, RDF.type, LG.Sentence))
        g.add((sentence, DCTERMS.isPartOf, turn))
        g.add((sentence, OA.hasSource, doc))
        g.add((sentence, LG.index, Literal(index, datatype=XSD.integer)))
        g.add((sentence, LG.startLine, Literal(1, datatype=XSD.integer)))
        g.add((sentence, LG.endLine, Literal(1, datatype=XSD.integer)))
        g.add((sentence, LG.mentions, candour))
        g.add((sentence, LG.mentions, trust))
        for kind, values in ((OA.TextQuoteSelector, {OA.exact: Literal(text)}),
                             (OA.TextPositionSelector, {OA.start: Literal(start),
                                                        OA.end: Literal(start + len(text))})):
            selector = URIRef(f"{sentence}/{kind.rsplit('#', 1)[-1]}")
            g.add((sentence, OA.hasSelector, selector))
            g.add((selector, RDF.type, kind))
            for p, o in values.items():
                g.add((selector, p, o))
        start += len(text) + 1
    claims = [(0, "requires"), (1, "requires"), (0, "combinesWith")]
    for index, relation in claims:
        claim = DATA[f"t/claim/{index}/{relation}"]
        g.add((claim, RDF.type, LG.Claim))
        g.add((claim, RDF.subject, candour))
        g.add((claim, RDF.predicate, LG[relation]))
        g.add((claim, RDF.object, trust))
        g.add((claim, LG.negated, Literal(False)))
        g.add((claim, LG.confidence, Literal(0.9)))
        g.add((claim, LG.rule, Literal("hand")))
        g.add((claim, PROV.wasAttributedTo, person))
        g.add((claim, LG.evidence, DATA[f"t/sentence/{index}"]))
    return g


def test_an_edge_with_two_claims_carries_both_quotes_and_iris():
    net = project(hand_graph())
    (key, data), = [(k, d) for _, _, k, d in net.graph.edges(keys=True, data=True)
                    if d["relation"] == "requires"]
    root = ElementTree.fromstring(to_gexf(net))
    titles = {a.get("id"): a.get("title") for a in root.iterfind(".//g:attribute", GEXF_NS)}
    edge = root.find(f".//g:edge[@id='{key}']", GEXF_NS)
    values = {titles[v.get("for")]: v.get("value") for v in edge.iterfind(".//g:attvalue", GEXF_NS)}
    assert float(edge.get("weight")) == data["weight"] == 2
    assert values["quotes"].split("\n") == ["Candour needs trust.", "And trust again."]
    assert values["claim_iris"].split(" ") == [str(DATA["t/claim/0/requires"]),
                                               str(DATA["t/claim/1/requires"])]


HOSTILE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                  max_size=40) | st.sampled_from(
    ["=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3", "@SUM(A1)", "a\x01b\x1bc", "\ufffe<&>'\"",
     "\tTab", "\rCR"])
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=HOSTILE, quote=HOSTILE, title=HOSTILE, speaker=HOSTILE)
def test_any_text_gives_well_formed_xml_and_csv_cells_that_run_no_formula(label, quote, title,
                                                                          speaker):
    from lxml import etree

    net = project(hand_graph(label, quote, title, speaker))
    for data in (to_gexf(net), to_graphml(net)):
        ElementTree.fromstring(data)
        etree.fromstring(data)
    for data in (to_nodes_csv(net), to_edges_csv(net)):
        for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
            for cell in row:
                assert not cell.startswith(FORMULA) or _is_number(cell), cell


def test_control_characters_are_replaced_not_dropped_silently():
    net = project(hand_graph(label="Can\x01dour\x1b", quote="Say \x0b it."))
    root = ElementTree.fromstring(to_gexf(net))
    labels = {n.get("label") for n in root.iterfind(".//g:node", GEXF_NS)}
    assert "Can\ufffddour\ufffd" in labels
    graphml = ElementTree.fromstring(to_graphml(net))
    assert any("Can\ufffddour" in (d.text or "") for d in graphml.iter())
    net = project(hand_graph(quote="Say \x01 it."))  # an edge's quote
    root = ElementTree.fromstring(to_gexf(net))
    assert "Say \ufffd it." in {v.get("value") for v in root.iterfind(".//g:attvalue", GEXF_NS)}
    assert any(d.text == "Say \ufffd it." for d in ElementTree.fromstring(to_graphml(net)).iter())


def test_csv_cells_that_look_like_formulas_get_a_quote():
    net = project(hand_graph(label="=HYPERLINK(\"http://evil\",\"x\")", quote="@SUM(A1) now."))
    nodes = list(csv.DictReader(io.StringIO(to_nodes_csv(net).decode("utf-8"))))
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in {row["Label"] for row in nodes}
    edges = list(csv.DictReader(io.StringIO(to_edges_csv(net).decode("utf-8"))))
    assert {row["Quote"] for row in edges} == {"'@SUM(A1) now."}


def test_attribute_ids_made_once_per_kind_of_element_are_those_made_one_at_a_time():
    """Declared.each hands out the ids `id` would, in the same order, elements of one kind
    (the same attribute names and types) sharing what was made for the first of them."""
    from graph.gephi import Declared

    elements = [("node", {"label": "a", "mentions": 1}), ("node", {"label": "b", "mentions": 2}),
                ("edge", {"weight": 1, "label": "x"}), ("node", {"label": "c", "mentions": 1.5}),
                ("node", {"extra": True, "label": "d", "mentions": 3}), ("edge", {})]
    for by_type in (False, True):
        each, single = Declared(), Declared()
        for scope, data in elements:
            made = each.each(scope, data, by_type, lambda name, ident: (name, ident))
            one = tuple((n, single.id(scope, n, v, by_type)) for n, v in data.items())
            assert made == one
        assert each.order == single.order
