"""A shared triple store over HTTP: push a graph with the SPARQL 1.1 Graph Store HTTP Protocol
(replacing one named graph) and query the store with the SPARQL 1.1 Protocol.

Works with any store that speaks both (Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso,
Amazon Neptune). Credentials come from the environment, never the command line:
LEADGRAPH_TOKEN (a bearer token) or LEADGRAPH_USER and LEADGRAPH_PASSWORD (HTTP basic).
"""

from __future__ import annotations

import base64
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.query import (
    STANDARD_PREFIXES,
    ParsedQuery,
    QueryError,
    QueryRefused,
    QueryTimeout,
    Result,
    Term,
    _oxigraph_syntax_error,
    check_query,
    load_graph,
    values_clause,
)

DEFAULT_GRAPH = "https://w3id.org/leadgraph/data/graph"
PUSH_TIMEOUT = 120.0
LOOPBACK = ("127.0.0.1", "::1", "localhost")
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class StoreError(QueryError):
    """A store that cannot be reached, or that refused a request; the message is one line."""


def credentials(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The Authorization header from LEADGRAPH_TOKEN or LEADGRAPH_USER / LEADGRAPH_PASSWORD."""
    if environ.get("LEADGRAPH_TOKEN"):
        return {"Authorization": f"Bearer {environ['LEADGRAPH_TOKEN']}"}
    if environ.get("LEADGRAPH_USER"):
        pair = f"{environ['LEADGRAPH_USER']}:{environ.get('LEADGRAPH_PASSWORD', '')}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")}
    return {}


def check_url(url: str) -> str:
    """An http(s) URL without credentials in it."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise StoreError("credentials in the URL are refused: set LEADGRAPH_USER and "
                         "LEADGRAPH_PASSWORD (or LEADGRAPH_TOKEN) in the environment")
    return url


def sends_secrets_in_clear(url: str, headers: Mapping[str, str]) -> bool:
    """True when credentials would go over plain HTTP to another machine."""
    parts = urllib.parse.urlsplit(url)
    return bool(headers) and parts.scheme == "http" and parts.hostname not in LOOPBACK


@dataclass
class Endpoint:
    """A SPARQL 1.1 Protocol query endpoint; `graph` is sent as default-graph-uri."""

    url: str
    graph: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=lambda: dict(STANDARD_PREFIXES))

    def check(self, query: ParsedQuery, allow_federation: bool, allow_update: bool) -> None:
        """FROM may name any graph of the store; updates go through `push`, not here."""
        if query.update:
            raise QueryRefused("SPARQL Update is not sent to a store; "
                               "use `leadgraph push` to replace a graph")
        check_query(query, None, allow_federation, allow_update)

    def execute(self, query: ParsedQuery, bindings: Mapping[str, Term], timeout: float,
                network: bool = False, results: str = "json") -> Result:
        """POST the query, with PREFIX lines for the standard prefixes it uses without declaring
        them (as a local query may); parameters travel as a trailing VALUES block written by
        Oxigraph. `network` is for the store to decide: the store runs the query. The answer
        is asked for as JSON, whatever `results` is."""
        prologue = prefix_lines(query, self.prefixes)
        text = prologue + query.text
        if bindings:
            if query.trailing_values:
                raise QueryError("cannot add parameters to a query that ends with VALUES")
            text += values_clause(bindings)
        fields = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        accept = N_TRIPLES if query.form in ("CONSTRUCT", "DESCRIBE") else JSON_RESULTS
        request = urllib.request.Request(
            check_url(self.url), data=urllib.parse.urlencode(fields).encode("utf-8"),
            method="POST", headers={**self.headers, "Accept": accept,
                                    "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            _, body = _send(request, timeout)
        except StoreError as err:
            raise StoreError(_engine_message(str(err), prologue.count("\n"))) from None
        return Result(query.form, body)


    def empty_hint(self, timeout: float) -> str | None:
        """A hint when the store keeps its data in named graphs and no --graph was given."""
        if self.graph:
            return None
        lookup = ParsedQuery(NAMED_GRAPHS, "SELECT", frozenset({"g"}), {})
        try:
            _, rows = self.execute(lookup, {}, timeout).rows()
        except QueryError:
            return None
        names = [f"<{row[0].value}>" for row in rows if row[0] is not None]
        if not names:
            return None
        listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        return (f"the store's default graph has no match, and it has named graphs ({listed}): "
                "pass --graph IRI to query one (leadgraph push writes into a named graph)")


def _engine_message(message: str, added_lines: int) -> str:
    """A store's "error at LINE:COLUMN: expected one of [character classes]..." as our one-line
    syntax message, with the line counted in the query as the user wrote it."""
    found = re.search(r"error at (\d+):(\d+): .*", message)
    if not found:
        return message
    line = max(int(found[1]) - added_lines, 1)
    cleaned = _oxigraph_syntax_error(f"error at {line}:{found[2]}: " + found[0].split(": ", 1)[1])
    return f"{message[:found.start()]}{cleaned}"


NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 6"
PREFIX_USE = re.compile(r"(?<![\w.:?$-])([A-Za-z][\w.-]*)?:")


def prefix_lines(query: ParsedQuery, prefixes: Mapping[str, str]) -> str:
    """PREFIX declarations for the known prefixes the query names but does not declare."""
    used = {found[1] or "" for found in PREFIX_USE.finditer(query.text)}
    return "".join(f"PREFIX {name}: <{prefixes[name]}>\n" for name in sorted(used)
                   if name in prefixes and name not in query.prefixes)


@dataclass(frozen=True)
class Pushed:
    triples: int
    created: bool  # False when an existing graph was replaced


def push(path: Path, url: str, graph: str = DEFAULT_GRAPH, headers: Mapping[str, str] = {},
         timeout: float = PUSH_TIMEOUT) -> Pushed:
    """Replace the named graph `graph` of the store at `url` (its Graph Store Protocol
    endpoint) with the graph file's triples (the merge of its graphs), as Turtle."""
    try:
        name = ox.NamedNode(graph).value
    except ValueError:
        raise StoreError(f"--graph {graph!r} is not an absolute IRI") from None
    loaded = load_graph(path)
    default = ox.DefaultGraph()
    body = loaded.store.dump(format=ox.RdfFormat.TURTLE, from_graph=default,
                             prefixes=loaded.prefixes)
    triples = sum(1 for _ in loaded.store.quads_for_pattern(None, None, None, default))
    target = _with_query(check_url(url), {"graph": name})
    request = urllib.request.Request(
        target, data=body, method="PUT",
        headers={**headers, "Content-Type": "text/turtle; charset=utf-8"},
    )
    status, _ = _send(request, timeout)
    return Pushed(triples, created=status == 201)


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(filter(None, [parts.query, urllib.parse.urlencode(params)]))
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    """(status, body), or a one-line StoreError / QueryTimeout. Redirects are not followed,
    so credentials never go to another address."""
    where = urllib.parse.urlsplit(request.full_url)._replace(query="").geturl()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        detail = " ".join(err.read(4000).decode("utf-8", "replace").split())[:1000]
        hint = " (check LEADGRAPH_USER / LEADGRAPH_PASSWORD or LEADGRAPH_TOKEN)" \
            if err.code in (401, 403) else ""
        raise StoreError(f"the store at {where} answered HTTP {err.code} {err.reason}{hint}"
                         + (f": {detail}" if detail else "")) from None
    except TimeoutError:
        raise QueryTimeout(f"the store at {where} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as err:
        reason = err.reason.strerror if isinstance(err.reason, OSError) else err.reason
        raise StoreError(f"cannot reach the store at {where}: {reason}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None
