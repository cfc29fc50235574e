"""WebVTT captions: cues with voice tags (<v Name>); NOTE, STYLE, REGION blocks are not speech."""

from __future__ import annotations

import re

from graph.readers.base import Parsed
from graph.readers.cues import parse_cues

NAME = "vtt"
_SKIP = re.compile(r"^(?:NOTE|STYLE|REGION)\b")


def detect(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("WEBVTT")


def parse(text: str) -> Parsed:
    return parse_cues(text, _SKIP)
