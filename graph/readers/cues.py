"""Shared parsing of timed-cue formats (WebVTT and SRT) into turns with times."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.readers.base import Parsed, RawTurn, Span

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+?)\s*>")
_PREFIX = re.compile(r"(?P<name>[A-Z][\w'’.\-]*(?:\s[A-Z][\w'’.\-]*){0,3})\s*:\s+")
_TAG = re.compile(r"</?[^>\s]*[^>]*>")
UNKNOWN = "Unknown"


def seconds(stamp: str) -> float:
    """'01:02:03.450' or '02:03,450' -> seconds."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return round(total, 3)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Blank-line separated blocks, as (offset, line) pairs."""
    block: list[tuple[int, str]] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip():
            block.append((offset, line))
        elif block:
            yield block
            block = []
        offset += len(raw)
    if block:
        yield block


def parse_cues(text: str, skip_block: re.Pattern[str] | None = None) -> Parsed:
    """Cues: an optional id line, a timing line, then the payload lines."""
    turns: list[RawTurn] = []
    for block in _blocks(text):
        timing_at = next((i for i, (_, line) in enumerate(block) if _TIMING.match(line)), None)
        if timing_at is None or (skip_block and skip_block.match(block[0][1])):
            continue
        timing = _TIMING.match(block[timing_at][1])
        assert timing is not None
        start_s, end_s = seconds(timing["start"]), seconds(timing["end"])
        payload = block[timing_at + 1 :]
        if not payload:
            continue
        first_offset, first_line = payload[0]
        speaker, skip = _speaker(first_line, turns)
        last_offset, last_line = payload[-1]
        span_start = first_offset + skip
        span_end = last_offset + len(last_line.rstrip())
        span_end -= _closing_tag_length(text[span_start:span_end])
        turns.append(RawTurn(speaker, [Span(span_start, span_end, start_s, end_s)]))
    return Parsed(turns=turns)


def _speaker(line: str, turns: list[RawTurn]) -> tuple[str, int]:
    """The cue's speaker and how many characters of the line the label takes."""
    voice = _VOICE.match(line.lstrip())
    indent = len(line) - len(line.lstrip())
    if voice:
        return " ".join(voice["name"].split()), indent + voice.end()
    prefix = _PREFIX.match(line.lstrip())
    if prefix:
        return prefix["name"], indent + prefix.end()
    return (turns[-1].speaker if turns else UNKNOWN), indent


def _closing_tag_length(payload: str) -> int:
    match = re.search(r"\s*</v>\s*$", payload)
    return len(match.group()) if match else 0
