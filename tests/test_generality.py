"""Rules on interviews they were not written from: four short interviews of our own, in four
formats, each with the relations a careful reader would note (tests/fixtures/interviews)."""

from __future__ import annotations

import json
import sys

import pytest
from rdflib import Graph

from graph.pipeline import Options, build

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from evaluate import _claims, _found

INTERVIEWS = FIXTURES / "interviews"
GOLDS = sorted(INTERVIEWS.glob("*.gold.json"))


@pytest.fixture(scope="module")
def claims(tmp_path_factory):
    out = tmp_path_factory.mktemp("interviews") / "out"
    sources = [p for p in INTERVIEWS.iterdir() if not p.name.endswith(".json")]
    build(sources, out, Options(cache=None))
    return _claims(Graph().parse(out / "graph.ttl"))


def test_every_format_is_read_and_yields_claims(claims):
    assert {json.loads(p.read_text())["transcript"] for p in GOLDS} <= set(claims)


def test_recall_over_the_interviews_is_at_least_seventy_percent(claims):
    relations = [
        (g["transcript"], r)
        for p in GOLDS
        for g in [json.loads(p.read_text())]
        for r in g["relations"]
    ]
    found = [r for transcript, r in relations if _found(r, claims[transcript], negated=False)]
    assert len(found) / len(relations) >= 0.7, f"{len(found)}/{len(relations)}"
