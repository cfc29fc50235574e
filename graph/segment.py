"""Split text into sentences and locate them by character offset and line number."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

# A sentence ends at a run of ., ! or ? (or an ellipsis, the Greek or Arabic question mark),
# optionally followed by closing quotes or brackets, when white space and an opening letter or
# digit (not a lower-case letter) follow, or at a full-width 。！？. The runs are possessive and
# start only at the run's first character, so a long run of dots is read once (linear time).
_BOUNDARY = re.compile(
    r"""(?<![.!?…\u037e؟])[.!?…\u037e؟]++["”’')\]]*+(?=\s+["“‘'(…\[]?(?P<next>\w))|[。！？]++(?=.)""",
    re.DOTALL,
)
MAX_SENTENCE = 2000  # characters: a longer run-on sentence is split at white space
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vs",
        "etc",
        "eg",
        "ie",
        "no",
        "fig",
        "vol",
        "jr",
        "sr",
        "rev",
        "hon",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
    ]
)
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")

PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


def normalise(text: str) -> str:
    """Straight quotes, plain dashes, '...' for '…' and single spaces, for matching and display."""
    text = text.translate(PLAIN).replace("\u2026", "...")
    return " ".join(text.split())


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` closes an abbreviation or an initial."""
    if text[stop] != "." or text.startswith("...", stop):
        return False
    match = _WORD_BEFORE.search(text, max(0, stop - 12), stop + 1)
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "W. Edwards Deming"
        return True
    return word.lower().replace(".", "") in _ABBREVIATIONS or "." in word[:-1]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) offsets of the sentences in text[start:end], trimmed of white space.

    No sentence is longer than MAX_SENTENCE characters.
    """
    end = len(text) if end is None else end
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        following = match.group("next")
        if (following and following.islower()) or _is_abbreviation(text, match.start()):
            continue
        yield from _capped(text, cursor, match.end())
        cursor = match.end()
    yield from _capped(text, cursor, end)


def _capped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The trimmed sentence text[start:end], cut at white space into pieces of at most
    MAX_SENTENCE characters (at any character where a piece has no white space)."""
    while end - start > MAX_SENTENCE:
        cut = _last_space(text, start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        yield from _trimmed(text, start, cut)
        start = cut
    yield from _trimmed(text, start, end)


def _last_space(text: str, low: int, high: int) -> int:
    """The offset just after the last white space in text[low:high], or high if there is none."""
    for i in range(high - 1, low - 1, -1):
        if text[i].isspace():
            return i + 1
    return high


# Transcriber's markers: not speech. A sentence that is only markers is dropped, and markers
# inside a sentence are blanked for matching (the quote keeps them).
MARKER = re.compile(
    r"\[[^\]\n]{1,40}\]"
    r"|\((?:laughs?|laughter|laughing|crosstalk|inaudible|unclear|indistinct|pause[sd]?"
    r"|sighs?|coughs?|silence|applause|overlapping|interruption)[^)\n]{0,20}\)",
    re.IGNORECASE,
)


_ALNUM = re.compile(r"[^\W_]")


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and _ALNUM.search(MARKER.sub(" ", text[start:end])):
        yield start, end


NEWLINE = re.compile(r"\r\n|\r|\n")  # line ends: LF, CR LF and CR


def split_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, without its line end; lines end at LF, CR LF or CR."""
    start = 0
    for match in NEWLINE.finditer(text):
        yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


class LineIndex:
    """Maps character offsets to 1-based line numbers (lines end at LF, CR LF or CR)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [match.end() for match in NEWLINE.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def normalise_map(text: str) -> tuple[str, list[int]]:
    """Lower-cased, straightened, single-spaced text, and each character's offset in `text`.

    The map has one extra entry, len(text), so that an end offset maps too.
    """
    out: list[str] = []
    where: list[int] = []
    space = True
    blank = {i for m in MARKER.finditer(text) for i in range(m.start(), m.end())}
    for i, ch in enumerate(text):
        if ch.isspace() or i in blank:
            if not space:
                out.append(" ")
                where.append(i)
            space = True
            continue
        plain = "..." if ch == "\u2026" else ch.translate(PLAIN)
        lower = plain.lower()
        for c in lower if len(lower) == len(plain) else plain:
            out.append(c)
            where.append(i)
        space = False
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    where.append(len(text))
    return "".join(out), where
