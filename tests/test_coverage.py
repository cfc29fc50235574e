"""`leadgraph coverage`: the share of sentences that mention a codebook concept, and the rest."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.cli import main
from graph.coverage import coverage
from graph.extract import extract
from graph.model import Mention
from graph.readers import ReadError, read_file, read_text
from tests.conftest import BERWICK, CORPUS, VTT

# Coded by hand: "trust" (sentence 1) and "teamwork" (sentence 3); the other three are not.
TRUST = """\
Interviewer: How do you build trust?
Amara Osei: We hold the bed meeting daily. Teamwork matters to us. It rained all of yesterday.
Interviewer: Thanks.
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> dict:
    code, out, err = run("coverage", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def trust(tmp_path: Path) -> Path:
    path = tmp_path / "trust.txt"
    path.write_text(TRUST, encoding="utf-8")
    return path


def test_shares_equal_a_hand_count(trust):
    data = report(str(trust))
    assert data["coverage"] == [
        {"scope": "all", "transcript": "", "speaker": "", "coded": 2, "sentences": 5,
         "percent": 40.0},
        {"scope": "transcript", "transcript": "trust.txt", "speaker": "", "coded": 2,
         "sentences": 5, "percent": 40.0},
        {"scope": "speaker", "transcript": "trust.txt", "speaker": "Interviewer", "coded": 1,
         "sentences": 2, "percent": 50.0},
        {"scope": "speaker", "transcript": "trust.txt", "speaker": "Amara Osei", "coded": 1,
         "sentences": 3, "percent": 33.3},
    ]


def test_uncoded_sentences_are_listed_longest_first_up_to_the_limit(trust):
    data = report(str(trust), "--uncoded", "2")
    assert data["uncoded_total"] == 3
    assert data["uncoded"] == [
        {"transcript": "trust.txt", "lines": "2", "speaker": "Amara Osei", "words": 6,
         "text": "We hold the bed meeting daily."},
        {"transcript": "trust.txt", "lines": "2", "speaker": "Amara Osei", "words": 5,
         "text": "It rained all of yesterday."},
    ]
    assert report(str(trust), "--uncoded", "0")["uncoded"] == []


def test_a_users_codebook_raises_coverage(tmp_path, trust):
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .\n"
        "@prefix lgc: <https://w3id.org/leadgraph/concept/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'lgc:bed-meeting a skos:Concept ; skos:prefLabel "bed meeting"@en ;\n'
        '    skos:definition "The daily meeting on beds."@en ; lg:category lg:Practice .\n',
        encoding="utf-8",
    )
    assert report(str(trust), "--codebook", str(extra))["coverage"][0]["coded"] == 3


def test_a_provisional_concept_does_not_code_a_sentence(engine):
    x = extract(read_text(TRUST, "trust.txt"), engine)
    sentence = x.document.sentences[1]
    open_mention = Mention("lgc:provisional/bed-meeting", "bed meeting", 1, 1, sentence.start,
                           sentence.end, provisional=True)
    result = coverage([replace(x, mentions=(*x.mentions, open_mention))])
    assert (result.overall.coded, result.overall.sentences) == (2, 5)


def test_two_transcripts_are_reported_apart_in_input_order(tmp_path, trust):
    (tmp_path / "z.txt").write_text("Bo: Trust matters.\n", encoding="utf-8")
    data = report(str(tmp_path))
    rows = [(r["scope"], r["transcript"], r["speaker"], r["coded"], r["sentences"])
            for r in data["coverage"]]
    assert rows == [
        ("all", "", "", 3, 6),
        ("transcript", "trust.txt", "", 2, 5),
        ("transcript", "z.txt", "", 1, 1),
        ("speaker", "trust.txt", "Interviewer", 1, 2),
        ("speaker", "trust.txt", "Amara Osei", 1, 3),
        ("speaker", "z.txt", "Bo", 1, 1),
    ]


def test_real_corpus_counts_every_sentence_once(engine):
    data = report(str(CORPUS), "--uncoded", "1000")
    rows = data["coverage"]
    by_scope = {scope: [r for r in rows if r["scope"] == scope]
                for scope in ("all", "transcript", "speaker")}
    documents = {p.name: read_file(p) for p in (BERWICK, VTT)}
    assert {r["transcript"]: r["sentences"] for r in by_scope["transcript"]} == {
        name: len(d.sentences) for name, d in documents.items()
    }
    for total in by_scope["transcript"]:
        speakers = [r for r in by_scope["speaker"] if r["transcript"] == total["transcript"]]
        assert sum(r["coded"] for r in speakers) == total["coded"]
        assert sum(r["sentences"] for r in speakers) == total["sentences"]
    overall = by_scope["all"][0]
    assert overall["coded"] == sum(r["coded"] for r in by_scope["transcript"])
    assert data["uncoded_total"] == overall["sentences"] - overall["coded"] == len(data["uncoded"])
    assert 0 < overall["percent"] < 100
    lengths = [len(p["text"]) for p in data["uncoded"]]
    assert lengths == sorted(lengths, reverse=True)


def test_table_lists_shares_then_uncoded_passages():
    code, out, _ = run("coverage", str(VTT), "--uncoded", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["scope", "transcript", "speaker", "coded", "sentences", "percent"]
    assert lines[2].split()[0] == "all"
    assert any(line.startswith("uncoded sentences: 3 of ") for line in lines)
    assert lines[-5].split() == ["transcript", "lines", "speaker", "words", "text"]


def test_csv_is_one_table_with_a_scope_per_row(trust):
    code, out, _ = run("coverage", str(trust), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["scope"] for r in rows] == ["all", "transcript", "speaker", "speaker"] + [
        "uncoded"
    ] * 3
    assert rows[-1]["text"] == "Thanks." and rows[-1]["coded"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [(["missing.txt"], "missing.txt: no such file or folder"), (["."], "no transcripts found")],
    ids=["missing-file", "empty-folder"],
)
def test_bad_input_is_a_one_line_error(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("coverage", *args)
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=6))
def test_any_transcript_has_consistent_shares(engine, turns):
    text = "".join(
        f"{'AB'[i % 2]}: {' '.join(turn.split()) or 'x'}\n" for i, turn in enumerate(turns)
    )
    try:
        document = read_text(text, "free.txt")
    except ReadError:  # no speech in it: nothing to cover
        return
    result = coverage([extract(document, engine)], uncoded=len(document.sentences))
    assert result.overall.sentences == len(document.sentences)
    assert 0 <= result.overall.coded <= result.overall.sentences
    assert sum(s.sentences for s in result.speakers) == result.overall.sentences
    assert sum(s.coded for s in result.speakers) == result.overall.coded
    assert (
        result.uncoded_total
        == len(result.uncoded)
        == result.overall.sentences - result.overall.coded
    )
