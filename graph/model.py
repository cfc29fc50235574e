"""Plain data passed between the pipeline's stages: ingest -> extract -> rdf."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence of a turn, located exactly in the original file."""

    index: int  # position within the document, 0-based
    text: str  # original[start:end], untouched
    start: int  # character offset into Document.text
    end: int
    line_start: int  # 1-based line numbers in the source file
    line_end: int
    time_start: float | None = None  # seconds, for timed formats (WebVTT, SRT)
    time_end: float | None = None


@dataclass(frozen=True)
class Turn:
    """What one speaker says before another speaker takes over."""

    index: int
    speaker: str
    sentences: tuple[Sentence, ...]

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    @property
    def line_start(self) -> int:
        return self.sentences[0].line_start

    @property
    def line_end(self) -> int:
        return self.sentences[-1].line_end


@dataclass(frozen=True)
class Document:
    """A transcript: its original text and its turns."""

    id: str  # stable slug, used in IRIs
    source: str  # file name
    sha256: str
    text: str  # the decoded file, as received
    turns: tuple[Turn, ...]
    title: str | None = None
    date: str | None = None
    format: str = "text"
    warnings: tuple[str, ...] = ()

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first appearance."""
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for turn in self.turns for s in turn.sentences)


@dataclass(frozen=True)
class Evidence:
    """Where a claim or mention stands in the source."""

    turn: int  # Turn.index
    sentence: int  # Sentence.index
    quote: str  # the exact original text of the sentence
    start: int
    end: int
    line_start: int
    line_end: int


@dataclass(frozen=True)
class Mention:
    """A concept named in a sentence."""

    concept: str  # concept IRI
    surface: str  # the words as written (normalised)
    sentence: int
    turn: int
    start: int  # offsets of the words in Document.text
    end: int
    provisional: bool = False


@dataclass(frozen=True)
class Claim:
    """A typed relation between two concepts that a speaker states, denies or hedges."""

    subject: str  # concept IRI
    relation: str  # local name of the relation property, e.g. "requires"
    object: str
    speaker: str
    rule: str  # id of the rule that fired
    evidence: Evidence
    negated: bool = False
    hedged: bool = False
    confidence: float = 1.0
    question: bool = False  # an interviewer's proposition the speaker answered
    cue: str = ""  # the words that triggered the rule
    answer: Evidence | None = None  # a second sentence: the answer to a question put to the
    #                                  speaker, or the item of a list announced before ("Three
    #                                  things cut sickness. The rota, first.")
    subject_direction: str = ""  # "more", "less" or "absent" when the words mark it
    object_direction: str = ""

    def reading(self) -> tuple[str, str, str]:
        """The relation the claim asserts between the concepts themselves, with the marks on
        its sides read in: "lack of A undermines B" is A enables B; "fewer B is a consequence
        of A" is A undermines B, "fewer B is a consequence of no A" A enables B; "A requires
        less B" is B undermines A."""
        subject = self.subject_direction if self.relation != "requires" else ""
        sign = _sign(subject) * _sign(self.object_direction)  # "without A, B fails": B requires A
        if self.relation == "isConsequenceOf" and _sign(subject) < 0 and sign > 0:
            return self.object, "enables", self.subject  # "they leave because nobody thanks
            #                                             them": thanks enable staying
        if sign > 0 or self.relation not in CAUSAL:
            return self.subject, self.relation, self.object
        if self.relation == "enables":
            return self.subject, "undermines", self.object
        if self.relation == "undermines":
            return self.subject, "enables", self.object
        if self.relation == "isConsequenceOf":  # fewer B because of A: A undermines B
            return self.object, "undermines", self.subject
        return self.object, "undermines", self.subject  # A requires less B: B undermines A


CAUSAL = frozenset({"enables", "undermines", "isConsequenceOf", "requires"})


def _sign(direction: str) -> int:
    return -1 if direction in ("less", "absent") else 1


@dataclass(frozen=True)
class EntityMention:
    """A person or organisation named in a turn."""

    entity: str  # entity IRI
    name: str
    kind: str  # "person" or "organization"
    turn: int
    sentence: int


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    provisional: dict[str, str] = field(default_factory=dict)  # IRI -> label
