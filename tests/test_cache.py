"""The extraction cache: JSON entries that cannot run code, rebuilt by the model's type hints;
bad entries are ignored with a warning and the transcript is extracted again."""

from __future__ import annotations

import gzip
import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.cache import Cache, CacheEntryError, dumps, loads
from graph.model import Claim, Evidence, Extraction, Mention
from graph.pipeline import ENTRY, Options, build, document_ids, knowledge_digest, outputs
from graph.readers import read_file

from .conftest import BERWICK, FIXTURES


def _marker_pickle(marker: Path) -> bytes:
    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("ran",))

    return pickle.dumps(Payload())


def _interviews(folder: Path) -> Path:
    folder.mkdir()
    for name in ("ward.md", "ed.txt", "community.txt"):
        (folder / name).write_bytes((FIXTURES / "interviews" / name).read_bytes())
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json.gz"))


def test_an_extraction_survives_the_round_trip(engine):
    from graph.extract import extract

    extraction = extract(read_file(BERWICK), engine)
    assert extraction.claims and extraction.mentions
    made = outputs(extraction, {})
    assert made.share.claims and made.pieces.turtle
    entry = {"extraction": extraction, "outputs": made}
    assert loads(dumps(entry), ENTRY) == entry
    assert loads(dumps({"extraction": extraction}), ENTRY) == {"extraction": extraction,
                                                               "outputs": None}
    assert loads(dumps(entry), {"outputs": ENTRY["outputs"]}) == {"outputs": made}


@pytest.mark.parametrize("long", [2, 1000])
def test_an_entry_is_written_a_field_at_a_time_as_one_json_document(engine, monkeypatch, long):
    from graph import cache
    from graph.extract import extract

    extraction = extract(read_file(BERWICK), engine)
    entry = {"extraction": extraction, "outputs": outputs(extraction, {})}
    whole = json.dumps({part: cache.encode(entry[part]) for part in cache.PARTS},
                       ensure_ascii=False, separators=(",", ":"))
    monkeypatch.setattr(cache, "LONG", long)  # every sequence of 3 items or more item by item
    monkeypatch.setattr(cache, "SLICE", long)  # and every text of 3 characters or more
    assert gzip.decompress(dumps(entry)).decode("utf-8") == whole


def test_optional_evidence_and_provisional_concepts_round_trip(engine):
    from graph.extract import extract

    extraction = extract(read_file(BERWICK), engine)
    claim = extraction.claims[0]
    answer = Evidence(1, 2, "quote", 3, 4, 5, 6)
    changed = replace(
        extraction,
        claims=(replace(claim, answer=answer, confidence=1), *extraction.claims[1:]),
        provisional={"https://w3id.org/leadgraph/concept/x": "x"},
    )
    back = loads(dumps({"extraction": changed}), ENTRY)["extraction"]
    assert back == changed
    assert isinstance(back.claims[0].confidence, float)


@given(st.text(), st.integers(min_value=0), st.booleans())
def test_any_text_round_trips(text, number, flag):
    mention = Mention(concept=text, surface=text, sentence=number, turn=number, start=0,
                      end=number, provisional=flag)
    evidence = Evidence(number, number, text, 0, number, 1, 1)
    claim = Claim(text, "requires", text, text, text, evidence, negated=flag, cue=text)
    extraction = Extraction(read_file(FIXTURES / "tiny.txt"), (mention,), (claim,))
    assert loads(dumps({"extraction": extraction}), ENTRY)["extraction"] == extraction


@pytest.mark.parametrize("data", [
    b"",
    b"garbage",
    gzip.compress(b"not json"),
    gzip.compress(b"[1, 2, 3]"),
    gzip.compress(json.dumps({"extraction": {}, "outputs": None}).encode()),
    gzip.compress(json.dumps({"extraction": {"document": 3}, "outputs": None}).encode()),
    gzip.compress(json.dumps({"extraction": None, "outputs": 7}).encode()),
    gzip.compress(json.dumps({"extraction": None, "ntriples": None}).encode()),
])
def test_entries_of_the_wrong_shape_are_refused(data):
    with pytest.raises(CacheEntryError):
        loads(data, ENTRY)


def test_a_wrong_field_type_is_refused(engine):
    from graph.extract import extract

    extraction = extract(read_file(FIXTURES / "tiny.txt"), engine)
    data = json.loads(gzip.decompress(dumps({"extraction": extraction})))
    data["extraction"]["document"]["turns"][0]["index"] = "zero"
    with pytest.raises(CacheEntryError, match="index"):
        loads(gzip.compress(json.dumps(data).encode()), ENTRY)
    data["extraction"]["document"]["turns"][0]["index"] = True
    with pytest.raises(CacheEntryError):
        loads(gzip.compress(json.dumps(data).encode()), ENTRY)


def test_a_pickle_in_the_cache_folder_does_not_run(tmp_path, caplog):
    folder = _interviews(tmp_path / "in")
    cache = tmp_path / "cache"
    options = Options(cache=cache)
    build([folder], tmp_path / "clean", Options(cache=None))
    build([folder], tmp_path / "a", options)
    entries = _entries(cache)
    assert len(entries) == 3
    marker = tmp_path / "marker"
    payload = _marker_pickle(marker)
    entries[0].write_bytes(payload)
    entries[1].write_bytes(gzip.compress(payload))
    (cache / f"{entries[2].name.removesuffix('.json.gz')}.pickle").write_bytes(payload)
    with caplog.at_level("WARNING", logger="graph.cache"):
        build([folder], tmp_path / "b", options)
    assert not marker.exists()
    assert sum("ignored" in r.getMessage() for r in caplog.records) == 2
    for name in ("graph.ttl", "graph.nq", "index.html"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes()
    assert all(loads(entry.read_bytes(), ENTRY) for entry in _entries(cache))  # rewritten as JSON


def test_a_garbage_entry_is_extracted_again(tmp_path, caplog):
    folder = _interviews(tmp_path / "in")
    options = Options(cache=tmp_path / "cache")
    paths = sorted(folder.iterdir())
    cache = Cache(options.cache, knowledge_digest(options))
    build([folder], tmp_path / "a", options)
    ids = document_ids(paths)
    entry = cache.file(paths[0], ids[paths[0]])
    entry.write_bytes(b"\x1f\x8b garbage")
    with caplog.at_level("WARNING", logger="graph.cache"):
        assert cache.get(paths[0], ids[paths[0]], ENTRY) is None
    assert "ignored" in caplog.text and str(paths[0]) in caplog.text
    build([folder], tmp_path / "b", options)
    assert cache.get(paths[0], ids[paths[0]], ENTRY) is not None
    assert (tmp_path / "a" / "graph.nq").read_bytes() == (tmp_path / "b" / "graph.nq").read_bytes()


def test_cache_entries_are_written_whole(tmp_path, engine):
    from graph.extract import extract

    cache = Cache(tmp_path / "cache", "k")
    extraction = extract(read_file(FIXTURES / "tiny.txt"), engine)
    cache.put(FIXTURES / "tiny.txt", "tiny", {"extraction": extraction})
    assert [p.name.endswith(".json.gz") for p in (tmp_path / "cache").iterdir()] == [True]
    assert cache.get(FIXTURES / "tiny.txt", "tiny", ENTRY) == {"extraction": extraction,
                                                              "outputs": None}


@pytest.mark.parametrize(("data", "named"), [
    ({"sentence": "s", "text": 1}, "Quote.text"),
    ({"sentence": "s", "nope": 1}, "nope"),
    ({"sentence": "s"}, "text"),
])
def test_a_record_that_does_not_fit_says_which_field(data, named):
    from graph.cache import decode
    from graph.network import Quote

    with pytest.raises(CacheEntryError, match=named):
        decode(Quote, data)


def test_shared_records_are_written_once_and_read_back_equal(engine):
    """A quote that is evidence of several claims and mentions is encoded once (marshal then
    writes it once); read back, the records are equal to the originals, the same data as
    without sharing, and each quote is one object wherever it appears."""
    import marshal

    from graph.cache import decode, encode
    from graph.extract import extract
    from graph.records import Share, share_of

    share = share_of(extract(read_file(BERWICK), engine))
    plain, shared = encode(share), encode(share, {})
    assert json.dumps(shared) == json.dumps(plain)
    assert len(marshal.dumps(shared)) < len(marshal.dumps(plain))
    back = decode(Share, marshal.loads(marshal.dumps(shared)), shared=True)
    assert back == share
    quotes = [q for claim in back.claims for q in claim.quotes]
    quotes += [q for found in back.mentions.values() for q in found]
    assert len({id(q) for q in quotes}) == len(set(quotes)) < len(quotes)


def test_records_read_back_are_what_their_constructor_makes():
    """A record is read back with every field set as its constructor sets them (equal, hashed
    alike, immutable, its fields in order); one with a field left out gets the field's
    default, and a dataclass with a __post_init__ has it run."""
    import dataclasses

    from graph.cache import decode, encode
    from graph.network import Quote

    quote = Quote("s", "Trust first.", "Ann", "t", 3, 4, "p", 1.5, None)
    back = decode(Quote, encode(quote))
    assert back == quote and hash(back) == hash(quote) and type(back) is Quote
    assert list(vars(back)) == [f.name for f in dataclasses.fields(Quote)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.text = "changed"  # type: ignore[misc]
    short = decode(Quote, {k: v for k, v in encode(quote).items() if k != "time_end"})
    assert short == dataclasses.replace(quote, time_end=None)

    @dataclasses.dataclass(frozen=True)
    class Checked:
        text: str

        def __post_init__(self) -> None:
            object.__setattr__(self, "text", self.text.strip())

    assert decode(Checked, {"text": " a "}) == Checked("a")
