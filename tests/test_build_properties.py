"""Property test over a whole build: any transcript text builds, or fails with one line, into
files that independent readers accept, with no transcript markup left unescaped in the pages
and no spreadsheet cell that starts a formula."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from rdflib import Graph

from graph.pipeline import BuildError, Options, build
from graph.readers import ReadError

SPEAKERS = ["Ann Lee", "Bob Kay", "Émilie Dubois", "王小明", "Q", "A"]
SENTENCES = ["Blame kills learning.", "Trust builds psychological safety.",
             "Does burnout undermine teamwork?", "Yes, it does.", "Staffing shortages erode morale."]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "</textarea><b>x</b>",
          "]]><!-- -->", "<svg/onload=alert(3)>"]
HOSTILE = [*MARKUP, "=HYPERLINK(\"http://x\")", "+SUM(A1)", "@SUM(A1)", "-2+3", "a\x01b",
           "\x1b[31m red", "\"quoted\" & 'single'", "\\u0022 \\n", "\ufeff\u202e odd"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
EMBEDDED = st.builds(  # in a sentence that gives a claim, so quoted: first or after a word
    lambda s, h, first: f"{h} {s}" if first else s.replace(" ", f" {h} ", 1),
    st.sampled_from(SENTENCES), st.sampled_from(HOSTILE), st.booleans())
PIECE = st.one_of(st.sampled_from(SENTENCES), EMBEDDED, st.sampled_from(HOSTILE),
                  st.text(max_size=30))
TURNS = st.lists(st.tuples(st.sampled_from(SPEAKERS), st.lists(PIECE, min_size=1, max_size=3)),
                 min_size=1, max_size=6)


@pytest.fixture
def shared_engine(monkeypatch, knowledge, engine):
    """Builds use the session's engine: the same knowledge, loaded once for the tests."""
    import graph.pipeline

    monkeypatch.setattr(graph.pipeline, "load_knowledge", lambda *_: knowledge)
    monkeypatch.setattr(graph.pipeline, "make_engine", lambda *_: engine)


def _number(cell: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell) is not None


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lead=st.builds("{} {}".format, st.sampled_from(HOSTILE), st.sampled_from(SENTENCES)),
       turns=TURNS)
def test_any_transcript_builds_into_files_every_reader_accepts(lead, turns, shared_engine):
    rapper = shutil.which("rapper")
    assert rapper, "rapper (raptor2-utils) is needed for this test"
    turns = [("Ann Lee", [lead]), *turns]  # hostile text opens a quote in every example
    text = "".join(f"{speaker}: {' '.join(pieces)}\n\n" for speaker, pieces in turns)
    with tempfile.TemporaryDirectory() as folder:
        transcript, out = Path(folder) / "t.txt", Path(folder) / "out"
        transcript.write_text(text, encoding="utf-8")
        try:
            summary = build([transcript], out, Options(cache=None))
        except (BuildError, ReadError) as err:  # a one-line refusal, out/ never made
            assert len(str(err).splitlines()) == 1 and not out.exists(), str(err)
            return
        checked = subprocess.run([rapper, "-i", "turtle", "-c", str(out / "graph.ttl")],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        assert f"returned {summary.triples} triples" in checked.stderr
        assert len(Graph().parse(out / "graph.ttl", format="turtle")) == summary.triples
        for name in ("graph.gexf", "graph.graphml"):
            etree.parse(str(out / name))
        for name in ("nodes.csv", "edges.csv"):
            with (out / name).open(newline="", encoding="utf-8") as file:
                for row in csv.reader(file):
                    assert all(not c.startswith(FORMULA) or _number(c) for c in row), row
        for name in ("index.html", "concept_map.html"):
            page = (out / name).read_text(encoding="utf-8")
            assert not [m for m in MARKUP if m in page], name
