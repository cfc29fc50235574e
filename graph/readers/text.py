"""Plain-text and Markdown transcripts, including text extracted from PDF.

Turns start with a speaker label at the start of a line: "Name:", "**Name:**", initials
("RB:"), "Q:" / "A:", or a line "Full Name  00:03:12" (name, two spaces, timestamp) with the
text on the following lines. Lines before the first turn are the header: the first is the title
and a line holding a date is the date. Page footers such as "Page 2 of 4" are not speech.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from graph.readers.base import Parsed, RawTurn, Span
from graph.segment import sentence_spans

NAME = "text"

_WORD = r"[A-Z][\w'’.\-]*"
_LABEL = re.compile(
    rf"^[ \t]*(?:\*\*)?(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,3}})(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*"
)
_STAMP = r"\(?\[?\d{1,2}:\d{2}(?::\d{2})?\]?\)?"
_TIMESTAMP_LABEL = re.compile(
    rf"^[ \t]*(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,3}})[ \t]{{2,}}{_STAMP}[ \t]*$"
)
_FOOTER = re.compile(r"^\s*(?:Page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+)\s*$", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}"
    r"|[A-Z][a-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b"
)
_TERMINAL = tuple('.?!…"”’)')
_NOT_NAMES = frozenset(
    [
        "note",
        "notes",
        "example",
        "for",
        "however",
        "so",
        "but",
        "and",
        "then",
        "also",
        "yes",
        "no",
        "well",
        "ok",
        "okay",
        "question",
        "answer",
        "summary",
        "title",
        "date",
        "location",
        "duration",
        "transcript",
        "interview",
        "re",
        "subject",
    ]
)
_ANSWER = re.compile(
    r"(?:yes|no|absolutely|definitely|certainly|exactly|indeed|of course|not at all|never)\b",
    re.IGNORECASE,
)
_SHORT_LINE = 40  # characters: a shorter line is a header or a paragraph's end, never wrapped text
_ROLES = {"Q": "Interviewer", "A": "Respondent"}


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str
    label: str | None = None  # speaker label when the line starts a turn
    body: int = 0  # offset where the speech starts on a label line

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def detect(text: str) -> bool:
    """Any text can be read as plain text: the fallback reader."""
    return True


def parse(text: str) -> Parsed:
    every = _lines(text)
    lines = [line for line in every if not line.blank]
    speech = [line for line in lines if not _FOOTER.match(line.text)]
    first_label = next((i for i, line in enumerate(speech) if line.label), None)
    if first_label is None:
        return _unlabelled(text, speech)
    if _is_title(speech, first_label):
        first_label = next((i for i, ln in enumerate(speech) if ln.label and i > first_label), None)
        header = speech[: first_label or len(speech)]
        if first_label is None:
            return _unlabelled(text, header[1:], title=header[0].text.strip())
    header = speech[:first_label]
    parsed = Parsed(turns=_turns(every, speech[first_label].start))
    _read_header(parsed, [line.text.strip() for line in header])
    _resolve_initials(parsed)
    parsed.turns = _split_unlabelled_questions(text, parsed.turns)
    return parsed


def _lines(text: str) -> list[_Line]:
    out, start = [], 0
    previous_ends_sentence = True
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        line = _classify(start, body, previous_ends_sentence)
        out.append(line)
        if body.strip():
            stripped = body.rstrip()
            previous_ends_sentence = (
                stripped.endswith(_TERMINAL)
                or line.label is not None
                or len(stripped) < _SHORT_LINE
            )
        start += len(raw)
    return out


def _classify(start: int, body: str, previous_ends_sentence: bool) -> _Line:
    end = start + len(body)
    stamp = _TIMESTAMP_LABEL.match(body)
    if stamp:
        return _Line(start, end, body, stamp.group("name"), end)
    label = _LABEL.match(body)
    if label and previous_ends_sentence and _plausible_name(label.group("name")):
        return _Line(start, end, body, label.group("name"), start + label.end())
    return _Line(start, end, body)


def _plausible_name(name: str) -> bool:
    return name.lower() not in _NOT_NAMES and not name.endswith((".", "-"))


def _is_title(speech: list[_Line], first: int) -> bool:
    """A first line shaped like a label but followed by another label, with no sentence end."""
    if first != 0 or len(speech) < 2:
        return False
    line = speech[0]
    ends_sentence = line.text.rstrip().endswith(tuple(".?!"))
    return not ends_sentence and speech[1].label is not None


def _turns(lines: list[_Line], begin: int) -> list[RawTurn]:
    """Group the speech lines after `begin` into turns of paragraphs."""
    content = [line for line in lines if not line.blank]
    grouped: list[tuple[str, list[_Line]]] = []
    for line in content:
        if line.start < begin or _FOOTER.match(line.text):
            continue
        if line.label:
            grouped.append((_ROLES.get(line.label, line.label), []))
            if line.text[line.body - line.start :].strip():
                grouped[-1][1].append(replace(line, start=line.body))
        else:
            grouped[-1][1].append(line)
    ends = _paragraph_ends(lines)
    return [RawTurn(speaker, list(_paragraphs(body, ends))) for speaker, body in grouped]


def _paragraph_ends(lines: list[_Line]) -> set[int]:
    """End offsets of the lines that end a paragraph.

    In double-spaced text (PDF) every line is followed by a blank one, so a paragraph ends at
    a clearly short line that ends a sentence; in single-spaced text, at a blank line.
    """
    content = [i for i, line in enumerate(lines) if not line.blank]
    gaps = [b - a > 1 for a, b in pairwise(content)]
    double_spaced = bool(gaps) and sum(gaps) > 0.8 * len(gaps)
    ends = set()
    if double_spaced:
        lengths = sorted(len(lines[i].text.rstrip()) for i in content)
        short = 0.75 * lengths[len(lengths) // 2]
        for i in content:
            text = lines[i].text.rstrip()
            if len(text) < short and text.endswith(_TERMINAL):
                ends.add(lines[i].end)
    else:
        for a, b in pairwise(content):
            if b - a > 1:
                ends.add(lines[a].end)
    return ends


def _paragraphs(body: list[_Line], ends: set[int]) -> Iterator[Span]:
    """Join consecutive lines into paragraph spans."""
    start: int | None = None
    for line in body:
        start = line.start if start is None else start
        if line.end in ends:
            yield Span(start, line.end)
            start = None
    if start is not None:
        yield Span(start, body[-1].end)


def _split_unlabelled_questions(text: str, turns: list[RawTurn]) -> list[RawTurn]:
    """Give back to the other speaker a paragraph-opening question that is answered at once.

    Text taken from PDF often loses the label of a short interjection: a paragraph inside one
    speaker's turn that opens with a question and goes on with "Absolutely not..." or "Yes..."
    is the previous speaker's question and this speaker's answer.
    """
    out: list[RawTurn] = []
    for turn in turns:
        current = RawTurn(turn.speaker)
        out.append(current)
        for number, span in enumerate(turn.spans):
            sentences = list(sentence_spans(text, span.start, span.end))
            other = out[-2].speaker if len(out) > 1 else None
            if number and other and other != turn.speaker and _answered_question(text, sentences):
                q_end = sentences[0][1]
                out.append(RawTurn(other, [Span(span.start, q_end)]))
                current = RawTurn(turn.speaker, [Span(sentences[1][0], span.end)])
                out.append(current)
            else:
                current.spans.append(span)
    return [turn for turn in out if turn.spans]


def _answered_question(text: str, sentences: list[tuple[int, int]]) -> bool:
    if len(sentences) < 2 or not text[sentences[0][0] : sentences[0][1]].endswith("?"):
        return False
    return bool(_ANSWER.match(text, sentences[1][0]))


def _read_header(parsed: Parsed, header: list[str]) -> None:
    for line in header:
        date = _DATE.search(line)
        if date and parsed.date is None and len(line) < 60:
            parsed.date = date.group()
        elif parsed.title is None:
            parsed.title = line


def _resolve_initials(parsed: Parsed) -> None:
    """Map "RB" to "Richard Bohmer" when a full name with those initials was seen."""
    full = [t.speaker for t in parsed.turns if " " in t.speaker]
    initials = {"".join(w[0] for w in name.split()).upper(): name for name in reversed(full)}
    for turn in parsed.turns:
        if turn.speaker.isupper() and turn.speaker in initials:
            turn.speaker = initials[turn.speaker]


def _unlabelled(text: str, lines: list[_Line], title: str | None = None) -> Parsed:
    spans = [Span(line.start, line.end) for line in lines]
    parsed = Parsed(turns=[RawTurn("Unknown", spans)] if spans else [], title=title)
    parsed.warnings.append(
        "no speaker labels found: the whole text is read as one speaker, 'Unknown'"
    )
    return parsed
