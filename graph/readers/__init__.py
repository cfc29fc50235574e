"""Read transcript files of any supported format into a Document.

Each reader is one small module with `NAME`, `detect(text) -> bool` and
`parse(text) -> Parsed`; the first reader whose `detect` accepts the text is used, and the plain
text reader accepts anything.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from graph.model import Document
from graph.readers import docx, srt, text, vtt
from graph.readers.base import ReadError, build_turns

__all__ = ["MAX_BYTES", "ReadError", "decode", "find_transcripts", "read_file", "read_text", "slug"]

READERS: tuple[ModuleType, ...] = (vtt, srt, docx, text)
SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".vtt", ".srt", ".docx"})
# The largest transcript file read; a larger one is refused at once. A transcript's graph is
# made and written in its worker's memory: about 300 MB per MB of ordinary turns, so 5 MB
# builds within 2 GB, and up to 600 MB per MB of the shortest turns (a turn, a sentence and
# their selectors for every 50 characters).
MAX_BYTES = 5 * 1024 * 1024
MAX_CONTROL = 0.01  # the largest share of control characters in a text transcript
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # control characters but line ends, tab


def reader_for(content: str, fmt: str | None = None) -> ModuleType:
    """The reader named by `fmt`, or the first whose detect() accepts the content."""
    if fmt:
        for reader in READERS:
            if fmt == reader.NAME:
                return reader
        raise ReadError(f"unknown format {fmt!r}; known: {', '.join(r.NAME for r in READERS)}")
    return next(reader for reader in READERS if reader.detect(content))


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, or cp1252 with a warning."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as err:
                raise ReadError(
                    f"{name}: not valid {codec.upper()} at byte {err.start} ({err.reason})"
                ) from None
    if b"\x00" in data:
        raise ReadError(f"{name}: binary file, not a transcript (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [f"{name}: not UTF-8, read as cp1252"]
    except UnicodeDecodeError as err:
        raise ReadError(f"{name}: cannot decode as UTF-8 or cp1252 ({err.reason})") from None


def check_text(content: str, name: str) -> None:
    """Refuse text that is not a transcript: binary data, NULs, no letters, lone surrogates."""
    if len(content) > MAX_BYTES:
        raise ReadError(f"{name}: larger than the limit of {MAX_BYTES // 2**20} MB")
    if not content.strip():
        raise ReadError(f"{name}: empty file")
    controls = sum(1 for _ in _CONTROL.finditer(content))
    if "\x00" in content or controls > MAX_CONTROL * len(content):
        raise ReadError(
            f"{name}: binary file, not a transcript ({controls} control characters)"
        )
    if not any(ch.isalpha() for ch in content):
        raise ReadError(f"{name}: no letters at all, not a transcript")
    surrogate = re.search("[\ud800-\udfff]", content)
    if surrogate:
        raise ReadError(f"{name}: invalid character (lone surrogate) at offset {surrogate.start()}")


def slug(name: str) -> str:
    """A readable, IRI-safe identifier: the name's lower-case letters and digits, in any script,
    as words joined by '-'. A name with symbols (emoji) or without letters also gets a short hash
    of itself, so that different names never share an identifier."""
    folded = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    words = re.findall(r"[^\W_]+", folded.replace("'", "").replace("’", ""))
    base = "-".join(words)
    symbols = any(unicodedata.category(ch).startswith("S") for ch in folded)
    if base and not symbols:
        return base
    digest = hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{base}-{digest}" if base else f"x-{digest}"


def read_text(
    content: str,
    name: str,
    data: bytes | None = None,
    fmt: str | None = None,
    warnings: tuple[str, ...] = (),
    doc_id: str | None = None,
) -> Document:
    """Parse decoded transcript text into a Document."""
    check_text(content, name)
    reader = reader_for(content, fmt)
    try:
        parsed = reader.parse(content)
        turns = build_turns(content, parsed)
    except ReadError as err:
        raise ReadError(f"{name}: {err}") from None
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
    """Read one transcript file (at most MAX_BYTES; the size is checked before reading)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(
                f"{path}: {size / 2**20:.1f} MB, larger than the limit of {MAX_BYTES // 2**20} MB"
            )
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"{path}: {err.strerror or err}") from None
    if docx.is_docx(data):
        try:
            content = docx.to_text(data)
        except docx.DocxError as err:
            raise ReadError(f"{path}: cannot read Word file ({err})") from None
        return read_text(content, path.name, data, fmt or docx.NAME, (), doc_id)
    content, warnings = decode(data, path.name)
    return read_text(content, path.name, data, fmt, tuple(warnings), doc_id)


@dataclass(frozen=True)
class Found:
    """The transcript files under the inputs, each once, and the entries that cannot be read."""

    files: tuple[Path, ...]
    problems: tuple[str, ...]  # one line per entry: "path: what is wrong"


def scan_transcripts(paths: list[Path]) -> Found:
    """Expand folders (following links to folders, but not round a loop) into the transcript
    files they hold, sorted; a file named twice, or reached by two paths, counts once. A path
    given that does not exist, or is not a file or folder, raises ReadError."""
    files: dict[Path, Path] = {}  # real path -> the path as given or found
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = _walk(path, problems)
            if not found and not problems:
                raise ReadError(
                    f"{path}: no transcripts found (looked for {', '.join(sorted(SUFFIXES))})"
                )
        elif path.is_file():
            found = [path]
        else:
            raise ReadError(f"{path}: {_not_a_file(path)}")
        for file in found:
            files.setdefault(file.resolve(), file)
    return Found(tuple(files.values()), tuple(problems))


def find_transcripts(paths: list[Path]) -> list[Path]:
    """The transcript files under the inputs; any entry that cannot be read is an error."""
    found = scan_transcripts(paths)
    if found.problems:
        raise ReadError("\n".join(found.problems))
    return list(found.files)


def _walk(folder: Path, problems: list[str], parents: frozenset[Path] = frozenset()) -> list[Path]:
    """The transcript files in a folder and its subfolders, sorted by name."""
    real = folder.resolve()
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        problems.append(f"{folder}: cannot list folder ({err.strerror or err})")
        return []
    found: list[Path] = []
    for entry in entries:
        if entry.is_dir():
            target = entry.resolve()
            if any(p.is_relative_to(target) for p in parents | {real}):  # a folder holding itself
                problems.append(f"{entry}: symbolic link loop (back to {target})")
            else:
                found += _walk(entry, problems, parents | {real})
        elif entry.suffix.lower() in SUFFIXES:
            if entry.is_file():
                found.append(entry)
            else:
                problems.append(f"{entry}: {_not_a_file(entry)}")
    return found


def _not_a_file(path: Path) -> str:
    """Why a path that is neither a regular file nor a folder cannot be read."""
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop"
        if path.is_symlink():
            return f"broken symbolic link (to {os.readlink(path)})"
        return "no such file or folder"
    return "not a regular file (a pipe, socket or device)"
