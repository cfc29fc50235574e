"""`leadgraph serve`: a real Oxigraph server behind the checking proxy, used from SPARQLWrapper
like any SPARQL client would."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph import query
from graph.serve import Running, running

from .conftest import ROOT
from .test_query import FIXTURE, NAMES, oxigraph_csv, rows_of

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
         headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(endpoint.url.rstrip("/") + path, data=data, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
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


def test_serve_command_answers_then_stops_with_its_server(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", str(FIXTURE), "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "serving" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
        url = re.search(r"at (http://\S+/) ", line)[1]
        backend = _children(process.pid)
        assert backend, "oxigraph runs as a child of leadgraph serve"
        running_endpoint = Running(url, 0)
        assert http(running_endpoint, "/sparql?" + urllib.parse.urlencode(
            {"query": COUNT_CLAIMS}), headers={"Accept": "text/csv"})[2].splitlines()[1] == b"7"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode == 0
    assert "stopped" in process.stderr.read()
    for pid in backend:
        assert not Path(f"/proc/{pid}").exists(), "the oxigraph server is stopped too"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def test_serve_reports_a_busy_port(endpoint):
    from click.testing import CliRunner

    from graph.cli import main

    port = urllib.parse.urlsplit(endpoint.url).port
    result = CliRunner().invoke(main, ["serve", str(FIXTURE), "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output and os.path.exists(FIXTURE)


def test_a_runaway_query_is_stopped_with_a_503_and_the_endpoint_goes_on(tmp_path):
    data = tmp_path / "big.nt"
    data.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n"
                            for i in range(2000)))
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running(data, "127.0.0.1", 0, timeout=1) as started:
        began = time.monotonic()
        status, _, body = http(started, "/sparql?" + urllib.parse.urlencode({"query": runaway}),
                               headers={"Accept": "text/csv"})
        assert status == 503 and b"stopped after 1 s" in body
        assert time.monotonic() - began < 5
        status, _, body = http(started, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                               headers={"Accept": "text/csv"})
        assert (status, body) == (200, b"true")
