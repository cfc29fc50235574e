"""Shared fixtures: the real corpus beside the repository, the engine, and built graphs."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.extract import build_engine
from graph.pipeline import Options, build, load_knowledge

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
BERWICK = CORPUS / "berwick-bohmer-clinical-leadership.txt"
VTT = CORPUS / "speaking-up.vtt"
FIXTURES = Path(__file__).parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="Rewrite the golden files under tests/snapshots/ from the current output.",
    )


@pytest.fixture(scope="session")
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture(scope="session")
def knowledge():
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge):
    codebook, rules = knowledge
    return build_engine(codebook, rules)


@pytest.fixture(scope="session")
def berwick_build(tmp_path_factory):
    """The first input built once into a temporary out/ folder."""
    out = tmp_path_factory.mktemp("berwick") / "out"
    summary, extractions = build([BERWICK], out, Options(cache=None))
    return out, summary, extractions


@pytest.fixture(scope="session")
def vtt_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("vtt") / "out"
    summary, extractions = build([VTT], out, Options(cache=None))
    return out, summary, extractions


def gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.gold.json").read_text(encoding="utf-8"))


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets: proof of a network call."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'{"@context": {}, "@id": "http://example.org/x"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
