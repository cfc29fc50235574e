"""`leadgraph serve`: a read-only SPARQL 1.1 Protocol endpoint over a graph file.

Oxigraph's own server (`oxigraph serve-read-only`, from the `oxigraph` package on PyPI) answers
the queries, on a private loopback port. In front of it, a small proxy on the standard library's
HTTP server listens where the user asked and
- refuses SERVICE, updates and FROM outside the graph with the checks `leadgraph query` uses,
  because Oxigraph always follows SERVICE and has no switch to forbid it;
- serves our own page at / (a query box and the named queries, no script from a CDN: Oxigraph's
  page loads YASGUI from one) instead of Oxigraph's.
Content negotiation (JSON, CSV, TSV, XML results; Turtle, N-Triples for graphs) is Oxigraph's.
"""

from __future__ import annotations

import html
import json
import math
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from graph.query import (
    DEFAULT_TIMEOUT,
    NamedQuery,
    QueryError,
    QueryRefused,
    build_store,
    check_query,
    load_graph,
    named_queries,
    open_graph,
    parse_query,
)

MAX_QUERY_BYTES = 1_000_000
ENDPOINT_PATHS = ("/sparql", "/query")
DATASET_FIELDS = ("default-graph-uri", "named-graph-uri")
START_SECONDS = 20.0
# Oxigraph's own limit, later than ours: when it fires it ends a 200 answer with an error
# message half-way through the body, so the proxy must stop the query first.
BACKSTOP = 5


class ServeError(Exception):
    """The endpoint cannot start; the message says why."""


@dataclass
class Running:
    """A running endpoint: `url` is its page, `url + 'sparql'` its SPARQL endpoint."""

    url: str
    triples: int


def oxigraph_binary() -> str:
    """The `oxigraph` server program: on PATH, or beside this Python (an unactivated venv)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(beside) if beside.exists() else None)
    if not found:
        raise ServeError("the oxigraph server is not installed: pip install oxigraph")
    return found


@contextmanager
def running(path: Path, host: str = "127.0.0.1", port: int = 7878,
            timeout: float = DEFAULT_TIMEOUT) -> Iterator[Running]:
    """Load the graph into an Oxigraph database, start Oxigraph and the proxy, and stop both
    (and delete the database) on leaving."""
    binary = oxigraph_binary()
    folder = Path(tempfile.mkdtemp(prefix="leadgraph-serve-"))
    backend = None
    front = None
    try:
        graphs, triples, location = _prepare(binary, path, folder)
        backend, backend_url = _start_oxigraph(binary, folder, location, timeout)
        server = _front(host, port, backend_url, graphs, timeout)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        front = server
        bound_host, bound_port = front.server_address[:2]
        yield Running(f"http://{_url_host(str(bound_host))}:{bound_port}/", triples)
    finally:
        if front is not None:
            front.shutdown()
            front.server_close()
        if backend is not None:
            _stop(backend)
        shutil.rmtree(folder, ignore_errors=True)


def _prepare(binary: str, path: Path, folder: Path) -> tuple[frozenset[str], int, Path]:
    """The database to serve: the build's own store when there is one for `path`; otherwise the
    graph (its named graphs and their merge as the default graph) written as N-Quads and
    bulk-loaded with `oxigraph load`."""
    store = build_store(path)
    if store is not None:
        opened = open_graph(path)
        count = opened.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return opened.graphs, int(next(iter(count))[0].value), store
    loaded = load_graph(path)
    data = folder / "data.nq"
    loaded.store.dump(data, format=ox.RdfFormat.N_QUADS)
    done = subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(data)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise ServeError(f"oxigraph load failed: {' '.join(done.stderr.split())[:300]}")
    data.unlink()
    triples = sum(1 for _ in loaded.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return loaded.graphs, triples, folder / "db"


def _start_oxigraph(binary: str, folder: Path, location: Path,
                    timeout: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = (folder / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location),
         "--bind", f"127.0.0.1:{port}", "--timeout-s", str(math.ceil(timeout) + BACKSTOP)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = " ".join((folder / "oxigraph.log").read_text(errors="replace").split())
            raise ServeError(f"oxigraph stopped at start: {detail[:300]}")
        if _answers(url):
            return process, url
        time.sleep(0.05)
    _stop(process)
    raise ServeError(f"oxigraph did not start within {START_SECONDS:g} s")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# --- the proxy ----------------------------------------------------------------------------


def _front(host: str, port: int, backend: str, graphs: frozenset[str],
           timeout: float) -> ThreadingHTTPServer:
    handler = type("Handler", (FrontHandler,), {
        "backend": backend, "graphs": graphs, "timeout": timeout,
        "home": page(named_queries()).encode("utf-8"),
    })
    server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
    try:
        return server_class((host, port), handler)
    except OSError as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}") from None


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class FrontHandler(BaseHTTPRequestHandler):
    """GET / (the page); GET and POST /sparql (SPARQL 1.1 Protocol queries, checked, then
    answered by Oxigraph); anything that would write is refused."""

    backend: str
    graphs: frozenset[str]
    timeout: float
    home: bytes
    server_version = "leadgraph"

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self._reply(200, "text/html; charset=utf-8", self.home)
        elif url.path in ENDPOINT_PATHS:
            self._query(urllib.parse.parse_qs(url.query, keep_blank_values=True))
        else:
            self._reply(404, "text/plain", b"not found: the SPARQL endpoint is /sparql\n")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ENDPOINT_PATHS:
            self._reply(404, "text/plain", b"not found: the SPARQL endpoint is /sparql\n")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            self._reply(413, "text/plain", b"the request is too large\n")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
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
        self._reply(405, "text/plain", b"this endpoint is read-only\n", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    def _query(self, fields: dict[str, list[str]]) -> None:
        if "update" in fields:
            self._reply(403, "text/plain", b"this endpoint is read-only: updates are refused\n")
            return
        if len(fields.get("query", [])) != 1:
            self._reply(400, "text/plain", b"give exactly one `query` parameter\n")
            return
        graphs = [g for k in DATASET_FIELDS for g in fields.get(k, [])]
        try:
            check_query(parse_query(fields["query"][0]), self.graphs, False, False)
            outside = [g for g in graphs if g not in self.graphs]
            if outside:
                raise QueryRefused(f"<{outside[0]}> names no graph of this endpoint")
        except QueryRefused as err:
            self._reply(400, "text/plain; charset=utf-8", f"{err.reason}\n".encode())
            return
        except QueryError as err:
            self._reply(400, "text/plain; charset=utf-8", f"{err}\n".encode())
            return
        self._forward(fields["query"][0], fields)

    def _forward(self, query: str, fields: dict[str, list[str]]) -> None:
        names = [(k, v) for k in DATASET_FIELDS for v in fields.get(k, [])]
        target = self.backend + ("?" + urllib.parse.urlencode(names) if names else "")
        headers = {"Content-Type": "application/sparql-query",
                   "Accept": self.headers.get("Accept") or "application/sparql-results+json"}
        request = urllib.request.Request(target, data=query.encode("utf-8"), method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, kind = response.status, response.headers["Content-Type"]
                body = _read_by(response, time.monotonic() + self.timeout)
        except urllib.error.HTTPError as err:
            status, kind, body = err.code, err.headers.get("Content-Type"), err.read()
        except TimeoutError:
            message = f"the query was stopped after {self.timeout:g} s\n"
            self._reply(503, "text/plain", message.encode())
            return
        except (urllib.error.URLError, OSError) as err:
            self._reply(502, "text/plain", f"the query engine did not answer: {err}\n".encode())
            return
        self._reply(status, kind or "application/octet-stream", body)

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


def _read_by(response, deadline: float) -> bytes:
    """The whole body, or TimeoutError once the deadline has passed."""
    chunks = []
    while chunk := response.read1(1 << 16):
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)
