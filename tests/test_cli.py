"""The command line: help, a real build, and every bad input a user can give."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.pipeline import MARKER, MARKER_TEXT

from .conftest import BERWICK, ROOT


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", ["build", "validate"])
def test_help_explains_options_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "leadgraph " + command in result.output


def test_build_writes_graph_and_summary(tmp_path):
    result = run("build", str(BERWICK), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    assert (tmp_path / "out" / "graph.jsonld").stat().st_size > 0
    assert "1 transcript, 14 turns, 2 speakers" in result.stderr
    assert "claims" in result.stderr


def test_build_py_is_the_same_as_leadgraph_build(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Read transcripts" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01\x02\x03binary", "binary file")],
)
def test_bad_transcripts_fail_cleanly_and_keep_out(tmp_path, content, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_bytes(MARKER_TEXT)
    (out / "graph.ttl").write_text("previous build")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("build", str(bad), "--out", str(out))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "graph.ttl"]
    assert (out / "graph.ttl").read_text() == "previous build"


def test_missing_path_and_empty_folder(tmp_path):
    result = run("build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "no such file" in result.output
    (tmp_path / "empty").mkdir()
    result = run("build", str(tmp_path / "empty"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "no transcripts found" in result.output
    assert not (tmp_path / "o").exists()


def test_unlabelled_text_builds_with_a_warning(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Blame kills learning on every ward I know.\n")
    result = run("build", str(plain), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "Unknown" in result.stderr


def test_cp1252_file_builds_with_a_warning(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Ann Lee: Blame kills learning \u2013 every time.\n".encode("cp1252"))
    result = run("build", str(legacy), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0 and "cp1252" in result.stderr


def test_malformed_codebook_names_the_file_and_line(tmp_path):
    codebook = tmp_path / "mine.ttl"
    codebook.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<x> a skos:Concept ;\n  oops .\n"
    )
    result = run("build", str(BERWICK), "--codebook", str(codebook), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "mine.ttl:" in result.output and "Traceback" not in result.output


def test_codebook_concept_without_definition_is_named(tmp_path):
    codebook = tmp_path / "mine.ttl"
    codebook.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix lgc: <https://w3id.org/leadgraph/concept/> .\n"
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n\n"
        'lgc:rota-design a skos:Concept ; skos:prefLabel "rota design"@en ; lg:category lg:Practice .\n'
    )
    result = run("build", str(BERWICK), "--codebook", str(codebook), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert (
        "mine.ttl:5" in result.output
        and "rota-design" in result.output
        and "definition" in result.output
    )


def test_user_codebook_adds_concepts(tmp_path):
    codebook = tmp_path / "mine.ttl"
    codebook.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix lgc: <https://w3id.org/leadgraph/concept/> .\n"
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n\n"
        'lgc:bed-meeting a skos:Concept ; skos:prefLabel "bed meeting"@en ;\n'
        '  skos:definition "The daily meeting that allocates beds."@en ; lg:category lg:Practice .\n'
    )
    transcript = tmp_path / "t.txt"
    transcript.write_text("Ann Lee: The bed meeting undermines teamwork.\n")
    result = run(
        "build", str(transcript), "--codebook", str(codebook), "--out", str(tmp_path / "o")
    )
    assert result.exit_code == 0, result.output
    assert "bed-meeting" in (tmp_path / "o" / "graph.ttl").read_text()


def test_validate_exit_codes(tmp_path, berwick_build):
    out, _, _ = berwick_build
    assert run("validate", str(out / "graph.ttl")).exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n<urn:c> a lg:Claim .\n"
    )
    result = run("validate", str(broken))
    assert result.exit_code == 1 and "Constraint Violation" in result.output
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <")
    assert run("validate", str(garbage)).exit_code == 2
    assert run("validate", str(tmp_path / "missing.ttl")).exit_code == 2


def _two_interviews(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    (folder / "ward").mkdir(parents=True)
    (folder / "theatre").mkdir()
    (folder / "ward" / "notes.txt").write_text("Ann Lee: Blame kills learning.\n\nBob Kay: Yes.\n")
    (folder / "theatre" / "notes.txt").write_text(
        "Ann Lee: Trust needs consistency.\n\nCat Roe: Agreed.\n"
    )
    return folder


def test_folder_build_keeps_each_interview_in_its_named_graph(tmp_path):
    from rdflib import Dataset

    result = run(
        "build", str(_two_interviews(tmp_path)), "--out", str(tmp_path / "o"), "--no-cache"
    )
    assert result.exit_code == 0, result.output
    assert "2 transcripts" in result.stderr
    dataset = Dataset()
    dataset.parse(tmp_path / "o" / "graph.trig", format="trig")
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs()}
    assert {"theatre-notes", "ward-notes"} <= names
    nquads = (tmp_path / "o" / "graph.nq").read_text()
    assert "<https://w3id.org/leadgraph/data/ward-notes> ." in nquads
    ttl = (tmp_path / "o" / "graph.ttl").read_text()
    assert ttl.count('foaf:name "Ann Lee"') == 2  # one person per interview by default


def test_same_person_joins_speakers_across_interviews(tmp_path):
    folder = _two_interviews(tmp_path)
    result = run(
        "build",
        str(folder),
        "--out",
        str(tmp_path / "o"),
        "--no-cache",
        "--same-person",
        "Ann Lee=Ann Lee",
    )
    assert result.exit_code == 0, result.output
    ttl = (tmp_path / "o" / "graph.ttl").read_text()
    assert ttl.count('foaf:name "Ann Lee"') == 1 and "lgp:ann-lee" in ttl
    bad = run("build", str(folder), "--out", str(tmp_path / "o2"), "--same-person", "Ann Lee")
    assert bad.exit_code == 1 and "NAME=NAME" in bad.output


def test_parallel_and_cached_builds_give_the_same_graph(tmp_path):
    folder = _two_interviews(tmp_path)
    cache = tmp_path / "cache"
    first = run(
        "build", str(folder), "--out", str(tmp_path / "a"), "--jobs", "2", "--cache", str(cache)
    )
    assert first.exit_code == 0, first.output
    assert len(list(cache.glob("*.json.gz"))) == 2
    again = run("build", str(folder), "--out", str(tmp_path / "b"), "--cache", str(cache))
    assert again.exit_code == 0
    for name in ("graph.ttl", "graph.trig", "graph.nq"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
