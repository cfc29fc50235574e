"""Coding coverage: the share of sentences that mention a codebook concept, overall, per
transcript and per speaker, and the uncoded sentences, longest first.

A sentence is coded when it mentions a concept of the codebook; a provisional concept (a phrase
a claim linked that the codebook lacks) does not code it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graph.model import Extraction, Sentence
from graph.segment import normalise


@dataclass(frozen=True)
class Share:
    """How many of a group's sentences are coded."""

    transcript: str  # file name; "" for all transcripts
    speaker: str  # "" for all speakers
    coded: int
    sentences: int

    @property
    def percent(self) -> float:
        """Coded sentences in percent, one decimal."""
        return round(100 * self.coded / self.sentences, 1) if self.sentences else 0.0


@dataclass(frozen=True)
class Passage:
    """An uncoded sentence."""

    text: str  # as in the file
    speaker: str
    transcript: str  # file name
    line_start: int
    line_end: int

    @property
    def lines(self) -> str:
        end = f"-{self.line_end}" if self.line_end > self.line_start else ""
        return f"{self.line_start}{end}"


@dataclass(frozen=True)
class Coverage:
    """Shares overall, per transcript and per speaker, and the uncoded sentences."""

    overall: Share
    transcripts: tuple[Share, ...]  # in input order
    speakers: tuple[Share, ...]  # per transcript, in order of first turn
    uncoded: tuple[Passage, ...]  # longest first, at most the limit asked for
    uncoded_total: int


def coverage(extractions: Iterable[Extraction], uncoded: int = 10) -> Coverage:
    """Coverage of the extractions' sentences, with the `uncoded` longest uncoded sentences."""
    transcripts: list[Share] = []
    speakers: list[Share] = []
    passages: list[Passage] = []
    for x in extractions:
        source = x.document.source
        rows = list(_sentences(x))
        transcripts.append(_share(source, "", rows))
        speakers += [
            _share(source, name, [r for r in rows if r[1] == name]) for name in x.document.speakers
        ]
        passages += [
            Passage(s.text, speaker, source, s.line_start, s.line_end)
            for s, speaker, coded in rows
            if not coded
        ]
    overall = Share(
        "", "", sum(t.coded for t in transcripts), sum(t.sentences for t in transcripts)
    )
    longest = sorted(passages, key=lambda p: -len(normalise(p.text)))  # ties: in file order
    return Coverage(
        overall, tuple(transcripts), tuple(speakers), tuple(longest[:uncoded]), len(passages)
    )


def _sentences(extraction: Extraction) -> Iterator[tuple[Sentence, str, bool]]:
    """Each sentence with its speaker and whether it mentions a codebook concept."""
    mentioned = {m.sentence for m in extraction.mentions if not m.provisional}
    for turn in extraction.document.turns:
        for s in turn.sentences:
            yield s, turn.speaker, s.index in mentioned


def _share(transcript: str, speaker: str, rows: list[tuple[Sentence, str, bool]]) -> Share:
    return Share(transcript, speaker, sum(coded for _, _, coded in rows), len(rows))


def share_records(result: Coverage) -> list[dict[str, Any]]:
    """One flat record per group: all, each transcript, each speaker."""
    groups = [
        ("all", result.overall),
        *(("transcript", s) for s in result.transcripts),
        *(("speaker", s) for s in result.speakers),
    ]
    return [
        {
            "scope": scope,
            "transcript": s.transcript,
            "speaker": s.speaker,
            "coded": s.coded,
            "sentences": s.sentences,
            "percent": s.percent,
        }
        for scope, s in groups
    ]


def passage_records(result: Coverage) -> list[dict[str, Any]]:
    """One flat record per uncoded passage listed."""
    return [
        {
            "transcript": p.transcript,
            "lines": p.lines,
            "speaker": p.speaker,
            "words": len(p.text.split()),
            "text": normalise(p.text),
        }
        for p in result.uncoded
    ]
