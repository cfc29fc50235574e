"""graph.splice: a transcript's unchanged segment is copied from the previous build's file, and
the file is byte for byte what writing every segment gives."""

from __future__ import annotations

import os
from pathlib import Path

from graph import splice
from graph.splice import Segment, read_index, write_index, write_spliced

TEXTS = {"a": ["<a> <p> \"é\" .\n"] * 3, "b": ["<b> <p> <o> .\n"], "c": ["<c> <p> \"x\" .\n"] * 2}


def _segments(texts: dict[str, list[str]]) -> list[str | Segment]:
    """A head, then each segment with plain text between them."""
    segments = [Segment(key, "d-" + "".join(text), lambda text=text: iter(text))
                for key, text in texts.items()]
    return ["head\n", *(piece for s in segments for piece in (s, "-\n"))]


def _copies(monkeypatch) -> list[int]:
    copied: list[int] = []
    copy = splice._copy
    monkeypatch.setattr(splice, "_copy", lambda *args: copied.append(args[2]) or copy(*args))
    return copied


def test_unchanged_segments_are_copied_and_the_bytes_are_those_written(tmp_path, monkeypatch):
    first = write_spliced(tmp_path / "one", _segments(TEXTS),
                          tmp_path / "none", None)
    write_index(tmp_path, "seal", {"f": first})
    changed = {**TEXTS, "b": ["<b> <p> <other> .\n"]}
    copied = _copies(monkeypatch)
    write_spliced(tmp_path / "two", _segments(changed), tmp_path / "one",
                  read_index(tmp_path, "seal")["f"])
    write_spliced(tmp_path / "whole", _segments(changed), tmp_path / "none",
                  None)
    assert (tmp_path / "two").read_bytes() == (tmp_path / "whole").read_bytes()
    assert len(copied) == 2  # a and c, not b


def test_a_previous_file_changed_since_or_another_seal_is_not_copied_from(tmp_path, monkeypatch):
    known = write_spliced(tmp_path / "one", _segments(TEXTS), tmp_path / "x",
                          None)
    write_index(tmp_path, "seal", {"f": known})
    assert read_index(tmp_path, "another seal") == {}
    os.utime(tmp_path / "one", ns=(0, 0))
    copied = _copies(monkeypatch)
    write_spliced(tmp_path / "two", _segments(TEXTS), tmp_path / "one", known)
    assert copied == []
    assert (tmp_path / "two").read_bytes() == (tmp_path / "one").read_bytes()
    assert read_index(Path(tmp_path / "nowhere"), "seal") == {}


def _numbered(count: int, between: dict[int, str] | None = None) -> list[str | Segment]:
    """A head, then `count` segments, each followed by "-\n" (or the text `between` gives)."""
    pieces: list[str | Segment] = ["head\n"]
    for n in range(count):
        text = [f"<k{n}> <p> {n} .\n"]
        pieces += [Segment(f"k{n}", f"d-{n}", lambda text=text: iter(text)),
                   (between or {}).get(n, "-\n")]
    return pieces


def test_unchanged_segments_and_the_same_text_between_them_are_copied_in_one_go(tmp_path,
                                                                                monkeypatch):
    known = write_spliced(tmp_path / "one", _numbered(20), tmp_path / "none", None)
    changed = _numbered(20)
    changed[2 * 10 + 1] = Segment("k10", "d-other", lambda: iter(["<k10> <p> <o> .\n"]))
    copied = _copies(monkeypatch)
    index = write_spliced(tmp_path / "two", changed, tmp_path / "one", known)
    whole = write_spliced(tmp_path / "whole", changed, tmp_path / "none", None)
    assert (tmp_path / "two").read_bytes() == (tmp_path / "whole").read_bytes()
    assert index["segments"] == whole["segments"]
    assert len(copied) == 2  # the segments before the changed one, and those after


def test_text_unlike_the_previous_files_between_two_copied_segments_is_written(tmp_path,
                                                                              monkeypatch):
    known = write_spliced(tmp_path / "one", _numbered(12), tmp_path / "none", None)
    copied = _copies(monkeypatch)
    index = write_spliced(tmp_path / "two", _numbered(12, {5: "+\n"}), tmp_path / "one", known)
    whole = write_spliced(tmp_path / "whole", _numbered(12, {5: "+\n"}), tmp_path / "none", None)
    assert (tmp_path / "two").read_bytes() == (tmp_path / "whole").read_bytes()
    assert index["segments"] == whole["segments"]
    assert len(copied) == 2  # up to k5, and from k6
