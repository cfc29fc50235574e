"""SubRip (SRT) subtitles: numbered cues, the speaker as a "NAME:" prefix or not at all."""

from __future__ import annotations

import re

from graph.readers.base import Parsed
from graph.readers.cues import parse_cues

NAME = "srt"
_FIRST_CUE = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2},\d{1,3}\s*-->")


def detect(text: str) -> bool:
    return bool(_FIRST_CUE.match(text.lstrip("\ufeff")))


def parse(text: str) -> Parsed:
    parsed = parse_cues(text)
    if parsed.turns and all(t.speaker == "Unknown" for t in parsed.turns):
        parsed.warnings.append(
            "no speaker labels found: the whole text is read as one speaker, 'Unknown'"
        )
    return parsed
