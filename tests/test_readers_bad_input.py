"""Bad input, read by `read_file` and built by the CLI: a one-line error or a valid document,
never a traceback, and an earlier out/ left as it was when the build fails."""

from __future__ import annotations

import io
import random
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.pipeline import MARKER, MARKER_TEXT
from graph.readers import MAX_BYTES, ReadError, read_file
from graph.readers.docx import MAX_XML
from graph.segment import MAX_SENTENCE

TWO_TURNS = "Ann Lee: Why do teams fail?\nBob Kay: Blame kills learning.\n"


def word_file(paragraphs: list[str]) -> bytes:
    from docx import Document as Word

    word = Word()
    for text in paragraphs:
        word.add_paragraph(text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A small Word-shaped archive whose document.xml unpacks to more than the limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b" " * 2**20
            for _ in range(MAX_XML // 2**20 + 1):
                part.write(block)
    return buffer.getvalue()


def random_bytes() -> bytes:
    """Seeded random bytes that all decode as cp1252 (no NUL, no byte cp1252 leaves undefined)."""
    undefined = {0x00, 0x81, 0x8D, 0x8F, 0x90, 0x9D}
    generator = random.Random(7)
    return bytes(b for b in generator.randbytes(6000) if b not in undefined)


def vtt(*cues: str) -> bytes:
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()


@dataclass(frozen=True)
class Case:
    name: str
    data: Callable[[], bytes]
    suffix: str = ".txt"
    error: str | None = None  # a part of the one-line message, or None for a valid document
    speakers: tuple[str, ...] | None = None
    cli: bool = True  # also built through the CLI (large cases are read only)


CASES = [
    Case("utf8-bom", lambda: ("\ufeff" + TWO_TURNS).encode(), speakers=("Ann Lee", "Bob Kay")),
    Case("utf16-le-bom", lambda: b"\xff\xfe" + TWO_TURNS.encode("utf-16-le"),
         speakers=("Ann Lee", "Bob Kay")),
    Case("utf16-be-bom", lambda: b"\xfe\xff" + TWO_TURNS.encode("utf-16-be"),
         speakers=("Ann Lee", "Bob Kay")),
    Case("utf32-le-bom", lambda: TWO_TURNS.encode("utf-32"), speakers=("Ann Lee", "Bob Kay")),
    Case("utf16-odd-byte-count", lambda: b"\xff\xfe" + TWO_TURNS.encode("utf-16-le") + b"A",
         error="not valid UTF-16"),
    Case("utf16-lone-surrogate",
         lambda: b"\xff\xfe" + "Ann Lee: Hi ".encode("utf-16-le") + b"\x00\xd8A\x00",
         error="not valid UTF-16"),
    Case("utf8-encoded-surrogate", lambda: b"Ann Lee: Hi \xed\xa0\x80 there.\nBob Kay: Yes.\n",
         speakers=("Ann Lee", "Bob Kay")),
    Case("cp1252", lambda: "Ann Lee: Caf\u00e9 \u2013 \u201cyes\u201d.\nBob Kay: Ok.\n"
         .encode("cp1252"), speakers=("Ann Lee", "Bob Kay")),
    Case("latin-1-with-c1-byte", lambda: "Ann Lee: Caf\u00e9 \x81 ok.\n".encode("latin-1"),
         error="cannot decode"),
    Case("control-characters", lambda: ("Ann Lee: Hi\x07\x1b\x08 there.\n" * 20).encode(),
         error="binary file"),
    Case("few-control-characters",
         lambda: (TWO_TURNS * 40 + "Ann Lee: A bell\x07 rang.\n").encode(),
         speakers=("Ann Lee", "Bob Kay")),
    Case("nul-bytes-late", lambda: TWO_TURNS.encode() * 500 + b"\x00\x00",
         error="NUL", cli=False),
    Case("random-bytes", random_bytes, error="binary file"),
    Case("no-letters", lambda: b"1234 5678 -- !!! ??? 42\n", error="no letters"),
    Case("huge-line", lambda: ("Ann Lee: " + "trust grows slowly " * 27000 + "\n").encode(),
         speakers=("Ann Lee",), cli=False),
    Case("many-turns", lambda: TWO_TURNS.encode() * 10000, speakers=("Ann Lee", "Bob Kay"),
         cli=False),
    Case("html-script-name", lambda: b"<script>alert(1)</script>: Hi.\n" + TWO_TURNS.encode(),
         speakers=("Ann Lee", "Bob Kay")),
    Case("rtl-override-name", lambda: vtt("00:01.000 --> 00:02.000\n<v \u202eAnn Lee>Hi."),
         suffix=".vtt", speakers=("Ann Lee",)),
    Case("emoji-name", lambda: vtt("00:01.000 --> 00:02.000\n<v \U0001f642>Hi there."),
         suffix=".vtt", speakers=("\U0001f642",)),
    Case("cjk-names", lambda: "王小明：你好。\n李小龙：我很好。\n".encode(),
         speakers=("王小明", "李小龙")),
    Case("very-long-name", lambda: vtt("00:01.000 --> 00:02.000\n<v " + "Ann " * 200 + ">Hi."),
         suffix=".vtt", error="longer than 100 characters"),
    Case("empty", lambda: b"", error="empty file"),
    Case("whitespace-only", lambda: b" \n\t\r\n  \n", error="empty file"),
    Case("only-a-title", lambda: b"Leading a ward\n", speakers=("Unknown",)),
    Case("labels-without-speech", lambda: b"Leading a ward\nAnn Lee:\nBob Kay:\n",
         error="no speech"),
    Case("only-markers", lambda: b"Ann Lee: (laughs)\nBob Kay: [inaudible]\n", error="no speech"),
    Case("vtt-malformed-time",
         lambda: vtt("00:01.000 --> 00:02.000\n<v Ann>Hi.", "00:0x.000 --> 00:04.000\nYes."),
         suffix=".vtt", error="line 6: malformed cue timing"),
    Case("vtt-seconds-over-59", lambda: vtt("00:01:75.000 --> 00:01:76.000\n<v Ann>Hi."),
         suffix=".vtt", error="malformed cue time"),
    Case("srt-ends-before-start",
         lambda: b"1\n00:00:05,000 --> 00:00:01,000\nANN: Hi.\n", suffix=".srt",
         error="ends before it starts"),
    Case("srt-arrow-without-times", lambda: b"1\n00:00:01,000 --> soon\nANN: Hi.\n",
         suffix=".srt", error="malformed cue timing"),
    Case("cr-only-line-ends", lambda: TWO_TURNS.replace("\n", "\r").encode(),
         speakers=("Ann Lee", "Bob Kay")),
    Case("docx-truncated", lambda: word_file(["Ann Lee: Hi.", "Bob Kay: Yes."])[:3000],
         suffix=".docx", error="Word file"),
    Case("docx-zip-bomb", zip_bomb, suffix=".docx", error="over the limit"),
    Case("docx-valid", lambda: word_file(["Ann Lee: Hi.", "Bob Kay: Yes."]), suffix=".docx",
         speakers=("Ann Lee", "Bob Kay")),
]


def write_case(case: Case, folder: Path) -> Path:
    path = folder / f"{case.name}{case.suffix}"
    path.write_bytes(case.data())
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_read_file_gives_a_document_or_a_one_line_error(case: Case, tmp_path: Path):
    path = write_case(case, tmp_path)
    if case.error:
        with pytest.raises(ReadError) as caught:
            read_file(path)
        message = str(caught.value)
        assert case.error in message and "\n" not in message and path.name in message
        return
    doc = read_file(path)
    assert case.speakers is None or doc.speakers == case.speakers
    lines = doc.text.count("\n") + doc.text.count("\r") - doc.text.count("\r\n") + 1
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
        assert len(sentence.text) <= MAX_SENTENCE
        assert 1 <= sentence.line_start <= sentence.line_end <= lines


@pytest.fixture
def shared_engine(monkeypatch, knowledge, engine):
    """The CLI builds with the session's engine: the same knowledge, loaded once for the tests."""
    import graph.pipeline

    monkeypatch.setattr(graph.pipeline, "load_knowledge", lambda *_: knowledge)
    monkeypatch.setattr(graph.pipeline, "make_engine", lambda *_: engine)


@pytest.mark.parametrize("case", [c for c in CASES if c.cli], ids=[c.name for c in CASES if c.cli])
def test_cli_build_fails_in_one_line_and_keeps_the_earlier_output(
    case: Case, tmp_path: Path, shared_engine
):
    path = write_case(case, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_bytes(MARKER_TEXT)  # an earlier build's output
    (out / "graph.ttl").write_text("# the earlier build\n")
    result = CliRunner().invoke(
        main, ["build", str(path), "--out", str(out), "--no-validate", "--no-cache"]
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if case.error:
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and case.error in errors[0]
        assert sorted(p.name for p in out.iterdir()) == [MARKER, "graph.ttl"]
        assert (out / "graph.ttl").read_text() == "# the earlier build\n"
    else:
        assert result.exit_code == 0, result.output
        assert (out / "graph.ttl").read_text() != "# the earlier build\n"


def test_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "big.txt"
    with path.open("wb") as file:  # a sparse file: nothing written to disk
        file.truncate(MAX_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(ReadError, match=r"big\.txt: 5\.0 MB, larger than the limit of 5 MB"):
        read_file(path)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Ann Lee: " + "." * 200_000 + "\n",
        "Ann Lee: " + "?!" * 100_000 + " end\n",
        "Ann Lee: Yes." + " " * 200_000 + "and\n",
        "Ann Lee: " + "x" * 1_000_000 + "\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v " + " " * 200_000 + "x\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi" + " " * 200_000 + "</v>\n",
    ],
    ids=["dots", "marks", "spaces", "one-long-word", "vtt-voice-spaces", "vtt-closing-spaces"],
)
def test_long_runs_read_in_linear_time(text: str, tmp_path: Path):
    path = tmp_path / "run.txt"
    path.write_text(text)
    started = time.perf_counter()
    try:
        doc = read_file(path)
    except ReadError:
        doc = None
    assert time.perf_counter() - started < 20.0
    assert doc is None or all(len(s.text) <= MAX_SENTENCE for s in doc.sentences)


def test_run_on_sentence_is_cut_at_white_space_below_the_limit():
    from graph.readers import read_text

    words = "trust grows when leaders listen and blame falls away "
    doc = read_text("Ann Lee: " + words * 500 + "\n", "run.txt")
    assert len(doc.sentences) > 1
    for sentence in doc.sentences:
        assert len(sentence.text) <= MAX_SENTENCE
        assert sentence.text.split()[0] in words.split()  # whole words only
