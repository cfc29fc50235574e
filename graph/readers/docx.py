"""Word (.docx) transcripts: speaker-labelled paragraphs, the speaker's name often in bold.

The document's paragraphs become lines of plain text ("Name: words", one paragraph a line),
which the plain-text reader then reads; offsets and line numbers refer to that text.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from graph.readers import text
from graph.readers.base import Parsed

NAME = "docx"
MAX_XML = 64 * 1024 * 1024  # bytes of word/document.xml once uncompressed
MAX_UNPACKED = 256 * 1024 * 1024  # bytes of all the parts of a Word file once uncompressed
_ZIP = b"PK\x03\x04"


class DocxError(Exception):
    """A Word file that is damaged or too large to unpack; the message is one line."""


def is_docx(data: bytes) -> bool:
    """A zip archive holding word/document.xml, or a damaged zip named as Word by its start."""
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return b"word/" in data[:4096]  # a truncated Word file: refused by to_text


def to_text(data: bytes) -> str:
    """The paragraphs as lines, with a bold leading name written as a 'Name:' label."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    check_sizes(data)
    try:
        paragraphs = Document(io.BytesIO(data)).paragraphs
        lines = [_labelled(paragraph) for paragraph in paragraphs]
    except (
        zipfile.BadZipFile,
        PackageNotFoundError,
        LxmlError,
        KeyError,
        ValueError,
        EOFError,
        OSError,
        zlib.error,
    ) as err:
        raise DocxError(" ".join(str(err).split()) or type(err).__name__) from None
    return "\n".join(lines) + "\n"


def check_sizes(data: bytes) -> None:
    """Refuse a damaged archive, or one whose parts would unpack beyond the limits (a zip bomb),
    from the sizes the archive declares (the zip reader never unpacks more than that)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise DocxError(f"damaged or truncated archive: {err}") from None
    sizes = {part.filename: part.file_size for part in parts}
    if "word/document.xml" not in sizes:
        raise DocxError("no word/document.xml in the archive")
    if sizes["word/document.xml"] > MAX_XML:
        raise DocxError(
            f"word/document.xml unpacks to {sizes['word/document.xml'] // 2**20} MB, "
            f"over the limit of {MAX_XML // 2**20} MB"
        )
    if sum(sizes.values()) > MAX_UNPACKED:
        raise DocxError(f"the parts unpack to over the limit of {MAX_UNPACKED // 2**20} MB")


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
