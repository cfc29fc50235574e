"""The constructions' matcher finds what spaCy's DependencyMatcher finds, in the same order, on
real parsed sentences: for every construction, and for random patterns over every operator."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.matcher import DependencyMatcher

from graph import syntax
from graph.lexicon import LexiconError, load_lexicon
from graph.pipeline import make_engine, ontology_file
from graph.treematch import OPERATORS, TreeMatcher
from tests.conftest import CORPUS, ROOT


@pytest.fixture(scope="module")
def parsed(knowledge):
    """The engine and about a thousand parsed, mended sentences of real transcripts."""
    engine = make_engine(*knowledge)
    sources = sorted(CORPUS.glob("*.txt")) + sorted((ROOT / "eval").glob("unseen2*/*.txt"))
    sentences = [s for path in sources
                 for s in re.split(r"(?<=[.?!])\s+", path.read_text(encoding="utf-8"))
                 if 3 < len(s.split()) < 80]
    assert len(sentences) > 1000
    return engine, [syntax.repair(d) for d in engine.parser.pipe(sentences[:1200])]


def _spacy(vocab, named):
    matcher = DependencyMatcher(vocab)
    for name, pattern in named:
        matcher.add(name, [pattern])
    return lambda doc: [(vocab.strings[key], tokens) for key, tokens in matcher(doc)]


def test_every_construction_matches_as_spacy_does(parsed):
    engine, docs = parsed
    theirs = _spacy(engine.parser.vocab, syntax.patterns(engine.lexicon))
    found = [engine.dependencies(doc) for doc in docs]
    assert found == [theirs(doc) for doc in docs]
    assert sum(map(len, found)) > 1000  # the sentences hold many matches, not a vacuous test


_ATTRS = st.sampled_from([
    {"POS": "VERB"}, {"POS": {"IN": ["NOUN", "PROPN"]}}, {"DEP": {"IN": ["nsubj", "dobj"]}},
    {"DEP": {"NOT_IN": ["punct", "det"]}}, {"TAG": "VBG"}, {"LEMMA": {"IN": ["be", "have"]}},
    {"LOWER": {"IN": ["not", "the", "and"]}}, {"LOWER": {"NOT_IN": ["the"]}, "POS": "NOUN"}, {},
])


@st.composite
def _patterns(draw):
    size = draw(st.integers(1, 4))
    pattern = [{"RIGHT_ID": "n0", "RIGHT_ATTRS": draw(_ATTRS)}]
    for i in range(1, size):
        pattern.append({"LEFT_ID": f"n{draw(st.integers(0, i - 1))}",
                        "REL_OP": draw(st.sampled_from(OPERATORS)),
                        "RIGHT_ID": f"n{i}", "RIGHT_ATTRS": draw(_ATTRS)})
    return pattern


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_patterns())
def test_any_pattern_over_any_operator_matches_as_spacy_does(parsed, pattern):
    engine, docs = parsed
    ours = TreeMatcher()
    ours.add("p", pattern)
    theirs = _spacy(engine.parser.vocab, [("p", pattern)])
    for doc in docs[:100]:
        assert ours(doc) == theirs(doc), (doc.text, pattern)


def test_an_operator_the_matcher_cannot_read_is_refused_with_its_line(tmp_path):
    path = tmp_path / "syntax.yaml"
    text = ontology_file("syntax.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace('REL_OP: ">", RIGHT_ID: a', 'REL_OP: "$++", RIGHT_ID: a', 1),
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=r"syntax.yaml:\d+: construction 'verb-object': "
                                           r"\[L005\] operator '\$\+\+' is not one of"):
        load_lexicon(ontology_file("cues.yaml"), path)


def test_an_attribute_the_matcher_cannot_read_is_refused():
    with pytest.raises(ValueError, match="attribute 'SHAPE'"):
        TreeMatcher().add("p", [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"SHAPE": "Xxxx"}}])
