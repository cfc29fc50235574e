"""REFI-QDA exchange: the .qdpx project and .qdc codebook validate against the standard's schemas,
read back with every code, selection and note, keep the sentences' offsets, are byte-stable and
escape hostile text; a .qdc codebook seeds a build."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from rdflib import RDF, Graph
from rdflib.namespace import SKOS

from graph.cli import main
from graph.codebook import CodebookError, load_codebook
from graph.network import project, read_claims
from graph.qda import (
    PROJECT_NS,
    build_project,
    guid,
    qdc_graph,
    read_codes,
    read_qdc,
    read_qdpx,
    read_sources,
    speaker_labels,
    to_qdc,
    to_qdpx,
)
from graph.vocab import CONCEPT, LG

from .conftest import FIXTURES, SHARED
from .test_export import HOSTILE, hand_graph

PROJECT_XSD = SHARED / "standards" / "refi-qda" / "Project-mrt2019.xsd"
CODEBOOK_XSD = FIXTURES / "refi-qda" / "Codebook.xsd"
NS = {"q": PROJECT_NS}


def schema(path: Path):
    etree = pytest.importorskip("lxml.etree")
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xsd: Path, data: bytes) -> None:
    from lxml import etree

    checker = schema(xsd)
    assert checker.validate(etree.fromstring(data)), checker.error_log


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def exported(berwick_build, tmp_path_factory):
    """(graph, build's extractions, the .qdpx bytes written by `leadgraph export`)."""
    out, _, extractions = berwick_build
    target = tmp_path_factory.mktemp("qda") / "berwick.qdpx"
    result = invoke("export", str(out / "graph.ttl"), "--format", "qdpx", "--out", str(target))
    assert result.exit_code == 0, result.output
    return Graph().parse(out / "graph.ttl", format="turtle"), extractions, target.read_bytes()


def qde(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("project.qde")


def test_project_validates_against_the_refi_qda_schema(exported):
    _, _, data = exported
    assert_valid(PROJECT_XSD, qde(data))


def test_codebook_validates_against_the_refi_qda_codebook_schema(exported, tmp_path, berwick_build):
    out, _, _ = berwick_build
    result = invoke("export", str(out / "graph.ttl"), "--format", "qdc", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert_valid(CODEBOOK_XSD, (tmp_path / "codebook.qdc").read_bytes())


def test_zip_holds_project_qde_and_one_utf8_text_per_transcript(exported):
    graph, _, data = exported
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names) and names[0] == "project.qde"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        texts = [n for n in names if n.startswith("sources/")]
        assert len(texts) == len(set(graph.subjects(RDF.type, LG.Transcript)))
        root = ElementTree.fromstring(archive.read("project.qde"))
        paths = [s.get("plainTextPath") for s in root.iterfind(".//q:TextSource", NS)]
        assert sorted(p.replace("internal://", "sources/") for p in paths) == texts
        for name in texts:
            archive.read(name).decode("utf-8")
            guid_part = name.removeprefix("sources/").removesuffix(".txt")
            assert str(uuid.UUID(guid_part)) == guid_part


def test_round_trip_keeps_every_code_with_its_hierarchy_and_description(exported):
    graph, _, data = exported
    read = read_qdpx(data)
    expected = {}

    def walk(codes, parent):
        for code in codes:
            expected[guid(code.iri)] = (code.name, code.description, code.colour, parent)
            walk(code.children, guid(code.iri))

    walk(read_codes(graph), None)
    assert {c.guid: (c.name, c.description, c.colour, c.parent) for c in read.codes} == expected
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(read.codes) == len(concepts)
    for concept in concepts:  # a tree: a concept with two broader ones sits under one of them
        broader = {guid(str(b)) for b in graph.objects(concept, SKOS.broader)}
        code = next(c for c in read.codes if c.guid == guid(str(concept)))
        assert code.parent in broader if broader else code.parent is None


def test_every_mention_is_a_coding_at_the_sentence_offsets(exported):
    _, extractions, data = exported
    read = read_qdpx(data)
    (source,) = read.sources
    (extraction,) = extractions
    doc = extraction.document
    by_start = {s.start: s for s in source.selections}
    mentioned: dict[int, set[str]] = {}
    for mention in extraction.mentions:
        mentioned.setdefault(mention.sentence, set()).add(guid(mention.concept))
    sentences = {s.index: s for s in doc.sentences}
    assert mentioned
    for index, codes in mentioned.items():
        sentence = sentences[index]
        selection = by_start[sentence.start]
        assert (selection.start, selection.end) == (sentence.start, sentence.end)
        assert set(selection.codes) == codes
        assert source.text[selection.start:selection.end] == doc.text[sentence.start:sentence.end]
    assert sum(len(s.codes) for s in source.selections) == sum(len(c) for c in mentioned.values())


def test_plain_text_keeps_the_speakers_and_every_sentence_in_place(exported):
    _, extractions, data = exported
    (source,) = read_qdpx(data).sources
    doc = extractions[0].document
    for sentence in doc.sentences:
        assert source.text[sentence.start:sentence.end] == sentence.text
    end = labelled = 0
    for turn in doc.turns:
        start = turn.sentences[0].start
        room = start - end - doc.text[end:start].count("\n")
        if room >= min(len(label) for label in speaker_labels(turn.speaker)):
            assert source.text[:start].endswith(speaker_labels(turn.speaker)), turn.speaker
            labelled += 1
        end = turn.sentences[-1].end
    assert labelled >= len(doc.turns) - 2
    assert "Richard Bohmer: Why is it" in source.text and "\nRB: How do you" in source.text
    assert source.text.count("\n") == doc.text[:doc.sentences[-1].end].count("\n")
    assert len(source.text) == doc.sentences[-1].end


def test_every_claim_is_a_note_referenced_from_its_evidence(exported):
    graph, _, data = exported
    read = read_qdpx(data)
    claims = read_claims(graph)
    assert claims and set(read.notes) == {guid(c.iri) for c in claims}
    referenced = {n for s in read.sources for sel in s.selections for n in sel.notes}
    assert referenced == set(read.notes)
    for claim in claims:
        note = read.notes[guid(claim.iri)]
        assert claim.speaker in note and claim.relation in note and claim.iri in note
        for quote in claim.quotes:
            assert " ".join(quote.text.split()) in note


def test_relations_are_links_and_a_network_view_of_the_codes(exported):
    graph, _, data = exported
    net = project(graph)
    root = ElementTree.fromstring(qde(data))
    codes = {c.get("guid") for c in root.iterfind(".//q:Code", NS)}
    vertices = {v.get("guid"): v for v in root.iterfind(".//q:Graph/q:Vertex", NS)}
    assert {v.get("representedGUID") for v in vertices.values()} == {
        guid(n) for n in net.graph.nodes}
    assert {v.get("representedGUID") for v in vertices.values()} <= codes
    edges = root.findall(".//q:Graph/q:Edge", NS)
    links = {link.get("guid"): link for link in root.iterfind(".//q:Links/q:Link", NS)}
    assert len(edges) == len(links) == net.graph.number_of_edges()
    notes = {n.get("guid") for n in root.iterfind(".//q:Notes/q:Note", NS)}
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        (edge,) = [e for e in edges if vertices[e.get("sourceVertex")].get("representedGUID")
                   == guid(u) and vertices[e.get("targetVertex")].get("representedGUID") == guid(v)
                   and e.get("name") == data["label"]]
        assert edge.get("direction") == ("OneWay" if data["directed"] else "Associative")
        link = links[edge.get("representedGUID")]
        assert (link.get("originGUID"), link.get("targetGUID")) == (guid(u), guid(v))
        refs = [r.get("targetGUID") for r in link.iterfind("q:NoteRef", NS)]
        assert refs == [guid(c.iri) for c in net.claims[key]] and set(refs) <= notes


def test_users_are_the_tool_and_the_speakers(exported):
    _, extractions, data = exported
    users = read_qdpx(data).users
    assert sorted(users.values()) == sorted(["leadgraph", *extractions[0].document.speakers])


def test_export_is_byte_identical_and_guids_are_stable(exported):
    graph, _, data = exported
    assert to_qdpx(graph) == data
    codes = {c.guid for c in read_qdpx(data).codes}
    assert codes == {str(uuid.uuid5(uuid.NAMESPACE_URL, str(c)))
                     for c in graph.subjects(RDF.type, SKOS.Concept)}


def test_export_does_not_depend_on_the_hash_seed(berwick_build, tmp_path):
    out, _, _ = berwick_build
    made = []
    for seed in ("1", "2"):
        target = tmp_path / f"seed{seed}.qdpx"
        subprocess.run([sys.executable, "-m", "graph", "export", str(out / "graph.ttl"), "--format",
                        "qdpx", "--out", str(target)], env={**os.environ, "PYTHONHASHSEED": seed},
                       check=True, capture_output=True)
        made.append(target.read_bytes())
    assert made[0] == made[1]


def test_vtt_offsets_are_the_sentence_offsets(vtt_build):
    out, _, extractions = vtt_build
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    data = to_qdpx(graph)
    assert_valid(PROJECT_XSD, qde(data))
    (source,) = read_qdpx(data).sources
    doc = extractions[0].document
    starts = {s.start: s for s in doc.sentences}
    assert source.selections
    for selection in source.selections:
        sentence = starts[selection.start]
        assert selection.end == sentence.end
        assert source.text[selection.start:selection.end] == sentence.text


# --- hostile text ---------------------------------------------------------------------------------

def test_markup_and_control_characters_are_escaped_and_still_valid():
    graph = hand_graph(label='<b>"Cand&our"</b>\x01', quote="Say ]]> <x> &amp; \x1b now.",
                       title="T\x00itle", speaker="Ann <script>")
    data = to_qdpx(graph)
    assert_valid(PROJECT_XSD, qde(data))
    read = read_qdpx(data)
    assert '<b>"Cand&our"</b>\ufffd' in {c.name for c in read.codes}
    (source,) = read.sources
    (passage, _) = read_sources(graph)[0].passages
    selection = next(s for s in source.selections if s.start == passage.start)
    assert source.text[selection.start:selection.end] == "Say ]]> <x> &amp; \ufffd now."
    assert "Ann <script>: Say" in source.text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=HOSTILE, quote=HOSTILE, title=HOSTILE, speaker=HOSTILE)
def test_any_text_gives_a_valid_project_whose_selections_fit_their_sentences(label, quote, title,
                                                                             speaker):
    graph = hand_graph(label, quote, title, speaker)
    project_data = build_project(graph)
    assert_valid(PROJECT_XSD, project_data.qde)
    assert_valid(CODEBOOK_XSD, to_qdc(graph))
    (source,) = read_qdpx(project_data.zip()).sources
    for passage, selection in zip(read_sources(graph)[0].passages, source.selections, strict=True):
        assert (selection.start, selection.end) == (passage.start, passage.end)
        assert len(source.text[selection.start:selection.end]) == len(passage.text)


def test_a_graph_without_transcripts_is_a_one_line_error(tmp_path):
    graph_file = tmp_path / "codebook-only.ttl"
    graph = Graph()
    graph.add((CONCEPT["trust"], RDF.type, SKOS.Concept))
    graph.serialize(graph_file, format="turtle")
    result = invoke("export", str(graph_file), "--format", "qdpx", "--out", str(tmp_path / "p.qdpx"))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {graph_file}: no leadgraph transcripts or claims in it; nothing to export")
    assert not (tmp_path / "p.qdpx").exists()


# --- a .qdc codebook as input ---------------------------------------------------------------------

TEAM_QDC = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="a QDA package">
  <Codes>
    <Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Practices" isCodable="false">
      <Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Bed meeting" isCodable="true"
            color="#ffff00">
        <Description>The daily meeting that allocates beds.</Description>
        <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Escalation call" isCodable="true">
        </Code>
      </Code>
    </Code>
    <Code guid="7c108712-b650-4892-ac0b-fc9a10190c3b" name="Rota unfairness" isCodable="true"
          color="#D64550"/>
  </Codes>
</CodeBook>
"""


def test_a_team_qdc_becomes_skos_concepts(tmp_path):
    path = tmp_path / "team.qdc"
    path.write_text(TEAM_QDC, encoding="utf-8")
    assert_valid(CODEBOOK_XSD, TEAM_QDC.encode("utf-8"))
    codebook = load_codebook([path])
    bed, call, gaps = (codebook.by_id(i) for i in ("bed-meeting", "escalation-call", "rota-unfairness"))
    assert (bed.label, bed.definition, bed.category, bed.broader) == (
        "Bed meeting", "The daily meeting that allocates beds.", "Practice", ())
    assert call.broader == (str(CONCEPT["bed-meeting"]),) and call.category == "Practice"
    assert call.definition == "Code Escalation call of team.qdc."
    assert gaps.category == "Threat"  # the colour leadgraph gives threats
    assert codebook.by_id("practices") is None  # a grouping code is not a concept


def test_build_with_a_qdc_codebook_finds_its_codes(tmp_path):
    path = tmp_path / "team.qdc"
    path.write_text(TEAM_QDC, encoding="utf-8")
    transcript = tmp_path / "t.txt"
    transcript.write_text("Ann Lee: The bed meeting undermines teamwork.\n", encoding="utf-8")
    result = invoke("build", str(transcript), "--codebook", str(path), "--out", str(tmp_path / "o"),
                    "--no-cache")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "o" / "graph.ttl", format="turtle")
    assert list(graph.subjects(LG.mentions, CONCEPT["bed-meeting"]))


def test_a_qdc_code_named_like_a_built_in_concept_replaces_it(tmp_path):
    path = tmp_path / "team.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="d7aa29da-519b-'
                    '4946-9b90-253b6db8fd0a" name="Trust" isCodable="true"><Description>Our '
                    'meaning.</Description></Code></Codes></CodeBook>', encoding="utf-8")
    from graph.pipeline import ontology_file

    codebook = load_codebook([ontology_file("codebook.ttl"), path])
    trust = codebook.by_id("trust")
    assert (trust.label, trust.definition) == ("Trust", "Our meaning.")
    assert sorted(map(str, codebook.graph.objects(CONCEPT["trust"], SKOS.prefLabel))) == ["Trust"]
    assert [str(d) for d in codebook.graph.objects(CONCEPT["trust"], SKOS.definition)] == [
        "Our meaning."]


@pytest.mark.parametrize("text, message", [
    ("<CodeBook", "not well-formed XML"),
    ('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "not a REFI-QDA codebook"),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{g}" name=" " '
     'isCodable="true"/></Codes></CodeBook>', "has no name"),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{g}" name="Trust" '
     'isCodable="true"/><Code guid="{h}" name="trust!" isCodable="true"/></Codes></CodeBook>',
     "give the same concept id 'trust'"),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="Trust" isCodable="true"/>'
     '</Codes></CodeBook>', "code 'Trust' has no guid"),
])
def test_a_bad_qdc_is_a_one_line_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.qdc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as caught:
        qdc_graph(path)
    assert str(caught.value).startswith(f"{path}: ")
    result = invoke("build", str(FIXTURES / "tiny.txt"), "--codebook", str(path), "--out",
                    str(tmp_path / "o"), "--no-cache")
    assert result.exit_code == 1 and message in result.output and str(path) in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_codebook_round_trips_through_qdc(exported, tmp_path):
    graph, _, _ = exported
    path = tmp_path / "codebook.qdc"
    path.write_bytes(to_qdc(graph))
    back = qdc_graph(path)
    for concept in set(graph.subjects(RDF.type, SKOS.Concept)) - set(
            graph.subjects(RDF.type, LG.ProvisionalConcept)):
        label = graph.value(concept, SKOS.prefLabel)
        (again,) = [c for c in back.subjects(RDF.type, SKOS.Concept)
                    if str(back.value(c, SKOS.prefLabel)) == str(label)]
        assert back.value(again, LG.category) == graph.value(concept, LG.category), label
        assert str(back.value(again, SKOS.definition)) == " ".join(
            str(graph.value(concept, SKOS.definition)).split())
        broader = {str(graph.value(b, SKOS.prefLabel)) for b in graph.objects(concept, SKOS.broader)}
        assert {str(back.value(b, SKOS.prefLabel)) for b in back.objects(again, SKOS.broader)} \
            <= broader
    assert len(read_qdc(path)) == len(set(graph.subjects(RDF.type, SKOS.Concept)))
