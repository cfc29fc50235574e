"""The evaluation set in eval/: each gold file agrees with its transcript as the readers read it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from graph.readers import read_file
from tests.conftest import CORPUS, ROOT

EVAL = ROOT / "eval"
GOLDS = sorted(EVAL.glob("*/*.gold.json")) + sorted(EVAL.glob("*.full.gold.json"))
RELATIONS = {
    "isConsequenceOf",
    "requires",
    "enables",
    "undermines",
    "isPartOf",
    "combinesWith",
    "contrastsWith",
}


def _transcript(path: Path, name: str) -> Path:
    beside = path.parent / name
    return beside if beside.exists() else CORPUS / name


@pytest.fixture(params=GOLDS, ids=lambda p: p.name)
def gold(request: pytest.FixtureRequest) -> tuple[dict, Path]:
    data = json.loads(request.param.read_text(encoding="utf-8"))
    transcript = _transcript(request.param, data["transcript"])
    if not transcript.exists():
        pytest.skip(f"transcript not available: {transcript}")
    return data, transcript


def test_the_tuning_half_has_six_interviews_in_six_formats() -> None:
    tune = sorted(EVAL.glob("tune/*.gold.json"))
    suffixes = {_transcript(p, json.loads(p.read_text())["transcript"]).suffix for p in tune}
    assert len(tune) == 6
    assert suffixes == {".txt", ".vtt", ".srt", ".md"}


def test_ingest_facts_match_the_reader(gold: tuple[dict, Path]) -> None:
    data, transcript = gold
    document = read_file(transcript)
    ingest = data["ingest"]
    assert len(document.turns) == ingest["turns"]
    assert dict(Counter(turn.speaker for turn in document.turns)) == ingest["speakers"]
    if "title_regex" in ingest:
        assert re.search(ingest["title_regex"], document.title or "", re.IGNORECASE)


def test_relations_are_well_formed_and_located(gold: tuple[dict, Path]) -> None:
    data, transcript = gold
    lines = transcript.read_text(encoding="utf-8").splitlines()
    assert data["exhaustive"] is True
    entries = data["relations"] + data["must_not"]
    assert len({e["id"] for e in entries}) == len(entries)
    assert len({(r["s"], r["rel"], r["o"]) for r in data["relations"]}) == len(data["relations"])
    for entry in entries:
        assert entry["rel"] in RELATIONS, entry["id"]
        for key in ("s", "o"):
            re.compile(entry[key])
            assert entry[key].strip(".*^$") != "", entry["id"]
    for relation in data["relations"]:
        assert 1 <= relation["line"] <= len(lines), relation["id"]
        assert lines[relation["line"] - 1].strip(), relation["id"]
