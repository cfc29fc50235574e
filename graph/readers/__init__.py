"""Read transcript files of any supported format into a Document.

Each reader is one small module with `NAME`, `detect(text) -> bool` and
`parse(text) -> Parsed`; the first reader whose `detect` accepts the text is used, and the plain
text reader accepts anything.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import ModuleType

from graph.model import Document
from graph.readers import docx, srt, text, vtt
from graph.readers.base import build_turns

READERS: tuple[ModuleType, ...] = (vtt, srt, docx, text)
SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".vtt", ".srt", ".docx"})


class ReadError(Exception):
    """A transcript that cannot be read; the message names the file."""


def reader_for(content: str, fmt: str | None = None) -> ModuleType:
    """The reader named by `fmt`, or the first whose detect() accepts the content."""
    if fmt:
        for reader in READERS:
            if fmt == reader.NAME:
                return reader
        raise ReadError(f"unknown format {fmt!r}; known: {', '.join(r.NAME for r in READERS)}")
    return next(reader for reader in READERS if reader.detect(content))


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252 with a warning."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data[:8192]:
        raise ReadError(f"{name}: binary file, not a transcript")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [f"{name}: not UTF-8, read as cp1252"]
    except UnicodeDecodeError as err:
        raise ReadError(f"{name}: cannot decode as UTF-8 or cp1252 ({err.reason})") from None


def slug(name: str) -> str:
    """A readable, IRI-safe identifier: lower case ASCII words joined by '-'."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("'", "").replace("’", ""))
    return "-".join(words) or "x"


def read_text(
    content: str,
    name: str,
    data: bytes | None = None,
    fmt: str | None = None,
    warnings: tuple[str, ...] = (),
    doc_id: str | None = None,
) -> Document:
    """Parse decoded transcript text into a Document."""
    if not content.strip():
        raise ReadError(f"{name}: empty file")
    reader = reader_for(content, fmt)
    parsed = reader.parse(content)
    turns = build_turns(content, parsed)
    if not turns:
        raise ReadError(f"{name}: no speech found")
    raw = data if data is not None else content.encode("utf-8")
    return Document(
        id=doc_id or slug(Path(name).stem),
        source=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=content,
        turns=turns,
        title=parsed.title,
        date=parsed.date,
        format=reader.NAME,
        warnings=(*warnings, *(f"{name}: {w}" for w in parsed.warnings)),
    )


def read_file(path: Path, fmt: str | None = None, doc_id: str | None = None) -> Document:
    """Read one transcript file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"{path}: {err.strerror or err}") from None
    if docx.is_docx(data):
        try:
            content = docx.to_text(data)
        except Exception as err:  # python-docx raises several types for damaged files
            raise ReadError(f"{path}: cannot read Word file ({err})") from None
        return read_text(content, path.name, data, fmt or docx.NAME, (), doc_id)
    content, warnings = decode(data, path.name)
    return read_text(content, path.name, data, fmt, tuple(warnings), doc_id)


def find_transcripts(paths: list[Path]) -> list[Path]:
    """Expand folders into the transcript files they hold, sorted; check that files exist."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not files:
                raise ReadError(
                    f"{path}: no transcripts found (looked for {', '.join(sorted(SUFFIXES))})"
                )
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            raise ReadError(f"{path}: no such file or folder")
    return found
