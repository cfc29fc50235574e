"""Suggest concepts the codebook lacks: the provisional concepts of claims first, then frequent,
distinctive phrases of the interviews.

A phrase is a run of one to four words that are not stop words, not inside a codebook concept's
mention or a named person or organisation, and nouns or adjectives by spaCy's lookup word lists
(unknown words count as nouns, unless written with a capital inside a sentence: names); it ends
in a noun. Its label is lower case with the last word singular. Its keyness is the natural log
of how much more often it occurs here than its words do in general English (spaCy's
`lexeme_prob` table): ln(count / words in the interviews) + the words' mean surprisal. Phrases
at least e^3 (about 20) times as frequent as in English are ranked by count x keyness.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from rdflib import Literal

from graph.extract import Engine
from graph.model import Document, Extraction, Sentence
from graph.readers import slug
from graph.segment import normalise, normalise_map

MAX_WORDS = 4
MIN_KEYNESS = 3.0  # ln(rate here / rate in English): at least e^3, about 20 times as frequent
NOTE_QUOTE = 80  # characters of the example quote in an editorial note


@dataclass(frozen=True)
class Lexicon:
    """General-English word statistics: log probabilities and word classes."""

    log_prob: Mapping[str, float]  # lower-case word -> natural log of its probability
    classes: Mapping[str, frozenset[str]]  # "noun", "adj", "verb", "adv" -> words
    floor: float  # log probability of a word the table lacks

    def surprisal(self, word: str) -> float:
        return -self.log_prob.get(word, self.floor)

    def classes_of(self, word: str) -> frozenset[str]:
        return frozenset(name for name, words in self.classes.items() if word in words)


@cache
def english_lexicon() -> Lexicon:
    """spaCy's English lookups data (package spacy-lookups-data); about a second to load."""
    from spacy.util import load_language_data, registry

    tables = registry.lookups.get("en")
    log_prob = load_language_data(tables["lexeme_prob"])
    index = load_language_data(tables["lemma_index"])
    classes = {name: frozenset(words) for name, words in sorted(index.items())}
    return Lexicon(log_prob, classes, min(log_prob.values()))


@dataclass(frozen=True)
class Quote:
    """A sentence that shows a candidate in use."""

    text: str  # the sentence as in the file
    speaker: str
    source: str  # file name
    line_start: int
    line_end: int

    @property
    def where(self) -> str:
        lines = f"{self.line_start}-{self.line_end}" if self.line_end > self.line_start else ""
        return f"{self.source}:{lines or self.line_start}"


@dataclass(frozen=True)
class Candidate:
    """A concept the codebook may lack."""

    label: str  # normalised: lower case, single spaces, last word singular
    count: int  # occurrences in the interviews
    keyness: float  # ln(rate here / rate in general English)
    example: Quote  # the first occurrence
    provisional: str | None = None  # IRI of the provisional concept a claim made of it

    @property
    def score(self) -> float:
        return round(self.count * self.keyness, 1)


@dataclass
class _Tally:
    example: Quote
    count: int = 0


@dataclass
class _Corpus:
    """Phrase counts over all interviews, and how many words they hold."""

    tallies: dict[str, _Tally] = field(default_factory=dict)
    words: int = 0

    def add(self, label: str, quote: Quote) -> None:
        self.tallies.setdefault(label, _Tally(quote)).count += 1


def normalise_label(nlp: Any, text: str) -> str:
    """'Night-shift  Handovers' -> 'night-shift handover': lower case, plain quotes and dashes,
    single spaces, the last word singular (spaCy's lookup lemma of a word ending in s)."""
    return _label(list(nlp(normalise_map(text)[0])))


def _label(tokens: list[Any]) -> str:
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return ""
    *rest, head = tokens
    singular = head.lemma_.lower() if head.lower_.endswith("s") else ""
    return normalise("".join(t.text_with_ws for t in rest) + (singular or head.lower_))


def _words(label: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", label)


def suggest(
    extractions: Iterable[Extraction],
    engine: Engine,
    lexicon: Lexicon,
    min_count: int = 2,
    top: int = 20,
) -> list[Candidate]:
    """Every provisional concept, most frequent first, then at most `top` phrases seen at least
    `min_count` times, highest count x keyness first."""
    extractions = list(extractions)
    corpus = _Corpus()
    for extraction in extractions:
        _count_phrases(extraction, engine, lexicon, corpus)
    provisional = _provisional(extractions, engine, lexicon, corpus)
    taken = _codebook_labels(engine) | {c.label for c in provisional}
    phrases = [
        _candidate(label, tally, lexicon, corpus.words)
        for label, tally in corpus.tallies.items()
        if tally.count >= min_count and label not in taken
    ]
    phrases = _outermost([c for c in phrases if c.keyness >= MIN_KEYNESS], provisional)
    phrases.sort(key=lambda c: (-c.score, -c.count, c.label))
    return provisional + phrases[:top]


def _candidate(label: str, tally: _Tally, lexicon: Lexicon, words: int) -> Candidate:
    return Candidate(
        label, tally.count, _keyness(label, tally.count, lexicon, words), tally.example
    )


def _keyness(label: str, count: int, lexicon: Lexicon, words: int) -> float:
    """ln of the phrase's rate here over the geometric mean rate of its words in English."""
    parts = _words(label) or [label]
    surprisal = sum(map(lexicon.surprisal, parts)) / len(parts)
    return round(math.log(count / max(words, count)) + surprisal, 2)


def _outermost(candidates: list[Candidate], longer: list[Candidate]) -> list[Candidate]:
    """Drop a phrase that only ever occurs inside a longer candidate ("lounge" of "discharge
    lounge"): one that is not more frequent than a phrase around it."""
    around: dict[str, int] = {}
    for c in [*candidates, *longer]:
        words = c.label.split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                inner = " ".join(words[start : start + size])
                around[inner] = max(around.get(inner, 0), c.count)
    return [c for c in candidates if around.get(c.label, 0) < c.count]


def _codebook_labels(engine: Engine) -> frozenset[str]:
    texts = sorted(
        {text for c in engine.codebook.concepts.values() for text in (c.label, *c.alt_labels)}
    )
    return frozenset(map(_label, engine.nlp.pipe(normalise_map(text)[0] for text in texts)))


# --- counting phrases ------------------------------------------------------------------------


def _count_phrases(
    extraction: Extraction, engine: Engine, lexicon: Lexicon, corpus: _Corpus
) -> None:
    document = extraction.document
    covered: dict[int, list[tuple[int, int]]] = {}
    for m in extraction.mentions:
        if not m.provisional:
            covered.setdefault(m.sentence, []).append((m.start, m.end))
    names = {word.lower() for speaker in document.speakers for word in speaker.split()}
    speakers = _speakers(document)
    mapped = [normalise_map(s.text) for s in document.sentences]
    docs = engine.nlp.pipe(text for text, _ in mapped)
    for sentence, (_, where), doc in zip(document.sentences, mapped, docs, strict=True):
        corpus.words += sum(t.is_alpha for t in doc)
        blocked = _blocked(engine, doc, sentence, where, covered.get(sentence.index, []))
        groups = _groups(doc)
        usable = [
            not blocked.intersection(t.i for t in word)
            and _content(word, sentence, where, lexicon, names)
            for word in groups
        ]
        quote = _quote(document, sentence, speakers)
        for run in _runs(groups, usable):
            for phrase in _phrases(run, lexicon):
                corpus.add(_label([t for word in phrase for t in word]), quote)


def _speakers(document: Document) -> dict[int, str]:
    """The speaker of each sentence, by Sentence.index."""
    return {s.index: turn.speaker for turn in document.turns for s in turn.sentences}


def _quote(document: Document, sentence: Sentence, speakers: dict[int, str]) -> Quote:
    return Quote(
        sentence.text,
        speakers[sentence.index],
        document.source,
        sentence.line_start,
        sentence.line_end,
    )


def _blocked(
    engine: Engine, doc: Any, sentence: Sentence, where: list[int], covered: list[tuple[int, int]]
) -> set[int]:
    """Tokens inside a codebook concept's mention or a named person or organisation."""
    out = {i for _, start, end in engine.entities(doc) for i in range(start, end)}
    for token in doc:
        start = sentence.start + where[token.idx]
        end = sentence.start + where[token.idx + len(token.text) - 1] + 1
        if any(s < end and start < e for s, e in covered):
            out.add(token.i)
    return out


def _groups(doc: Any) -> list[list[Any]]:
    """The sentence's words: one token each, or a hyphenated compound ("night-shift")."""
    groups: list[list[Any]] = []
    for token in doc:
        previous = doc[token.i - 1] if token.i else None
        if previous is not None and (_joins(doc, token) or _joins(doc, previous)):
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def _joins(doc: Any, token: Any) -> bool:
    """A hyphen inside a word: no space on either side, letters before and after."""
    i = token.i
    return (
        token.text == "-"
        and 0 < i < len(doc) - 1
        and not doc[i - 1].whitespace_
        and not token.whitespace_
        and doc[i - 1].is_alpha
        and doc[i + 1].is_alpha
    )


def _content(
    word: list[Any], sentence: Sentence, where: list[int], lexicon: Lexicon, names: set[str]
) -> bool:
    """A word that may be part of a term: a compound, or a noun, adjective or unknown word that
    is not a stop word; an unknown word written with a capital inside a sentence is a name."""
    if len(word) > 1:
        return not all(t.is_stop for t in word if t.is_alpha)
    token = word[0]
    if not token.is_alpha or token.is_stop or len(token) < 2 or token.lower_ in names:
        return False
    classes = _classes(token, lexicon)
    if not classes:
        return token.i == 0 or not sentence.text[where[token.idx]].isupper()
    return bool(classes & {"noun", "adj"})


def _classes(token: Any, lexicon: Lexicon) -> frozenset[str]:
    """Word classes of the word as written, else of its lemma."""
    return lexicon.classes_of(token.lower_) or lexicon.classes_of(token.lemma_.lower())


def _runs(groups: list[list[Any]], usable: list[bool]) -> Iterator[list[list[Any]]]:
    run: list[list[Any]] = []
    for word, ok in zip(groups, usable, strict=True):
        if ok:
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _phrases(run: list[list[Any]], lexicon: Lexicon) -> Iterator[list[list[Any]]]:
    """Stretches of one to MAX_WORDS words of a run that end in a noun (or an unknown word),
    one word alone not a verb too ("serve", but "follow-up"), and with no plural or verb form
    before the end ("adds meaning")."""
    for end in range(1, len(run) + 1):
        classes = _classes(run[end - 1][-1], lexicon)
        if classes and "noun" not in classes:
            continue
        if "verb" not in classes or len(run[end - 1]) > 1:
            yield run[end - 1 : end]
        for start in range(end - 2, max(-1, end - 1 - MAX_WORDS), -1):
            if _inflected(run[start][-1]):
                break
            yield run[start:end]


def _inflected(token: Any) -> bool:
    return token.lower_ != token.lemma_.lower() and token.lower_.endswith("s")


# --- provisional concepts --------------------------------------------------------------------


def _provisional(
    extractions: list[Extraction], engine: Engine, lexicon: Lexicon, corpus: _Corpus
) -> list[Candidate]:
    """A candidate per provisional concept; its count is that of its phrase in the interviews,
    and at least the number of its mentions in claims."""
    first: dict[str, tuple[str, Quote]] = {}  # IRI -> label, first quote
    mentions: Counter[str] = Counter()
    for x in extractions:
        speakers = _speakers(x.document)
        for m in x.mentions:
            if m.provisional and m.concept in x.provisional:
                mentions[m.concept] += 1
                if m.concept not in first:
                    label = normalise_label(engine.nlp, x.provisional[m.concept])
                    quote = _quote(x.document, x.document.sentences[m.sentence], speakers)
                    first[m.concept] = label, quote
    out = []
    for iri, (label, quote) in first.items():
        seen = corpus.tallies.get(label)
        count = max(mentions[iri], seen.count if seen else 0)
        candidate = _candidate(label, _Tally(quote, count), lexicon, corpus.words)
        out.append(replace(candidate, provisional=iri))
    return sorted(out, key=lambda c: (-c.count, c.label))


# --- outputs -----------------------------------------------------------------------------------


def records(candidates: Iterable[Candidate]) -> list[dict[str, Any]]:
    """One flat record per candidate, for tables, CSV and JSON."""
    return [
        {
            "kind": "provisional" if c.provisional else "phrase",
            "label": c.label,
            "count": c.count,
            "keyness": c.keyness,
            "score": c.score,
            "speaker": c.example.speaker,
            "file": c.example.source,
            "line": c.example.line_start,
            "quote": normalise(c.example.text),
        }
        for c in candidates
    ]


def to_turtle(candidates: Iterable[Candidate], taken: Iterable[str] = ()) -> str:
    """A SKOS snippet for review: one lgc: concept per candidate, with a placeholder definition
    and category; `taken` are concept ids already in use."""
    used = set(taken)
    blocks = [
        "@prefix lg: <https://w3id.org/leadgraph/ontology#> .",
        "@prefix lgc: <https://w3id.org/leadgraph/concept/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
        "# Candidate concepts suggested by `leadgraph suggest`. Review each: write its definition,",
        "# choose its lg:category, add altLabels, then pass the file with --codebook.",
    ]
    for c in candidates:
        concept_id = _free_id(slug(c.label), used)
        used.add(concept_id)
        blocks.append(_concept_turtle(concept_id, c))
    return "\n".join(blocks) + "\n"


def _concept_turtle(concept_id: str, c: Candidate) -> str:
    quote = normalise(c.example.text)
    if len(quote) > NOTE_QUOTE:
        quote = quote[: NOTE_QUOTE - 1] + "…"
    origin = " (a provisional concept of claims)" if c.provisional else ""
    note = (
        f"suggested by leadgraph{origin}: {c.count} mention{'s' if c.count != 1 else ''}, "
        f"e.g. '{quote}' ({c.example.where}); definition and category are placeholders: "
        "review both"
    )
    return "\n".join(
        [
            "",
            f"lgc:{concept_id} a skos:Concept ;",
            f"    skos:prefLabel {_en(c.label)} ;",
            f"    skos:definition {_en(f'TODO: define {c.label}.')} ;",
            "    lg:category lg:Condition ;",
            f"    skos:editorialNote {_en(note)} .",
        ]
    )


def _en(text: str) -> str:
    return Literal(text, lang="en").n3()


def _free_id(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
