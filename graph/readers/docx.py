"""Word (.docx) transcripts: speaker-labelled paragraphs, the speaker's name often in bold.

The document's paragraphs become lines of plain text ("Name: words", one paragraph a line),
which the plain-text reader then reads; offsets and line numbers refer to that text.
"""

from __future__ import annotations

import io
import zipfile

from graph.readers import text
from graph.readers.base import Parsed

NAME = "docx"


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def to_text(data: bytes) -> str:
    """The paragraphs as lines, with a bold leading name written as a 'Name:' label."""
    from docx import Document

    lines = []
    for paragraph in Document(io.BytesIO(data)).paragraphs:
        lines.append(_labelled(paragraph))
    return "\n".join(lines) + "\n"


def _labelled(paragraph) -> str:
    runs = paragraph.runs
    bold = ""
    for run in runs:
        if not run.bold:
            break
        bold += run.text
    words = paragraph.text
    name = bold.strip().rstrip(":").strip()
    if (
        name
        and 0 < len(name.split()) <= 4
        and words.startswith(bold)
        and not bold.strip().endswith(":")
    ):
        rest = words[len(bold) :].lstrip(" :\t")
        return f"{name}: {rest}"
    return words


def detect(content: str) -> bool:
    return False  # chosen from the file's bytes, see graph.readers.read_file


def parse(content: str) -> Parsed:
    return text.parse(content)
