"""`leadgraph push` and `leadgraph query --endpoint` against a real Oxigraph server that the
fixture starts on a free loopback port (and always stops)."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.store import DEFAULT_GRAPH, credentials, sends_secrets_in_clear

from .test_query import CASES, FIXTURE, NAMES, case_id, rows_of

FIXTURE_GRAPH = "https://example.org/interviews/fixture"
BERWICK_GRAPH = "https://example.org/interviews/berwick"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


def oxigraph_binary() -> str:
    """The `oxigraph` server program (from the `oxigraph` package): on PATH or beside Python."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(beside) if beside.exists() else None)
    assert found, "the oxigraph server is not installed: pip install oxigraph"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner(env=env).invoke(main, list(args))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve` (read-write) on a free port; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path_factory.mktemp("store")),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(base: str, process: subprocess.Popen) -> None:
    for _ in range(200):
        assert process.poll() is None, "oxigraph serve stopped at start"
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
            return
        except OSError:
            threading.Event().wait(0.05)
    raise AssertionError("oxigraph serve did not start")


@pytest.fixture(scope="module")
def pushed(store, berwick_build) -> Path:
    """The fixture and the first input's build, each in its own named graph of the store."""
    out, _, _ = berwick_build
    for path, graph in ((FIXTURE, FIXTURE_GRAPH), (out / "graph.ttl", BERWICK_GRAPH)):
        result = run("push", str(path), "--endpoint", f"{store}/store", "--graph", graph)
        assert result.exit_code == 0, result.output
    return out / "graph.ttl"


def remote_count(store: str, graph: str) -> int:
    result = run("query", "--endpoint", f"{store}/query", "-e", COUNT.format(graph=graph),
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    return int(rows_of(result.stdout)[1][0][0])


def local_count(path: Path) -> int:
    result = run("query", str(path), "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 "--format", "csv")
    return int(rows_of(result.stdout)[1][0][0])


@pytest.mark.parametrize(("name", "params"), CASES, ids=[case_id(*c) for c in CASES])
def test_named_queries_over_http_match_the_local_answer(store, pushed, name, params):
    options = [f"--param={p}" for p in params] + ["--name", name, "--format", "csv"]
    local = run("query", str(FIXTURE), *options)
    remote = run("query", "--endpoint", f"{store}/query", "--graph", FIXTURE_GRAPH, *options)
    assert remote.exit_code == 0, remote.output
    assert rows_of(remote.stdout) == rows_of(local.stdout)
    assert rows_of(remote.stdout)[1]


@pytest.mark.parametrize("name", NAMES)
def test_the_first_input_over_http_matches_the_local_answer(store, pushed, name):
    local = run("query", str(pushed), "--name", name, "--format", "csv")
    remote = run("query", "--endpoint", f"{store}/query", "--graph", BERWICK_GRAPH,
                 "--name", name, "--format", "csv")
    assert remote.exit_code == 0, remote.output
    assert rows_of(remote.stdout) == rows_of(local.stdout)


@pytest.mark.parametrize("name", ["relations-with-evidence", "speaker-on-concept"])
def test_a_page_of_a_listing_over_http_is_the_local_page(store, pushed, name):
    options = ["--name", name, "--format", "csv", "--offset", "2", "--limit", "3"]
    local = run("query", str(pushed), *options)
    remote = run("query", "--endpoint", f"{store}/query", "--graph", BERWICK_GRAPH, *options)
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and len(rows_of(remote.stdout)[1]) == 3
    assert "showing rows 3 to 5" in remote.stderr


def test_pushing_twice_replaces_the_graph_and_keeps_the_count(store, pushed):
    assert remote_count(store, BERWICK_GRAPH) == local_count(pushed)
    again = run("push", str(pushed), "--endpoint", f"{store}/store", "--graph", BERWICK_GRAPH)
    assert again.exit_code == 0 and "replaced" in again.stderr
    assert remote_count(store, BERWICK_GRAPH) == local_count(pushed)


def test_push_replaces_a_graph_with_a_smaller_one(store, tmp_path):
    graph = "https://example.org/interviews/shrinking"
    assert "created" in run("push", str(FIXTURE), "--endpoint", f"{store}/store",
                            "--graph", graph).stderr
    small = tmp_path / "small.ttl"
    small.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    assert run("push", str(small), "--endpoint", f"{store}/store", "--graph", graph).exit_code == 0
    assert remote_count(store, graph) == 1


def test_a_dataset_is_pushed_as_the_merge_of_its_graphs(store, berwick_build):
    out, _, _ = berwick_build
    trig = out / "graph.trig"
    if not trig.exists():
        pytest.skip("this build writes no TriG")
    graph = "https://example.org/interviews/from-trig"
    assert run("push", str(trig), "--endpoint", f"{store}/store", "--graph", graph).exit_code == 0
    assert remote_count(store, graph) == local_count(out / "graph.ttl")


def test_default_graph_name(store):
    result = run("push", str(FIXTURE), "--endpoint", f"{store}/store")
    assert result.exit_code == 0 and DEFAULT_GRAPH in result.stderr
    assert remote_count(store, DEFAULT_GRAPH) == local_count(FIXTURE)


def test_service_and_updates_are_refused_before_reaching_the_store(store):
    for text, message in (("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                           "SERVICE"),
                          ("CLEAR ALL", "use `leadgraph push`")):
        result = run("query", "--endpoint", f"{store}/query", "-e", text)
        assert result.exit_code == 1 and message in result.stderr


def test_a_remote_query_may_use_the_graph_prefixes_like_a_local_one(store, pushed):
    text = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lg:Claim ; rdf:subject lgc:trust }"
    local = run("query", str(FIXTURE), "-e", text, "--format", "csv")
    remote = run("query", "--endpoint", f"{store}/query", "--graph", FIXTURE_GRAPH, "-e", text,
                 "--format", "csv")
    assert remote.exit_code == 0, remote.output
    assert rows_of(remote.stdout) == rows_of(local.stdout) and rows_of(local.stdout)[1][0] != ("0",)


def test_a_query_the_store_rejects_gives_a_one_line_error(store, pushed):
    result = run("query", "--endpoint", f"{store}/query", "-e",
                 "SELECT * WHERE { ?s ?p ?o } GROUP BY ?s")
    assert result.exit_code in (1, 2) and "HTTP 400" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and len(result.stderr) < 400


def test_a_store_syntax_error_is_one_line_at_the_line_the_user_wrote(store, pushed):
    result = run("query", "--endpoint", f"{store}/query", "-e",
                 "SELECT *\nWHERE { ?s a lg:Claim }\nGROUP BY ?s")  # rdflib lets it through
    assert result.exit_code in (1, 2), result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "['" not in result.stderr
    assert "line 3, column" in result.stderr and "GROUP BY" in result.stderr


def test_an_empty_answer_from_a_store_with_named_graphs_gives_a_hint(store, pushed):
    result = run("query", "--endpoint", f"{store}/query", "--name", "concepts-by-mentions",
                 "--format", "csv")
    assert result.exit_code == 0 and rows_of(result.stdout)[1] == []
    assert "--graph" in result.stderr and FIXTURE_GRAPH in result.stderr
    with_graph = run("query", "--endpoint", f"{store}/query", "--graph", FIXTURE_GRAPH,
                     "--name", "concepts-by-mentions", "--format", "csv")
    assert rows_of(with_graph.stdout)[1] and "--graph" not in with_graph.stderr


@pytest.mark.parametrize("command", [
    ["push", str(FIXTURE), "--endpoint", "{url}/store"],
    ["query", "--endpoint", "{url}/query", "-e", "ASK {}"],
])
def test_a_store_that_is_down_gives_a_one_line_error(command):
    url = f"http://127.0.0.1:{free_port()}"
    result = run(*[part.replace("{url}", url) for part in command])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert f"cannot reach the store at {url}/" in result.stderr
    assert "refused" in result.stderr.lower()


def test_a_bad_graph_iri_or_url_is_refused():
    assert "not an absolute IRI" in run("push", str(FIXTURE), "--endpoint",
                                        "http://127.0.0.1:9/store", "--graph", "no iri").stderr
    assert "not an http(s) URL" in run("push", str(FIXTURE), "--endpoint", "ftp://x/").stderr


# --- credentials -------------------------------------------------------------------------


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A local HTTP server that records request headers and asks for credentials unless it
    gets the right ones."""
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            seen.append(dict(self.headers))
            self.rfile.read(int(self.headers["Content-Length"]))
            ok = self.headers.get("Authorization") in ("Bearer s3cret", "Basic YW5uOnB3")
            self.send_response(204 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store", seen
    server.shutdown()
    server.server_close()


def test_credentials_come_from_the_environment(recorder):
    url, seen = recorder
    token = run("push", str(FIXTURE), "--endpoint", url, env={"LEADGRAPH_TOKEN": "s3cret"})
    basic = run("push", str(FIXTURE), "--endpoint", url,
                env={"LEADGRAPH_USER": "ann", "LEADGRAPH_PASSWORD": "pw", "LEADGRAPH_TOKEN": ""})
    assert token.exit_code == 0 and basic.exit_code == 0, token.output + basic.output
    assert [h["Authorization"] for h in seen] == ["Bearer s3cret", "Basic YW5uOnB3"]
    assert seen[0]["Content-Type"].startswith("text/turtle")


def test_refused_credentials_say_where_they_come_from(recorder):
    url, _ = recorder
    result = run("push", str(FIXTURE), "--endpoint", url, env={"LEADGRAPH_TOKEN": "wrong"})
    assert result.exit_code == 1 and "HTTP 401" in result.stderr
    assert "LEADGRAPH_TOKEN" in result.stderr and "wrong" not in result.stderr


def test_credentials_are_never_taken_from_the_command_line():
    result = run("push", str(FIXTURE), "--endpoint", "http://ann:pw@127.0.0.1:9/store")
    assert result.exit_code == 1 and "credentials in the URL are refused" in result.stderr
    assert "password" not in run("push", "--help").output.lower().replace("leadgraph_password", "")


def test_credentials_helpers():
    assert credentials({}) == {}
    assert credentials({"LEADGRAPH_USER": "ann", "LEADGRAPH_PASSWORD": "pw"}) == {
        "Authorization": "Basic YW5uOnB3"}
    assert sends_secrets_in_clear("http://store.example.org/", {"Authorization": "x"})
    assert not sends_secrets_in_clear("http://127.0.0.1:7878/", {"Authorization": "x"})
    assert not sends_secrets_in_clear("https://store.example.org/", {"Authorization": "x"})
