"""Every rule on its own examples and counter-examples, cue handling, and rule-file errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.extract import extract
from graph.pipeline import ontology_file
from graph.readers import read_text
from graph.rules import RuleError, load_rules

RULES = load_rules([ontology_file("rules.yaml")]).rules


def claims_of(engine, text: str):
    return extract(read_text(text, "example.txt"), engine).claims


def label(engine, iri: str) -> str:
    """A codebook concept's label, or a provisional concept's slug."""
    concept = engine.codebook.concepts.get(iri)
    return concept.label if concept else iri.rsplit("/", 1)[-1]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_finds_its_examples(engine, rule):
    for example in rule.examples:
        claims = [c for c in claims_of(engine, f"Ann Lee: {example.text}\n") if c.rule == rule.id]
        assert claims, f"{rule.id} did not fire on {example.text!r}"
        found = {(label(engine, c.subject), label(engine, c.object)) for c in claims}
        wanted = [
            pair
            for pair in found
            if example.subject in (None, pair[0]) and example.object in (None, pair[1])
        ]
        assert wanted, f"{rule.id} on {example.text!r} found {found}"
        assert all(c.relation == rule.relation for c in claims)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_ignores_its_counter_examples(engine, rule):
    for text in rule.counter_examples:
        claims = claims_of(engine, f"Ann Lee: {text}\n")
        assert not [c for c in claims if c.rule == rule.id], f"{rule.id} fired on {text!r}"


def test_every_relation_has_a_rule():
    from graph.vocab import RELATIONS

    assert {r.relation for r in RULES} == set(RELATIONS)


def test_negation_between_subject_and_cue_is_recorded(engine):
    claims = claims_of(engine, "Ann Lee: Technology does not undermine compassion.\n")
    assert [(c.relation, c.negated) for c in claims] == [("undermines", True)]


def test_negation_before_the_subject_does_not_negate(engine):
    claims = claims_of(engine, "Ann Lee: Nobody speaks up unless they feel psychologically safe.\n")
    assert claims and not claims[0].negated


def test_hedged_claim_is_marked(engine):
    claims = claims_of(engine, "Ann Lee: I suspect simulation training helps teams speak up.\n")
    assert claims and all(c.hedged for c in claims)
    plain = claims_of(engine, "Ann Lee: Simulation training helps teams speak up.\n")
    assert plain and not any(c.hedged for c in plain)


def test_short_denial_negates_the_sentence_before(engine):
    claims = claims_of(
        engine, "Ann Lee: People say the checklist makes theatres safe. It doesn't.\n"
    )
    assert claims and all(c.negated for c in claims)


def test_confirmed_question_is_the_answerers_claim(engine):
    text = "Q: Is burnout a consequence of staffing shortages?\nA: Yes, mostly.\n"
    claims = claims_of(engine, text)
    assert [(c.relation, c.negated, c.question, c.speaker) for c in claims] == [
        ("isConsequenceOf", False, True, "Respondent")
    ]


def test_rejected_question_is_a_negated_claim(engine):
    text = "Q: Does blame undermine learning?\nA: No, I don't buy that.\n"
    claims = claims_of(engine, text)
    assert [(c.negated, c.speaker) for c in claims] == [(True, "Respondent")]


def test_unanswered_question_is_not_a_claim(engine):
    assert not claims_of(engine, "Q: Does blame undermine learning?\nA: Let me think.\n")


class _Counted(list):
    """A list that counts the items read from it (a slice counts each item it copies)."""

    read = 0

    def __getitem__(self, key):
        got = super().__getitem__(key)
        _Counted.read += len(got) if isinstance(key, slice) else 1
        return got


def test_the_answer_to_each_question_is_found_without_reading_the_rest_of_the_document():
    from types import SimpleNamespace

    from graph.extract import _answer, _mark_turn_ends

    rng = random.Random(3)
    sentences, turn, speaker = [], 0, "Ann"
    words = [SimpleNamespace(lower_="yes", is_punct=False)]
    while len(sentences) < 3000:  # turns of 1 to 3 sentences; a speaker may go on
        sentences += [SimpleNamespace(turn=turn, speaker=speaker, doc=words)] * rng.randint(1, 3)
        turn, speaker = turn + 1, rng.choice(["Ann", "Bob"])
    analysed = _Counted(sentences)
    _mark_turn_ends(analysed)
    _Counted.read = 0
    for pos, a in enumerate(sentences):
        rest = [b for b in sentences[pos + 1 :] if b.turn != a.turn]
        expected = [b for b in sentences[pos + 1 : pos + 2] if b.turn == a.turn]
        expected += [rest[0]] if rest and rest[0].speaker != a.speaker else []
        assert _answer(analysed, pos) == expected
    assert _Counted.read < 10 * len(sentences)  # a few reads a question, not the rest


def test_pronoun_takes_the_previous_sentence_concept(engine):
    text = "Ann Lee: We started daily briefings. It helps teams speak up.\n"
    claims = claims_of(engine, text)
    assert [(label(engine, c.subject), label(engine, c.object)) for c in claims] == [
        ("briefing", "speaking up")
    ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = Path(ontology_file("rules.yaml")).read_text(encoding="utf-8")


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "version: 1\nrules: [\n  - id: x\n")
    with pytest.raises(RuleError, match=r"rules\.yaml:\d+: \[R001\]"):
        load_rules([path])


def test_misspelt_key_names_rule_and_line(tmp_path):
    bad = BASE.replace("    relation: isPartOf\n", "    relaton: isPartOf\n", 1)
    with pytest.raises(RuleError) as err:
        load_rules([write(tmp_path, bad)])
    message = str(err.value)
    assert "rule 'part-of'" in message and "[R003]" in message and "relaton" in message
    assert f"rules.yaml:{_line_of(bad, '- id: part-of')}:" in message


def test_bad_token_pattern_is_reported_with_rule_id(tmp_path):
    bad = BASE.replace('[{LEMMA: "belong"}, {LOWER: "to"}]', '[{LEMA: "belong"}]', 1)
    with pytest.raises(RuleError, match=r"rule 'part-of': \[R002\] pattern 2"):
        load_rules([write(tmp_path, bad)])


def test_duplicate_rule_id_is_an_error(tmp_path):
    bad = BASE.replace("- id: includes\n", "- id: part-of\n", 1)
    with pytest.raises(RuleError, match=r"\[R004\] duplicate rule id"):
        load_rules([write(tmp_path, bad)])


def test_user_rules_override_defaults_by_id(tmp_path):
    extra = BASE.replace(
        'confidence: 0.85\n    examples:\n      - {text: "The debrief',
        'confidence: 0.5\n    examples:\n      - {text: "The debrief',
        1,
    )
    rules = load_rules([ontology_file("rules.yaml"), write(tmp_path, extra)])
    assert {r.id: r.confidence for r in rules.rules}["part-of"] == 0.5
    assert len(rules.rules) == len(RULES)


def test_cli_reports_bad_rules_without_traceback(tmp_path):
    bad = write(tmp_path, "version: 1\nnegation: []\n")
    transcript = tmp_path / "t.txt"
    transcript.write_text("Ann Lee: Trust needs consistency.\n")
    result = CliRunner().invoke(
        main, ["build", str(transcript), "--rules", str(bad), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "rules.yaml" in result.output and "Traceback" not in result.output


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_uncovered_noun_phrase_becomes_a_provisional_concept(engine):
    doc = read_text("Ann Lee: The bed meetings really undermine teamwork.\n", "open.txt")
    extraction = extract(doc, engine)
    [claim] = extraction.claims
    assert claim.subject.endswith("/provisional/bed-meeting")
    assert extraction.provisional == {claim.subject: "bed meeting"}
    assert label(engine, claim.object) == "teamwork"
    assert any(m.provisional and m.surface == "bed meetings" for m in extraction.mentions)


@pytest.mark.parametrize(
    "text",
    [
        "Ann Lee: It really undermines teamwork.",  # a pronoun, not a phrase
        "Ann Lee: The thing undermines teamwork.",  # too vague to be a concept
        "Ann Lee: Deep undermines teamwork.",  # not a noun phrase
        "Ann Lee: Fancy widgets undermine shiny gadgets.",  # no codebook concept beside it
        "Ann Lee: We met without the manager.",  # "met" is no noun
    ],
)
def test_no_provisional_concept_without_a_real_noun_phrase(engine, text):
    extraction = extract(read_text(text + "\n", "open.txt"), engine)
    assert not extraction.provisional


def test_sentences_skipped_by_the_words_filter_hold_no_match(engine):
    """The token rules and cue lists run only on sentences holding the words some pattern
    needs; no sentence of the real transcripts that one matches is skipped, and most without a
    rule match are."""
    import re

    from graph.extract import _may_match, _word_hashes
    from tests.conftest import CORPUS

    texts = [s for path in sorted(CORPUS.glob("*.txt"))
             for s in re.split(r"(?<=[.?!])\s+", path.read_text(encoding="utf-8"))]
    docs = list(engine.nlp.pipe(texts))
    held = [_word_hashes(doc) for doc in docs]
    matched = [bool(engine.relation(doc)) for doc in docs]
    may = [_may_match(engine.rule_needs, words) for words in held]
    assert sum(matched) > 20
    assert all(m for m, hit in zip(may, matched, strict=True) if hit)
    assert sum(not m for m in may) > 0.3 * sum(not hit for hit in matched)
    for name, matcher in engine.cues.items():
        assert all(_may_match(engine.cue_needs[name], words)
                   for doc, words in zip(docs, held, strict=True) if matcher(doc)), name
