"""Why a sentence did or did not give a claim: its parse, its concepts, the cue words found, the
links the constructions read and what each argument resolved to, and the claims kept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graph import syntax
from graph.extract import Engine, _analyse, _Analysed, _parse_claims, _side, extract
from graph.model import Claim, Document


@dataclass(frozen=True)
class Selection:
    """Which sentences to explain: those holding a line, or those containing some text."""

    line: int | None = None
    grep: str | None = None

    def wants(self, a: _Analysed) -> bool:
        s = a.sentence
        if self.line is not None and not s.line_start <= self.line <= s.line_end:
            return False
        return self.grep is None or self.grep.lower() in " ".join(s.text.split()).lower()


def explain(document: Document, engine: Engine, selection: Selection) -> Iterator[str]:
    """Lines of text explaining each selected sentence."""
    analysed = _analyse(engine, document)
    extraction = extract(document, engine)
    claims = extraction.claims
    label = _labeller(engine, analysed, extraction.provisional)
    chosen = [pos for pos, a in enumerate(analysed) if selection.wants(a)]
    for pos in chosen:
        a = analysed[pos]
        s = a.sentence
        yield f"== lines {s.line_start}-{s.line_end}, {a.speaker}: {' '.join(s.text.split())}"
        yield "concepts: " + (", ".join(
            f"{label(f.iri)} [{a.doc[f.start:f.end].text}]" + (" (opposite)" if f.opposite else "")
            for f in a.found) or "none")
        cues = _cue_words(engine, a.doc)
        yield "cue words: " + (", ".join(cues) or "none")
        if a.parsed is None:
            yield "parse: not parsed (no cue word, or nothing named and nothing pointing back)"
        else:
            yield from _parse_table(a.parsed)
            yield from _links(engine, analysed, pos, label)
        kept = [c for c in claims if c.evidence.sentence == s.index]
        yield "claims: " + ("" if kept else "none")
        for claim in kept:
            yield "  " + _claim(claim, label)
        yield ""
    if not chosen:
        yield "no sentence matches"


def _labeller(engine: Engine, analysed: list[_Analysed], named: dict[str, str]) -> Any:
    """A concept's label; a new concept's as the extraction or its sentence named it."""
    def label(iri: str) -> str:
        concept = engine.codebook.concepts.get(iri)
        if concept is not None:
            return concept.label
        name = named.get(iri) or next(
            (name for a in analysed for i, name, _, _ in a.provisional if i == iri),
            iri.rsplit("/", 1)[-1])
        return f"{name} (provisional)"

    return label


def _cue_words(engine: Engine, doc: Any) -> list[str]:
    return sorted({t.text for t in doc if {t.lower_, t.lemma_.lower()} & engine.cue_words})


def _parse_table(doc: Any) -> Iterator[str]:
    yield "parse:"
    yield f"  {'i':>3}  {'token':<16} {'tag':<5} {'pos':<6} {'dep':<10} head"
    for t in doc:
        head = f"{t.head.i} {t.head.text}"
        yield f"  {t.i:>3}  {t.text:<16} {t.tag_:<5} {t.pos_:<6} {t.dep_:<10} {head}"


def _links(engine: Engine, analysed: list[_Analysed], pos: int, label: Any) -> Iterator[str]:
    a = analysed[pos]
    found = syntax.links(a.parsed, engine.dependencies, engine.lexicon)
    if not found:
        yield "links: none (a cue word, but no construction or connective matched around it)"
        return
    yield "links:"
    for link in found:
        cue = a.parsed[link.cue[0] : link.cue[1]].text
        subject = _side(engine, analysed, pos, link.subject, "subject", None, link.cue)
        obj = _side(engine, analysed, pos, link.object, "object", None, link.cue)
        marks = " negated" * link.negated + " hedged" * link.hedged
        yield (f"  {link.rule}: '{cue}' {link.relation}{marks}; subject "
               f"{_arg(a.parsed, link.subject)} -> {_resolved(subject, label)}; object "
               f"{_arg(a.parsed, link.object)} -> {_resolved(obj, label)}")
    kept = {c.rule for c, _ in _parse_claims(engine, analysed, pos)}
    missing = sorted({x.rule for x in found} - kept)
    if missing:
        yield "  nearly: " + ", ".join(missing) + " (an argument named no concept)"


def _arg(doc: Any, arg: syntax.Arg) -> str:
    if arg.window is not None:
        return repr(doc[arg.window[0] : arg.window[1]].text)
    if arg.pair is not None:
        return f"(the {('first', 'second')[arg.pair]} of two concepts named before)"
    if arg.head is None:
        return "(the previous sentence)"
    return repr(doc[arg.head].text)


def _resolved(side: Any, label: Any) -> str:
    if side is None:
        return "nothing"
    marks = f" [{side.direction}]" * bool(side.direction) + " (points back)" * side.anaphoric
    return label(side.iri) + marks


def _claim(claim: Claim, label: Any) -> str:
    subject, relation, obj = claim.reading()
    flags = [f for f, on in (("negated", claim.negated), ("hedged", claim.hedged),
                             ("from a question", claim.question)) if on]
    stated = ""
    if (subject, relation, obj) != (claim.subject, claim.relation, claim.object):
        stated = (f" (stated: {claim.subject_direction or ''} {label(claim.subject)} "
                  f"{claim.relation} {claim.object_direction or ''} {label(claim.object)})")
    tail = f"; {', '.join(flags)}" if flags else ""
    return (f"{label(subject)} {relation} {label(obj)}{stated}; rule {claim.rule}, cue "
            f"'{claim.cue}', confidence {claim.confidence}{tail}")
