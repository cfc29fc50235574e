"""A rebuild whose transcripts give the views the same records copies the previous build's map,
report and Gephi files without making the concept network; other records, or a view file
changed since, make them again. Either way the files are those of a clean build."""

from __future__ import annotations

from pathlib import Path

import graph.pipeline as pipeline
from graph.export import WRITERS
from graph.pipeline import Options, build

from .conftest import three_interviews


def _networks_made(monkeypatch) -> list[int]:
    made: list[int] = []
    network_of = pipeline.network_of
    monkeypatch.setattr(pipeline, "network_of",
                        lambda *args: made.append(1) or network_of(*args))
    return made


def _same_as_clean(folder: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build([folder], clean, Options(cache=None), check=False)
    for name in WRITERS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def _add(folder: Path, line: str) -> None:
    changed = folder / "ed.txt"
    changed.write_text(changed.read_text() + f"\n{line}\n")


def test_the_same_records_copy_the_views_without_making_the_network(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    _add(folder, "Interviewer: Thank you.")  # a turn that names no concept
    made = _networks_made(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert made == []
    _same_as_clean(folder, tmp_path / "out", tmp_path)


def test_other_records_make_the_views_again(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    _add(folder, "Nurse: Trust requires candour, and kindness builds psychological safety.")
    made = _networks_made(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert made == [1]
    _same_as_clean(folder, tmp_path / "out", tmp_path)


def test_a_view_changed_since_is_made_again(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    with (tmp_path / "out" / "index.html").open("ab") as handle:
        handle.write(b"<!-- edited -->")
    made = _networks_made(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert made == [1]  # for index.html only; the other views copied
    _same_as_clean(folder, tmp_path / "out", tmp_path)
