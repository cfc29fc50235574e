"""The interface every transcript reader implements, and the assembly into a Document."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from graph.model import Sentence, Turn
from graph.segment import LineIndex, sentence_spans


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of speech in the decoded file, with its timing when the format has one."""

    start: int
    end: int
    time_start: float | None = None
    time_end: float | None = None


@dataclass(slots=True)
class RawTurn:
    """A speaker label and the spans of speech that follow it."""

    speaker: str
    spans: list[Span] = field(default_factory=list)


@dataclass
class Parsed:
    """What a reader finds in a transcript, before sentences are split."""

    turns: list[RawTurn]
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


class ReadError(Exception):
    """A transcript that cannot be read; the message names the file."""


UNKNOWN = "Unknown"
MAX_NAME = 100  # characters of a speaker's name


def clean_name(name: str) -> str:
    """The name without control or format characters (such as a right-to-left override), its
    white space collapsed; 'Unknown' when nothing is left."""
    kept = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(kept.split()) or UNKNOWN


def same_speakers(turns: list[RawTurn]) -> list[RawTurn]:
    """Names written with other capitals ("ann lee", "ANN LEE") take the first spelling seen."""
    spelling: dict[str, str] = {}
    for turn in turns:
        name = clean_name(turn.speaker)
        turn.speaker = spelling.setdefault(name.casefold(), name)
    return turns


def merge_consecutive(turns: list[RawTurn]) -> list[RawTurn]:
    """Join consecutive turns of one speaker into one turn."""
    merged: list[RawTurn] = []
    for turn in turns:
        if merged and merged[-1].speaker == turn.speaker:
            merged[-1].spans.extend(turn.spans)
        elif turn.spans:
            merged.append(RawTurn(turn.speaker, list(turn.spans)))
    return merged


def build_turns(text: str, parsed: Parsed) -> tuple[Turn, ...]:
    """Split each turn's spans into located sentences."""
    lines = LineIndex(text)
    turns: list[Turn] = []
    index = 0
    for raw in merge_consecutive(same_speakers(parsed.turns)):
        if len(raw.speaker) > MAX_NAME:
            where = lines.line(raw.spans[0].start) if raw.spans else 1
            raise ReadError(f"line {where}: speaker name longer than {MAX_NAME} characters")
        sentences = []
        for span in raw.spans:
            for start, end in sentence_spans(text, span.start, span.end):
                sentences.append(
                    Sentence(
                        index=index,
                        text=text[start:end],
                        start=start,
                        end=end,
                        line_start=lines.line(start),
                        line_end=lines.line(end - 1),
                        time_start=span.time_start,
                        time_end=span.time_end,
                    )
                )
                index += 1
        if sentences:
            turns.append(Turn(index=len(turns), speaker=raw.speaker, sentences=tuple(sentences)))
    return tuple(turns)
