"""`leadgraph serve`: the endpoint used from SPARQLWrapper like any SPARQL client would, and
over raw HTTP: hostile queries, bad requests, load, and a killed server."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph import query
from graph.serve import Running, running

from .conftest import ROOT
from .test_query import FIXTURE, HIDDEN_SERVICE_QUERIES, NAMES, oxigraph_csv, rows_of

COUNT_CLAIMS = ("PREFIX lg: <https://w3id.org/leadgraph/ontology#>\n"
                "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lg:Claim }")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Running]:
    with running(FIXTURE, "127.0.0.1", 0, timeout=10) as started:
        yield started


def client(endpoint: Running, fmt: str = JSON, method: str = "GET") -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint.url + "sparql")
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    return wrapper


def http(endpoint: Running, path: str, data: bytes | None = None, method: str = "GET",
         headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(endpoint.url.rstrip("/") + path, data=data, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_named_queries_over_the_endpoint_match_the_local_answer(endpoint, name, method):
    wrapper = client(endpoint, CSV, method)
    wrapper.setQuery(query.named_query(name).text)
    remote = wrapper.query().convert()
    assert rows_of(remote) == rows_of(oxigraph_csv(query.load_graph(FIXTURE), name))


@pytest.mark.parametrize(("fmt", "media_type"), [
    (JSON, "application/sparql-results+json"), (CSV, "text/csv"),
    (TSV, "text/tab-separated-values"), (XML, "application/sparql-results+xml"),
])
def test_results_format_follows_the_accept_header(endpoint, fmt, media_type):
    wrapper = client(endpoint, fmt)
    wrapper.setQuery(COUNT_CLAIMS)
    result = wrapper.query()
    assert result.response.headers["Content-Type"].startswith(media_type)
    converted = result.convert()
    if fmt == JSON:
        assert converted["results"]["bindings"][0]["n"]["value"] == "7"
    elif fmt == XML:
        assert converted.getElementsByTagName("literal")[0].firstChild.data == "7"
    else:
        rows = list(csv.reader(io.StringIO(converted.decode()), delimiter="," if fmt == CSV
                               else "\t"))
        assert rows[1][0].split("^^")[0].strip('"') == "7"


def test_sparql_protocol_post_with_a_query_body(endpoint):
    status, _, body = http(endpoint, "/sparql", COUNT_CLAIMS.encode(), "POST",
                                 {"Content-Type": "application/sparql-query",
                                  "Accept": "text/csv"})
    assert status == 200 and body.splitlines()[1] == b"7"


def test_construct_comes_back_as_turtle(endpoint):
    text = ("PREFIX lg: <https://w3id.org/leadgraph/ontology#>\n"
            "CONSTRUCT WHERE { ?a lg:requires ?b }")
    status, headers, body = http(endpoint, "/sparql?" + urllib.parse.urlencode({"query": text}),
                                 headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"consistency" in body


def test_service_is_refused_by_the_endpoint(endpoint):
    wrapper = client(endpoint)
    wrapper.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryBadFormed, match="SERVICE"):
        wrapper.query()


def test_the_word_service_in_a_literal_is_answered(endpoint):
    wrapper = client(endpoint)
    wrapper.setQuery('ASK { FILTER("SERVICE <http://example.org/> {}" != "") }')
    assert wrapper.query().convert()["boolean"] is True


@pytest.mark.parametrize(("path", "data", "method", "kind", "status"), [
    ("/sparql", b"DELETE WHERE { ?s ?p ?o }", "POST", "application/sparql-update", 403),
    ("/sparql", b"update=CLEAR+ALL", "POST", "application/x-www-form-urlencoded", 403),
    ("/sparql", b"query=INSERT+DATA+%7B%7D", "POST", "application/x-www-form-urlencoded", 400),
    ("/sparql", b"<http://a> <http://b> <http://c> .", "PUT", "text/turtle", 405),
    ("/store?default", b"<http://a> <http://b> <http://c> .", "PUT", "text/turtle", 405),
    ("/update", b"update=CLEAR+ALL", "POST", "application/x-www-form-urlencoded", 404),
])
def test_the_endpoint_is_read_only(endpoint, path, data, method, kind, status):
    assert http(endpoint, path, data, method, {"Content-Type": kind})[0] == status
    assert http(endpoint, "/sparql?" + urllib.parse.urlencode({"query": COUNT_CLAIMS}),
                headers={"Accept": "text/csv"})[2].splitlines()[1] == b"7"


def test_a_dataset_outside_the_graph_is_refused(endpoint):
    params = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }",
                                     "default-graph-uri": "http://example.org/elsewhere"})
    status, _, body = http(endpoint, "/sparql?" + params)
    assert status == 400 and b"elsewhere" in body


def test_malformed_query_is_a_400_with_line_and_column(endpoint):
    params = urllib.parse.urlencode({"query": "SELECT * WHERE {\n ?s ?p }"})
    status, _, body = http(endpoint, "/sparql?" + params)
    assert status == 400 and b"line 2, column" in body


def test_the_page_has_a_query_box_and_every_named_query_and_nothing_from_elsewhere(endpoint):
    status, headers, body = http(endpoint, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<textarea" in page and 'fetch("sparql"' in page
    for name in NAMES:
        named = query.named_query(name)
        assert html.escape(named.title) in page and f'data-name="{name}"' in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)


def test_named_query_texts_cannot_break_out_of_the_page():
    from graph.serve import page

    evil = query.NamedQuery("x", "<b>t</b>", "d & e", (), "SELECT * WHERE {} # </script><i>")
    text = page({"x": evil})
    assert "<b>t</b>" not in text and "</script><i>" not in text and "&lt;b&gt;" in text


def start_serve(graph: Path, *options: str) -> tuple[subprocess.Popen, Running]:
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", str(graph), "--port", "0", *options],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    line = ""
    deadline = time.monotonic() + 60
    while "serving" not in line and time.monotonic() < deadline:
        line = process.stderr.readline()
    return process, Running(re.search(r"at (http://\S+/) ", line)[1], 0)


def test_serve_command_answers_then_stops_cleanly():
    process, started = start_serve(FIXTURE)
    try:
        assert http(started, "/sparql?" + urllib.parse.urlencode(
            {"query": COUNT_CLAIMS}), headers={"Accept": "text/csv"})[2].splitlines()[1] == b"7"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert "stopped" in process.stderr.read()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _serve_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("leadgraph-serve-*")}


def test_a_killed_server_leaves_no_process_or_folder_behind(big_graph):
    folders = _serve_folders()
    process, started = start_serve(big_graph, "--timeout", "60")
    runaway = threading.Thread(target=_ask_ignoring_errors, args=(started, RUNAWAY), daemon=True)
    runaway.start()
    deadline = time.monotonic() + 20
    while not (children := _children(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children, "the runaway query runs in a child process"
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children), "a child outlived the killed server"
    assert _serve_folders() <= folders


def _ask_ignoring_errors(started: Running, text: str) -> None:
    """Ask, for a server about to be killed: its connection will be reset."""
    with contextlib.suppress(OSError):
        http(started, "/sparql?" + urllib.parse.urlencode({"query": text}), timeout=30)


def _alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited; only its exit status is left)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_serve_reports_a_busy_port(endpoint):
    from click.testing import CliRunner

    from graph.cli import main

    port = urllib.parse.urlsplit(endpoint.url).port
    result = CliRunner().invoke(main, ["serve", str(FIXTURE), "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output and os.path.exists(FIXTURE)


RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("big") / "big.nt"
    data.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n"
                            for i in range(2000)))
    return data


def test_a_runaway_query_is_stopped_with_a_503_and_the_endpoint_goes_on(big_graph):
    with running(big_graph, "127.0.0.1", 0, timeout=1) as started:
        began = time.monotonic()
        status, _, body = http(started, "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),
                               headers={"Accept": "text/csv"})
        assert status == 503 and b"stopped after 1 s" in body
        assert time.monotonic() - began < 5
        status, _, body = http(started, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                               headers={"Accept": "text/csv"})
        assert (status, body) == (200, b"true")


# --- hostile queries and requests ----------------------------------------------------------


def _service_requests(url: str, text: str) -> list[tuple[str, bytes | None, dict[str, str]]]:
    """The same query as GET, form POST and application/sparql-query POST."""
    encoded = urllib.parse.urlencode({"query": text})
    return [
        ("/sparql?" + encoded, None, {}),
        ("/sparql", encoded.encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        ("/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
    ]


@pytest.mark.parametrize("text", HIDDEN_SERVICE_QUERIES)
def test_a_hidden_service_is_refused_by_every_method_without_a_request(endpoint, listener,
                                                                         text):
    url, hits = listener
    for path, data, headers in _service_requests(url, text.replace("{url}", url)):
        status, _, body = http(endpoint, path, data, "POST" if data else "GET", headers)
        assert status == 400 and b"SERVICE" in body, body
    assert hits == []


def test_four_concurrent_first_queries_are_all_answered():
    with running(FIXTURE, "127.0.0.1", 0, timeout=10) as fresh:
        path = "/sparql?" + urllib.parse.urlencode({"query": COUNT_CLAIMS})
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: http(fresh, path, headers={"Accept": "text/csv"}),
                                    range(4)))
        assert [(a[0], a[2].splitlines()[1]) for a in answers] == [(200, b"7")] * 4


def test_two_hundred_concurrent_queries_are_all_answered():
    path = "/sparql?" + urllib.parse.urlencode({"query": COUNT_CLAIMS})

    def ask(started: Running) -> tuple[int, bytes]:
        try:
            status, _, body = http(started, path, headers={"Accept": "text/csv"}, timeout=120)
        except OSError as err:  # a reset or refused connection
            return 0, str(err).encode()
        return status, [*body.splitlines(), body][1]

    # queries wait for a free worker, and the wait counts against the time limit: give it room
    with running(FIXTURE, "127.0.0.1", 0, timeout=120) as started, ThreadPoolExecutor(100) as pool:
        answers = list(pool.map(ask, [started] * 200))
    failed = [a for a in answers if a != (200, b"7")]
    assert failed == [], f"{len(failed)} of 200 failed, e.g. {failed[:3]}"


def test_an_expression_that_overflows_the_engine_leaves_the_endpoint_working(endpoint):
    text = "SELECT * WHERE { BIND(" + "+".join(["1"] * 8000) + " AS ?x) }"  # 16 KB
    status, _, body = http(endpoint, "/sparql", text.encode(), "POST",
                           {"Content-Type": "application/sparql-query"}, timeout=30)
    assert status in (200, 400, 503) and body
    status, _, body = http(endpoint, "/sparql?" + urllib.parse.urlencode(
        {"query": COUNT_CLAIMS}), headers={"Accept": "text/csv"})
    assert (status, body.splitlines()[1]) == (200, b"7")


def test_a_deeply_nested_query_gets_a_400_with_a_message(endpoint):
    text = "SELECT * WHERE { " + "{ " * 500 + "?s ?p ?o" + " }" * 500 + " }"
    status, _, body = http(endpoint, "/sparql", text.encode(), "POST",
                           {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"the limit is" in body


def raw(endpoint: Running, request: bytes) -> bytes:
    """Send bytes as they are; the whole answer."""
    port = urllib.parse.urlsplit(endpoint.url).port
    with socket.create_connection(("127.0.0.1", port), 10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(("length", "status"), [
    ("abc", b"400"), ("-5", b"400"), ("1e3", b"400"), ("99999999999", b"413"), (None, b"411"),
])
def test_a_bad_content_length_is_answered_not_dropped(endpoint, length, status):
    header = f"Content-Length: {length}\r\n" if length is not None else ""
    answer = raw(endpoint, (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            f"application/sparql-query\r\n{header}\r\nASK {{}}").encode())
    assert answer.startswith(b"HTTP/1.0 " + status) or answer.startswith(b"HTTP/1.1 " + status)
    assert len(answer.split(b"\r\n\r\n", 1)[1]) > 0


def test_a_body_over_the_limit_is_refused_with_413(endpoint):
    from graph.serve import MAX_BODY_BYTES

    body = b"query=" + b"A" * (MAX_BODY_BYTES + 1)
    status, _, text = http(endpoint, "/sparql", body, "POST",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and b"limit" in text


@pytest.mark.parametrize(("host", "status"), [
    ("evil.example", 403), ("evil.example:{port}", 403), ("127.0.0.1.nip.io:{port}", 403),
    ("localhost:{port}", 200), ("127.0.0.1:{port}", 200), ("[::1]:{port}", 200),
])
def test_only_loopback_host_names_are_served(endpoint, host, status):
    port = urllib.parse.urlsplit(endpoint.url).port
    answer = raw(endpoint, (f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: "
                            f"{host.format(port=port)}\r\nConnection: close\r\n\r\n").encode())
    assert answer.split(b" ", 2)[1] == str(status).encode()
