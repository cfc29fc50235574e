"""A rebuild whose transcripts give the views the same records copies the previous build's map,
report and Gephi files without making the concept network; other records, or a view file
changed since, make them again, the edges of the Gephi files and edges.csv that the changed
records do not touch taken from the previous build's files. Either way the files are those of a
clean build."""

from __future__ import annotations

from pathlib import Path

import graph.pipeline as pipeline
from graph import elements
from graph.elements import INDEX, Elements, Previous
from graph.export import KEYED, WRITERS
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


def _reused(monkeypatch) -> dict[str, int]:
    """File name -> how many of its edges a build took from the previous build's file."""
    counts: dict[str, int] = {}
    entry = elements.entry

    def spy(path: Path, made: Elements) -> dict[str, object] | None:
        counts[path.name] = made.reused
        return entry(path, made)

    monkeypatch.setattr(elements, "entry", spy)
    return counts


def test_other_records_take_the_edges_they_do_not_touch_from_the_previous_files(
        tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    original = (folder / "ed.txt").read_text()
    _add(folder, "Nurse: Trust requires candour, and kindness builds psychological safety.")
    reused = _reused(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert set(reused) == set(KEYED) and all(reused.values())
    _same_as_clean(folder, tmp_path / "out", tmp_path)
    (folder / "ed.txt").write_text(original)  # changed back: edges renumbered again
    build([folder], tmp_path / "out", options, check=False)
    _same_as_clean(folder, tmp_path / "out", tmp_path / "back")


def test_edges_are_renumbered_when_a_transcript_goes(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    (folder / "ward.md").unlink()
    reused = _reused(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert all(reused.values())
    _same_as_clean(folder, tmp_path / "out", tmp_path)


def test_a_damaged_or_stale_index_of_the_edges_is_not_used(tmp_path, monkeypatch):
    folder = three_interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    build([folder], tmp_path / "out", options, check=False)
    (tmp_path / "out" / "store" / INDEX).write_bytes(b"not an index")
    _add(folder, "Nurse: Trust requires candour.")
    reused = _reused(monkeypatch)
    build([folder], tmp_path / "out", options, check=False)
    assert reused == dict.fromkeys(KEYED, 0)
    _same_as_clean(folder, tmp_path / "out", tmp_path)
    with (tmp_path / "out" / "edges.csv").open("ab") as handle:  # no longer the file indexed
        handle.write(b"x,y\n")
    _add(folder, "Nurse: Kindness builds psychological safety.")
    reused.clear()
    build([folder], tmp_path / "out", options, check=False)
    assert reused["edges.csv"] == 0 and reused["graph.gexf"]
    _same_as_clean(folder, tmp_path / "out", tmp_path / "again")


def test_an_element_is_taken_with_its_new_id():
    made = Elements()
    made.add(b"<head>\n")
    made.keyed("a", "e1", lambda mark: f'<edge from="x" id="{mark}">first</edge>\n'.encode())
    made.keyed("b", "e2-reverse", lambda mark: f'<edge id="{mark}" />\n'.encode())
    made.keyed(None, "e3", lambda mark: f"<edge id='{mark}' />\n".encode())
    old = made.bytes()
    assert old == (b'<head>\n<edge from="x" id="e1">first</edge>\n<edge id="e2-reverse" />\n'
                   b"<edge id='e3' />\n")
    assert set(made.placed or {}) == {"a", "b"}
    again = Elements(old, made.placed, "seal", "seal|row")
    again.declare("row")
    again.keyed("b", "e10-reverse", lambda mark: b"never made")
    again.keyed("a", "e11", lambda mark: b"never made")
    assert again.bytes() == b'<edge id="e10-reverse" />\n<edge from="x" id="e11">first</edge>\n'
    assert again.reused == 2
    other = Elements(old, made.placed, "seal", "seal|row")
    other.declare("other row")
    other.keyed("a", "e1", lambda mark: f"<made id='{mark}' />".encode())
    assert other.bytes() == b"<made id='e1' />" and other.reused == 0


def test_places_outside_the_previous_file_are_not_trusted(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_bytes(b"head\ne1,row\n")
    stat = path.stat()
    known = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "seal": "s|row"}
    with Previous(path, {**known, "elements": {"k": (5, 7, 0, 2)}}) as old:
        assert old.elements("s").known == {"k": (5, 7, 0, 2)}
    for wrong in ((5, 8, 0, 2), (5, 7, 6, 2), (5, 7, -1, 2), [5, 7, 0, 2]):
        with Previous(path, {**known, "elements": {"k": wrong}}) as old:
            assert old.elements("s").known == {}
