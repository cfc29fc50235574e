"""`leadgraph serve`: a read-only SPARQL 1.1 Protocol endpoint over a graph file.

The graph is loaded into an in-memory Oxigraph store. A small server on the standard library's
HTTP server listens where the user asked and
- answers each query in a forked worker (graph/sandbox.py) that can open no network
  connection, dies with the server and is killed at the time limit; at most WORKERS run at once,
  the others wait (their wait counts against the time limit);
- refuses SERVICE, updates and FROM outside the graph with the checks `leadgraph query` uses;
- refuses requests whose Host is not a loopback name or the address it listens on (DNS
  rebinding), bodies over MAX_BODY_BYTES (413) and a missing or malformed Content-Length;
- serves our own page at / (a query box and the named queries, no script from a CDN).
Content negotiation: JSON, CSV, TSV or XML results; Turtle, N-Triples or RDF/XML for graphs.
"""

from __future__ import annotations

import html
import ipaddress
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from graph import sandbox
from graph.query import (
    DEFAULT_TIMEOUT,
    MAX_QUERY_BYTES,
    PARSER_RECURSION,
    BadQuery,
    LoadedGraph,
    NamedQuery,
    QueryError,
    QueryRefused,
    check_query,
    load_graph,
    named_queries,
    parse_query,
)

MAX_BODY_BYTES = 2 * MAX_QUERY_BYTES  # a form-encoded query grows as it is escaped
ENDPOINT_PATHS = ("/sparql", "/query")
DATASET_FIELDS = ("default-graph-uri", "named-graph-uri")
WORKERS = max(2, os.cpu_count() or 2)  # queries run at once
BACKLOG = 1024  # connections waiting to be accepted
SOCKET_TIMEOUT = 60.0  # seconds a client may take to send its request
LOOPBACK_NAMES = ("localhost", "localhost.")
WILDCARDS = ("0.0.0.0", "::", "")
RESULTS_DEFAULT = ox.QueryResultsFormat.JSON
GRAPH_DEFAULT = ox.RdfFormat.TURTLE
GRAPH_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


class ServeError(Exception):
    """The endpoint cannot start; the message says why."""


class NotAcceptable(QueryError):
    """No results format the client accepts."""


@dataclass
class Running:
    """A running endpoint: `url` is its page, `url + 'sparql'` its SPARQL endpoint."""

    url: str
    triples: int


@contextmanager
def running(path: Path, host: str = "127.0.0.1", port: int = 7878,
            timeout: float = DEFAULT_TIMEOUT) -> Iterator[Running]:
    """Load the graph, start the server in a thread, and stop it on leaving."""
    loaded = load_graph(path)
    triples = sum(1 for _ in loaded.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    queries = named_queries()
    for named in queries.values():  # the parser's first use is slow: pay it once, not per worker
        parse_query(named.text)
    server = _server(host, port, loaded, timeout, queries)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield Running(f"http://{_url_host(str(bound_host))}:{bound_port}/", triples)
    finally:
        server.shutdown()
        server.server_close()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _server(host: str, port: int, graph: LoadedGraph, timeout: float,
            queries: dict[str, NamedQuery]) -> ThreadingHTTPServer:
    handler = type("Handler", (Handler,), {
        "graph": graph, "query_timeout": timeout, "allowed_host": host.strip("[]").lower(),
        "workers": threading.BoundedSemaphore(WORKERS), "home": page(queries).encode("utf-8"),
    })
    server_class = _IPv6Server if ":" in host else _Server
    try:
        return server_class((host, port), handler)
    except OSError as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}") from None


class _Server(ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


def host_allowed(header: str | None, bound: str) -> bool:
    """True for a Host header naming loopback, or the address the server listens on; when it
    listens on every address, any IP address (DNS rebinding needs a host name)."""
    if not header:
        return False
    try:
        name = (urllib.parse.urlsplit("//" + header).hostname or "").lower()
    except ValueError:
        return False
    if name in LOOPBACK_NAMES or (name and name == bound):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or bound in WILDCARDS


class Handler(BaseHTTPRequestHandler):
    """GET / (the page); GET and POST /sparql (SPARQL 1.1 Protocol queries, checked, then
    answered by a worker); anything that would write is refused."""

    graph: LoadedGraph
    query_timeout: float
    allowed_host: str
    workers: threading.BoundedSemaphore
    home: bytes
    timeout = SOCKET_TIMEOUT
    server_version = "leadgraph"

    def handle_one_request(self) -> None:
        """Every failure is answered, never a dropped connection."""
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as err:  # a bug must not cost the client its answer
            self.close_connection = True
            self._reply(500, "text/plain; charset=utf-8",
                        f"internal error: {' '.join(str(err).split())[:300]}\n".encode())

    def do_GET(self) -> None:
        if not self._host_checked():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self._reply(200, "text/html; charset=utf-8", self.home)
        elif url.path in ENDPOINT_PATHS:
            self._query(urllib.parse.parse_qs(url.query, keep_blank_values=True))
        else:
            self._reply(404, "text/plain", b"not found: the SPARQL endpoint is /sparql\n")

    def do_POST(self) -> None:
        if not self._host_checked():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ENDPOINT_PATHS:
            self._reply(404, "text/plain", b"not found: the SPARQL endpoint is /sparql\n")
            return
        body = self._body()
        if body is None:
            return
        fields = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        kind = self.headers.get_content_type()
        if kind == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                fields.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            fields["query"] = [body]
        elif kind == "application/sparql-update":
            fields["update"] = [body]
        else:
            self._reply(415, "text/plain", b"send application/sparql-query or a form\n")
            return
        self._query(fields)

    def do_PUT(self) -> None:
        if self._host_checked():
            self._reply(405, "text/plain", b"this endpoint is read-only\n", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    def _host_checked(self) -> bool:
        if host_allowed(self.headers.get("Host"), self.allowed_host):
            return True
        self._reply(403, "text/plain", b"refused: the Host header must name this machine "
                    b"(localhost, 127.0.0.1, ::1) or the address the server listens on\n")
        return False

    def _body(self) -> str | None:
        """The request body as text, or None once an error is answered."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._reply(411, "text/plain", b"send the body with a Content-Length\n")
            return None
        length = self.headers.get("Content-Length")
        if length is None:
            self._reply(411, "text/plain", b"a POST needs a Content-Length\n")
            return None
        if not length.strip().isdigit():
            self._reply(400, "text/plain", b"Content-Length is not a whole number\n")
            return None
        if int(length) > MAX_BODY_BYTES:
            message = f"the request body is over the limit of {MAX_BODY_BYTES:,} bytes\n"
            self._reply(413, "text/plain", message.encode())
            return None
        return self.rfile.read(int(length)).decode("utf-8", "replace")

    def _query(self, fields: dict[str, list[str]]) -> None:
        if "update" in fields:
            self._reply(403, "text/plain", b"this endpoint is read-only: updates are refused\n")
            return
        if len(fields.get("query", [])) != 1:
            self._reply(400, "text/plain", b"give exactly one `query` parameter\n")
            return
        dataset = {k: fields.get(k, []) for k in DATASET_FIELDS}
        outside = [g for graphs in dataset.values() for g in graphs if g not in self.graph.graphs]
        if outside:
            self._reply(400, "text/plain; charset=utf-8",
                        f"<{outside[0]}> names no graph of this endpoint\n".encode())
            return
        try:
            kind, body = self._answer(fields["query"][0], dataset)
        except QueryRefused as err:
            self._reply(400, "text/plain; charset=utf-8", f"{err.reason}\n".encode())
        except NotAcceptable as err:
            self._reply(406, "text/plain; charset=utf-8", f"{err}\n".encode())
        except (sandbox.Timeout, TimeoutError):
            message = f"the query was stopped after {self.query_timeout:g} s\n"
            self._reply(503, "text/plain", message.encode())
        except (QueryError, sandbox.SandboxError) as err:
            self._reply(400, "text/plain; charset=utf-8", f"{err}\n".encode())
        else:
            self._reply(200, kind, body)

    def _answer(self, text: str, dataset: dict[str, list[str]]) -> tuple[str, bytes]:
        """Wait for a free worker, then parse, check and run the query in it, all within the
        time limit."""
        deadline = time.monotonic() + self.query_timeout
        if not self.workers.acquire(timeout=self.query_timeout):
            raise TimeoutError
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            accept = self.headers.get("Accept") or "*/*"
            return sandbox.run(respond, (self.graph, text, dataset, accept), left)
        finally:
            self.workers.release()

    def _reply(self, status: int, kind: str, body: bytes, headers: Mapping[str, str] = {}) -> None:
        """Send a whole answer; nothing is streamed, so a stopped query never looks complete."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if kind.startswith("text/html"):
            self.send_header("Content-Security-Policy", CSP)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


# --- the worker ---------------------------------------------------------------------------


def respond(graph: LoadedGraph, text: str, dataset: dict[str, list[str]],
            accept: str) -> tuple[str, bytes]:
    """(Content-Type, body) for one query, in the worker: parse, check, run, serialise."""
    import sys

    sys.setrecursionlimit(PARSER_RECURSION)
    query = parse_query(text, graph.prefixes)
    check_query(query, graph.graphs, False, False)
    graphs = {k: [ox.NamedNode(g) for g in v] for k, v in dataset.items()}
    try:
        answer = graph.store.query(
            query.text, prefixes={**graph.prefixes, **query.prefixes},
            default_graph=graphs["default-graph-uri"] or None,
            named_graphs=graphs["named-graph-uri"] or None,
        )
        if isinstance(answer, ox.QueryTriples):
            fmt = negotiate(accept, GRAPH_FORMATS, GRAPH_DEFAULT, ox.RdfFormat.from_media_type)
            prefixes = graph.prefixes if fmt is ox.RdfFormat.TURTLE else None
            return fmt.media_type, ox.serialize(answer, format=fmt, prefixes=prefixes) or b""
        fmt = negotiate(accept, None, RESULTS_DEFAULT, ox.QueryResultsFormat.from_media_type)
        return fmt.media_type, answer.serialize(format=fmt)
    except SyntaxError as err:
        raise BadQuery(f"malformed SPARQL: {' '.join(str(err).split())[:300]}") from None
    except (OSError, ValueError, RuntimeError) as err:
        raise QueryError(" ".join(str(err).split())[:300]) from None


def negotiate(accept: str, allowed, default, lookup):
    """The format the Accept header prefers (by q value, then order) among those `lookup`
    knows (and `allowed` lists, if given); the default for */*; NotAcceptable otherwise."""
    choices = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            weight = float(quality)
        except ValueError:
            weight = 0.0
        if media and weight > 0:
            choices.append((-weight, position, media.lower()))
    for _, _, media in sorted(choices):
        if media in ("*/*", "application/*", "text/*"):
            return default
        found = lookup(media)
        if found is not None and (allowed is None or found in allowed):
            return found
    raise NotAcceptable(f"cannot answer in {accept!r}; ask for JSON, CSV, TSV or XML results, "
                        "or Turtle, N-Triples or RDF/XML for a graph")


# --- the page -----------------------------------------------------------------------------

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'")


def page(queries: dict[str, NamedQuery]) -> str:
    """The page at /: a query box, a results format, and the named queries to load into it."""
    items = "\n".join(
        f'<li><button type="button" data-name="{html.escape(q.name)}">{html.escape(q.title)}'
        f"</button> <small>{html.escape(q.description)}"
        + "".join(f"<br><code>?{html.escape(p.name)}</code>: {html.escape(p.meaning)}"
                  for p in q.params)
        + "</small></li>" for q in queries.values()
    )
    texts = json.dumps({q.name: q.text for q in queries.values()}).replace("</", "<\\/")
    first = queries.get("concepts-by-mentions") or next(iter(queries.values()), None)
    text = first.text if first else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return PAGE.format(items=items, texts=texts, first=html.escape(text))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leadgraph SPARQL endpoint</title>
<style>
body {{ font: 15px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; padding: 0 1em }}
textarea {{ width: 100%; height: 16em; font: 13px ui-monospace, monospace }}
table {{ border-collapse: collapse; margin-top: 1em }} td, th {{ border: 1px solid #ccc;
  padding: 2px 6px; vertical-align: top; font-size: 13px }}
li {{ margin: .4em 0 }} pre {{ white-space: pre-wrap }} #status {{ color: #555 }}
</style></head><body>
<h1>leadgraph SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol endpoint: <code>/sparql</code> (GET or POST; JSON, CSV, TSV or XML
results by the <code>Accept</code> header). Read-only: SERVICE and updates are refused.
To bind a parameter, end the query with e.g.
<code>VALUES ?concept {{ &lt;https://w3id.org/leadgraph/concept/trust&gt; }}</code>.</p>
<form id="form"><textarea id="query" name="query" spellcheck="false">{first}</textarea>
<p><label>Results <select id="format">
<option value="application/sparql-results+json">table</option>
<option value="text/csv">CSV</option><option value="text/tab-separated-values">TSV</option>
<option value="application/sparql-results+json;raw">JSON</option>
<option value="application/sparql-results+xml">XML</option>
<option value="text/turtle">Turtle (CONSTRUCT)</option></select></label>
<button type="submit">Run</button> <span id="status"></span></p></form>
<div id="results"></div>
<h2>Named queries</h2><ul id="named">
{items}
</ul>
<script type="application/json" id="texts">{texts}</script>
<script>
const texts = JSON.parse(document.getElementById("texts").textContent);
const box = document.getElementById("query");
const out = document.getElementById("results");
const status = document.getElementById("status");
document.getElementById("named").addEventListener("click", (event) => {{
  const name = event.target.dataset && event.target.dataset.name;
  if (name) {{ box.value = texts[name]; box.focus(); }}
}});
function cell(tag, text) {{
  const c = document.createElement(tag); c.textContent = text; return c;
}}
function table(data) {{
  const t = document.createElement("table");
  if (data.boolean !== undefined) {{ t.append(cell("tr", String(data.boolean))); return t; }}
  const head = document.createElement("tr");
  data.head.vars.forEach((v) => head.append(cell("th", v)));
  t.append(head);
  data.results.bindings.forEach((b) => {{
    const row = document.createElement("tr");
    data.head.vars.forEach((v) => row.append(cell("td", b[v] ? b[v].value : "")));
    t.append(row);
  }});
  return t;
}}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const choice = document.getElementById("format").value;
  const accept = choice.replace(";raw", "");
  status.textContent = "running…";
  const started = performance.now();
  const response = await fetch("sparql", {{ method: "POST",
    headers: {{ "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" }},
    body: new URLSearchParams({{ query: box.value }}) }});
  const text = await response.text();
  status.textContent = response.status + " in " + Math.round(performance.now() - started) + " ms";
  out.replaceChildren();
  const json = response.ok && choice === "application/sparql-results+json"
    && (response.headers.get("Content-Type") || "").includes("json");
  out.append(json ? table(JSON.parse(text)) : cell("pre", text));
}});
</script></body></html>
"""


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    return host in ("localhost", "::1") or host.startswith("127.")
