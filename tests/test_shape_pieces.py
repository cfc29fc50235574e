"""The build checks a transcript's graph against the shapes a bounded piece at a time: the
verdict and each violation's message are those of checking the whole graph at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.pipeline import load_ontology, load_shapes
from graph.rdf import _owns, document_iri, document_triples, shared_graph
from graph.validate import Lines, Spooled, check_pieces, graph_of, validate

LG = "https://w3id.org/leadgraph/ontology#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.fixture(scope="module")
def berwick(berwick_build, knowledge):
    """The shared triples and the first input's own triples, as N-Triples lines."""
    extraction = berwick_build[2][0]
    shared = shared_graph(knowledge[0], load_ontology()).serialize(format="nt")
    iri = str(document_iri(extraction.document))
    lines = [f"{s} {p} {o} ." for s, p, o in document_triples(extraction)]
    return shared, iri, lines


def _results(text: str) -> set[str]:
    """Each result of a report, without the claim a SPARQL constraint happened to sample."""
    body = text.split("\n", 3)[3] if text.count("\n") >= 3 else ""
    return {"\n".join(line for line in block.splitlines() if "Value Node" not in line)
            for block in re.split(r"\n(?=\S)", body.strip("\n")) if block}


def _both(tmp_path: Path, shared: str, iri: str, lines: list[str], size: int, claims: int):
    """The verdict of the whole graph at once, and of the pieces."""
    whole = validate(graph_of([shared, "".join(f"{line}\n" for line in lines)]), load_shapes(),
                     inplace=True)
    subject = (line.split(" ", 1)[0] for line in lines)
    own = "".join(f"{line}\n" for line, s in zip(lines, subject, strict=True) if _owns(iri, s))
    other = "".join(f"{line}\n" for line in lines if not _owns(iri, line.split(" ", 1)[0]))
    path = tmp_path / "spool"
    path.write_bytes(b"ahead\n" + own.encode("utf-8") + b"behind\n")  # a region of a file
    document = Spooled(iri, other, (6, len(own.encode("utf-8"))))
    return whole, check_pieces(shared, str(path), [document], load_shapes(), size, claims)


def _claim(lines: list[str], negated: str) -> str:
    return next(line.split(" ", 1)[0] for line in lines
                if f"<{LG}negated> \"{negated}\"" in line)


def _without(lines: list[str], *parts: str) -> list[str]:
    """The lines except the first that holds every part."""
    drop = next(i for i, line in enumerate(lines) if all(p in line for p in parts))
    return lines[:drop] + lines[drop + 1:]


BREAKS = {
    "a claim without its rule": lambda ls: _without(ls, _claim(ls, "false"), f"<{LG}rule>"),
    "a sentence without its quote": lambda ls: _without(ls, "/quote> ", "#exact>"),
    "a turn without its type": lambda ls: _without(ls, "/turn/3> ", TYPE),
    "a speaker without its type": lambda ls: _without(ls, "/speaker/", "foaf/0.1/Person>"),
    "a claim's triple not asserted": lambda ls: _unasserted(ls),
    "a denied claim's triple asserted": lambda ls: _asserted(ls),
}


def _stated(lines: list[str], claim: str) -> tuple[str, str, str]:
    def value(name: str) -> str:
        return next(line.split(" ", 2)[2][:-2] for line in lines
                    if line.startswith(f"{claim} <http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                                       f"{name}> "))
    return value("subject"), value("predicate"), value("object")


def _unasserted(lines: list[str]) -> list[str]:
    s, p, o = _stated(lines, _claim(lines, "false"))
    return [line for line in lines if line not in (f"{s} {p} {o} .", f"{o} {p} {s} .")]


def _asserted(lines: list[str]) -> list[str]:
    """Every claim denied, as if no speaker stated its triple; the triples still asserted."""
    return [line.replace('"false"^^', '"true"^^') if f"<{LG}negated>" in line else line
            for line in lines]


def test_the_first_input_conforms_in_pieces_as_a_whole(tmp_path, berwick):
    whole, pieces = _both(tmp_path, *berwick, size=50, claims=2)
    assert whole[0] and pieces == (True, "Validation Report\nConforms: True\n")


@pytest.mark.parametrize("size,claims", [(150, 1), (100_000, 100_000)])
@pytest.mark.parametrize("name", list(BREAKS))
def test_a_violation_in_any_piece_is_reported_with_the_same_message(
        tmp_path, berwick, name, size, claims):
    shared, iri, lines = berwick
    broken = BREAKS[name](lines)
    assert broken != lines
    whole, pieces = _both(tmp_path, shared, iri, broken, size, claims)
    assert not whole[0] and not pieces[0]
    assert _results(pieces[1]) == _results(whole[1])
    count = re.search(r"Results \(\d+\):", whole[1])
    assert count is not None and count[0] in pieces[1]


def test_a_subject_s_lines_are_found_by_a_binary_search(tmp_path, berwick):
    _, _, lines = berwick
    own = sorted(lines)
    data = "".join(f"{line}\n" for line in own).encode("utf-8")
    (tmp_path / "lines").write_bytes(b"x\n" + data)
    with (tmp_path / "lines").open("rb") as file:
        found = Lines(file.fileno(), (2, len(data)))
        subjects = sorted({line.split(" ", 1)[0] for line in own})
        for subject in [*subjects[:5], *subjects[-5:], *subjects[::37]]:
            assert found.about(subject) == [line for line in own if line.startswith(subject + " ")]
        assert found.about("<a>") == [] and found.about("<~>") == []
        assert [line for group in found.subjects() for line in group] == own


def test_a_worker_process_reads_the_spool_by_its_path(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from graph.rdf import Spool

    with Spool(tmp_path) as spool:
        region = spool._put("<a> <b> <c> .\n" * 3)
        assert list(spool.chunks(region, size=20)) == ["<a> <b> <c> .\n"] * 3
        with ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as pool:
            assert pool.submit(Path(spool.path()).read_bytes).result() == b"<a> <b> <c> .\n" * 3


@pytest.mark.parametrize("kept", [False, True])
def test_the_spool_reads_back_what_was_put_after_it_was_read(tmp_path, kept):
    """Reading maps the spool as far as it goes; what is put after that is read back too, from
    a temporary spool or a kept one opened again."""
    from graph.rdf import Spool

    path = tmp_path / "kept" if kept else None
    with Spool(tmp_path, path) as spool:
        first = spool.put(b"one")
        assert spool.read_bytes(first) == b"one"
        second = spool.put(b"two" * 5000)
        assert spool.read_bytes(second) == b"two" * 5000
        assert spool.read_bytes(first) == b"one"
        assert spool.read_bytes((first[0], 0)) == b""
        with pytest.raises(EOFError):
            spool.read_bytes((second[0], second[1] + 1))
    if kept:
        with Spool(tmp_path, path) as spool:
            third = spool.put(b"three")
            assert spool.read_bytes(second) == b"two" * 5000
            assert spool.read_bytes(third) == b"three"
