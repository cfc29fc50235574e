"""Speakers and headers: names in any script, title and metadata lines, line numbers."""

from __future__ import annotations

import pytest

from graph.model import Document
from graph.rdf import speaker_iri
from graph.readers import read_text, slug


def speakers(doc: Document) -> list[str]:
    return [turn.speaker for turn in doc.turns]


def test_label_starting_with_an_accented_capital_is_a_speaker():
    doc = read_text("Ann Lee: What do you do?\n\nÉmilie Dubois: I lead a ward.\n", "e.txt")
    assert speakers(doc) == ["Ann Lee", "Émilie Dubois"]
    assert [s.text for s in doc.turns[1].sentences] == ["I lead a ward."]


def test_a_surname_particle_in_lower_case_is_part_of_the_speakers_name():
    text = "Pieter van Wyk: What drives the queue?\n\nAna da Silva: Stable patients.\n"
    assert speakers(read_text(text, "p.txt")) == ["Pieter van Wyk", "Ana da Silva"]
    cues = ("1\n00:00:01,000 --> 00:00:03,000\nPieter van Wyk: What drives the queue?\n\n"
            "2\n00:00:04,000 --> 00:00:06,000\nAna da Silva: Stable patients.\n")
    assert speakers(read_text(cues, "p.srt")) == ["Pieter van Wyk", "Ana da Silva"]
    assert speakers(read_text("Ann Lee: Tell me.\n\nBob Kay: Go to the ward: now.\n",
                              "q.txt")) == ["Ann Lee", "Bob Kay"]


def test_a_label_shaped_first_line_before_a_date_line_is_the_title():
    text = ("Outreach: conversation with a team leader, Eastern Cape\n2 September 2026\n\n"
            "Q: What do you do?\n\nA: I lead the outreach team.\n")
    doc = read_text(text, "o.txt")
    assert doc.title == "Outreach: conversation with a team leader, Eastern Cape"
    assert speakers(doc) == ["Interviewer", "Respondent"]
    said = read_text("Ann Lee: conversation is what we do\n2 September 2026 was a Tuesday, "
                     "and the ward was full that day.\n", "s.txt")
    assert speakers(said) == ["Ann Lee"]


def test_people_a_header_lists_with_initials_name_the_initialled_turns():
    text = ("An interview with a safeguarding lead\n10 June 2026\n\n"
            "Interviewer: Nadia Osei (NO)\nInterviewee: Bridget Achterberg (BA)\n\n"
            "NO: Could you start by saying what you do?\n\nBA: I lead a team of three.\n\n"
            "NO: No, really?\n")
    doc = read_text(text, "h.txt")
    assert speakers(doc) == ["Nadia Osei", "Bridget Achterberg", "Nadia Osei"]
    assert doc.date == "10 June 2026"


def test_labels_in_greek_cyrillic_and_cjk_scripts_are_speakers():
    text = (
        "Ελένη Παππά: Πώς χτίζεται η εμπιστοσύνη\u037e\n"
        "Иван Петров: Медленно.\n"
        "王小明：慢慢来。\n"
        "Ann Lee: Thank you.\n"
    )
    assert speakers(read_text(text, "s.txt")) == ["Ελένη Παππά", "Иван Петров", "王小明", "Ann Lee"]


def test_sentence_starting_with_an_accented_capital_is_a_new_sentence():
    doc = read_text("Ann Lee: We met twice. Émilie said nothing. Ok.\n", "s.txt")
    assert [s.text for s in doc.sentences] == ["We met twice.", "Émilie said nothing.", "Ok."]


def test_long_title_line_without_full_stop_does_not_swallow_the_first_turn():
    text = (
        "A conversation about leadership in the wards of a hospital\n"
        "Ann Lee: What do you do?\n\nBob Kay: I lead a ward.\n"
    )
    doc = read_text(text, "t.txt")
    assert doc.title == "A conversation about leadership in the wards of a hospital"
    assert speakers(doc) == ["Ann Lee", "Bob Kay"]


def test_unfinished_first_question_is_a_turn_not_the_title():
    text = "Ann Lee: So tell me about the way you\nBob Kay: I lead a ward.\n\nAnn Lee: Good.\n"
    doc = read_text(text, "q.txt")
    assert doc.title is None
    assert speakers(doc) == ["Ann Lee", "Bob Kay", "Ann Lee"]
    assert doc.turns[0].sentences[0].text == "So tell me about the way you"


def test_name_and_subtitle_line_is_still_the_title():
    text = "Don Lane: the challenge of leading\n\nAnn Lee: Why lead?\n\nDon Lane: Because.\n"
    doc = read_text(text, "t.txt")
    assert doc.title == "Don Lane: the challenge of leading"
    assert speakers(doc) == ["Ann Lee", "Don Lane"]


def test_metadata_header_lines_are_not_speakers():
    text = (
        "Title: Leading a ward\n"
        "Source: https://example.org/interviews/7\n"
        "Date: 12 March\n"
        "Location: Leeds\n"
        "Interviewers: Ann Lee, Bob Kay\n"
        "Duration: 42 minutes\n"
        "Recorded: on the ward\n\n"
        "Ann Lee: What matters?\n\nCara Moss: Trust.\n"
    )
    doc = read_text(text, "h.txt")
    assert speakers(doc) == ["Ann Lee", "Cara Moss"]
    assert doc.title == "Leading a ward"
    assert doc.date == "12 March"
    assert not any("example.org" in s.text for s in doc.sentences)


def test_metadata_footer_lines_are_not_speakers():
    text = (
        "Ann Lee: What matters?\n\nCara Moss: Trust.\n\n"
        "Source: https://example.org/interviews/7\n"
        "Recorded: 12 March\n"
    )
    doc = read_text(text, "f.txt")
    assert speakers(doc) == ["Ann Lee", "Cara Moss"]
    assert [s.text for s in doc.sentences] == ["What matters?", "Trust."]


def test_interviewer_label_with_speech_is_still_a_speaker():
    doc = read_text("Interviewer: Tell me about trust.\nCara Moss: It matters.\n", "i.txt")
    assert speakers(doc) == ["Interviewer", "Cara Moss"]


def test_speaker_names_differing_only_in_case_are_one_speaker():
    doc = read_text("Ann Lee: Hi.\n\nBob Kay: Hello.\n\nann lee: Why?\n\nBOB KAY: Because.\n", "c")
    assert speakers(doc) == ["Ann Lee", "Bob Kay", "Ann Lee", "Bob Kay"]
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann Lee>Hi.\n\n00:02.000 --> 00:03.000\n" \
          "<v Bob Kay>Yes.\n\n00:03.000 --> 00:04.000\n<v ann  lee>Why?\n"
    assert speakers(read_text(vtt, "c.vtt")) == ["Ann Lee", "Bob Kay", "Ann Lee"]


def test_ambiguous_initials_stay_as_written():
    text = "Jane Roe: Hello.\n\nJohn Reed: Hi.\n\nJR: Who am I?\n"
    assert speakers(read_text(text, "i.txt")) == ["Jane Roe", "John Reed", "JR"]


def test_slug_keeps_names_in_any_script_apart():
    names = ["王小明", "李小龙", "🙂", "🎉", "Émilie Dubois", "Emilie Dubois", "Иван", "Ann 🙂"]
    slugs = [slug(name) for name in names]
    assert len(set(slugs)) == len(names)
    assert all(s and s != "x" for s in slugs)
    assert slug("Émilie Dubois") == slug("émilie  dubois")
    assert slug("Ann Lee") == "ann-lee"
    assert all(" " not in s and "/" not in s and "#" not in s for s in slugs)


def test_speakers_with_cjk_or_emoji_names_get_different_iris():
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v 王小明>Hi.\n\n00:02.000 --> 00:03.000\n" \
          "<v 李小龙>Yes.\n\n00:03.000 --> 00:04.000\n<v 🙂>Why?\n"
    doc = read_text(vtt, "n.vtt")
    iris = {speaker_iri(doc, name) for name in doc.speakers}
    assert len(iris) == len(doc.speakers) == 3


def test_line_numbers_count_cr_lf_and_crlf_line_ends():
    for newline in ("\n", "\r", "\r\n"):
        text = newline.join(["Title", "", "Ann Lee: One.", "", "Bob Kay: Two.", "Three."]) + newline
        doc = read_text(text, "n.txt")
        assert [(s.text, s.line_start) for s in doc.sentences] == [
            ("One.", 3), ("Two.", 5), ("Three.", 6)
        ], repr(newline)


def test_known_speaker_after_an_interrupted_long_line_takes_the_turn():
    text = (
        "Ann Lee: Why?\n"
        "Bob Kay: So I was thinking about it, and I thought\n"
        "that the ward would be better off if we all just\n"
        "Ann Lee: Sorry, go on.\n"
    )
    assert speakers(read_text(text, "i.txt")) == ["Ann Lee", "Bob Kay", "Ann Lee"]


def test_wrapped_line_starting_with_an_unknown_word_and_colon_stays_speech():
    text = (
        "Ann Lee: Why?\n"
        "Bob Kay: There is one thing that matters more than anything else and that is\n"
        "Safety: the rest follows.\n"
    )
    doc = read_text(text, "w.txt")
    assert speakers(doc) == ["Ann Lee", "Bob Kay"]
    assert doc.turns[1].sentences[0].text.endswith("Safety: the rest follows.")


def test_a_markdown_heading_is_a_title_without_its_marks():
    source = "# Leading a ward at night\n\n**Interviewer:** How is it?\n\n**Sam Patel:** Busy.\n"
    document = read_text(source, "ward.md", source.encode())
    assert document.title == "Leading a ward at night"


@pytest.mark.parametrize(("text", "title", "date", "turns"), [
    pytest.param("Time is the treatment: a ward sister on a small unit\nRecorded 14 April 2026\n\n"
                 "Ann Lee: What do you do?\n\nBo Kay: I lead a ward.\n\n"
                 "Date of interview: 14 April 2026\n",
                 "Time is the treatment: a ward sister on a small unit", "14 April 2026",
                 ["Ann Lee", "Bo Kay"],
                 id="opening-with-a-header-word"),
    pytest.param("Theatre Management: A Conversation With Petra Vogel\nHamburg, 12 March 2024\n\n"
                 "Interviewer: How did it start?\n\nPetra Vogel: Trust builds teamwork.\n\n"
                 "Interviewer: And then?\n\nPetra Vogel: Blame erodes reporting.\n",
                 "Theatre Management: A Conversation With Petra Vogel", "12 March 2024",
                 ["Interviewer", "Petra Vogel", "Interviewer", "Petra Vogel"],
                 id="label-that-never-speaks-again"),
])
def test_a_label_shaped_title_is_the_title_not_metadata_nor_a_turn(text, title, date, turns):
    doc = read_text(text, "t.txt")
    assert doc.title == title
    assert doc.date == date
    assert speakers(doc) == turns


def test_initials_that_spell_a_common_word_are_the_speaker_they_stand_for():
    text = ("Title line\n\nKate Ferris: What do you do?\n\nSamuel Oyelaran: I review deaths.\n\n"
            "KF: Why?\n\nSO: Because someone must.\n\nKF: And then?\n\nSo: that is all.\n")
    doc = read_text(text, "s.txt")
    assert [t.speaker for t in doc.turns] == ["Kate Ferris", "Samuel Oyelaran", "Kate Ferris",
                                               "Samuel Oyelaran", "Kate Ferris"]
    assert "So: that is all." in doc.turns[-1].sentences[-1].text
