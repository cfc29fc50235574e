"""Large input: a file over the limit is refused before anything expensive, bad files stop a
build before the parser loads, and a long transcript is parsed a bounded block at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import cli, extract, pipeline, syntax
from graph.cache import Cache
from graph.readers import MAX_BYTES, read_file

from .conftest import BERWICK

TRANSCRIPT = "Ann Lee: Why do people not speak up?\n\nBob Kay: Blame kills learning.\n"


def run(*args: str):
    return CliRunner().invoke(cli.main, list(args))


@pytest.fixture
def no_parser(monkeypatch):
    """Loading the parser fails the test: what is asked must be refused before it."""

    def load(*args):
        raise AssertionError("the parser was loaded")

    monkeypatch.setattr(pipeline, "make_engine", load)


def _big(folder: Path) -> Path:
    path = folder / "big.txt"
    with path.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk used
    return path


def test_the_cache_neither_reads_nor_keys_a_file_over_the_limit(tmp_path):
    assert Cache(tmp_path / "cache", "knowledge").file(_big(tmp_path), "big") is None


def test_a_file_over_the_limit_is_refused_before_the_parser_loads(tmp_path, no_parser):
    result = run("build", str(_big(tmp_path)), "--out", str(tmp_path / "out"), "--cache",
                 str(tmp_path / "cache"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == f"Error: {tmp_path / 'big.txt'}: 5.0 MB, larger than the limit of " \
                            "5 MB\n"
    assert not (tmp_path / "out").exists()


def test_a_bad_file_beside_good_ones_fails_the_build_before_the_parser_loads(tmp_path, no_parser):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TRANSCRIPT)
    (folder / "empty.txt").write_text("")
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--no-cache")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "empty.txt: empty file" in result.stderr
    assert "1 of 2 files could not be read" in result.stderr


def _parse_of(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_) for t in doc]


def test_tokens_and_parses_made_a_block_at_a_time_equal_one_pass_and_few_are_held(monkeypatch):
    engine = pipeline.make_engine(*pipeline.load_knowledge())
    monkeypatch.setattr(extract, "TOKEN_BLOCK", 8)
    monkeypatch.setattr(extract, "PARSE_BATCHES", 1)
    monkeypatch.setattr(engine.parser, "batch_size", 4)  # blocks of 4 sentences to parse
    analysed = extract._analyse(engine, read_file(BERWICK))
    tokens = analysed[0].tokens[0]
    chosen = [a for a in analysed if a.parse is not None]
    parses = chosen[0].parse[0]
    assert len(chosen) > 6 * parses.size and len(analysed) > 6 * tokens.size
    one_pass = [syntax.repair(d) for d in engine.parser.pipe(extract._cased(a) for a in chosen)]
    for number in [*range(len(chosen)), 0, len(chosen) - 1, 5]:  # in order, then back and forth
        parsed = chosen[number].parsed
        if parsed is not None:
            assert _parse_of(parsed) == _parse_of(one_pass[number])
        assert len(parses.held) <= extract.HELD_BLOCKS >= len(tokens.held)
    assert sum(a.parsed is not None for a in chosen) > 0.9 * len(chosen)
    texts = [a.doc.text for a in analysed]
    assert texts == [doc.text for doc in engine.nlp.pipe(texts)]
    assert len(tokens.held) <= extract.HELD_BLOCKS


def test_extraction_is_the_same_whatever_the_size_of_the_blocks(monkeypatch, knowledge):
    engine = pipeline.make_engine(*knowledge)
    document = read_file(BERWICK)
    whole = extract.extract(document, engine)
    monkeypatch.setattr(extract, "TOKEN_BLOCK", 3)
    assert extract.extract(document, engine) == whole
