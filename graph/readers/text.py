"""Plain-text and Markdown transcripts, including text extracted from PDF.

Turns start with a speaker label at the start of a line: "Name:", "**Name:**", initials
("RB:"), "Q:" / "A:", or a line "Full Name  00:03:12" (name, two spaces, timestamp) with the
text on the following lines. Names may be in any script ("Émilie Dubois:", "王小明："); each word
opens with a capital or a letter without case, unless the name is already a speaker's.
Lines before the first turn are the header: metadata lines ("Title: ...", "Date: ...",
"Source: ...", "Interviewers: Ann Lee, Bob Kay") give the title and date, otherwise the first
line is the title and a line holding a date is the date. Metadata lines after the last turn
("Source: https://...") are not speech either. Page footers such as "Page 2 of 4"
are not speech. Lines end at LF, CR LF or CR.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import islice, pairwise

from graph.readers.base import Parsed, RawTurn, Span
from graph.segment import sentence_spans, split_lines

NAME = "text"

_WORD = r"[^\W\d_][\w'’.\-]*"  # a word of a name, in any script; its case is checked apart
_LABEL = re.compile(
    rf"^[ \t\f\v]*(?:\*\*)?(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,3}})(?:\*\*)?[ \t]*[:：]"
    r"(?:\*\*)?[ \t]*"
)
_STAMP = r"\(?\[?\d{1,2}:\d{2}(?::\d{2})?\]?\)?"
_TIMESTAMP_LABEL = re.compile(
    rf"^[ \t\f\v]*(?P<name>{_WORD}(?:[ \t]{_WORD}){{0,3}})[ \t]{{2,}}{_STAMP}[ \t]*$"
)
_FOOTER = re.compile(r"^\s*(?:Page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+)\s*$", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4}"
    r"|[A-Z][a-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b"
)
_TERMINAL = tuple('.?!…"”’)。！？—–-\u037e؟।')  # with the Greek and Arabic question marks
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


# Metadata keys of a header ("Source: https://...", "Date: 12 March"): before the first turn,
# such a line is a header, not a speaker. The people keys are a header only before a list of
# names ("Interviewers: Ann Lee, Bob Kay"); with speech after them they are a speaker.
_HEADER_KEYS = frozenset(
    {
        *("source", "date", "location", "place", "venue", "title", "subject", "topic"),
        *("duration", "length", "transcript", "transcribed", "transcriber", "recorded"),
        *("recording", "language", "kind", "project", "time"),
    }
)
_PEOPLE_KEYS = frozenset(
    {
        *("interviewer", "interviewers", "interviewee", "interviewees", "participant"),
        *("participants", "speaker", "speakers"),
    }
)
_KEY_WORDS = _HEADER_KEYS | {"of", "on", "by", "at", "in", "and", "url", "link", "interview",
                             "name", "recording", "file"}  # words after a key in a key
_TITLE_KEYS = frozenset(["title", "subject", "topic"])
_HEADING = re.compile(r"^#{1,6}\s+")  # a Markdown heading's marks
_DATE_KEYS = frozenset(["date", "recorded", "recording"])


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str
    label: str | None = None  # speaker label when the line starts a turn
    body: int = 0  # offset where the speech starts on a label line
    key: str | None = None  # metadata key of a header line ("date"), lower case

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def value(self) -> str:
        """What follows the label or key ("" on a line without one)."""
        return self.text[self.body - self.start :].strip() if self.body else ""


def detect(text: str) -> bool:
    """Any text can be read as plain text: the fallback reader."""
    return True


def parse(text: str) -> Parsed:
    every = _lines(text)
    lines = [line for line in every if not line.blank]
    speech = [line for line in lines if not _FOOTER.match(line.text)]
    first_label = next((i for i, line in enumerate(speech) if line.label), None)
    if first_label is None:
        return _unlabelled(speech)
    if _is_title(speech, first_label):
        first_label = next((i for i, ln in enumerate(speech) if ln.label and i > first_label), None)
        header = speech[: first_label or len(speech)]
        if first_label is None:
            return _unlabelled(header[1:], title=header[0])
    header = speech[:first_label]
    parsed = Parsed(turns=_turns(every, speech[first_label].start))
    _read_header(parsed, header)
    _resolve_initials(parsed, _header_people(header))
    parsed.turns = _split_unlabelled_questions(text, parsed.turns)
    return parsed


def _lines(text: str) -> list[_Line]:
    """The lines, each with its speaker label when it starts a turn.

    A "Name:" line starts a turn when the line before it ends a sentence (so wrapped text that
    happens to start with "Word:" stays speech), when no turn has started yet, or when the name
    was already taken as a speaker's (compared ignoring case).
    """
    found = _mark_header([_classify(text, start, end) for start, end in split_lines(text)])
    first = _accepted(found, set(), set()).values()
    known = {name.casefold() for name in first}
    initials = {_initials(name) for name in first if " " in name}  # "SO:" for Samuel Oyelaran
    initials |= set(_header_people(found))  # "NO:" for "Interviewer: Nadia Osei (NO)"
    accepted = _accepted(found, known, initials)
    return [
        line if i in accepted or line.label is None else replace(line, label=None)
        for i, line in enumerate(found)
    ]


def _accepted(lines: list[_Line], known: set[str], initials: set[str]) -> dict[int, str]:
    """Index -> name of the label lines taken as turns, given the names known as speakers and
    their initials (taken as written, in capitals, even when they spell a common word)."""
    accepted: dict[int, str] = {}
    previous_ends_sentence = True
    for i, line in enumerate(lines):
        if line.blank:
            continue
        name = line.label
        if name and (
            previous_ends_sentence or not accepted or name.casefold() in known
        ) and (plausible_name(name) or name.casefold() in known or name in initials):
            accepted[i] = name
        stripped = line.text.rstrip()
        previous_ends_sentence = (
            stripped.endswith(_TERMINAL)
            or len(stripped) < _SHORT_LINE
            or (i in accepted and (not line.value or _title_like(line.value)))
        )
    return accepted


def _classify(text: str, start: int, end: int) -> _Line:
    body = text[start:end]
    stamp = _TIMESTAMP_LABEL.match(body)
    if stamp:
        return _Line(start, end, body, stamp.group("name"), end)
    label = _LABEL.match(body)
    if label:
        return _Line(start, end, body, label.group("name"), start + label.end())
    return _Line(start, end, body)


def _mark_header(lines: list[_Line]) -> list[_Line]:
    """Give the metadata lines before the first turn, and those ending the text ("Source:
    https://..." after the last turn), their key instead of a speaker label."""
    out = list(lines)
    content = [i for i, line in enumerate(lines) if not line.blank]
    for number, i in enumerate(content):
        line = lines[i]
        key = _header_key(line)
        if key:
            out[i] = replace(line, label=None, key=key)
        elif line.label and not (number == 0 and _title_like(line.value)):
            break
    for i in reversed(content):
        key = _header_key(out[i])
        if key is None or key in _PEOPLE_KEYS:
            break
        out[i] = replace(out[i], label=None, key=key)
    return out


def plausible_name(name: str) -> bool:
    """Words that open with a capital or a letter without case, and not a common word; a
    particle of a surname may stand between them in lower case ("Pieter van Wyk")."""
    words = name.split()
    return (
        name.lower() not in _NOT_NAMES
        and not name.endswith((".", "-"))
        and not any(word[0].islower() and not (0 < i < len(words) - 1 and word in _PARTICLES)
                    for i, word in enumerate(words))
    )


_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la",
                        "le", "dos", "das", "ter", "ten", "bin", "binti", "ibn", "al", "el", "y"})


def _header_key(line: _Line) -> str | None:
    """The metadata key of a "Key: value" header line, lower case, or None."""
    if not line.label:
        return None
    key = line.label.casefold()
    first, *rest = key.split()
    if first in _HEADER_KEYS and all(word in _KEY_WORDS for word in rest):
        return first  # "Date of interview", "Transcribed by", not "Time is the treatment"
    if key in _PEOPLE_KEYS and _names(line.value):
        return key
    return None


_NAME = re.compile(rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}")
_LIST_SEPARATOR = re.compile(r"[ \t]*(?:[,;&/]|\band\b)[ \t]*")


def _names(value: str) -> bool:
    """True for a list of names: "Ann Lee, Bob Kay and Cara Moss", "Nadia Osei (NO)"."""
    return bool(_people(value))


def _people(value: str) -> dict[str, str]:
    """Initials -> name for a list of names, each perhaps with its initials in brackets ("Nadia
    Osei (NO), Bob Kay"); empty when an item is not a name."""
    out = {}
    for item in _LIST_SEPARATOR.split(value.strip()):
        match = _NAMED.fullmatch(item)
        name = match["name"] if match else ""
        if not (_NAME.fullmatch(name) and plausible_name(name)):
            return {}
        out[match["initials"] or _initials(name)] = name
    return out


_NAMED = re.compile(r"(?P<name>.+?)(?:[ \t]*\((?P<initials>[A-Z]{1,4})\))?")


def _header_people(lines: list[_Line]) -> dict[str, str]:
    """Initials -> name of the people a header names ("Interviewer: Nadia Osei (NO)")."""
    return {initials: name for line in lines if line.key in _PEOPLE_KEYS
            for initials, name in _people(line.value).items()}


def _title_like(words: str) -> bool:
    """A subtitle after a name ("the challenge of leading") or words in Title Case."""
    words = words.strip()
    if not words or words.endswith(tuple(".?!…。！？")):
        return False
    long_words = [w for w in words.split() if len(w) > 3]
    return words[0].islower() or (bool(long_words) and all(w[0].isupper() for w in long_words))


def _is_title(speech: list[_Line], first: int) -> bool:
    """A first line shaped like a label, followed by another label or by a line that is only a
    date, or whose label never speaks again, that reads as a title ("Outreach: conversation
    with a team leader", "2 May 2026"; "Theatre Management: A Conversation")."""
    if first != 0 or len(speech) < 2:
        return False
    dated = speech[1].label is None and _only_date(speech[1].text)
    labels = [line.label for line in speech[1:] if line.label]
    once = bool(labels) and speech[0].label not in labels  # others speak, it never again
    return (speech[1].label is not None or dated or once) and _title_like(speech[0].value)


def _only_date(text: str) -> bool:
    date = _DATE.search(text)
    return date is not None and not text[: date.start()].strip(" \t,") and len(
        text[date.end():].strip()) < _SHORT_DATE_TAIL


_SHORT_DATE_TAIL = 20  # characters after a date on a line that is only a date ("(recorded)")


def _turns(lines: list[_Line], begin: int) -> list[RawTurn]:
    """Group the speech lines after `begin` into turns of paragraphs."""
    content = [line for line in lines if not line.blank]
    grouped: list[tuple[str, list[_Line]]] = []
    for line in content:
        if line.start < begin or line.key or _FOOTER.match(line.text):
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
            other = out[-2].speaker if len(out) > 1 else None
            if not number or other in (None, turn.speaker):
                current.spans.append(span)
                continue
            sentences = list(islice(sentence_spans(text, span.start, span.end), 2))
            if _answered_question(text, sentences):
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


def _read_header(parsed: Parsed, header: list[_Line]) -> None:
    """Title and date from the lines before the first turn ("Title: ...", "Date: ...")."""
    for line in header:
        key = line.key
        if key in _TITLE_KEYS and parsed.title is None and line.value:
            parsed.title = line.value
        elif key in _DATE_KEYS and parsed.date is None and line.value:
            parsed.date = line.value
        elif key is None:
            text = line.text.strip()
            date = _DATE.search(text)
            if date and parsed.date is None and len(text) < 60:
                parsed.date = date.group()
            elif parsed.title is None:
                parsed.title = _HEADING.sub("", text).strip("*_ ") or text  # "# Title", "**Title**"


def _resolve_initials(parsed: Parsed, people: dict[str, str]) -> None:
    """Map "RB" to "Richard Bohmer" when exactly one full name with those initials was seen, as
    a speaker or in the header's list of people (which may give the initials: "(RB)")."""
    full = dict.fromkeys(t.speaker for t in parsed.turns if " " in t.speaker)
    by_initials: dict[str, set[str]] = {}
    for name in full:
        by_initials.setdefault(_initials(name), set()).add(name)
    for initials, name in people.items():
        by_initials.setdefault(initials, set()).add(name)
    for turn in parsed.turns:
        names = by_initials.get(turn.speaker, set()) if turn.speaker.isupper() else set()
        if len(names) == 1:
            turn.speaker = next(iter(names))


def _initials(name: str) -> str:
    """ "Richard Bohmer" -> "RB"."""
    return "".join(w[0] for w in name.split()).upper()


def _unlabelled(lines: list[_Line], title: _Line | None = None) -> Parsed:
    """Text without speaker labels: one speaker, 'Unknown'; header lines give title and date."""
    spans = [Span(line.start, line.end) for line in lines if not line.key]
    parsed = Parsed(turns=[RawTurn("Unknown", spans)] if spans else [])
    if title is not None:
        parsed.title = title.text.strip()
    _read_header(parsed, [line for line in lines if line.key])
    parsed.warnings.append(
        "no speaker labels found: the whole text is read as one speaker, 'Unknown'"
    )
    return parsed
