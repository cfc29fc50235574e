"""A build's memo, in the cache folder: the spool of its transcripts' pieces of the graph files,
kept instead of thrown away, and an index of what each transcript holds in it (its part and its
facts), by the transcript's cache entry. A rebuild takes the transcripts it finds there from
one file, instead of reading each one's cache entry and spooling its pieces again, and adds the
others' pieces at the spool's end.

The index is plain data (marshal, then rebuilt and checked as the cache's entries are, so
reading it never runs code), trusted only when its digest holds, it was written with the same
seal (code, knowledge, prefixes), and the spool is the very file it indexed: the same length
and modification time. A build writes the index once its outputs are in place; a build that
stops before leaves the spool longer than the index says, so the next one starts a new spool,
as it does when the spool holds more than twice what the index uses.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import tempfile
from pathlib import Path

from graph.cache import CacheEntryError, decode, encode
from graph.rdf import Spool

log = logging.getLogger(__name__)
MAGIC = b"leadgraph memo 1\n"
SPOOL = "spool"
INDEX = "index"
SLACK = 2  # a spool longer than this many times what the index uses is started again


def memo_folder(cache: Path, out: Path) -> Path:
    """The memo of the builds writing `out` (resolved), in the cache folder."""
    return cache / "builds" / hashlib.sha256(os.fsencode(out)).hexdigest()[:32]


class Memo:
    """The memo in `folder`, read with `seal`: `known` maps cache entry names to values of
    type `hint` (empty when there is no usable memo)."""

    def __init__(self, folder: Path, seal: str, hint: object) -> None:
        self.folder, self.seal, self.hint = folder, seal, hint
        self._plain: dict[str, object] = {}  # the known entries as read, before decoding
        self.known: dict[str, object] = self._read()

    def _read(self) -> dict[str, object]:
        try:
            data = (self.folder / INDEX).read_bytes()
            stat = (self.folder / SPOOL).stat()
        except OSError:
            return {}
        try:
            return self._entries(data, (stat.st_size, stat.st_mtime_ns))
        except (CacheEntryError, ValueError, EOFError, TypeError) as err:
            log.warning("warning: build memo %s ignored: %s", self.folder, err)
            return {}

    def _entries(self, data: bytes, spool: tuple[int, int]) -> dict[str, object]:
        """The index's entries; an error when it is not one, is not for this seal or spool."""
        if not data.startswith(MAGIC):
            raise CacheEntryError("not a build memo")
        line, _, payload = data[len(MAGIC):].partition(b"\n")
        header = json.loads(line)
        if not isinstance(header, dict) or header.get("seal") != self.seal:
            return {}  # made by other code or knowledge: not an error
        if hashlib.sha256(payload).hexdigest() != header.get("digest"):
            raise CacheEntryError("its digest does not hold")
        if [header.get("size"), header.get("mtime_ns")] != list(spool):
            return {}  # the spool was added to since (a build that stopped)
        if spool[0] > SLACK * int(header.get("live", 0)):
            return {}
        plain = marshal.loads(payload)
        entries = decode(dict[str, self.hint], plain)
        self._plain = plain
        return entries  # type: ignore[return-value]

    def spool(self, folder: Path) -> Spool:
        """The spool to add to (a new one when nothing is known); `folder` as for Spool."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.known:
            (self.folder / INDEX).unlink(missing_ok=True)
            (self.folder / SPOOL).unlink(missing_ok=True)
        return Spool(folder, self.folder / SPOOL)

    def save(self, entries: dict[str, object], spool: Spool, live: int) -> None:
        """Record `entries` (cache entry name -> value of type `hint`), which use `live` bytes
        of `spool`, written through a temporary file."""
        spool.flush()
        stat = (self.folder / SPOOL).stat()
        payload = marshal.dumps({name: self._plain[name] if self.known.get(name) is value  # as
                                 else encode(value)  # read, not encoded again: the same data
                                 for name, value in sorted(entries.items())})
        header = {"seal": self.seal, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                  "live": live, "digest": hashlib.sha256(payload).hexdigest()}
        fd, temporary = tempfile.mkstemp(prefix=".index-", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n")
                handle.write(payload)
            os.replace(temporary, self.folder / INDEX)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
