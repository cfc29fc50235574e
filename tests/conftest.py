"""Shared fixtures: the real corpus beside the repository, the engine, and built graphs."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.extract import Engine, build_engine
from graph.model import Extraction
from graph.pipeline import Options, Summary, build, load_knowledge, run_extraction

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
BERWICK = CORPUS / "berwick-bohmer-clinical-leadership.txt"
VTT = CORPUS / "speaking-up.vtt"
FIXTURES = Path(__file__).parent / "fixtures"


def three_interviews(folder: Path) -> Path:
    """A folder holding three fixture interviews in three formats, for rebuild tests."""
    folder.mkdir()
    for name in ("ward.md", "ed.txt", "community.txt"):
        shutil.copy(FIXTURES / "interviews" / name, folder / name)
    return folder


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
    return _built(BERWICK, tmp_path_factory.mktemp("berwick"))


@pytest.fixture(scope="session")
def vtt_build(tmp_path_factory):
    return _built(VTT, tmp_path_factory.mktemp("vtt"))


def _built(transcript: Path, folder: Path) -> tuple[Path, Summary, list[Extraction]]:
    """A transcript built into folder/out, its summary and the extraction the build cached."""
    options = Options(cache=folder / "cache")
    summary = build([transcript], folder / "out", options)

    def no_engine() -> Engine:
        raise AssertionError("the build cached the extraction")

    extractions, _ = run_extraction([transcript], options, no_engine)
    return folder / "out", summary, extractions


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
