"""SPARQL over a built graph: load it into an embedded Oxigraph store, check a query is safe, bind
parameters as RDF terms, run it in a worker process that a timeout can stop, and format results.

The same checks and formatting serve a remote store (graph/store.py) and the endpoint
(graph/serve.py). The query is parsed with rdflib's SPARQL parser to find what it does (SERVICE,
LOAD, FROM, updates); it is run by Oxigraph, which is an order of magnitude faster. The two
parsers read some texts differently (Oxigraph ends a comment at CR too, so rdflib is given
lone CRs as LFs; rdflib expands \\u escapes before parsing), so SERVICE and LOAD are also
looked for the way Oxigraph reads the text, and the query runs in a worker that can open no
network connection (graph/sandbox.py). Parsing and running both count against the time limit.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from graph import sandbox
from graph.namespaces import PREFIXES

DEFAULT_TIMEOUT = 30.0
MAX_QUERY_BYTES = 100_000  # a query's size in UTF-8; larger ones are refused unparsed
MAX_NESTING = 50  # brackets ( { [ inside each other
PARSER_RECURSION = 20_000  # Python frames for rdflib's recursive parser in the worker
FORMATS = ("table", "csv", "tsv", "json", "xml")
RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                  "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
STANDARD_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    **PREFIXES,
}
XSD = STANDARD_PREFIXES["xsd"]
NUMERIC = frozenset(XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                                      "nonNegativeInteger", "positiveInteger", "short", "byte"))
QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}
VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PN_LOCAL = re.compile(r"[\w%-][\w%./-]*")
INTEGER = re.compile(r"[+-]?\d+")
ABSOLUTE_IRI = re.compile(r"https?://\S+")
LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")  # as in SPARQL: en, en-GB
SHORT_TAGGED = re.compile(r"(.+)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)", re.S)  # trust@en
QUOTED = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')(.*)""", re.S)  # "text"...
ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class QueryError(Exception):
    """A query that cannot be answered; the message says why."""


class BadQuery(QueryError):
    """A query text that cannot be run as written (the command exits with status 2)."""


class QuerySyntaxError(BadQuery):
    """Malformed SPARQL, with the 1-based line and column of the error."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"malformed SPARQL at line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.message = message

    def __reduce__(self):
        return type(self), (self.line, self.column, self.message)


class QueryTooLarge(BadQuery):
    """A query over the size or nesting limit."""


class QueryRefused(QueryError):
    """A query that would write, or reach outside the graph, without the flag that allows it."""

    def __init__(self, reason: str, flag: str | None = None) -> None:
        super().__init__(f"{reason} (pass {flag} to allow it)" if flag else reason)
        self.reason = reason
        self.flag = flag

    def __reduce__(self):
        return type(self), (self.reason, self.flag)


class QueryTimeout(QueryError):
    """A query stopped because it ran longer than its time limit."""


@dataclass(frozen=True)
class ParsedQuery:
    """What a query does, read from its parse tree."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE
    variables: frozenset[str]
    prefixes: Mapping[str, str]
    service: bool = False  # has a SERVICE (federated) pattern
    loads: tuple[str, ...] = ()  # IRIs of LOAD operations
    datasets: tuple[str, ...] = ()  # IRIs named by FROM, FROM NAMED or USING
    trailing_values: bool = False  # ends with its own VALUES block

    @property
    def update(self) -> bool:
        return self.form == "UPDATE"


@dataclass(frozen=True)
class Result:
    """An answer: SPARQL results (SELECT, ASK) in `results` (JSON unless the command asked the
    worker for the format it prints), or N-Triples (CONSTRUCT, DESCRIBE, and the default graph
    after an UPDATE)."""

    form: str
    payload: bytes
    results: str = "json"  # a key of RESULT_FORMATS

    def solutions(self) -> ox.QuerySolutions | ox.QueryBoolean:
        return ox.parse_query_results(self.payload, RESULT_FORMATS[self.results])

    def empty(self) -> bool:
        """True for a SELECT answer without rows (found without reading them all)."""
        if self.results == "csv":  # CSV cannot be read back into terms: its header line alone
            return self.payload.count(b"\n") <= 1
        return next(iter(self.solutions()), None) is None

    def rows(self) -> tuple[list[str], list[list[Term | None]]]:
        """Variable names and rows of a SELECT answer."""
        solutions = self.solutions()
        names = [v.value for v in solutions.variables]
        return names, [list(solution) for solution in solutions]


class Source(Protocol):
    """Something to run queries on: a loaded file or a remote store."""

    prefixes: Mapping[str, str]

    def check(self, query: ParsedQuery, allow_federation: bool, allow_update: bool) -> None: ...

    def execute(self, query: ParsedQuery, bindings: Mapping[str, Term],
                timeout: float, network: bool = False, results: str = "json") -> Result:
        """The answer; SELECT and ASK in `results` if the source can make it, else JSON."""

    def empty_hint(self, timeout: float) -> str | None:
        """Why a query may have found nothing here, if the source can tell."""


# --- loading ------------------------------------------------------------------------------


@dataclass
class LoadedGraph:
    """A graph file in an in-memory Oxigraph store. The default graph also holds the merge of
    the named graphs, so a query sees every transcript unless it says FROM or GRAPH."""

    store: ox.Store
    prefixes: dict[str, str]
    graphs: frozenset[str] = field(default_factory=frozenset)

    def check(self, query: ParsedQuery, allow_federation: bool, allow_update: bool) -> None:
        check_query(query, self.graphs, allow_federation, allow_update)

    def execute(self, query: ParsedQuery, bindings: Mapping[str, Term], timeout: float,
                network: bool = False, results: str = "json") -> Result:
        return run_local(self, query, bindings, timeout, network, results)

    def empty_hint(self, timeout: float) -> str | None:
        return None  # the default graph holds every named graph


def load_graph(path: Path) -> LoadedGraph:
    """Load a Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD file."""
    suffix = path.suffix.lower()
    fmt = None if suffix in (".jsonld", ".json") else ox.RdfFormat.from_extension(suffix[1:])
    if fmt is None and suffix not in (".jsonld", ".json"):
        raise QueryError(f"{path}: unknown graph format; use .ttl, .nt, .nq, .trig or .jsonld")
    store = ox.Store()
    try:
        if fmt is None:
            data, prefixes = jsonld_to_nquads(path)
            store.load(data, ox.RdfFormat.N_QUADS)
        else:
            store.load(path=path, format=fmt)
            prefixes = _leading_prefixes(path, fmt)
    except FileNotFoundError:
        raise QueryError(f"{path}: no such file") from None
    except (SyntaxError, ValueError, OSError) as err:
        raise QueryError(f"{path}: cannot read the graph: {_one_line(err)}") from None
    graphs = frozenset(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if graphs:
        store.update(MERGE_NAMED_GRAPHS)
    return LoadedGraph(store, {**STANDARD_PREFIXES, **prefixes}, graphs)


BUILD_FILES = ("graph.ttl", "graph.nq", "graph.trig", "graph.jsonld")  # what a build writes
SUMMARY_GRAPH = PREFIXES["lgd"] + "summary"  # the counts a build adds to its store


def add_summaries(store: ox.Store) -> None:
    """Put the build's summary graph into its store: the triples each CONSTRUCT in
    ontology/summaries/ makes from the graph, in the named graph SUMMARY_GRAPH, which the
    named queries with a form in that folder read instead of counting the whole corpus."""
    graph = ox.NamedNode(SUMMARY_GRAPH)
    for made in summaries(store):
        store.bulk_load(made.serialize(format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


def summaries(store: ox.Store) -> Iterator[ox.QueryTriples]:
    """The triples of each CONSTRUCT in ontology/summaries/, made from the store as it is."""
    for text in summary_queries():
        yield store.query(text)


def summary_queries() -> list[str]:
    """The text of each CONSTRUCT in ontology/summaries/, in the order of their names."""
    return [path.read_text(encoding="utf-8")
            for path in sorted(summaries_folder().glob("*.construct.rq"))]


def build_store(path: Path) -> Path | None:
    """The Oxigraph store a build wrote, when `path` is the build's folder, or one of its graph
    files and the store is at least as new as it (so an edited file is read instead)."""
    store = (path if path.is_dir() else path.parent) / "store"
    if not store.is_dir():
        return None
    if path.is_dir():
        return store
    if path.name in BUILD_FILES and path.is_file():
        return store if store.stat().st_mtime >= path.stat().st_mtime else None
    return None


def open_store(store: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(store))
    except OSError as err:
        raise QueryError(f"{store}: cannot open the store: {_one_line(err)}") from None


def open_graph(path: Path, writable: bool = False) -> LoadedGraph:
    """The graph a path names: the build's store (read-only, nothing to parse) when there is
    one for it (see build_store), else the file loaded into memory (also when `writable`).
    The build's folder stands for its store, or for its graph.nq."""
    store = build_store(path)
    if store is not None and not writable:
        opened = open_store(store)
        turtle = store.parent / "graph.ttl"
        prefixes = _leading_prefixes(turtle, ox.RdfFormat.TURTLE) if turtle.is_file() else {}
        graphs = frozenset(g.value for g in opened.named_graphs() if isinstance(g, ox.NamedNode))
        return LoadedGraph(opened, {**STANDARD_PREFIXES, **prefixes}, graphs)
    if path.is_dir():
        if not (path / "graph.nq").is_file():
            raise QueryError(f"{path}: a folder without a build's graph; give a graph file")
        return load_graph(path / "graph.nq")
    return load_graph(path)


# Oxigraph's union default graph repeats a triple once per graph that holds it; a merge does not.
MERGE_NAMED_GRAPHS = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _leading_prefixes(path: Path, fmt: ox.RdfFormat) -> dict[str, str]:
    """The prefixes declared before the first triple (where serialisers put them)."""
    parser = ox.parse(path=path, format=fmt)
    next(parser, None)
    return {k: v for k, v in parser.prefixes.items() if k}


def jsonld_to_nquads(path: Path) -> tuple[bytes, dict[str, str]]:
    """Parse JSON-LD with rdflib, refusing any context that would be fetched from elsewhere."""
    from rdflib import Dataset

    from graph.rdffile import RdfFileError, read_jsonld

    try:
        text, document = read_jsonld(path)
    except RdfFileError as err:
        raise QueryError(str(err)) from None
    dataset = Dataset()
    dataset.parse(data=text, format="json-ld")
    contexts = document.get("@context", {}) if isinstance(document, dict) else {}
    prefixes = {k: v for k, v in contexts.items()
                if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
    return dataset.serialize(format="nquads", encoding="utf-8"), prefixes


# --- parsing and checking -----------------------------------------------------------------


def parse_query_within(text: str, prefixes: Mapping[str, str], timeout: float) -> ParsedQuery:
    """parse_query in a worker stopped after `timeout` seconds (rdflib's parser can take
    minutes on a large query, and is not safe to share between threads)."""
    import rdflib.plugins.sparql.parser  # noqa: F401  (imported once, not in every worker)

    check_size(text)
    try:
        return sandbox.run(_parse_in_worker, (text, dict(prefixes)), timeout)
    except sandbox.Timeout:
        raise QueryTimeout(f"the query was stopped after {timeout:g} s while being parsed; "
                           "simplify it or raise --timeout") from None
    except sandbox.SandboxError as err:
        raise QueryError(f"the query parser stopped without an answer ({err})") from None


def _parse_in_worker(text: str, prefixes: dict[str, str]) -> ParsedQuery:
    sys.setrecursionlimit(PARSER_RECURSION)  # the worker's thread has a large stack
    return parse_query(text, prefixes)


def check_size(text: str) -> None:
    """Refuse a query over MAX_QUERY_BYTES or nested deeper than MAX_NESTING."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryTooLarge(f"the query is {size:,} bytes; the limit is {MAX_QUERY_BYTES:,}")
    depth = engine_view(text)[1]
    if depth > MAX_NESTING:
        raise QueryTooLarge(f"the query nests brackets {depth} deep; the limit is {MAX_NESTING}")


_LONE_CR = re.compile(r"\r(?!\n)")


def parse_query(text: str, prefixes: Mapping[str, str] = STANDARD_PREFIXES) -> ParsedQuery:
    """Parse a query or update, or raise QuerySyntaxError with the line and column."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    check_size(text)
    lines = _LONE_CR.sub("\n", text)  # rdflib ends a comment only at LF; Oxigraph at CR too
    try:
        try:
            tree = parseQuery(lines)
            return _summarise(text, QUERY_FORMS[tree[1].name], [(tree[0], tree[1])], prefixes)
        except ParseBaseException as query_error:
            try:
                tree = parseUpdate(lines)
            except ParseBaseException as update_error:
                err = max(query_error, update_error, key=lambda e: e.loc)
                raise QuerySyntaxError(err.lineno, err.col, _parse_message(err)) from None
    except RecursionError:
        raise QueryTooLarge("the query is nested too deeply to parse; simplify it") from None
    if "request" not in tree:
        raise QuerySyntaxError(1, 1, "no query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    parts = list(zip(tree["prologue"], tree["request"], strict=False))
    return _summarise(text, "UPDATE", parts, prefixes)


def _summarise(text: str, form: str, parts: list, prefixes: Mapping[str, str]) -> ParsedQuery:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    variables, datasets, loads, declared = set(), [], [], {}
    service = False
    for prologue_tree, body in parts:
        prologue = _prologue(prologue_tree, prefixes)
        declared.update(_declared_prefixes(prologue_tree))
        for node in _walk(body):
            if isinstance(node, Variable):
                variables.add(str(node))
            elif isinstance(node, CompValue):
                service = service or node.name == "ServiceGraphPattern"
                if node.name == "Load":
                    loads.append(_absolute(prologue, dict.get(node, "iri")))
                if node.name in ("DatasetClause", "UsingClause"):
                    iri = dict.get(node, "default", dict.get(node, "named"))
                    datasets.append(_absolute(prologue, iri))
    trailing = form != "UPDATE" and "valuesClause" in parts[0][1]
    words = engine_view(text)[0]
    service = service or "SERVICE" in words
    if "LOAD" in words and not loads:
        loads.append("(an IRI read differently by the engine)")
    return ParsedQuery(text, form, frozenset(variables), declared, service, tuple(loads),
                       tuple(datasets), trailing)


# The query text as Oxigraph's lexer reads it: a comment ends at CR or LF, strings keep their
# backslash escapes, an IRI has no spaces. Only bare words outside these can be keywords. A
# string left open runs to the end of its line (or of the text, for a long one), as no engine
# could parse past it: so every character is read once, whatever the text.
ENGINE_TOKEN = re.compile("|".join([
    r"(?P<comment>#[^\r\n]*)",
    r'(?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*(?:"{3}|\\?\Z)'
    r"|'{3}(?:[^'\\]|\\.|'(?!''))*(?:'{3}|\\?\Z)"
    r'|"(?:[^"\\\r\n]|\\[^\r\n])*(?:"|\\?(?=[\r\n])|\\?\Z)'
    r"|'(?:[^'\\\r\n]|\\[^\r\n])*(?:'|\\?(?=[\r\n])|\\?\Z))",
    r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
    r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
    r"(?P<name>[?$_:]?[^\W\d][\w.\-\u00B7]*(?::[\w.\-:%\\]*)?|:[\w.\-:%\\]*)",
    r"(?P<open>[({\[])",
    r"(?P<close>[)}\]])",
]), re.S)


def engine_view(text: str) -> tuple[frozenset[str], int]:
    """The bare words of the query in upper case (its keywords among them) and the deepest
    nesting of brackets, read as Oxigraph reads the text."""
    words, depth, deepest = set(), 0, 0
    for token in ENGINE_TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "name":
            words.add(token[0].upper())
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
    return frozenset(words), deepest


OWN_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def own_query(text: str) -> ParsedQuery:
    """What one of the project's own read-only queries does (ontology/queries, the look-ups
    below), read from its tokens without rdflib's parser, which costs half a second to import:
    its form, variables and PREFIX lines. The queries are checked in tests to read the same
    here as through parse_query; a user's text always goes through parse_query."""
    tokens = [t for t in ENGINE_TOKEN.finditer(text) if t.lastgroup != "comment"]
    words = [t[0].upper() for t in tokens if t.lastgroup == "name"]
    form = next((w for w in words if w in OWN_FORMS), None)
    if form is None or {"SERVICE", "LOAD", "FROM", "INSERT", "DELETE"} & set(words):
        raise QueryError("not a read-only query of the project's own")
    variables = frozenset(t[0][1:] for t in tokens
                          if t.lastgroup == "name" and t[0][0] in "?$")
    declared = {tokens[i + 1][0][:-1]: tokens[i + 2][0][1:-1]
                for i, t in enumerate(tokens[:-2]) if t[0].upper() == "PREFIX"}
    depth, trailing = 0, False
    for token in tokens:
        if token.lastgroup in ("open", "close"):
            depth += 1 if token.lastgroup == "open" else -1
        trailing = trailing or (depth == 0 and token[0].upper() == "VALUES")
    return ParsedQuery(text, form, variables, declared, trailing_values=trailing)


def _walk(node: object) -> Iterator[object]:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    yield node
    if isinstance(node, CompValue):
        children = list(dict.values(node))
    elif isinstance(node, ParseResults | list | tuple):
        children = list(node)
    else:
        return
    for child in children:
        yield from _walk(child)


def _prologue(tree: object, prefixes: Mapping[str, str]):
    from rdflib.plugins.sparql.algebra import translatePrologue

    return translatePrologue(tree, None, initNs=dict(prefixes))


def _declared_prefixes(tree: object) -> dict[str, str]:
    return {dict.get(node, "prefix") or "": str(dict.get(node, "iri")) for node in _walk(tree)
            if getattr(node, "name", None) == "PrefixDecl"}


def _absolute(prologue, iri: object) -> str:
    """The IRI a FROM or LOAD names; a name that cannot be resolved is kept as written, so it
    never matches a graph of the store and is refused."""
    try:
        return str(prologue.absolutize(iri))
    except Exception:  # rdflib raises a bare Exception for an unknown prefix
        return f"{iri.get('prefix')}:{iri.get('localname')}"


def _parse_message(err) -> str:
    found = err.line[err.col - 1:].split()
    return f"unexpected {found[0]!r}" if found else "unexpected end of the query"


def check_query(query: ParsedQuery, graphs: frozenset[str] | None, allow_federation: bool,
                allow_update: bool) -> None:
    """Refuse what reaches outside the graph or writes, unless allowed. `graphs` are the named
    graphs a FROM may name; None means any (a remote store's own graphs)."""
    if query.update and not allow_update:
        raise QueryRefused("SPARQL Update is refused: queries are read-only", "--allow-update")
    if allow_federation:
        return
    if query.service:
        raise QueryRefused("SERVICE (a federated query to another endpoint) is refused",
                           "--allow-federation")
    if query.loads:
        raise QueryRefused(f"LOAD <{query.loads[0]}> would fetch data from elsewhere and is "
                           "refused", "--allow-federation")
    outside = [iri for iri in query.datasets if graphs is not None and iri not in graphs]
    if outside:
        raise QueryRefused(f"FROM <{outside[0]}> is not a graph of this data and is refused",
                           "--allow-federation")


# --- parameters ---------------------------------------------------------------------------


def parse_param(text: str, prefixes: Mapping[str, str]) -> tuple[str, Term]:
    """`name=value` -> (name, term): an IRI if the value looks like one, else a literal."""
    name, sep, value = text.partition("=")
    name = name.strip().removeprefix("?").removeprefix("$")
    if not sep or not VARNAME.fullmatch(name):
        raise QueryError(f"--param takes NAME=VALUE, e.g. --param concept=trust; got {text!r}")
    return name, parse_value(value, prefixes)


def parse_value(value: str, prefixes: Mapping[str, str]) -> Term:
    """`<iri>`, an http(s) IRI or `prefix:local` with a known prefix -> IRI; an integer ->
    xsd:integer; a literal as SPARQL writes it (`"trust"@en`, `"2024-03-12"^^xsd:date`,
    `"42"`) -> that literal; `text@lang` (a two- or three-letter language code, with subtags:
    `trust@en`, `colour@en-GB`) -> text with that language tag; anything else -> a plain
    string."""
    value = value.strip()
    try:
        value.encode("utf-8")
        if value.startswith("<") and value.endswith(">"):
            return ox.NamedNode(value[1:-1])
        if ABSOLUTE_IRI.fullmatch(value):
            return ox.NamedNode(value)
        prefix, colon, local = value.partition(":")
        if colon and prefix in prefixes and (not local or PN_LOCAL.fullmatch(local)):
            return ox.NamedNode(prefixes[prefix] + local)
        literal = _written_literal(value, prefixes)
        if literal is not None:
            return literal
        tagged = SHORT_TAGGED.fullmatch(value)
        if tagged:
            return ox.Literal(tagged[1], language=tagged[2])
    except (UnicodeEncodeError, ValueError) as err:
        raise QueryError(f"{value!r} is not a valid IRI or text: {err}") from None
    if INTEGER.fullmatch(value):  # canonical form: "007" is 7, as the store keeps it
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(value)


def _written_literal(value: str, prefixes: Mapping[str, str]) -> ox.Literal | None:
    """A literal written as in SPARQL: a quoted string with SPARQL's escapes, then nothing, a
    language tag or a datatype. None for text that only starts with a quoted piece."""
    found = QUOTED.fullmatch(value)
    if not found:
        return None
    text, suffix = _unescape(found[1][1:-1], value), found[2]
    text.encode("utf-8")  # a lone surrogate from \uD800 is no text
    if not suffix:
        return ox.Literal(text)
    if suffix.startswith("@"):
        if not LANGTAG.fullmatch(suffix[1:]):
            raise QueryError(f"{value!r}: {suffix[1:]!r} is not a language tag (en, en-GB)")
        return ox.Literal(text, language=suffix[1:])
    if suffix.startswith("^^"):
        datatype = parse_value(suffix[2:], prefixes)
        if not isinstance(datatype, ox.NamedNode):
            raise QueryError(f"{value!r}: the datatype after ^^ must be an IRI (<...> or "
                             "a known prefix, as in xsd:date)")
        return ox.Literal(text, datatype=datatype)
    return None


def _unescape(text: str, value: str) -> str:
    def one(found: re.Match[str]) -> str:
        code = found[1] or found[2]
        if code:
            return chr(int(code, 16))
        if found[3] not in ECHAR:
            raise QueryError(f"{value!r}: \\{found[3]} is not an escape SPARQL knows (\\n, "
                             "\\t, \\\", \\uXXXX, ...)")
        return ECHAR[found[3]]

    return ESCAPE.sub(one, text)


def bind_params(source: Source, query: ParsedQuery, params: Sequence[str],
                kinds: Mapping[str, str] = {}) -> dict[str, Term]:
    """Parse `name=value` parameters; a `concept` parameter given as a label becomes the concept
    (matched on prefLabel, then altLabel, any case), a `speaker` one the speaker's name."""
    bindings: dict[str, Term] = {}
    for text in params:
        name, term = parse_param(text, {**source.prefixes, **query.prefixes})
        if name not in query.variables:
            raise QueryError(f"the query has no variable ?{name} to bind")
        kind = kinds.get(name)
        if kind == "concept" and isinstance(term, ox.Literal):
            term = resolve_concept(source, term.value)
        elif kind == "speaker":
            term = resolve_speaker(source, str(term.value))
        bindings[name] = term
    return bindings


CONCEPT_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?concept ?label ?pref WHERE {
  ?concept a skos:Concept .
  { ?concept skos:prefLabel ?label BIND(true AS ?pref) }
  UNION { ?concept skos:altLabel ?label BIND(false AS ?pref) }
}"""
SPEAKER_NAMES = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX lg: <https://w3id.org/leadgraph/ontology#>
SELECT DISTINCT ?name WHERE {
  { SELECT DISTINCT ?who WHERE {
      { SELECT ?turn { ?turn a lg:Turn } } { SELECT ?turn ?who { ?turn prov:wasAttributedTo ?who } }
  } }
  ?who foaf:name ?name
}"""  # each pattern scanned once and joined in memory: 0.1 s for 1,000 interviews, not 0.8


def resolve_concept(source: Source, label: str) -> ox.NamedNode:
    """The one concept with this preferred label, else with this alternative label."""
    _, rows = _lookup(source, CONCEPT_LABELS)
    key = label.casefold()
    matches = [(row[0], row[2].value == "true") for row in rows if row[1].value.casefold() == key]
    preferred = {c.value for c, pref in matches if pref} or {c.value for c, _ in matches}
    if len(preferred) == 1:
        return ox.NamedNode(preferred.pop())
    if not preferred:
        raise QueryError(f"no concept is labelled {label!r} (list them with "
                         "`leadgraph query GRAPH --name concepts-by-mentions`)")
    raise QueryError(f"{label!r} labels several concepts: {', '.join(sorted(preferred))}; "
                     "give the IRI instead")


def resolve_speaker(source: Source, name: str) -> ox.Literal:
    """The speaker's name as written in the graph, matched in any case."""
    _, rows = _lookup(source, SPEAKER_NAMES)
    names = sorted({row[0].value for row in rows})
    found = [n for n in names if n.casefold() == name.casefold()]
    if not found:
        raise QueryError(f"no speaker is named {name!r}; speakers: {', '.join(names) or 'none'}")
    return ox.Literal(found[0])


def _lookup(source: Source, text: str) -> tuple[list[str], list[list[Term | None]]]:
    return source.execute(own_query(text), {}, DEFAULT_TIMEOUT).rows()


def values_clause(bindings: Mapping[str, Term]) -> str:
    """A trailing VALUES block for engines without bindings (HTTP, roqet): the terms are written
    in N-Triples syntax by Oxigraph, so no user text reaches the query unescaped."""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


# --- running ------------------------------------------------------------------------------


def answer(source: Source, text: str | ParsedQuery, params: Sequence[str] = (),
           kinds: Mapping[str, str] = {}, *, allow_federation: bool = False,
           allow_update: bool = False, timeout: float = DEFAULT_TIMEOUT,
           results: str = "json") -> tuple[ParsedQuery, Result]:
    """Parse, check, bind and run one query (a text, or a query already read, as own_query
    reads the named ones); `timeout` covers the parsing and the run. A SELECT or ASK answer
    comes in `results` where the source can make it (so a local one is written once)."""
    deadline = time.monotonic() + timeout
    query = (text if isinstance(text, ParsedQuery)
             else parse_query_within(text, source.prefixes, timeout))
    source.check(query, allow_federation, allow_update)
    bindings = bind_params(source, query, params, kinds)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _stopped(timeout)
    try:
        return query, source.execute(query, bindings, left, network=allow_federation,
                                     results=results)
    except QueryTimeout as err:  # say the limit the user gave, not the time that was left
        raise (_stopped(timeout) if isinstance(source, LoadedGraph) else err) from None


def _stopped(seconds: float) -> QueryTimeout:
    return QueryTimeout(f"the query was stopped after {seconds:g} s; simplify it or raise "
                        "--timeout")


def run_local(graph: LoadedGraph, query: ParsedQuery, bindings: Mapping[str, Term],
              timeout: float, network: bool = False, results: str = "json") -> Result:
    """Run the query in a forked worker (it inherits the store) that can open no network
    connection unless `network`, and stop it after `timeout` seconds."""
    return _in_engine(_execute_checked, (graph, query, dict(bindings), results), timeout,
                      network, " (a very long or deeply nested expression can do this); "
                      "simplify the query")


def _in_engine(work: Callable[..., Any], args: tuple, timeout: float, network: bool = False,
               advice: str = "") -> Any:
    """`work(*args)` in a forked worker, stopped after `timeout` seconds; a worker that dies
    is a QueryError ending with `advice`."""
    try:
        return sandbox.run(work, args, timeout, network)
    except sandbox.Timeout:
        raise _stopped(timeout) from None
    except sandbox.SandboxError:
        raise QueryError(f"the query engine stopped without an answer{advice}") from None


def _engine_error(message: str) -> QueryError:
    unprojected = re.search(r"variable \?(\w+) in its SELECT projection", message)
    if unprojected:
        name = unprojected[1]
        return QueryError(f"--param {name}: the query must SELECT ?{name} to bind it")
    if "os error 13" in message or "Permission denied" in message:
        return QueryRefused("the query tried to reach the network (SERVICE or LOAD), which is "
                            "refused", "--allow-federation")
    return QueryError(message)


def _execute_checked(graph: LoadedGraph, query: ParsedQuery, bindings: dict[str, Term],
                     results: str) -> Result:
    """execute, with the engine's errors as one-line QueryErrors (in the worker)."""
    try:
        return execute(graph, query, bindings, results)
    except SyntaxError as err:
        raise _oxigraph_syntax_error(str(err)) from None
    except (OSError, ValueError, RuntimeError) as err:
        raise _engine_error(_one_line(err)) from None


def execute(graph: LoadedGraph, query: ParsedQuery, bindings: Mapping[str, Term],
            results: str = "json") -> Result:
    """Run the query in this process, without a time limit; a SELECT or ASK answer in
    `results`. A parameter is bound by substitution (SEP-0007), so a SELECT must project it."""
    prefixes = {**graph.prefixes, **query.prefixes}
    if query.update:
        graph.store.update(query.text, prefixes=prefixes)
        return Result("UPDATE", graph.store.dump(format=ox.RdfFormat.N_TRIPLES,
                                                 from_graph=ox.DefaultGraph()))
    answer = graph.store.query(leading_values(query.text, bindings), prefixes=prefixes,
                               substitutions={ox.Variable(k): v for k, v in bindings.items()})
    if isinstance(answer, ox.QueryTriples):
        return Result(query.form, answer.serialize(format=ox.RdfFormat.N_TRIPLES))
    return Result(query.form, answer.serialize(format=RESULT_FORMATS[results]), results)


def leading_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with its parameters also given as a VALUES block at the start of its WHERE
    group, where Oxigraph's planner starts from them (it joins substituted values only after
    the rest: 0.4 s instead of 0.01 s for one concept's relations among 1,000 interviews). The
    substitution still binds them, as SEP-0007 says. Unchanged when the WHERE group cannot be
    found: the first `{` outside brackets, in a query that is not a CONSTRUCT."""
    return at_start(text, values_clause(bindings).strip()) if bindings else text


def at_start(text: str, block: str) -> str:
    """The query with `block` put at the start of its WHERE group (see leading_values)."""
    depth = 0
    for token in ENGINE_TOKEN.finditer(text):
        if token.lastgroup == "name" and token[0].upper() in ("CONSTRUCT", "INSERT", "DELETE"):
            return text
        if token[0] == "{" and depth == 0:
            return text[: token.end()] + block + text[token.end():]
        if token.lastgroup in ("open", "close"):
            depth += 1 if token.lastgroup == "open" else -1
    return text


def _oxigraph_syntax_error(message: str) -> QuerySyntaxError:
    """Oxigraph's 'error at 3:16: expected ...', without its lists of character classes."""
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not found:
        return QuerySyntaxError(1, 1, _one_line(message))
    detail = _one_line(re.sub(r"\[[^\]]*\]", "", found[3]))
    items = [i.strip() for i in detail.removeprefix("expected one of").split(",") if i.strip()]
    sentences = [i for i in items if " " in i and i[0].isalpha()]
    detail = "; ".join(sentences) if sentences else detail.rstrip(" ,")
    if detail in ("", "expected"):
        detail = "not valid SPARQL at this point"
    return QuerySyntaxError(int(found[1]), int(found[2]), detail[:200])


def _one_line(err: object) -> str:
    return " ".join(str(err).split())


# --- pages -------------------------------------------------------------------------------

LISTING_ROWS = 1_000  # rows of a listing of the whole corpus shown unless --limit says otherwise
WALK_ROWS = 10_000  # pages ending further in are cut from the whole listing (see answer_page)


@dataclass(frozen=True)
class Page:
    """Rows `offset` to `offset + limit` of an answer (`limit` 0: every row from `offset`)."""

    offset: int = 0
    limit: int = 0


def default_page(named: NamedQuery, params: Sequence[str], offset: int = 0,
                 limit: int | None = None) -> Page:
    """The page asked for; unless `limit` is given, LISTING_ROWS rows of a named query that
    lists the whole corpus (one with pages, asked without parameters), else every row."""
    if limit is None:
        limit = LISTING_ROWS if named.pages and not params else 0
    return Page(offset, limit)


def answer_page(source: Source, named: NamedQuery, params: Sequence[str], page: Page, *,
                timeout: float = DEFAULT_TIMEOUT,
                results: str = "json") -> tuple[ParsedQuery, Result, bool]:
    """A page of a named query's rows, in the query's order, and whether more rows follow.
    A listing of the whole corpus on a local graph, asked for a page that ends within its
    first WALK_ROWS rows, is read a few values of its first sort key at a time (`walk`),
    which costs the rows up to the page's end rather than the whole listing; any other page
    is the query's answer with OFFSET and LIMIT, which costs the whole answer."""
    if page.limit and named.pages and not params and isinstance(source, LoadedGraph) \
            and page.offset + page.limit <= WALK_ROWS:
        result, more = _in_engine(_walk_checked, (source, named.pages, page, results), timeout)
        return own_query(named.pages.rows), result, more
    text = named_text(named, source, params)
    limit = f" LIMIT {page.limit + 1}" if page.limit else ""  # one more: do more follow?
    sliced = own_query(f"{text.rstrip()}\nOFFSET {page.offset}{limit}\n")
    if own_query(text).trailing_values or sliced.form != "SELECT":
        raise QueryError(f"{named.name} cannot be read a page at a time")
    if not page.limit:
        return (*answer(source, sliced, params, named.kinds, timeout=timeout, results=results),
                False)
    parsed, result = answer(source, sliced, params, named.kinds, timeout=timeout)
    names, rows = result.rows()
    return parsed, rows_result(names, rows[:page.limit], results), len(rows) > page.limit


def _walk_checked(graph: LoadedGraph, pages: Pages, page: Page,
                  results: str) -> tuple[Result, bool]:
    """walk, with the engine's errors as one-line QueryErrors (in the worker)."""
    try:
        names, rows = walk(graph, pages, page.offset + page.limit + 1)
    except (SyntaxError, OSError, ValueError, RuntimeError) as err:
        raise _engine_error(_one_line(err)) from None
    kept = rows[page.offset:page.offset + page.limit]
    return rows_result(names, kept, results), len(rows) > page.offset + page.limit


def walk(graph: LoadedGraph, pages: Pages, wanted: int) -> tuple[list[str], list[list]]:
    """The first `wanted` rows of a listing (fewer if it has fewer), in its order: the rows
    query with the first sort key bound to a few of its values at a time, in the order of
    their text (the order of CONCAT("~", STR(?key)) in the listing); the first value alone,
    then as many as the rows found so far say the rows still wanted need, and a quarter more
    (a value's rows are all found and sorted, however few are kept)."""
    found = graph.store.query(pages.chunks, prefixes=graph.prefixes)
    key = found.variables[0].value
    values = sorted((solution[0] for solution in found), key=lambda term: term.value)
    names: list[str] = []
    rows: list[list] = []
    start, size = 0, 1
    while not names or (start < len(values) and len(rows) < wanted):
        batch = " ".join(str(term) for term in values[start:start + size])
        text = at_start(pages.rows, f"VALUES ?{key} {{ {batch} }}")
        answer = graph.store.query(f"{text.rstrip()}\nLIMIT {wanted - len(rows)}\n",
                                   prefixes=graph.prefixes)
        names = [v.value for v in answer.variables]
        rows += [list(solution) for solution in answer]
        start += size
        size = math.ceil((wanted - len(rows)) * start / len(rows) * 1.25) if rows else 2 * size
    return names, rows


def rows_result(names: list[str], rows: list[list[Term | None]], results: str) -> Result:
    """Rows as a SELECT answer in `results`, written by the engine as it writes any answer:
    they are given, in order, as the VALUES block of a query on an empty store."""
    if any(isinstance(term, ox.BlankNode) for row in rows for term in row):
        raise QueryError("a page of an answer with blank nodes cannot be written")
    variables = " ".join(f"?{name}" for name in names)
    lines = " ".join("(" + " ".join("UNDEF" if t is None else str(t) for t in row) + ")"
                     for row in rows)
    answer = ox.Store().query(f"SELECT {variables} WHERE {{ VALUES ({variables}) {{ {lines} }} }}")
    return Result("SELECT", answer.serialize(format=RESULT_FORMATS[results]), results)


def page_note(page: Page, shown: int) -> str:
    """What the command says on stderr when more rows follow the page it printed."""
    first, last = page.offset + 1, page.offset + shown
    return (f"showing rows {first:,} to {last:,}; more follow: --offset {last} for the next "
            f"{page.limit:,}, --limit 0 for every row (a listing of the whole corpus takes "
            "seconds)")


# --- hints -------------------------------------------------------------------------------

LANGUAGE_HINT = ('labels and quotes carry a language tag ("trust"@en), which a plain string such '
                 'as "trust" never equals: compare LCASE(STR(?label)) = "trust" instead (a named '
                 "query's concept or speaker parameter matches in any case and language)")


def param_hint(name: str, value: str) -> str:
    """Advice for a parameter bound as a plain string in a query that found nothing."""
    return (f'--param {name}={value} binds the plain string "{value}", which never equals a '
            f'label or quote with a language tag ("{value}"@en): give --param {name}={value}@en '
            f"to match it exactly, or compare LCASE(STR(?label)) = LCASE(STR(?{name})) to match "
            "in any case and language")


def empty_answer_hints(source: Source, query: ParsedQuery, result: Result,
                       params: Sequence[str], kinds: Mapping[str, str] = {},
                       timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Why a SELECT found no rows, when a likely cause is visible: a plain string compared with
    tagged literals or bound by a parameter, or a store whose data is in named graphs."""
    if query.form != "SELECT" or not result.empty():
        return []
    hints = [param_hint(*found) for found in _text_params(params, kinds, source.prefixes)]
    if plain_strings(query.text):
        hints.append(LANGUAGE_HINT)
    store_hint = source.empty_hint(timeout)
    return hints + ([store_hint] if store_hint else [])


def plain_strings(text: str) -> bool:
    """True if the query has a string literal with neither a language tag nor a datatype."""
    tokens = list(ENGINE_TOKEN.finditer(text))
    for token, after in zip(tokens, [*tokens[1:], None], strict=True):
        if token.lastgroup == "string" and not (
                after is not None and after.start() == token.end()
                and (after.lastgroup == "lang" or text.startswith("^^", token.end()))):
            return True
    return False


def _text_params(params: Sequence[str], kinds: Mapping[str, str],
                 prefixes: Mapping[str, str]) -> list[tuple[str, str]]:
    """The parameters, without a kind that resolves them, bound as plain strings."""
    found = []
    for text in params:
        try:
            name, term = parse_param(text, prefixes)
        except QueryError:
            continue
        if name not in kinds and isinstance(term, ox.Literal) and \
                term.datatype.value == XSD + "string":
            found.append((name, term.value))
    return found


# --- output -------------------------------------------------------------------------------


def render(result: Result, fmt: str, prefixes: Mapping[str, str], max_width: int = 60) -> bytes:
    """The answer in `fmt`: a table or W3C results format for SELECT and ASK; Turtle for
    CONSTRUCT, DESCRIBE and UPDATE."""
    if result.form in ("CONSTRUCT", "DESCRIBE", "UPDATE"):
        triples = ox.parse(result.payload, ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)) or b""
    if fmt != "table":
        return (result.payload if result.results == fmt
                else result.solutions().serialize(format=RESULT_FORMATS[fmt]))
    solutions = result.solutions()
    if isinstance(solutions, ox.QueryBoolean):
        return b"true\n" if bool(solutions) else b"false\n"
    names, rows = result.rows()
    return table(names, rows, prefixes, max_width).encode("utf-8")


def table(names: list[str], rows: list[list[Term | None]], prefixes: Mapping[str, str],
          max_width: int = 60) -> str:
    """An aligned plain-text table; IRIs shortened with the prefixes, numbers to the right."""
    cells = [[_cell(term, prefixes, max_width) for term in row] for row in rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(names)]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows if row[i] is not None)
               for i in range(len(names))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    out = [line(names), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    return "\n".join(out) + "\n"


def _cell(term: Term | None, prefixes: Mapping[str, str], max_width: int) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = shorten(term.value, prefixes)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = " ".join(term.value.split())
    if max_width and len(text) > max_width:
        text = text[: max_width - 1] + "…"
    return text


def _is_number(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in NUMERIC


def shorten(iri: str, prefixes: Mapping[str, str]) -> str:
    """`prefix:local` with the longest matching namespace, else `<iri>`."""
    best = max(((p, ns) for p, ns in prefixes.items() if ns and iri.startswith(ns)),
               key=lambda item: len(item[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"


# --- named queries ------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "concept", "speaker" or "value"
    meaning: str


@dataclass(frozen=True)
class Pages:
    """How to read a listing of the whole corpus a page at a time (ontology/pages/NAME.*.rq):
    its rows are sorted on one variable first, `chunks` gives every value that variable can
    have, and `rows`, with that variable bound to some of them, gives their rows in the
    listing's order."""

    chunks: str  # SELECT DISTINCT ?variable: the values of the listing's first sort key
    rows: str  # the listing's rows and order, in plain joins that start from a bound value


@dataclass(frozen=True)
class NamedQuery:
    """A competency question from ontology/queries/NAME.rq and its header comment."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    summary: str | None = None  # the same question read from a build's summary graph
    listing: str | None = None  # the same question shaped for no parameter given
    pages: Pages | None = None  # how to read it a page at a time, with no parameter given

    @property
    def kinds(self) -> dict[str, str]:
        return {p.name: p.kind for p in self.params}


HEADER = re.compile(r"#\s*(title|description|param):\s*(.*)")
PARAM = re.compile(r"(\w+)(?:\s+\((concept|speaker)\))?\s+-\s+(.+)")


def queries_folder() -> Path:
    from graph.ontology_files import ontology_file

    return ontology_file("queries")


def summaries_folder() -> Path:
    from graph.ontology_files import ontology_file

    return ontology_file("summaries")


def named_text(named: NamedQuery, source: Source, params: Sequence[str] = ()) -> str:
    """The named query's text for this source and parameters: asked of a build's store that
    holds the summary graph, its form that reads the counts there (ontology/summaries/NAME.rq);
    with none of its parameters given, its form for a listing of the whole corpus
    (ontology/listings/NAME.rq); else the query itself. Each form gives the same rows."""
    if params:
        return named.text
    if named.summary and isinstance(source, LoadedGraph) and SUMMARY_GRAPH in source.graphs:
        return named.summary
    return named.listing or named.text


def named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name (the file name without .rq)."""
    folder = folder or queries_folder()
    return {path.stem: read_named_query(path) for path in sorted(folder.glob("*.rq"))}


def named_query(name: str, folder: Path | None = None) -> NamedQuery:
    queries = named_queries(folder)
    if name not in queries:
        raise QueryError(f"no named query {name!r}; known: {', '.join(queries)}")
    return queries[name]


def read_named_query(path: Path) -> NamedQuery:
    """Read NAME.rq; its leading comment holds `# title:`, `# description:` (continued on
    indented comment lines) and one `# param: name [(concept|speaker)] - meaning` a parameter."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Param] = []
    key = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        found = HEADER.fullmatch(line.strip())
        if found:
            key, value = found[1], found[2].strip()
            if key == "param":
                params.append(_header_param(path, number, value))
            else:
                fields[key] = value
        elif key in fields and line.startswith("#  "):
            fields[key] += " " + line[1:].strip()
        elif line.strip() != "#":
            raise QueryError(f"{path}:{number}: expected `# title:`, `# description:` or "
                             f"`# param:` in the header, got {line!r}")
    missing = [k for k in ("title", "description") if not fields.get(k)]
    if missing:
        raise QueryError(f"{path}: the header has no `# {missing[0]}:` line")
    summary, listing = (path.parent.parent / folder / path.name
                        for folder in ("summaries", "listings"))
    return NamedQuery(path.stem, fields["title"], fields["description"], tuple(params), text,
                      *(f.read_text(encoding="utf-8") if f.is_file() else None
                        for f in (summary, listing)), _pages(path, text))


def _pages(path: Path, text: str) -> Pages | None:
    """The query's pages (ontology/pages/NAME.chunks.rq, and NAME.rows.rq or the query itself
    for the rows), if it has them."""
    folder = path.parent.parent / "pages"
    chunks, rows = (folder / f"{path.stem}.{kind}.rq" for kind in ("chunks", "rows"))
    if not chunks.is_file():
        return None
    return Pages(chunks.read_text(encoding="utf-8"),
                 rows.read_text(encoding="utf-8") if rows.is_file() else text)


def header_kinds(text: str, path: Path) -> dict[str, str]:
    """The kinds of a query file's parameters, from the `# param:` lines of the comment at its
    top (other comment lines are the author's own), so that a query of your own resolves a
    `(concept)` or `(speaker)` parameter as the named queries do."""
    params = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        found = HEADER.fullmatch(line.strip())
        if found and found[1] == "param":
            params.append(_header_param(path, number, found[2].strip()))
    return {p.name: p.kind for p in params}


def _header_param(path: Path, number: int, value: str) -> Param:
    found = PARAM.fullmatch(value)
    if not found:
        raise QueryError(f"{path}:{number}: expected `# param: name [(concept|speaker)] - "
                         f"meaning`, got {value!r}")
    return Param(found[1], found[2] or "value", found[3])


def list_table(queries: Mapping[str, NamedQuery]) -> str:
    """Name, title and parameters of each named query, as a table."""
    rows = [[ox.Literal(q.name), ox.Literal(q.title),
             ox.Literal(", ".join(p.name for p in q.params))] for q in queries.values()]
    return table(["name", "title", "params"], rows, {}, max_width=0)
