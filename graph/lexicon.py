"""Load and validate the cue lexicon (ontology/cues.yaml) and the constructions over the
dependency parse (ontology/syntax.yaml).

Errors are collected and reported at once, each with a code, the file and the line:
``cues.yaml:42: [L002] group 3 (undermines verb): 'erode' is listed twice``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.rules import compose
from graph.treematch import unsupported
from graph.vocab import RELATIONS

CLASSES = ("verb", "causative", "adjective", "noun", "subordinator", "preposition", "coordinator",
           "discourse")
Class = Literal[CLASSES]  # type: ignore[valid-type]
Direction = Literal["more", "less", "absent"]


class LexiconError(Exception):
    """A lexicon or constructions file that cannot be used; names the file and line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    text: str = Field(min_length=1)
    subject: str
    object: str
    negated: bool = False


class Group(_Strict):
    relation: Literal[RELATIONS]  # type: ignore[valid-type]
    word_class: Class = Field(alias="class")
    lemmas: list[str] = Field(min_length=1)
    prep: list[str] = []
    with_: list[str] = Field(default=[], alias="with")
    reverse: bool = False
    initial: bool = True  # a discourse cue may open a sentence
    joint: bool = False  # a coordinator whose arguments are the conjuncts it governs
    denial_holds: bool = False  # "A is no substitute for B" still says A and B differ
    listing: bool = False  # a mark after a noun that opens a list of its parts ("B: A, C and D")
    remedy: bool = False  # "helps with": undermines its object when that is a threat
    change: bool = False  # "when A, B goes up": only where the main clause says B changes
    ceases: bool = False  # a verb whose gerund complement is what stops: "stop taking it seriously"
    confidence: float = Field(default=0.8, gt=0, le=1)
    example: Example
    counter: str = Field(min_length=1)


class _Lexicon(_Strict):
    version: int
    groups: list[Any]
    polarity: dict[Direction, list[str]]
    failure: list[str]
    harms: list[str] = []
    people: list[str] = []
    places: list[str] = []
    judgements: list[str] = []


class Construction(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=1)
    word_class: Class | None = Field(default=None, alias="class")
    relation: Literal[RELATIONS] | None = None  # type: ignore[valid-type]
    pattern: list[dict[str, Any]] = Field(min_length=2)
    examples: list[Example] = Field(min_length=1)
    keys: list[str] = []  # words that make a sentence worth parsing for a construction with no cue
    not_relations: list[Literal[RELATIONS]] = []  # type: ignore[valid-type]  # cues it does not read
    outcome: bool = False  # its second argument is a deed or state, a verb or adjective may name it
    remedy: bool = False  # "made a difference to the absence": it undermines a harm it acts on
    plain: bool = False  # its words of absence are its own ("no A, no B"): not the arguments'
    overrides: bool = False  # its reading replaces the cue verb's own ("create the conditions for")
    named: bool = False  # what it says is given names a codebook concept: "gave us money" does not


class _Syntax(_Strict):
    version: int
    constructions: list[Any]


@dataclass(frozen=True)
class Cue:
    """One cue entry: a word of a class that states a relation."""

    lemma: str  # one word, or several separated by spaces ("as a result")
    word_class: str
    relation: str
    prep: tuple[str, ...]
    with_: tuple[str, ...]
    reverse: bool
    initial: bool
    confidence: float
    group: int  # index of its group, for tests and explanations
    joint: bool = False  # "both A and B", "A and B go hand in hand": the conjuncts it governs
    denial_holds: bool = False  # negated, the cue still states its relation
    listing: bool = False  # "B: A, C and D": each item of the list after it
    remedy: bool = False  # "helps with the stress": undermines a threat (lg:Threat)
    change: bool = False  # "when A, B goes up": the main clause must say B changes
    ceases: bool = False  # "stop taking it seriously": the gerund is no object it acts on


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    groups: tuple[Group, ...]
    polarity: dict[str, frozenset[str]]  # direction -> words
    constructions: tuple[Construction, ...]
    failure: frozenset[str] = frozenset()  # words judging an outcome as failing
    harms: frozenset[str] = frozenset()  # head nouns of harms the codebook does not name
    people: frozenset[str] = frozenset()  # head nouns of lay people and their groups
    places: frozenset[str] = frozenset()  # head nouns of places and the bodies in them
    judgements: frozenset[str] = frozenset()  # words judging a thing, not naming a kind

    @cached_property
    def marks(self) -> frozenset[str]:
        """Every word that marks a quantity or presence, whatever its direction."""
        return frozenset().union(*self.polarity.values())

    @cached_property
    def _index(self) -> dict[tuple[str, str], list[Cue]]:
        """Cues by (word class, lemma): looked up for every token of every parsed sentence."""
        index: dict[tuple[str, str], list[Cue]] = {}
        for cue in self.cues:
            index.setdefault((cue.word_class, cue.lemma), []).append(cue)
        return index

    @cached_property
    def constructions_by_id(self) -> dict[str, Construction]:
        """The constructions by id: looked up for every match in every parsed sentence."""
        return {c.id: c for c in self.constructions}

    def in_class(self, word_class: str) -> list[Cue]:
        """The cues of a class, longest phrase first (so "only if" is read before "if")."""
        return self._classes[word_class]

    @cached_property
    def _classes(self) -> dict[str, list[Cue]]:
        ordered = sorted(self.cues, key=lambda c: -len(c.lemma.split()))
        return {name: [c for c in ordered if c.word_class == name] for name in CLASSES}

    def lemmas(self, word_class: str) -> frozenset[str]:
        return self._lemmas[word_class]

    @cached_property
    def _lemmas(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(c.lemma for c in self.in_class(name)) for name in CLASSES}

    @cached_property
    def polar_words(self) -> frozenset[str]:
        """Every word that marks a quantity or presence, whatever its direction."""
        return frozenset().union(*self.polarity.values())

    def lookup(self, word_class: str, lemma: str) -> list[Cue]:
        return self._index.get((word_class, lemma), [])

    def key_words(self) -> frozenset[str]:
        """The longest word of every cue ("result" of "as a result"): a sentence without any
        of them holds no claim for the parse to find."""
        words = {max(reversed(c.lemma.split()), key=len) for c in self.cues}
        return frozenset(words.union(*(c.keys for c in self.constructions)))


def _compose(path: Path) -> tuple[Any, yaml.Node]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{path}: cannot read ({err})") from None
    try:
        return compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise LexiconError(f"{path}{where}: [L001] not valid YAML") from None


def _lines(node: yaml.Node, key: str) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        for k, value in node.value:
            if k.value == key and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def _messages(err: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]


def _load_groups(path: Path, errors: list[str]) -> tuple[list[Group], _Lexicon | None]:
    data, node = _compose(path)
    try:
        top = _Lexicon.model_validate(data)
    except ValidationError as err:
        errors += [f"{path}: [L001] {m}" for m in _messages(err)]
        return [], None
    groups = []
    for number, (entry, line) in enumerate(zip(top.groups, _lines(node, "groups"), strict=False)):
        try:
            group = Group.model_validate(entry)
        except ValidationError as err:
            errors += [f"{path}:{line}: [L003] group {number + 1}: {m}" for m in _messages(err)]
            continue
        twice = sorted({lemma for lemma in group.lemmas if group.lemmas.count(lemma) > 1})
        if twice:
            errors.append(f"{path}:{line}: [L002] group {number + 1}: listed twice: {twice}")
        groups.append(group)
    return groups, top


def _check_pattern(pattern: list[dict[str, Any]]) -> str | None:
    from spacy.matcher import DependencyMatcher
    from spacy.vocab import Vocab

    try:
        DependencyMatcher(Vocab(), validate=True).add("check", [pattern])
    except Exception as err:  # spaCy raises ValueError with its own error codes
        return " ".join(str(err).split())[:300]
    return None


def _load_constructions(path: Path, errors: list[str]) -> list[Construction]:
    data, node = _compose(path)
    try:
        top = _Syntax.model_validate(data)
    except ValidationError as err:
        errors += [f"{path}: [L001] {m}" for m in _messages(err)]
        return []
    out = []
    for entry, line in zip(top.constructions, _lines(node, "constructions"), strict=False):
        name = entry.get("id", "?") if isinstance(entry, dict) else "?"
        where = f"{path}:{line}: construction {name!r}"
        try:
            construction = Construction.model_validate(entry)
        except ValidationError as err:
            errors += [f"{where}: [L003] {m}" for m in _messages(err)]
            continue
        names = {node["RIGHT_ID"] for node in construction.pattern}
        if not {"a", "b"} <= names:
            errors.append(f"{where}: [L004] the pattern must name nodes 'a' and 'b'")
        if (construction.word_class is None) == (construction.relation is None):
            errors.append(f"{where}: [L004] give either a cue class or a fixed relation")
        if construction.word_class and "cue" not in names:
            errors.append(f"{where}: [L004] a construction with a cue class names a 'cue' node")
        problem = _check_pattern(construction.pattern) or unsupported(construction.pattern)
        if problem:
            errors.append(f"{where}: [L005] {problem}")
        out.append(construction)
    return out


def _ambiguous(path: Path, entries: tuple[Cue, ...]) -> list[str]:
    """A word of one class in two groups that take the same preposition and the same
    companion word: the lexicon could not tell which relation it states."""
    by_word: dict[tuple[str, str], list[Cue]] = {}
    for cue in entries:
        by_word.setdefault((cue.word_class, cue.lemma), []).append(cue)
    errors = []
    for (word_class, lemma), cues in sorted(by_word.items()):
        for i, first in enumerate(cues):
            for second in cues[i + 1 :]:
                preps = set(first.prep) & set(second.prep) or not (first.prep or second.prep)
                withs = set(first.with_) & set(second.with_) or not (first.with_ or second.with_)
                if preps and withs:
                    errors.append(
                        f"{path}: [L006] {word_class} {lemma!r} is in groups {first.group + 1} "
                        f"({first.relation}) and {second.group + 1} ({second.relation})"
                    )
    return errors


def load_lexicon(cues: Path, syntax: Path) -> Lexicon:
    errors: list[str] = []
    groups, top = _load_groups(cues, errors)
    constructions = _load_constructions(syntax, errors)
    if errors or top is None:
        raise LexiconError("\n".join(errors))
    entries = tuple(
        Cue(
            lemma=lemma.lower(),
            word_class=group.word_class,
            relation=group.relation,
            prep=tuple(group.prep),
            with_=tuple(group.with_),
            reverse=group.reverse,
            initial=group.initial,
            confidence=group.confidence,
            group=number,
            joint=group.joint,
            denial_holds=group.denial_holds,
            listing=group.listing,
            remedy=group.remedy,
            change=group.change,
            ceases=group.ceases,
        )
        for number, group in enumerate(groups)
        for lemma in group.lemmas
    )
    errors += _ambiguous(cues, entries)
    if errors:
        raise LexiconError("\n".join(errors))
    polarity = {k: frozenset(v) for k, v in top.polarity.items()}
    return Lexicon(entries, tuple(groups), polarity, tuple(constructions), frozenset(top.failure),
                   frozenset(top.harms), frozenset(top.people), frozenset(top.places),
                   frozenset(top.judgements))
