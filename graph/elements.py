"""The edges of the Gephi files and edges.csv, taken from the previous build's files when they are
made of the same things. An edge's element (or row) depends only on what its digest covers
(ConceptNetwork.sources: its ends, relation and the records of the transcripts behind its claims)
and on its id, its number among all the edges: so an element is found in the previous build's
file by its digest, and its old id replaced by the new one. A rewritten transcript changes the
elements of the edges it names; the tens of thousands of others are sliced from the old file
instead of being escaped and formatted again, and come out byte for byte as made.

An index in the store's folder records, for each of these files, its size and modification time,
what else its elements depended on (`seal`: the code, and the attribute ids of the file's
declarations) and where each element lies: its offset, its length and where its id is in it. It is
trusted only while the file is the one indexed and the seal is the same; like the files' index
(graph.splice), it is a record of the files, not part of the graph.
"""

from __future__ import annotations

import marshal
import mmap
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

INDEX = "leadgraph-elements"  # in the store's folder
MARK = "\0"  # an element is made with this in place of its id (text never holds it: see `keyed`)
Place = tuple[int, int, int, int]  # an element's offset and length, its id's offset in it, length


class Elements:
    """A file's bytes as they are made, a piece at a time, with the place of each keyed element;
    the elements of the previous build's file (`known`, in `previous`, made with the seal `old`)
    are taken from there once `declare` has given the same seal."""

    def __init__(self, previous: bytes | mmap.mmap = b"", known: dict[str, Place] | None = None,
                 seal: str = "", old: str | None = None) -> None:
        self.previous, self.known, self.seal, self.old = previous, known or {}, seal, old
        self.chunks: list[bytes] = []
        self.size = 0
        self.placed: dict[str, Place] | None = {}
        self.reused = 0

    def declare(self, context: str) -> None:
        """What the file's elements also depend on (its attribute ids), added to the seal; the
        previous file's elements are used only if it was the same."""
        self.seal = f"{self.seal}|{context}"
        if self.seal != self.old:
            self.known = {}

    def spoil(self) -> None:
        """Keep no index of this file: an element was made with other attribute ids than those
        declared."""
        self.placed = None

    def add(self, data: bytes) -> None:
        """Bytes that are no keyed element."""
        self.chunks.append(data)
        self.size += len(data)

    def keyed(self, key: str | None, ident: str, make: Callable[[str], bytes]) -> None:
        """The element of `key` (None: not to be kept) with id `ident`: from the previous file,
        or `make(MARK)`, the element's bytes with MARK as its id. The id must be the element's
        first MARK: what comes before it (an edge's ends, made XML-safe or IRIs) never holds
        one."""
        found = self.known.get(key) if key is not None else None
        if found is not None:
            offset, length, at, size = found
            old = self.previous[offset:offset + length]
            data = old[:at] + ident.encode("ascii") + old[at + size:]
            self.reused += 1
        else:
            made = make(MARK)
            at = made.index(MARK.encode("ascii"))
            data = made[:at] + ident.encode("ascii") + made[at + 1:]
        if key is not None and self.placed is not None:
            self.placed[key] = (self.size, len(data), at, len(ident))
        self.add(data)

    def bytes(self) -> bytes:
        return b"".join(self.chunks)


def read_index(folder: Path) -> dict[str, dict[str, object]]:
    """The elements' index a build left in `folder` (its store), by file name; empty when there
    is none or it cannot be read."""
    try:
        found = marshal.loads((folder / INDEX).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def write_index(folder: Path, files: dict[str, dict[str, object]]) -> None:
    (folder / INDEX).write_bytes(marshal.dumps(files))


def entry(path: Path, elements: Elements) -> dict[str, object] | None:
    """The index's entry for `path`, just written from `elements` (None: not to be indexed)."""
    if elements.placed is None:
        return None
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "seal": elements.seal,
            "elements": elements.placed}


def moved(path: Path, known: dict[str, object]) -> dict[str, object]:
    """The entry `known` of a file copied whole to `path` (the same bytes, so the same places)."""
    stat = path.stat()
    return {**known, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


class Previous:
    """The previous build's file `path` mapped, with its elements, when the index `known` says
    where they are and the file is still the one indexed; else nothing is known. Use with
    `with`; `elements(seal)` gives the Elements to write the new file with."""

    def __init__(self, path: Path, known: dict[str, object] | None) -> None:
        self.path, self.known = path, known or {}
        self.map: mmap.mmap | None = None

    def __enter__(self) -> Previous:
        with suppress(OSError, ValueError), open(self.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            if (stat.st_size, stat.st_mtime_ns) == (self.known.get("size"),
                                                    self.known.get("mtime_ns")):
                self.map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return self

    def __exit__(self, *_: object) -> None:
        if self.map is not None:
            self.map.close()

    def elements(self, seal: str) -> Elements:
        """Elements to write with `seal` (see Elements.declare): with the previous file's."""
        places = self.known.get("elements")
        if self.map is None or not _places(places, len(self.map)):
            return Elements(seal=seal)
        return Elements(self.map, places, seal, self.known.get("seal"))  # type: ignore[arg-type]


def _places(places: object, size: int) -> bool:
    """Whether `places` is what `entry` records for a file of `size` bytes: key -> four whole
    numbers, each element within the file and its id within the element."""
    return isinstance(places, dict) and all(
        isinstance(key, str) and isinstance(place, tuple) and len(place) == 4
        and all(type(n) is int and n >= 0 for n in place)
        and place[0] + place[1] <= size and place[2] + place[3] <= place[1]
        for key, place in places.items())
