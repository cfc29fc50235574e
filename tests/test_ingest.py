"""Reading transcripts: turns, speakers, sentences located exactly in the original."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.readers import ReadError, decode, find_transcripts, read_file, read_text
from graph.segment import LineIndex, normalise_map, sentence_spans

from .conftest import BERWICK, VTT, gold


def assert_located(doc) -> None:
    """Every sentence is the exact original text at its offsets and on its lines."""
    lines = doc.text.splitlines(keepends=True)
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
        first_line = lines[sentence.line_start - 1]
        assert sentence.text.split()[0] in first_line
        assert sentence.line_start <= sentence.line_end


def test_first_input_has_fourteen_turns_seven_per_speaker():
    doc = read_file(BERWICK)
    expected = gold("berwick-bohmer-clinical-leadership")["ingest"]
    assert len(doc.turns) == expected["turns"] == 14
    assert Counter(t.speaker for t in doc.turns) == Counter(expected["speakers"])
    assert re.search(expected["title_regex"], doc.title)
    assert_located(doc)


def test_title_line_is_not_a_turn():
    doc = read_file(BERWICK)
    assert doc.turns[0].speaker == "Richard Bohmer"
    assert doc.turns[0].sentences[0].text.startswith("Why is it")


def test_initials_resolve_to_full_speaker_name():
    text = "Jane Roe: Hello there.\n\nJohn Doe: Hi.\n\nJR: How are you?\n\nJD: Fine.\n"
    doc = read_text(text, "x.txt")
    assert [t.speaker for t in doc.turns] == ["Jane Roe", "John Doe", "Jane Roe", "John Doe"]


def test_unlabelled_answered_question_goes_back_to_the_interviewer():
    text = (
        "Ann Lee: Why do teams fail?\n\n"
        "Bob Kay: Mostly through fear of blame and a lack of trust in the leaders.\n"
        "That is what I have seen over the years.\n\n"
        "Is it about money? No, not at all. It is about people.\n"
    )
    doc = read_text(text, "q.txt")
    assert [t.speaker for t in doc.turns] == ["Ann Lee", "Bob Kay", "Ann Lee", "Bob Kay"]
    assert doc.turns[2].sentences[0].text == "Is it about money?"


def test_question_and_answer_labels():
    doc = read_text(
        "Q: What matters?\nA: Trust matters. It really does.\nQ: Why?\nA: Because.\n", "qa.txt"
    )
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Respondent"] * 2
    assert [s.text for s in doc.turns[1].sentences] == ["Trust matters.", "It really does."]


def test_markdown_bold_labels_and_timestamped_export():
    md = "**Ann Lee:** Hello.\n\n**Bob Kay:** Hi there.\n"
    assert [t.speaker for t in read_text(md, "m.md").turns] == ["Ann Lee", "Bob Kay"]
    stamped = "Ann Lee  00:00:03\nHow did it start?\n\nBob Kay  00:00:09\nWith a briefing.\n"
    doc = read_text(stamped, "s.txt")
    assert [t.speaker for t in doc.turns] == ["Ann Lee", "Bob Kay"]
    assert doc.turns[1].sentences[0].text == "With a briefing."
    assert doc.turns[1].sentences[0].line_start == 5


def test_page_footers_and_header_are_not_speech():
    text = "Leading wards\n12 March 2024\n\nAnn Lee: One.\nPage 2 of 4\nBob Kay: Two.\n"
    doc = read_text(text, "f.txt")
    assert doc.title == "Leading wards"
    assert doc.date == "12 March 2024"
    assert all("Page" not in s.text for s in doc.sentences)


def test_text_without_labels_is_one_unknown_speaker_with_a_warning():
    doc = read_text("Trust matters here. We all know it.\n", "plain.txt")
    assert doc.speakers == ("Unknown",)
    assert any("no speaker labels" in w for w in doc.warnings)


def test_encodings(tmp_path: Path):
    assert decode("Ann: ok".encode("utf-8-sig"), "a")[0] == "Ann: ok"
    text, warnings = decode("Ann: caf\u00e9 \u2019".encode("cp1252"), "b.txt")
    assert text == "Ann: caf\u00e9 \u2019" and "cp1252" in warnings[0]
    with pytest.raises(ReadError, match="binary"):
        decode(b"\x00\x01\x02PK", "c.bin")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(ReadError, match="empty"):
        read_file(empty)
    with pytest.raises(ReadError, match="no such file"):
        find_transcripts([tmp_path / "missing.txt"])
    (tmp_path / "folder").mkdir()
    with pytest.raises(ReadError, match="no transcripts"):
        find_transcripts([tmp_path / "folder"])


def test_webvtt_voices_merge_into_turns_with_times():
    doc = read_file(VTT)
    expected = gold("speaking-up")["ingest"]
    assert doc.format == "vtt"
    assert len(doc.turns) == expected["turns"]
    assert Counter(t.speaker for t in doc.turns) == Counter(expected["speakers"])
    assert_located(doc)
    assert all("<v" not in s.text and "-->" not in s.text for s in doc.sentences)
    assert not any("leadership programme" in s.text for s in doc.sentences)  # NOTE block
    first = doc.turns[1].sentences[0]
    assert (first.time_start, first.time_end) == (6.9, 14.4)


def test_srt_with_and_without_speaker_prefix():
    srt = (
        "1\n00:00:01,000 --> 00:00:02,500\nANN: Trust needs time.\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nBOB: Yes.\n\n"
        "3\n00:00:04,000 --> 00:00:05,000\nIt really does.\n"
    )
    doc = read_text(srt, "x.srt")
    assert doc.format == "srt"
    assert [t.speaker for t in doc.turns] == ["ANN", "BOB"]
    assert doc.turns[1].sentences[-1].time_end == 5.0
    assert_located(doc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_sentence_spans_are_ordered_trimmed_slices(text: str):
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_reads_or_fails_cleanly(text: str):
    try:
        doc = read_text(text, "h.txt")
    except ReadError:
        return
    assert doc.turns
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalised_offsets_point_into_the_original(text: str):
    normal, where = normalise_map(text)
    assert len(where) == len(normal) + 1
    assert all(0 <= w <= len(text) for w in where)
    assert where == sorted(where)


def test_line_index():
    index = LineIndex("a\nb\n\nc")
    assert [index.line(i) for i in (0, 2, 4, 5)] == [1, 2, 3, 4]


def test_docx_bold_speaker_names(tmp_path):
    from docx import Document as Word

    word = Word()
    word.add_paragraph("Ward leadership interview")
    for name, words in (
        ("Ann Lee", " How do you build trust?"),
        ("Bob Kay:", " Trust needs consistency. It takes time."),
    ):
        paragraph = word.add_paragraph()
        paragraph.add_run(name).bold = True
        paragraph.add_run(words)
    path = tmp_path / "interview.docx"
    word.save(path)
    doc = read_file(path)
    assert doc.format == "docx" and doc.title == "Ward leadership interview"
    assert [t.speaker for t in doc.turns] == ["Ann Lee", "Bob Kay"]
    assert [s.text for s in doc.turns[1].sentences] == [
        "Trust needs consistency.",
        "It takes time.",
    ]
    assert [s.line_start for s in doc.turns[1].sentences] == [3, 3]
    assert_located(doc)


def test_transcriber_markers_are_not_speech(engine):
    from graph.extract import extract

    text = "Ann Lee: (laughs)\n\nBob Kay: [inaudible] Blame [crosstalk] kills learning.\n"
    doc = read_text(text, "m.txt")
    assert [t.speaker for t in doc.turns] == ["Bob Kay"]
    assert doc.sentences[0].text == "[inaudible] Blame [crosstalk] kills learning."
    claims = extract(doc, engine).claims
    assert [(c.relation, c.cue) for c in claims] == [("undermines", "kills")]


def test_own_webvtt_fixture_voices_classes_ids_and_notes():
    vtt = (
        "WEBVTT - ward round\n\n"
        "NOTE recorded on a ward\nnot speech\n\n"
        "intro\n00:00:01.500 --> 00:00:04.000\n<v.loud Jo Bell>Trust takes time.</v>\n\n"
        "00:00:04.000 --> 00:00:06.250 align:start\n<v Jo Bell>It really does.\n\n"
        "00:01:02.000 --> 00:01:05.000\n<v Kim Ng>Why?\n"
    )
    doc = read_text(vtt, "own.vtt")
    assert doc.format == "vtt"
    assert [(t.speaker, [s.text for s in t.sentences]) for t in doc.turns] == [
        ("Jo Bell", ["Trust takes time.", "It really does."]),
        ("Kim Ng", ["Why?"]),
    ]
    times = [(s.time_start, s.time_end) for s in doc.sentences]
    assert times == [(1.5, 4.0), (4.0, 6.25), (62.0, 65.0)]
    assert [s.line_start for s in doc.sentences] == [8, 11, 14]
    assert_located(doc)
