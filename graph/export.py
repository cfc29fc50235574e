"""Write the views and Gephi files of a graph: concept_map.html, index.html, graph.gexf,
graph.graphml, nodes.csv and edges.csv; and re-export a saved graph (`leadgraph export`).

Every file is made in memory and written through a temporary file, so a failure never leaves a
half-written output behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from rdflib import RDF, Dataset, Graph

from graph.elements import Elements
from graph.gephi import edge_evidence, element_key, to_gexf, to_graphml
from graph.network import ConceptNetwork, project
from graph.query import build_store
from graph.render import render_map, render_report
from graph.vocab import LG

VIEW_FILES = ("concept_map.html", "index.html")
CSV_FILES = ("nodes.csv", "edges.csv")
FILE_NAMES = {"gexf": "graph.gexf", "graphml": "graph.graphml", "jsonld": "graph.jsonld",
              "ttl": "graph.ttl", "nt": "graph.nt", "qdpx": "project.qdpx", "qdc": "codebook.qdc"}
FORMATS = ("gexf", "graphml", "csv", "jsonld", "ttl", "nt", "html", "qdpx", "qdc")
NODE_COLUMNS = ("Id", "Label", "Category", "Mentions", "Degree", "PageRank", "Community", "Denied",
                "Definition", "Color", "Size", "X", "Y")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Weight", "Relation", "Claims",
                "Confidence", "Quote", "Speaker", "Lines", "Rule", "Transcript", "Color", "Quotes",
                "Claim IRIs")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads these as a formula


class ExportError(Exception):
    """A graph that cannot be read or written; the message names the file."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(header: tuple[str, ...], rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def to_nodes_csv(net: ConceptNetwork) -> bytes:
    """nodes.csv in Gephi's spreadsheet-import columns (Id, Label, then attributes)."""
    rows = [
        (node, d["label"], d["category"], d["mentions"], d["degree"], d["pagerank"], d["community"],
         d["denied"], d["definition"], d["color"], d["size"], d["x"], -d["y"])
        for node, d in net.graph.nodes(data=True)
    ]
    return _csv(NODE_COLUMNS, rows)


def to_edges_csv(net: ConceptNetwork, elements: Elements | None = None) -> bytes:
    """edges.csv in Gephi's spreadsheet-import columns (Source, Target, Type, Id, Label, ...).
    Each edge's row goes through `elements` (those it knows are taken from the previous build's
    file)."""
    elements, line = elements or Elements(), _Line()
    elements.add(_csv(EDGE_COLUMNS, []))
    writer = csv.writer(line, lineterminator="\n")
    for edge in net.graph.edges(keys=True, data=True):
        elements.keyed(element_key(net, edge[2]), edge[2], partial(_edge_row, net, writer, line,
                                                                   edge))
    return elements.bytes()


class _Line:
    """Where a CSV writer puts a row: the row's text, as one string."""

    text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def _edge_row(net: ConceptNetwork, writer, line: _Line, edge: tuple[str, str, str, dict],
              ident: str) -> bytes:
    """The CSV row of an edge (its ends, id and attributes) with id `ident`, as UTF-8."""
    u, v, key, d = edge
    row = (u, v, "Directed" if d["directed"] else "Undirected", ident, d["label"], d["weight"],
           d["relation"], d["claims"], d["confidence"], d["quote"], d["speaker"], d["lines"],
           d["rule"], d["transcript"], d["color"], *edge_evidence(net, key).values())
    writer.writerow([csv_cell(cell) for cell in row])
    return line.text.encode("utf-8")


WRITERS: dict[str, Callable[..., bytes]] = {
    "concept_map.html": lambda net: render_map(net).encode("utf-8"),
    "index.html": lambda net: render_report(net).encode("utf-8"),
    "graph.gexf": to_gexf,
    "graph.graphml": to_graphml,
    "nodes.csv": to_nodes_csv,
    "edges.csv": to_edges_csv,
}
KEYED = ("graph.gexf", "graph.graphml", "edges.csv")  # writers that take graph.elements.Elements


def views_seal(knowledge: str) -> str:
    """What the views depend on besides the concept network's records: the code and knowledge
    (`knowledge`), the layout's libraries, the map's and the report's templates and
    vis-network."""
    from graph.layouts import seal
    from graph.render import TEMPLATES, vis_network_js

    digest = hashlib.sha256(seal(knowledge).encode("utf-8"))
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    digest.update(str(vis_network_js()).encode("utf-8"))
    return digest.hexdigest()


def write_views(graph: Graph, folder: Path) -> ConceptNetwork:
    """Project `graph` and write the map, the report and the Gephi files into `folder`."""
    net = project(graph)
    write_network(net, folder)
    return net


def write_network(net: ConceptNetwork, folder: Path) -> None:
    """Write the map, the report and the Gephi files of a concept network into `folder`."""
    for name, make in WRITERS.items():
        write_atomic(folder / name, make(net))


def load_graph(path: Path) -> Graph:
    """A saved graph (Turtle, N-Triples, JSON-LD, or TriG and N-Quads with their named graphs
    merged); JSON-LD with a remote @context is refused, and so is a graph with no leadgraph
    transcript or claim in it. A build's graph file is read from the build's store when that is
    at least as new."""
    from rdflib.util import guess_format

    from graph.rdffile import RdfFileError, parse_into

    store = build_store(path)
    if store is not None:
        return _store_graph(store)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    fmt = guess_format(str(path)) or "turtle"
    try:
        graph = _union(path, fmt) if fmt in ("trig", "nquads") else parse_into(Graph(), path, fmt)
    except RdfFileError as err:
        raise ExportError(str(err)) from None
    except Exception as err:  # rdflib's parsers raise many exception types
        message = " ".join(str(err).split())[:300]
        raise ExportError(f"{path}: cannot parse as {fmt}: {message}") from None
    if not any((None, RDF.type, kind) in graph for kind in (LG.Transcript, LG.Claim)):
        raise ExportError(f"{path}: no leadgraph transcripts or claims in it; nothing to export")
    return graph


def _union(path: Path, fmt: str) -> Graph:
    """Every triple of a TriG or N-Quads file, whichever graph it is in."""
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace)
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


def _open_build(path: Path):
    from graph.query import QueryError, open_graph

    try:
        return open_graph(path)
    except QueryError as err:
        raise ExportError(str(err)) from None


def _store_graph(store: Path) -> Graph:
    """The store's default graph (every triple of the build) as a read-only rdflib Graph."""
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    opened = _open_build(store.parent)
    graph = Graph(store=OxigraphStore(store=opened.store), identifier=DATASET_DEFAULT_GRAPH_ID,
                  bind_namespaces="none")
    for prefix, ns in opened.prefixes.items():
        graph.bind(prefix, ns)
    return graph


def serialise(graph: Graph, fmt: str) -> bytes:
    """The RDF serialisations, byte-stable."""
    from graph.rdf import to_jsonld, to_turtle
    from graph.serialise import nquads, parse_lines

    if fmt == "ttl":
        return to_turtle(graph)
    if fmt == "jsonld":
        return to_jsonld(graph)
    triples = parse_lines(graph.serialize(format="nt", encoding="utf-8"))
    return nquads(triples, {})


def _qda(graph: Graph, fmt: str) -> bytes:
    """A REFI-QDA project (.qdpx) or codebook (.qdc) of the graph."""
    from graph.qda import QdaError, to_qdc, to_qdpx

    try:
        return to_qdpx(graph) if fmt == "qdpx" else to_qdc(graph)
    except QdaError as err:
        raise ExportError(f"cannot write {fmt}: {err}") from None


def _store_serialise(path: Path, fmt: str) -> bytes:
    """A build's graph in Turtle, JSON-LD or N-Triples, straight from its store: the same bytes
    as the build's own files."""
    import pyoxigraph as ox

    from graph.serialise import Names, jsonld, nquads, parse_lines, turtle

    opened = _open_build(path)
    data = opened.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    triples = parse_lines(data)
    prefixes = {p: ns for p, ns in opened.prefixes.items() if p}
    if fmt == "ttl":
        return turtle(triples, Names(prefixes))
    if fmt == "jsonld":
        return jsonld(triples, Names(prefixes))
    return nquads(triples, {})


def export(graph_file: Path, fmt: str, out: Path | None = None) -> list[Path]:
    """Re-render a saved graph in one format; returns the files written.

    `out` is a folder (an existing one, or a path without a suffix) or, for the one-file formats
    gexf, graphml, jsonld, ttl, nt, qdpx and qdc, a file; by default the graph file's folder. In
    a folder the files get their usual names (graph.gexf, nodes.csv, project.qdpx, ...).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    folder = graph_file.parent if out is None else out
    is_folder = folder.is_dir() or not folder.suffix
    if fmt in ("csv", "html") and not is_folder:
        raise ExportError(f"{folder}: --format {fmt} writes two files; give a folder")
    target = folder / FILE_NAMES[fmt] if is_folder and fmt in FILE_NAMES else folder
    if fmt in ("ttl", "jsonld", "nt") and build_store(graph_file) is not None:
        outputs = {target: _store_serialise(graph_file, fmt)}
    elif fmt in ("csv", "html"):
        net = project(load_graph(graph_file))
        names = CSV_FILES if fmt == "csv" else VIEW_FILES
        outputs = {folder / name: WRITERS[name](net) for name in names}
    elif fmt in ("gexf", "graphml"):
        outputs = {target: WRITERS[FILE_NAMES[fmt]](project(load_graph(graph_file)))}
    elif fmt in ("qdpx", "qdc"):
        outputs = {target: _qda(load_graph(graph_file), fmt)}
    else:
        outputs = {target: serialise(load_graph(graph_file), fmt)}
    for path, data in outputs.items():
        write_atomic(path, data)
    return list(outputs)
