"""Graph files written partly from the previous build's. Each is text and segments: graph.nq and
graph.trig a head (the shared triples) and then each transcript's segment in the order of their
IRIs; graph.ttl and graph.jsonld the shared subjects' statements with the runs of each
transcript's own subjects between them. A segment of a transcript whose triples did not change
has the same bytes as before, which the kernel copies from the previous build's file
(os.copy_file_range: about a tenth of the CPU of writing them here).

An index in the store's folder records where each segment lies in each file, with the file's
size and modification time and a seal of what else made its bytes (the code, the knowledge and
the prefixes); a segment is copied only when all of these still hold and its transcript's
triples have the same digest. The index is a record of the files, not part of the graph.
"""

from __future__ import annotations

import json
import mmap
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

INDEX = "leadgraph-files.json"  # in the store's folder
WRITE = 1 << 22  # characters of text joined and encoded at a time


@dataclass(frozen=True)
class Segment:
    """A transcript's share of a file: its key (unique in the file: the transcript's IRI, or
    the first subject of a run of its statements), the digest of its triples and its text."""

    key: str
    digest: str
    text: Callable[[], Iterable[str | bytes]]  # text, or bytes already encoded as UTF-8


FileIndex = dict[str, object]  # size, mtime_ns and segments: key -> [digest, offset, length]


def read_index(folder: Path, seal: str) -> dict[str, FileIndex]:
    """The files' index a build left in `folder` (its store), by file name; empty when there is
    none, or it was made with another seal."""
    try:
        found = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("seal") != seal:
        return {}
    files = found.get("files")
    return files if isinstance(files, dict) else {}


def write_index(folder: Path, seal: str, files: dict[str, FileIndex]) -> None:
    (folder / INDEX).write_text(json.dumps({"seal": seal, "files": files}, sort_keys=True),
                                encoding="utf-8")


def write_spliced(path: Path, pieces: Iterable[str | Segment], previous: Path,
                  known: FileIndex | None) -> FileIndex:
    """Write the pieces to `path` in turn: text as it is, a segment copied from `previous` (the
    same file of the previous build, indexed by `known`) where that holds it unchanged, else
    from its text; returns the new file's index."""
    old = _usable(previous, known)
    placed: dict[str, list[object]] = {}
    with open(path, "wb", buffering=0) as out, _opened(previous if old else None) as source:
        writer = _Writer(out, source)
        for piece in pieces:
            if isinstance(piece, str):
                writer.text(piece)
                continue
            start = writer.flush()
            found = old.get(piece.key)
            if source is not None and found is not None and found[0] == piece.digest:
                writer.copy(int(found[1]), int(found[2]))  # type: ignore[arg-type]
            else:
                for text in piece.text():
                    writer.text(text)
            placed[piece.key] = [piece.digest, start, writer.flush() - start]
        writer.finish()
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "segments": placed}


def _usable(previous: Path, known: FileIndex | None) -> dict[str, list[object]]:
    """The previous file's segments, when the file is still the one indexed."""
    if not known or not isinstance(known.get("segments"), dict):
        return {}
    try:
        stat = previous.stat()
    except OSError:
        return {}
    if (stat.st_size, stat.st_mtime_ns) != (known.get("size"), known.get("mtime_ns")):
        return {}
    return known["segments"]  # type: ignore[return-value]


class _opened:
    """The previous file opened for reading and mapped, or None."""

    def __init__(self, path: Path | None) -> None:
        self.fd = os.open(path, os.O_RDONLY) if path is not None else None
        self.map: mmap.mmap | None = None

    def __enter__(self) -> Previous | None:
        if self.fd is None:
            return None
        size = os.fstat(self.fd).st_size
        if size:
            self.map = mmap.mmap(self.fd, size, access=mmap.ACCESS_READ)
        return Previous(self.fd, self.map or b"")

    def __exit__(self, *_: object) -> None:
        if self.map is not None:
            self.map.close()
        if self.fd is not None:
            os.close(self.fd)


@dataclass(frozen=True)
class Previous:
    """The previous build's file: open, and mapped to compare text with."""

    fd: int
    data: mmap.mmap | bytes


class _Writer:
    """Text written to `out` as UTF-8, a few megabytes joined and encoded at a time, and bytes
    copied from the previous file. The copies wait: one that continues the bytes of the one
    before joins it, and so does text with the very bytes that follow it in the previous file
    (the statements of shared subjects between two transcripts' runs, usually unchanged), so
    the unchanged transcripts between two changed ones are copied in one call, not a call and a
    write each (thousands, each of which let another thread take the interpreter's lock).
    `position` is how many bytes `out` holds once flushed; call `finish` at the end."""

    def __init__(self, out, previous: Previous | None = None) -> None:
        self.out, self.previous, self.position = out, previous, 0
        self.buffer: list[str] = []
        self.held = 0
        self.pending: tuple[int, int] | None = None  # offset and length of a copy to make

    def text(self, chunk: str | bytes) -> None:
        """Text to write; or bytes, written as they are (after the text held)."""
        if isinstance(chunk, bytes):
            self.flush()
            self._write(chunk)
            return
        self.buffer.append(chunk)
        self.held += len(chunk)
        if self.held >= WRITE:
            self.flush()

    def flush(self) -> int:
        """Write what is held (or join it to the copy waiting); the position."""
        if self.buffer:
            data = "".join(self.buffer).encode("utf-8")
            self.buffer, self.held = [], 0
            self._write(data)
        return self.position

    def _write(self, data: bytes) -> None:
        self.position += len(data)
        if self.pending is not None and self.previous is not None:
            offset, length = self.pending
            end = offset + length
            if self.previous.data[end:end + len(data)] == data:
                self.pending = offset, length + len(data)
                return
        self._copy()
        view = memoryview(data)
        while view:
            view = view[self.out.write(view):]

    def copy(self, offset: int, length: int) -> None:
        """Copy `length` bytes at `offset` of the previous file."""
        self.flush()
        if self.pending is not None and sum(self.pending) == offset:
            self.pending = self.pending[0], self.pending[1] + length
        else:
            self._copy()
            self.pending = offset, length
        self.position += length

    def _copy(self) -> None:
        if self.pending is not None:
            assert self.previous is not None
            offset, length = self.pending
            _copy(self.previous.fd, self.out, offset, length)
            self.pending = None

    def finish(self) -> None:
        self.flush()
        self._copy()


def _copy(source: int, out, offset: int, length: int) -> int:
    """Copy `length` bytes at `offset` of `source` to the end of `out`; OSError if the file
    ends first."""
    done = 0
    while done < length:
        step = os.copy_file_range(source, out.fileno(), length - done, offset + done)
        if step == 0:
            raise OSError(f"{out.name}: the previous build's file ended early")
        done += step
    return length
