"""`leadgraph suggest`: candidate concepts the codebook lacks, and the SKOS snippet for review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from graph.cli import main
from graph.codebook import load_codebook
from graph.pipeline import load_knowledge
from graph.segment import normalise
from graph.suggest import Candidate, Quote, normalise_label, to_turtle
from tests.conftest import BERWICK, CORPUS, VTT

LOUNGE = """\
Interviewer: Tell me about the ward.
Amara Osei: The discharge lounge opens at nine. Patients wait in the discharge lounge for porters.
Amara Osei: Our discharge lounge has six chairs. Psychological safety matters. Nobody likes the discharge lounge much.
Interviewer: Why?
Amara Osei: Because the discharge lounge is cold. Psychological safety matters, and psychological safety is hard.
"""

# One claim links a codebook concept to "the bed meeting", which the codebook lacks.
BED_MEETING = """\
Interviewer: What matters most?
Amara Osei: Psychological safety requires the bed meeting. The bed meeting runs at eight.
Amara Osei: The tea trolley comes at ten. The tea trolley is late. The tea trolley is loud.
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def suggested(*args: str) -> list[dict]:
    code, out, err = run("suggest", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def lounge(tmp_path: Path) -> Path:
    path = tmp_path / "lounge.txt"
    path.write_text(LOUNGE, encoding="utf-8")
    return path


def test_phrase_planted_five_times_is_suggested_with_its_count_and_first_quote(lounge):
    records = suggested(str(lounge))
    assert records[0] == {
        "kind": "phrase",
        "label": "discharge lounge",
        "count": 5,
        "keyness": records[0]["keyness"],
        "score": round(5 * records[0]["keyness"], 1),
        "speaker": "Amara Osei",
        "file": "lounge.txt",
        "line": 2,
        "quote": "The discharge lounge opens at nine.",
    }
    assert records[0]["keyness"] > 3


def test_a_word_seen_only_inside_a_longer_phrase_is_not_suggested_alone(lounge):
    assert "lounge" not in {r["label"] for r in suggested(str(lounge))}


def test_a_hyphenated_compound_stays_one_word(tmp_path):
    path = _write(
        tmp_path / "rota.txt",
        "Interviewer: How are weekends?\n"
        "Sam Lee: The bank-holiday rota is posted late. Everyone hates the bank-holiday rotas.\n"
        "Sam Lee: Our bank-holiday rota changed twice.\n",
    )
    records = suggested(str(path))
    assert [(r["label"], r["count"], r["line"]) for r in records] == [("bank-holiday rota", 3, 2)]


def test_a_phrase_the_codebook_covers_is_never_suggested(lounge):
    words = {w for r in suggested(str(lounge), "--min-count", "1") for w in r["label"].split()}
    assert not words & {"psychological", "safety"}


def test_min_count_and_top_limit_the_phrases(lounge):
    assert suggested(str(lounge), "--min-count", "6") == []
    assert len(suggested(str(lounge), "--min-count", "1", "--top", "2")) == 2


def test_provisional_concepts_come_first_even_when_rarer(tmp_path):
    path = tmp_path / "beds.txt"
    path.write_text(BED_MEETING, encoding="utf-8")
    records = suggested(str(path))
    assert [(r["kind"], r["label"], r["count"]) for r in records] == [
        ("provisional", "bed meeting", 2),
        ("phrase", "tea trolley", 3),
    ]
    assert records[0]["quote"] == "Psychological safety requires the bed meeting."


def test_written_snippet_loads_as_a_codebook_beside_the_default_one(tmp_path, lounge):
    out = tmp_path / "review" / "candidates.ttl"
    out.parent.mkdir()
    code, _, err = run("suggest", str(lounge), "--write", str(out))
    assert code == 0, err
    assert f"wrote 1 candidate concept to {out}" in err
    assert [p.name for p in out.parent.iterdir()] == ["candidates.ttl"]  # no temporary file left
    concepts = load_codebook([out]).concepts
    assert [(c.id, c.label, c.category) for c in concepts.values()] == [
        ("discharge-lounge", "discharge lounge", "Condition")
    ]
    note = str(next(Graph().parse(out).objects(None, SKOS.editorialNote)))
    assert note.startswith("suggested by leadgraph: 5 mentions, e.g. 'The discharge lounge opens")
    assert "(lounge.txt:2)" in note and "review both" in note
    codebook, _ = load_knowledge([out])
    assert codebook.by_id("discharge-lounge") is not None


def test_snippet_escapes_quotes_and_never_reuses_a_codebook_id():
    quote = Quote('She said "no" \\ twice,\nthen left.', "A", "x.txt", 3, 4)
    candidates = [Candidate("trust", 2, 4.0, quote), Candidate("trust", 2, 4.0, quote)]
    text = to_turtle(candidates, taken=["trust"])
    graph = Graph().parse(data=text, format="turtle")
    labels = sorted(str(s).rsplit("/", 1)[1] for s in graph.subjects(SKOS.prefLabel, None))
    assert labels == ["trust-2", "trust-3"]
    notes = {str(n) for n in graph.objects(None, SKOS.editorialNote)}
    assert {'She said "no" \\ twice, then left.\' (x.txt:3-4)' in n for n in notes} == {True}


def test_real_corpus_candidates_are_uncovered_and_quoted_where_they_stand():
    records = suggested(str(CORPUS))
    found = {r["label"]: r for r in records}
    assert (found["operating theatre"]["count"], found["operating theatre"]["file"]) == (
        2,
        BERWICK.name,
    )
    codebook, _ = load_knowledge()
    labels = {x.lower() for c in codebook.concepts.values() for x in (c.label, *c.alt_labels)}
    lines = {p.name: p.read_text(encoding="utf-8").splitlines() for p in (BERWICK, VTT)}
    for record in records:
        assert record["label"] not in labels
        first_word = record["quote"].split()[0]
        assert first_word in normalise(lines[record["file"]][record["line"] - 1])


def test_output_is_the_same_on_every_run():
    assert run("suggest", str(BERWICK), str(VTT)) == run("suggest", str(BERWICK), str(VTT))


def test_csv_has_one_header_and_a_row_per_candidate(lounge):
    code, out, _ = run("suggest", str(lounge), "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "kind,label,count,keyness,score,speaker,file,line,quote",
        out.splitlines()[1],
    ]
    assert out.splitlines()[1].startswith("phrase,discharge lounge,5,")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: [str(d / "missing.txt")], "missing.txt: no such file or folder"),
        (lambda d: [str(d)], "no transcripts found"),
        (lambda d: [str(VTT), "--codebook", str(_write(d / "bad.ttl", "lgc:x a ."))], "bad.ttl"),
        (
            lambda d: [str(VTT), "--rules", str(_write(d / "bad.yaml", "rules: [{id: 1}]"))],
            "bad.yaml",
        ),
    ],
    ids=["missing-file", "empty-folder", "bad-codebook", "bad-rules"],
)
def test_bad_input_is_a_one_line_error(tmp_path, make, message):
    code, out, err = run("suggest", *make(tmp_path))
    assert code == 1
    assert out == ""
    assert err.startswith("Error: ") and message in err
    assert "Traceback" not in err


def test_unwritable_output_is_a_one_line_error(tmp_path, lounge):
    code, _, err = run("suggest", str(lounge), "--write", str(tmp_path / "no" / "dir" / "x.ttl"))
    assert (code, err.count("\n")) == (0, 1)  # the folder is created
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run("suggest", str(lounge), "--write", str(blocker / "x.ttl"))
    assert code == 1 and err.startswith(f"Error: {blocker / 'x.ttl'}: ")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the label normaliser, on any text -----------------------------------------------------


@pytest.fixture(scope="module")
def nlp(engine):
    return engine.nlp


def test_labels_are_lower_case_single_spaced_with_the_last_word_singular(nlp):
    assert normalise_label(nlp, "  Night-shift\n Handovers ") == "night-shift handover"
    assert normalise_label(nlp, "“Agency”  STAFFING") == '"agency" staffing'
    assert normalise_label(nlp, "") == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalising_a_label_twice_changes_nothing(nlp, text):
    once = normalise_label(nlp, text)
    assert normalise_label(nlp, once) == once
    assert once == " ".join(once.split())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=4))
def test_labels_ignore_case_and_spacing(nlp, words):
    label = normalise_label(nlp, "  ".join(w.upper() for w in words))
    assert label == normalise_label(nlp, " ".join(w.lower() for w in words))
    assert re.fullmatch(r"[a-z]+( [a-z]+)*", label)
    assert Literal(label, lang="en").n3()  # usable as a prefLabel
