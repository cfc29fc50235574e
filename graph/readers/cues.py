"""Shared parsing of timed-cue formats (WebVTT and SRT) into turns with times."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graph.readers.base import UNKNOWN, Parsed, RawTurn, ReadError, Span
from graph.readers.text import plausible_name
from graph.segment import split_lines

_STAMP = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_STAMP})\s*-->\s*(?P<end>{_STAMP})(?:\s|$)")
_VOICE = re.compile(r"<v(?:\.[\w.-]{1,100})?[ \t]")  # a voice tag's start: "<v.loud "
_VOICE_NAME = 10_000  # characters searched for the end of a voice tag
_WORD = r"[^\W\d_][\w'’.\-]*"
_PREFIX = re.compile(rf"(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,3}})[ \t]*[:：]\s+")
_CLOSING_VOICE = re.compile(r"</v>\s*$")


def seconds(stamp: str) -> float:
    """'01:02:03.450' or '02:03,450' -> seconds; ValueError for minutes or seconds over 59."""
    *hours_minutes, last = stamp.replace(",", ".").split(":")
    total = 0
    for part in hours_minutes:
        total = total * 60 + int(part)
    if any(int(part) > 59 for part in hours_minutes[-1:]) or float(last) >= 60:
        raise ValueError(stamp)
    return round(total * 60 + float(last), 3)


def _blocks(text: str) -> Iterator[list[tuple[int, str, int]]]:
    """Blank-line separated blocks, as (offset, line, line number) triples."""
    block: list[tuple[int, str, int]] = []
    for number, (start, end) in enumerate(split_lines(text), 1):
        line = text[start:end]
        if line.strip():
            block.append((start, line, number))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _timing(line: str, number: int) -> tuple[float, float] | None:
    """The cue's start and end in seconds, None for a line that is not a timing line; a line
    with '-->' that is not a valid timing is an error."""
    timing = _TIMING.match(line)
    if timing is None:
        if "-->" in line:
            raise ReadError(f"line {number}: malformed cue timing {line.strip()[:60]!r}")
        return None
    try:
        start, end = seconds(timing["start"]), seconds(timing["end"])
    except ValueError as err:
        raise ReadError(f"line {number}: malformed cue time {err}") from None
    if end < start:
        raise ReadError(f"line {number}: the cue ends before it starts ({line.strip()[:60]})")
    return start, end


def parse_cues(text: str, skip_block: re.Pattern[str] | None = None) -> Parsed:
    """Cues: an optional id line, a timing line, then the payload lines."""
    turns: list[RawTurn] = []
    for block in _blocks(text):
        if skip_block and skip_block.match(block[0][1]):
            continue
        timed = next(
            ((i, t) for i, (_, line, number) in enumerate(block) if (t := _timing(line, number))),
            None,
        )
        if timed is None:
            continue
        timing_at, (start_s, end_s) = timed
        payload = block[timing_at + 1 :]
        if not payload:
            continue
        first_offset, first_line, _ = payload[0]
        speaker, skip = _speaker(first_line, turns)
        last_offset, last_line, _ = payload[-1]
        span_start = first_offset + skip
        span_end = last_offset + len(last_line.rstrip())
        span_end -= _closing_tag_length(text[span_start:span_end])
        turns.append(RawTurn(speaker, [Span(span_start, span_end, start_s, end_s)]))
    return Parsed(turns=turns)


def _speaker(line: str, turns: list[RawTurn]) -> tuple[str, int]:
    """The cue's speaker and how many characters of the line the label takes."""
    indent = len(line) - len(line.lstrip())
    voice = _voice(line, indent)
    if voice:
        return voice
    prefix = _PREFIX.match(line.lstrip())
    if prefix and plausible_name(prefix["name"]):
        return prefix["name"], indent + prefix.end()
    return (turns[-1].speaker if turns else UNKNOWN), indent


def _voice(line: str, at: int) -> tuple[str, int] | None:
    """The name in a voice tag "<v Name>" at `at`, and the offset after the tag (read without
    a regular expression, in time linear in the line)."""
    start = _VOICE.match(line, at)
    if not start:
        return None
    close = line.find(">", start.end(), start.end() + _VOICE_NAME)
    name = " ".join(line[start.end() : close].split()) if close > 0 else ""
    return (name, close + 1) if name else None


def _closing_tag_length(payload: str) -> int:
    """Characters of a closing '</v>' at the payload's end, with the white space around it."""
    match = _CLOSING_VOICE.search(payload, max(0, len(payload.rstrip()) - 4))
    if not match:
        return 0
    return len(payload) - len(payload[: match.start()].rstrip())
