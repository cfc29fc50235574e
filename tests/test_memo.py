"""The build memo: a rebuild takes the unchanged transcripts from the previous build's spool and
index, not from their cache entries, and writes what a clean build writes; an index that is
corrupt, stale or made by other code is not trusted."""

from __future__ import annotations

import hashlib
import json
import marshal
from pathlib import Path

import pytest

import graph.memo as memo
import graph.pipeline as pipeline
from graph.cache import Cache
from graph.memo import INDEX, MAGIC, SPOOL, memo_folder
from graph.pipeline import Options, build

from .conftest import FIXTURES, three_interviews

OUTPUTS = ("graph.ttl", "graph.jsonld", "graph.trig", "graph.nq", "concept_map.html",
           "index.html", "graph.gexf", "graph.graphml", "nodes.csv", "edges.csv")



def _entries_read(monkeypatch) -> list[Path]:
    """The transcripts whose cache entries the next builds read."""
    read: list[Path] = []
    get = Cache.get
    monkeypatch.setattr(Cache, "get", lambda self, path, *a: read.append(path.name)
                        or get(self, path, *a))
    return read


def _same_as_clean(folder: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build([folder], clean, Options(cache=None), check=False)
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def _memo(tmp_path: Path) -> Path:
    return memo_folder(tmp_path / "cache", (tmp_path / "out").resolve())


def _edit(folder: Path) -> None:
    changed = folder / "ed.txt"
    changed.write_text(changed.read_text() + "\nInterviewer: Does trust require candour?\n")


def test_a_rebuild_takes_the_unchanged_transcripts_from_the_memo(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    spooled = (_memo(tmp_path) / SPOOL).stat().st_size
    _edit(folder)
    read = _entries_read(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert read == ["ed.txt"]  # the one changed: extracted, its pieces added to the spool
    assert (_memo(tmp_path) / SPOOL).stat().st_size > spooled
    monkeypatch.undo()
    _same_as_clean(folder, tmp_path / "out", tmp_path)


def test_the_index_keeps_the_unchanged_entries_as_read_and_the_same_as_encoded_again(
        tmp_path):
    """A rebuild writes the entries it took from the index as they were read, not encoded
    again: the payload holds what encoding every entry gives."""
    from graph.cache import encode

    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    _edit(folder)
    build([folder], tmp_path / "out", options, check=False)
    data = (_memo(tmp_path) / INDEX).read_bytes()
    payload = data[len(MAGIC):].partition(b"\n")[2]
    known = memo.Memo(_memo(tmp_path), pipeline.files_seal(options), pipeline.Held).known
    assert len(known) == 3
    assert marshal.loads(payload) == encode(dict(sorted(known.items())))


def test_nothing_changed_adds_nothing_to_the_spool(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    spool = _memo(tmp_path) / SPOOL
    before = (spool.stat().st_size, spool.stat().st_mtime_ns)
    read = _entries_read(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert read == [] and (spool.stat().st_size, spool.stat().st_mtime_ns) == before


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))


def _rewrite_payload(path: Path, payload: bytes) -> None:
    """The index with another payload and a digest that holds for it."""
    line = path.read_bytes()[len(MAGIC):].partition(b"\n")[0]
    header = json.loads(line)
    header["digest"] = hashlib.sha256(payload).hexdigest()
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)


def _append(path: Path) -> None:
    with path.open("ab") as handle:
        handle.write(b"left by a build that stopped\n")


@pytest.mark.parametrize("spoil", [
    lambda m: _flip_last_byte(m / INDEX),
    lambda m: (m / INDEX).write_bytes(b"garbage"),
    lambda m: _rewrite_payload(m / INDEX, marshal.dumps({"x": [1, 2]})),
    lambda m: _rewrite_payload(m / INDEX, marshal.dumps((lambda: 1).__code__)),
    lambda m: _append(m / SPOOL),
], ids=["corrupt", "garbage", "wrong-shape", "code", "spool-added-to"])
def test_a_spoilt_or_stale_memo_is_ignored(tmp_path, monkeypatch, spoil):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    spoil(_memo(tmp_path))
    _edit(folder)
    read = _entries_read(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert sorted(read) == ["community.txt", "ed.txt", "ward.md"]
    monkeypatch.undo()
    _same_as_clean(folder, tmp_path / "out", tmp_path)
    read = _entries_read(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)  # the memo made again is used
    assert read == []


def test_a_memo_of_other_code_or_knowledge_is_not_used(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    build([folder], tmp_path / "out", Options(cache=tmp_path / "cache"), check=False)
    seal = pipeline.files_seal
    monkeypatch.setattr(pipeline, "files_seal", lambda options: seal(options) + "+")
    assert memo.Memo(_memo(tmp_path), "another seal", pipeline.Held).known == {}
    read = _entries_read(monkeypatch)
    build([folder], tmp_path / "out", Options(cache=tmp_path / "cache"), check=False)
    assert sorted(read) == ["community.txt", "ed.txt", "ward.md"]


def test_a_spool_mostly_unused_is_started_again(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    spool = _memo(tmp_path) / SPOOL
    first = spool.stat().st_size
    for name in ("ward.md", "community.txt"):
        (folder / name).unlink()  # their pieces stay in the spool, unused
    build([folder], tmp_path / "out", options, check=False)
    assert spool.stat().st_size == first
    _edit(folder)
    build([folder], tmp_path / "out", options, check=False)
    assert spool.stat().st_size < first  # more than half unused: a new spool
    _same_as_clean(folder, tmp_path / "out", tmp_path)
    assert oct(spool.stat().st_mode & 0o777) == oct(0o600)


def test_builds_into_other_folders_keep_their_own_memo(tmp_path):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    build([FIXTURES / "interviews" / "ed.txt"], tmp_path / "other", options, check=False)
    _edit(folder)
    build([folder], tmp_path / "out", options, check=False)
    _same_as_clean(folder, tmp_path / "out", tmp_path)
    assert len(list((tmp_path / "cache" / "builds").iterdir())) == 2
