"""Check a graph against the SHACL shapes in ontology/shapes.ttl.

A build's graph is checked in bounded pieces (`check_pieces`), so a transcript of any size is
checked in bounded memory. The shapes are node-local: what a focus node is checked against is
its own triples, the triples of the nodes they point to (their types, and one more step for the
selectors of a sentence) and the ontology and codebook. So each piece holds the shared triples,
a run of a transcript's own subjects (its focus nodes) and every triple of the nodes they point
to. The one shape that looks at the whole graph, that a claim's triple is asserted unless it is
only denied, groups claims by the triple they state: its piece holds, for each triple stated
and each value of `lg:negated`, one claim that states it with that value, which gives each
group the same verdict.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import Graph
from rdflib.term import Node

PIECE = 50_000  # lines of a transcript's own triples in one piece of the check
CLAIMS = 5_000  # claims in one piece of the assertion check
READ = 1 << 20  # bytes read from the spooled triples at a time
_LINE = re.compile(r"^(\S+) (\S+) (.*) \.$")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CLAIM = "<https://w3id.org/leadgraph/ontology#Claim>"
NEGATED = "<https://w3id.org/leadgraph/ontology#negated>"
ONTOLOGY = "https://w3id.org/leadgraph/ontology#"  # the assertion shape's target node
STATED = tuple(f"<{RDF}{name}>" for name in ("type", "subject", "predicate", "object"))
Region = tuple[int, int]  # offset and length of a transcript's sorted N-Triples in a file
Triple = tuple[Node, Node, Node]


class Checked(Graph):
    """A graph made to be checked. pySHACL gives rdflib each SPARQL-based shape's query as text
    for every piece checked, and rdflib parses it again each time (about 45 ms for the
    assertion shape's query): here each text is parsed once per process, with the prefixes the
    graph binds, as rdflib itself would parse it."""

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True,
              **kwargs: Any) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            names = tuple(sorted((initNs or dict(self.namespaces())).items()))
            query_object = _prepared(query_object, names)
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


@lru_cache(maxsize=32)
def _prepared(text: str, names: tuple[tuple[str, Any], ...]) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(names))


def warm_up(shapes: Graph) -> None:
    """Check an empty graph, so that what a first check loads and parses (pySHACL, the shapes'
    SPARQL queries) is ready before a check of a build needs it."""
    validate(Checked(), shapes, inplace=True)


def validate(graph: Graph, shapes: Graph, inplace: bool = False) -> tuple[bool, str]:
    """(conforms, readable report). The graph is not changed; with `inplace`, for a graph made
    only to be checked, pySHACL works on it instead of on a copy (its advanced mode copies the
    data for SHACL rules, which the shapes do not use): half the memory, a fifth less time."""
    import pyshacl

    conforms, _report, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        inplace=inplace,
    )
    return bool(conforms), text


def validate_focus(graph: Graph, shapes: Graph, focus: Iterable[str]) -> tuple[bool, str]:
    """As `validate` on a graph made to be checked, only for the focus nodes named (IRIs,
    at least one); pySHACL's own option looks each node up in a list, this in a set."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.monkey import apply_patches
    from pyshacl.validator import assign_baked_in

    class Focused(Validator):
        def make_executor(self):
            executor = super().make_executor()
            executor.focus_nodes = frozenset(executor.focus_nodes)
            return executor

    nodes = sorted(focus)
    assert nodes, "a focused check needs a focus node"
    apply_patches()
    assign_baked_in()
    options = {"inference": "none", "advanced": True, "allow_warnings": True, "inplace": True,
               "focus_nodes": nodes}
    conforms, _report, text = Focused(DataGraph.from_rdflib(graph), shacl_graph=shapes,
                                      options=options).run()
    return bool(conforms), text


def graph_of(documents: Iterable[str]) -> Graph:
    """The merge of N-Triples documents, each term one object however often it occurs (a
    third less memory than parsing into the graph: a transcript's IRIs recur in many
    triples)."""
    graph = Checked()
    terms: dict[Node, Node] = {}
    for data in documents:
        _parse(data, terms, graph.add)
    return graph


def _parse(data: str, terms: dict[Node, Node], add: Callable[[Triple], object]) -> None:
    """Give each triple of an N-Triples document to `add`, its terms shared through `terms`."""
    from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

    class Sink:
        def triple(self, s: Node, p: Node, o: Node) -> None:
            add((terms.setdefault(s, s), terms.setdefault(p, p), terms.setdefault(o, o)))

    W3CNTriplesParser(Sink()).parse(io.BytesIO(data.encode("utf-8")))


@contextmanager
def adding(graph: Graph, terms: dict[Node, Node], data: str) -> Iterator[Graph]:
    """`graph` with the triples of an N-Triples document added, for the time of the `with`
    block; afterwards it holds again what it held (parsing the shared triples once for every
    piece instead of once a piece)."""
    added: list[Triple] = []

    def add(triple: Triple) -> None:
        if triple not in graph:
            graph.add(triple)
            added.append(triple)

    try:
        _parse(data, terms, add)
        yield graph
    finally:
        for triple in added:
            graph.remove(triple)


@dataclass(frozen=True)
class Spooled:
    """A transcript's triples as the check reads them: its IRI, its triples about subjects not
    its own (in memory), and where its sorted N-Triples lie in the spool file."""

    iri: str
    shared: str
    region: Region


class Lines:
    """A transcript's sorted N-Triples in a file, read a bounded piece at a time."""

    def __init__(self, fd: int, region: Region) -> None:
        self.fd, (self.start, length) = fd, region
        self.end = self.start + length

    def line_at(self, position: int) -> str:
        """The line that starts at `position`, without its end."""
        chunks = []
        while True:
            more = os.pread(self.fd, 4096, position)
            cut = more.find(b"\n")
            if cut >= 0 or not more:
                chunks.append(more[:cut] if cut >= 0 else more)
                return b"".join(chunks).decode("utf-8")
            chunks.append(more)
            position += len(more)

    def _next_start(self, position: int) -> int:
        """The first line start at or after `position`."""
        if position <= self.start:
            return self.start
        while position < self.end:
            cut = os.pread(self.fd, 4096, position - 1).find(b"\n")
            if cut >= 0:
                return min(position + cut, self.end)
            position += 4095
        return self.end

    def about(self, subject: str) -> list[str]:
        """Every line whose subject is `subject` (the lines are sorted: a binary search)."""
        lo, hi = self.start, self.end
        while lo < hi:
            mid = self._next_start((lo + hi) // 2)
            at = lo if mid >= hi else mid
            line = self.line_at(at)
            if line.split(" ", 1)[0] < subject:
                lo = at + len(line.encode("utf-8")) + 1
            elif at == lo:
                hi = lo
            else:
                hi = at
        found = []
        while lo < self.end:
            line = self.line_at(lo)
            if line.split(" ", 1)[0] != subject:
                break
            found.append(line)
            lo += len(line.encode("utf-8")) + 1
        return found

    def subjects(self) -> Iterator[list[str]]:
        """The lines in order, grouped by subject."""
        group: list[str] = []
        rest = b""
        for position in range(self.start, self.end, READ):
            data = rest + os.pread(self.fd, min(READ, self.end - position), position)
            *lines, rest = data.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8")
                if group and line.split(" ", 1)[0] != group[0].split(" ", 1)[0]:
                    yield group
                    group = []
                group.append(line)
        if rest:
            group.append(rest.decode("utf-8"))
        if group:
            yield group


def _runs(lines: Lines, size: int) -> Iterator[list[list[str]]]:
    """The subjects' lines in runs of about `size` lines, never splitting a subject."""
    run: list[list[str]] = []
    held = 0
    for group in lines.subjects():
        run.append(group)
        held += len(group)
        if held >= size:
            yield run
            run, held = [], 0
    if run:
        yield run


def _owned(iri: str, term: str) -> bool:
    return term == f"<{iri}>" or term.startswith(f"<{iri}/")


def _piece(lines: Lines, iri: str, run: list[list[str]]) -> tuple[str, list[str]]:
    """A run of subjects with every triple of the transcript's nodes they point to, as
    N-Triples, and the run's subjects (the focus nodes)."""
    focus = {group[0].split(" ", 1)[0] for group in run}
    text = ["\n".join(line for group in run for line in group)]
    seen = set(focus)
    for group in run:
        for line in group:
            match = _LINE.match(line)
            target = match[3] if match else ""
            if target.startswith("<") and target not in seen and _owned(iri, target):
                seen.add(target)
                text.append("\n".join(lines.about(target)))
    return "\n".join(text) + "\n", [term[1:-1] for term in focus]


Stated = dict[tuple[str, str, str, str], list[str]]  # (s, p, o, negated) -> a claim's lines


def _stating(group: list[str], stated: Stated) -> None:
    """Keep a claim's lines that the assertion shape reads, if no claim kept yet states one of
    its (subject, predicate, object, negated) rows."""
    values: dict[str, list[str]] = {}
    for line in group:
        match = _LINE.match(line)
        if match and match[2] in (*STATED, NEGATED):
            values.setdefault(match[2], []).append(match[3])
    if CLAIM not in values.get(STATED[0], ()):
        return
    rows = [(s, p, o, n) for s in values.get(STATED[1], ()) for p in values.get(STATED[2], ())
            for o in values.get(STATED[3], ()) for n in values.get(NEGATED, ())]
    kept = [line for line in group if line.split(" ", 2)[1] in (*STATED, NEGATED)]
    for row in rows:
        stated.setdefault(row, kept)


def check_pieces(shared: str, path: str, documents: list[Spooled], shapes: Graph,
                 size: int = PIECE, claims: int = CLAIMS) -> tuple[bool, str]:
    """Validate the merge of the shared triples (N-Triples) and each transcript's, spooled in
    the file at `path`, a bounded piece at a time; the verdict and report of checking the
    whole merge at once (each violation once)."""
    terms: dict[Node, Node] = {}
    base = Checked()
    _parse(shared + "".join(document.shared for document in documents), terms, base.add)
    reports = [validate(base, shapes, inplace=True)]
    stated: Stated = {}
    with open(path, "rb") as file:
        for document in documents:
            lines = Lines(file.fileno(), document.region)
            for run in _runs(lines, size):
                for group in run:
                    _stating(group, stated)
                text, focus = _piece(lines, document.iri, run)
                with adding(base, terms, text) as graph:
                    reports.append(validate_focus(graph, shapes, focus))
    kept = list({id(lines): lines for lines in stated.values()}.values())
    for first in range(0, len(kept), claims):
        text = "".join(line + "\n" for lines in kept[first:first + claims] for line in lines)
        with adding(base, terms, text) as graph:
            reports.append(validate_focus(graph, shapes, [ONTOLOGY]))
    return _merged(reports)


def _merged(reports: list[tuple[bool, str]]) -> tuple[bool, str]:
    """One report of several pieces' reports, each result once, in order."""
    results: dict[str, None] = {}
    for conforms, text in reports:
        if not conforms:
            body = text.split("\n", 3)[3] if text.count("\n") >= 3 else ""
            for result in re.split(r"\n(?=\S)", body.strip("\n")):
                results.setdefault(result, None)
    conforms = all(c for c, _ in reports)
    head = f"Validation Report\nConforms: {conforms}\n"
    return conforms, head + (f"Results ({len(results)}):\n" + "\n".join(results) + "\n"
                             if not conforms else "")
