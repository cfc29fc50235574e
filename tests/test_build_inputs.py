"""What a build reads and where it writes: input discovery, document ids, the output folder
(swapped in whole, locked, never a place it must not replace), and every bad input at build
level failing with one clear line and out/ untouched."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.pipeline import MARKER, MARKER_TEXT, document_ids, writing
from graph.readers import find_transcripts, scan_transcripts
from graph.rules import MAX_RULES_BYTES

from .conftest import BERWICK, CORPUS, ROOT

TRANSCRIPT = "Ann Lee: Blame kills learning on the ward.\n"
PREFIXES = (
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix lgc: <https://w3id.org/leadgraph/concept/> .\n"
    "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n\n"
)
RULE = """rules:
  - id: erodes
    description: "A wears down B."
    relation: undermines
    patterns:
      - [{LEMMA: "wear"}, {LOWER: "down"}]
    examples:
      - {text: "Constant pressure wears down compassion.", subject: workload, object: compassion}
    counter_examples:
      - "The carpet wore down."
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def previous_output(out: Path) -> dict[str, bytes]:
    """A folder as a previous build left it; returns its files and bytes."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_bytes(MARKER_TEXT)
    (out / "graph.ttl").write_text("# the previous build\n")
    return snapshot(out)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes; the store folder only by its presence (its files are not
    byte-stable)."""
    return {p.name: p.read_bytes() if p.is_file() else None for p in sorted(folder.iterdir())}


# --- input discovery and document ids ---


def test_a_file_named_twice_or_by_two_paths_is_read_once(tmp_path):
    transcript = tmp_path / "a.txt"
    transcript.write_text(TRANSCRIPT)
    (tmp_path / "alias.txt").symlink_to(transcript)
    found = find_transcripts([transcript, transcript, tmp_path / "." / "a.txt", tmp_path])
    assert found == [transcript]


@pytest.mark.parametrize(
    "names",
    [
        ["interview.txt", "interview.docx"],
        ["Interview 1.txt", "interview-1.txt"],
        ["Interview 1.txt", "interview-1.txt", "interview-1.md", "interview-1-2.txt"],
        ["ward/notes.txt", "theatre/notes.txt", "notes.txt"],
    ],
)
def test_document_ids_are_unique_and_do_not_depend_on_order(tmp_path, names):
    paths = [tmp_path / name for name in names]
    ids = document_ids(paths)
    assert sorted(ids) == sorted(paths) and len(set(ids.values())) == len(paths)
    for seed in range(3):
        shuffled = paths[:]
        random.Random(seed).shuffle(shuffled)
        assert document_ids(shuffled) == ids


def test_same_stem_in_one_folder_builds_two_interviews(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Interview 1.txt").write_text(TRANSCRIPT)
    (folder / "interview-1.txt").write_text("Ben Roe: Trust needs consistency.\n")
    (folder / "interview-1.md").write_text("Cy Doe: Fairness builds trust.\n")
    result = run("build", str(folder), str(folder / "interview-1.txt"), "--out",
                 str(tmp_path / "out"), "--no-cache", "--no-validate")
    assert result.exit_code == 0, result.output
    assert "3 transcripts" in result.stderr
    turtle = (tmp_path / "out" / "graph.ttl").read_text()
    assert all(f"lgd:{i}\n" in turtle for i in ("interview-1", "interview-1-2", "interview-1-3"))


def test_symlink_loops_and_odd_entries_are_named(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(TRANSCRIPT)
    (folder / "sub" / "up").symlink_to(folder)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(folder / "pipe.vtt")
    found = scan_transcripts([folder])
    assert found.files == (folder / "good.txt",)
    assert sorted(found.problems) == [
        f"{folder / 'gone.txt'}: broken symbolic link (to {tmp_path / 'missing.txt'})",
        f"{folder / 'pipe.vtt'}: not a regular file (a pipe, socket or device)",
        f"{folder / 'self.txt'}: symbolic link loop",
        f"{folder / 'sub' / 'up'}: symbolic link loop (back to {folder})",
    ]


# --- good and bad files together ---


def test_bad_files_fail_the_build_unless_keep_going(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TRANSCRIPT)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    before = previous_output(out)
    result = run("build", str(folder), "--out", str(out), "--no-cache", "--no-validate")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert any("empty.txt: empty file" in line for line in lines)
    assert any("binary.txt: binary file" in line for line in lines)
    assert "2 of 3 files could not be read" in result.stderr
    assert snapshot(out) == before
    result = run("build", str(folder), "--out", str(out), "--no-cache", "--no-validate",
                 "--keep-going")
    assert result.exit_code == 0, result.output
    assert "warning: skipped empty.txt: empty file" in result.stderr
    assert "warning: skipped binary.txt: binary file, not a transcript" in result.stderr
    assert "1 transcript," in result.stderr
    assert "lgd:good" in (out / "graph.ttl").read_text()


# --- the output folder ---


def test_out_is_marked_and_stale_staging_is_cleared(tmp_path):
    out = tmp_path / "out"
    stale = tmp_path / ".out.new-abcd_123"
    stale.mkdir()
    (stale / "graph.ttl").write_text("half written")
    keep = tmp_path / ".out.new-notes"  # not a staging folder's name: left alone
    keep.mkdir()
    result = run("build", str(BERWICK), "--out", str(out), "--no-cache", "--no-validate")
    assert result.exit_code == 0, result.output
    assert (out / MARKER).read_bytes() == MARKER_TEXT
    assert not stale.exists() and keep.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", ".out.new-notes", "out"]


def test_output_moved_aside_by_a_killed_build_is_put_back(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / ".out.old-k1ll3d_x"
    before = previous_output(aside)
    with writing(out):
        assert snapshot(out) == before
    assert not aside.exists()


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_swap_puts_the_new_output_in_place_and_keeps_the_old_aside(tmp_path, monkeypatch, atomic):
    import graph.pipeline as pipeline

    if not atomic:  # a system or file system without renameat2's RENAME_EXCHANGE
        monkeypatch.setattr(pipeline, "_exchange", lambda a, b: False)
    out, staging = tmp_path / "out", tmp_path / ".out.new-abcd1234"
    old = previous_output(out)
    previous_output(staging)
    (staging / "graph.ttl").write_text("# the new build\n")
    new = snapshot(staging)
    pipeline._swap(staging, out)
    assert snapshot(out) == new and snapshot(staging) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.new-abcd1234", "out"]


def test_a_second_build_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    before = previous_output(out)
    with open(tmp_path / ".out.lock", "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run("build", str(BERWICK), "--out", str(out), "--no-cache")
    assert result.exit_code == 1
    assert result.stderr == f"Error: another build is writing {out}\n"
    assert snapshot(out) == before


def _build(out: Path, *inputs: Path, cache: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "graph", "build", *map(str, inputs), "--out", str(out),
               "--cache", str(cache)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_build_killed_at_any_moment_leaves_a_whole_output(tmp_path):
    """SIGKILL at start-up, when the staging folder appears, and just after: out/ is the old
    build or the new one, whole; the next build is byte-identical to a clean one."""
    cache = tmp_path / "cache"
    clean, out = tmp_path / "clean", tmp_path / "out"
    assert _build(clean, CORPUS, cache=cache).wait() == 0
    new = snapshot(clean)
    assert _build(out, BERWICK, cache=cache).wait() == 0
    old = snapshot(out)
    assert old != new
    for delay in (0.5, 0.0, 0.05, 0.2, 1.0):
        build = _build(out, CORPUS, cache=cache)
        if delay == 0.5:
            time.sleep(delay)
        else:  # wait for the staging folder, then a little more
            while build.poll() is None and not list(tmp_path.glob(".out.new-*")):
                time.sleep(0.002)
            time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert snapshot(out) in (old, new), f"killed {delay} s in: a mixed output"
    assert _build(out, CORPUS, cache=cache).wait() == 0
    assert snapshot(out) == new
    assert not list(tmp_path.glob(".out.new-*")) and not list(tmp_path.glob(".out.old-*"))


# --- every bad input at build level ---


def _codebook(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "mine.ttl"
    path.write_text(PREFIXES + body)
    return ["t.txt", "--codebook", str(path)]


def _rules(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "my-rules.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return ["t.txt", "--rules", str(path)]


def _folder(tmp_path: Path, make) -> list[str]:
    folder = tmp_path / "bad"
    folder.mkdir()
    make(folder)
    return [str(folder)]


BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{x}: &{x} [{', '.join([f'*{y}'] * 9)}]\n" for y, x in zip("abcdefgh", "bcdefghi", strict=True))
DEFINED = 'skos:definition "A meeting."@en ; lg:category lg:Practice .\n'
CASES = {
    "codebook-syntax-error": (lambda t: _codebook(t, "lgc:x a skos:Concept ;\n  oops .\n"),
                              "mine.ttl:6: not valid Turtle"),
    "codebook-duplicate-label": (
        lambda t: _codebook(t, f'lgc:bed-meeting a skos:Concept ; skos:prefLabel "Trust"@en ;\n'
                            f"  {DEFINED}"),
        "mine.ttl:5: label 'Trust' of <https://w3id.org/leadgraph/concept/bed-meeting> is "
        "already a label of <https://w3id.org/leadgraph/concept/trust>"),
    "codebook-missing-preflabel": (
        lambda t: _codebook(t, f"lgc:bed-meeting a skos:Concept ;\n  {DEFINED}"),
        "mine.ttl:5: concept <https://w3id.org/leadgraph/concept/bed-meeting> needs exactly one "
        "skos:prefLabel, has 0"),
    "rules-alias": (lambda t: _rules(t, "hedges: &h [[{LOWER: maybe}]]\nreported: *h\n"),
                    "my-rules.yaml:1: [R001] not valid YAML: anchors and aliases"),
    "rules-bomb": (lambda t: _rules(t, BOMB), "my-rules.yaml:1: [R001] not valid YAML: anchors"),
    "rules-misspelt-top-key": (lambda t: _rules(t, "hedgs: []\n" + RULE),
                               "my-rules.yaml:1: [R001] hedgs: Extra inputs are not permitted"),
    "rules-misspelt-rule-key": (
        lambda t: _rules(t, RULE.replace("relation:", "relaton:")),
        "my-rules.yaml:2: rule 'erodes': [R003] relaton: unknown key; did you mean 'relation'?"),
    "rules-wrong-type": (lambda t: _rules(t, RULE + "    reach: far\n"),
                         "my-rules.yaml:2: rule 'erodes': [R003] reach: Input should be a valid "
                         "integer"),
    "rules-huge-file": (lambda t: _rules(t, b"#" * (MAX_RULES_BYTES + 1)),
                        f"rules file larger than {MAX_RULES_BYTES:,} bytes"),
    "symlink-loop": (lambda t: _folder(t, lambda f: (f / "a.txt").symlink_to(f / "a.txt")),
                     "a.txt: symbolic link loop"),
    "folder-link-loop": (lambda t: _folder(t, lambda f: (f / "up").symlink_to(f)),
                         "up: symbolic link loop"),
    "pipe-named-like-a-transcript": (lambda t: _folder(t, lambda f: os.mkfifo(f / "a.txt")),
                                     "a.txt: not a regular file"),
    "empty-transcript": (lambda t: _folder(t, lambda f: (f / "a.txt").write_text("")),
                         "a.txt: empty file"),
    "empty-folder": (lambda t: _folder(t, lambda f: None), "no transcripts found"),
    "missing-input": (lambda t: [str(t / "nope.txt")], "nope.txt: no such file or folder"),
    "out-is-a-file": (lambda t: ["t.txt", "--out", str(t / "graph.ttl")],
                      "is a file, not a folder"),
    "out-is-someone-elses-folder": (lambda t: ["t.txt", "--out", str(t / "in")],
                                    "is not empty and is not a leadgraph output"),
    "out-is-the-current-folder": (lambda t: ["t.txt", "--out", "."],
                                  "--out .: refusing to replace the current folder"),
    "out-is-root": (lambda t: ["t.txt", "--out", "/"],
                    "--out /: refusing to replace the root folder"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_with_one_line_and_keeps_out(tmp_path, case, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make, message = CASES[case]
    (tmp_path / "graph.ttl").write_text("not a folder\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("Someone else's notes.\n")
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    out = tmp_path / "out"
    before = previous_output(out)
    args = make(tmp_path)
    if "--out" not in args:
        args += ["--out", str(out)]
    result = run("build", *args, "--no-cache", "--no-validate")
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(out) == before
    assert (tmp_path / "graph.ttl").read_text() == "not a folder\n"
    assert snapshot(tmp_path / "in") == {"notes.md": b"Someone else's notes.\n"}


def as_a_user(command: list[str]) -> list[str]:
    """The command, run as root without the capabilities that let root read any file."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads a file whatever its mode, and setpriv is missing")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]


def test_unreadable_file_is_named_and_out_is_kept(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TRANSCRIPT)
    locked = folder / "locked.txt"
    locked.write_text(TRANSCRIPT)
    locked.chmod(0)
    out = tmp_path / "out"
    before = previous_output(out)
    command = [sys.executable, "-m", "graph", "build", str(folder), "--out", str(out),
               "--no-cache"]
    result = subprocess.run(as_a_user(command), cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"Error: {locked}: Permission denied",
        "1 of 2 files could not be read; nothing written (--keep-going builds the others)"]
    assert snapshot(out) == before
    given = subprocess.run(as_a_user([*command[:4], str(locked), *command[5:]]), cwd=ROOT,
                           capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert given.returncode == 2 and given.stderr.endswith(f"'{locked}' is not readable.\n")
    assert snapshot(out) == before


# --- export of a saved graph ---


@pytest.mark.parametrize("suffix", ["trig", "nq"])
def test_export_of_named_graphs_gives_the_same_views_as_turtle(berwick_build, tmp_path, suffix):
    out, _, _ = berwick_build
    for source, folder in ((out / "graph.ttl", "from-ttl"), (out / f"graph.{suffix}", suffix)):
        result = CliRunner().invoke(main, ["export", str(source), "--format", "csv", "--out",
                                           str(tmp_path / folder)])
        assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / suffix) == snapshot(tmp_path / "from-ttl")
    assert len((tmp_path / suffix / "edges.csv").read_text().splitlines()) > 5


def test_export_refuses_a_graph_without_transcripts_or_claims(tmp_path):
    source = tmp_path / "other.nt"
    source.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    result = CliRunner().invoke(main, ["export", str(source), "--format", "gexf", "--out",
                                       str(tmp_path / "g.gexf")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {source}: no leadgraph transcripts or claims in it; " \
        "nothing to export\n"
    assert not (tmp_path / "g.gexf").exists()


# --- knowledge files ---


def test_a_rules_file_of_new_rules_only_extends_the_defaults(tmp_path):
    from graph.pipeline import load_knowledge

    path = tmp_path / "my-rules.yaml"
    path.write_text(RULE)
    _, defaults = load_knowledge()
    _, rules = load_knowledge(rules=[path])
    assert [r.id for r in rules.rules] == [*(r.id for r in defaults.rules), "erodes"]
    assert rules.negation == defaults.negation and rules.pronouns == defaults.pronouns


def test_a_label_on_two_concepts_in_one_file_is_an_error(tmp_path):
    from graph.codebook import CodebookError, load_codebook

    path = tmp_path / "book.ttl"
    concept = 'lgc:{0} a skos:Concept ; skos:prefLabel "{1}"@en ;\n  ' + DEFINED
    path.write_text(PREFIXES + concept.format("rota", "Rota design")
                    + concept.format("roster", "rota  DESIGN"))
    with pytest.raises(CodebookError, match=r"book\.ttl:7: label 'rota  DESIGN' of <\S+roster> "
                                            r"is already a label of <\S+rota> \(\S+book\.ttl:5\)"):
        load_codebook([path])


# --- SHACL cost ---


def _lookups(claims: int) -> int:
    """Triples rdflib's store hands out while validating a transcript of `claims` claims."""
    from rdflib import Graph
    from rdflib.plugins.stores.memory import Memory

    from graph.pipeline import load_knowledge, load_ontology, load_shapes
    from graph.rdf import document_graph, shared_graph
    from graph.validate import validate

    sys.path.insert(0, str(ROOT / "bench"))
    from shacl_scale import synthetic

    codebook, _ = load_knowledge()
    graph = Graph() + shared_graph(codebook, load_ontology())
    graph += document_graph(synthetic(claims, sorted(codebook.concepts)))
    count = 0
    triples = Memory.triples

    def counted(self, pattern, context=None):
        nonlocal count
        for found in triples(self, pattern, context):
            count += 1
            yield found

    Memory.triples = counted
    try:
        conforms, report = validate(graph, load_shapes())
    finally:
        Memory.triples = triples
    assert conforms, report
    return count


def test_shacl_work_grows_linearly_with_the_claims_of_one_transcript():
    small, large, larger = (_lookups(n) for n in (100, 200, 400))
    assert (larger - large) < 2.3 * (large - small)  # a quadratic check gives about 3 times


def test_a_denied_symmetric_claim_asserted_the_other_way_round_conforms():
    from rdflib import Graph

    from graph.model import Claim, Evidence, Extraction
    from graph.pipeline import load_knowledge, load_ontology, load_shapes
    from graph.rdf import document_graph, shared_graph
    from graph.readers import read_text
    from graph.validate import validate

    doc = read_text("Ann Lee: Trust and equity go together.\nBen Roe: They do not.\n", "t.txt")
    codebook, _ = load_knowledge()
    trust, equity = (codebook.by_id(c).iri for c in ("trust", "equity"))
    said = [Evidence(t.index, s.index, s.text, s.start, s.end, s.line_start, s.line_end)
            for t in doc.turns for s in t.sentences]
    claims = (Claim(trust, "combinesWith", equity, "Ann Lee", "r", said[0], confidence=0.8),
              Claim(equity, "combinesWith", trust, "Ben Roe", "r", said[1], negated=True,
                    confidence=0.8))
    graph = Graph() + shared_graph(codebook, load_ontology())
    graph += document_graph(Extraction(document=doc, claims=claims))
    conforms, report = validate(graph, load_shapes())
    assert conforms, report
