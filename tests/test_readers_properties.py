"""Properties every reader keeps on any input: only ReadError, sentences are exact slices of the
text, line numbers lie in the file, and every sentence belongs to exactly one turn."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import Document
from graph.readers import ReadError, read_file, read_text

NEWLINES = st.sampled_from(["\n", "\r", "\r\n"])
NAMES = st.one_of(
    st.sampled_from(["Ann Lee", "ann lee", "BOB", "Émilie Dubois", "王小明", "Q", "A", "RB"]),
    st.text(st.characters(categories=("L", "N", "Zs", "So", "Cf")), min_size=1, max_size=12),
)
WORDS = st.text(
    st.characters(categories=("L", "N", "P", "Zs", "So", "Cc", "Cf", "Cs")), max_size=80
)
SENTENCES = st.one_of(
    WORDS,
    st.lists(st.sampled_from(["Trust", "grows.", "why?", "(laughs)", "[inaudible]", "Yes!",
                              "Mr.", "…", "...", "É", "—", "\t", "  "]), max_size=12)
    .map(" ".join),
)


def line_count(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def assert_well_formed(doc: Document) -> None:
    assert doc.turns
    seen: list[int] = []
    previous_end = 0
    for turn in doc.turns:
        assert turn.sentences
        for sentence in turn.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip() and sentence.text
            assert 1 <= sentence.line_start <= sentence.line_end <= line_count(doc.text)
            assert previous_end <= sentence.start  # no sentence shared or overlapping
            previous_end = sentence.end
            seen.append(sentence.index)
    assert seen == list(range(len(seen)))  # each sentence in exactly one turn, in order


def read_or_refuse(text: str, name: str) -> None:
    try:
        doc = read_text(text, name)
    except ReadError as err:
        assert "\n" not in str(err) and str(err).startswith(name)
        return
    assert_well_formed(doc)


@st.composite
def plain_transcripts(draw) -> str:
    newline = draw(NEWLINES)
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        label = draw(st.one_of(st.none(), NAMES))
        words = draw(SENTENCES)
        lines.append(f"{label}: {words}" if label is not None else words)
        lines.extend([""] * draw(st.integers(0, 2)))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@st.composite
def markdown_transcripts(draw) -> str:
    lines = [f"# {draw(SENTENCES)}", ""]
    for _ in range(draw(st.integers(0, 6))):
        lines.append(f"**{draw(NAMES)}:** {draw(SENTENCES)}")
        lines.append("")
    return draw(NEWLINES).join(lines)


STAMPS = st.one_of(
    st.builds(
        lambda h, m, s, ms, sep: f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}",
        st.integers(0, 99), st.integers(0, 70), st.integers(0, 70), st.integers(0, 999),
        st.sampled_from([".", ","]),
    ),
    st.text(st.sampled_from("0123456789:.,x "), max_size=14),
)


@st.composite
def cues(draw, voice: bool) -> list[str]:
    out = []
    for number in range(1, draw(st.integers(0, 6)) + 1):
        timing = f"{draw(STAMPS)} --> {draw(STAMPS)}"
        name = draw(NAMES)
        payload = f"<v {name}>{draw(SENTENCES)}" if voice else f"{name}: {draw(SENTENCES)}"
        out.append("\n".join([str(number), timing, payload]))
    return out


@st.composite
def vtt_transcripts(draw) -> str:
    blocks = ["WEBVTT", *draw(cues(voice=True))]
    if draw(st.booleans()):
        blocks.insert(1, f"NOTE {draw(SENTENCES)}")
    return draw(NEWLINES).join("\n\n".join(blocks).split("\n")) + "\n"


@st.composite
def srt_transcripts(draw) -> str:
    return draw(NEWLINES).join("\n\n".join(draw(cues(voice=False))).split("\n")) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.one_of(plain_transcripts(), st.text(max_size=300)))
def test_text_reader_properties(text: str):
    read_or_refuse(text, "t.txt")


@settings(max_examples=200, deadline=None)
@given(markdown_transcripts())
def test_markdown_reader_properties(text: str):
    read_or_refuse(text, "m.md")


@settings(max_examples=300, deadline=None)
@given(vtt_transcripts())
def test_vtt_reader_properties(text: str):
    read_or_refuse(text, "c.vtt")


@settings(max_examples=300, deadline=None)
@given(srt_transcripts())
def test_srt_reader_properties(text: str):
    read_or_refuse(text, "c.srt")


@settings(max_examples=300, deadline=None)
@given(st.one_of(plain_transcripts(), vtt_transcripts(), srt_transcripts()),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]), st.integers(0, 8))
def test_any_bytes_of_a_file_read_or_fail_with_a_read_error(text: str, codec: str, cut: int):
    """The transcripts encoded, possibly cut short by a few bytes, read through read_file."""
    data = text.encode(codec, errors="replace")
    data = data[: len(data) - cut] if cut else data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.txt"
        path.write_bytes(data)
        try:
            doc = read_file(path)
        except ReadError as err:
            assert "\n" not in str(err)
            return
        assert_well_formed(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.one_of(st.none(), NAMES), st.booleans(), SENTENCES), max_size=6),
    st.integers(0, 400),
)
def test_docx_reader_properties(paragraphs: list[tuple[str | None, bool, str]], cut: int):
    """Word files built in memory (bold or plain names), whole or cut short."""
    from docx import Document as Word

    word = Word()
    for name, bold, words in paragraphs:
        paragraph = word.add_paragraph()
        if name is not None:
            paragraph.add_run(name if bold else f"{name}: ").bold = bold
        paragraph.add_run(_xml_safe(words))
    buffer = io.BytesIO()
    word.save(buffer)
    data = buffer.getvalue()
    data = data[: len(data) - cut] if cut else data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.docx"
        path.write_bytes(data)
        try:
            doc = read_file(path)
        except ReadError as err:
            assert "\n" not in str(err)
            return
        assert doc.format == "docx" or cut
        assert_well_formed(doc)


def _xml_safe(text: str) -> str:
    """Word files cannot hold control characters or lone surrogates."""
    return "".join(ch for ch in text if ch in "\t\n" or (ch >= " " and not "\ud800" <= ch <= "\udfff"))
