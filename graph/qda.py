"""Exchange with QDA packages (ATLAS.ti, NVivo, MAXQDA, QualCoder) in the REFI-QDA 1.5 formats.

Writes a project (.qdpx: a zip of project.qde and sources/) and a codebook (.qdc) from a graph
built by leadgraph, and reads them back; a .qdc read as SKOS concepts can seed a build.

In a project, each transcript is a TextSource whose plain text holds every sentence at its own
character offsets (Unicode code points from 0, end exclusive, as QualCoder counts them), so a
selection's startPosition and endPosition are the sentence's offsets in the transcript. The text
between sentences (speaker labels, time stamps) is not in the graph: it becomes white space, with
"Speaker: " (or "SP: ") before a turn's first sentence where it fits. Concepts are Codes (nested
by skos:broader, coloured by category), each sentence that mentions one is a PlainTextSelection
coded with it, each claim a Note referenced from its evidence and from a Link between the two
codes, and the relations a network view (Graphs/Graph). GUIDs are uuid5 of the IRIs and the zip
has fixed timestamps, so the same graph gives the same bytes.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, SubElement, fromstring, indent, tostring

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from graph.codebook import CATEGORIES, CodebookError
from graph.gephi import xml_safe
from graph.namespaces import BASE
from graph.network import (
    CATEGORY_COLOURS,
    RELATION_STYLES,
    ClaimRecord,
    category_colour,
    local_name,
    project,
    read_claims,
)
from graph.vocab import CONCEPT, LG, OA, SYMMETRIC

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
TOOL = "leadgraph"
TOOL_IRI = BASE + "tool"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DEFAULT_CATEGORY = "Practice"  # for a .qdc code with no category colour nor category parent
VERTEX_SIZE = (140, 40)


class QdaError(Exception):
    """A graph that cannot be written as a QDA project, or a project that cannot be read."""


def guid(iri: str) -> str:
    """A stable GUID for an IRI (uuid5 in the URL namespace)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


# --- reading the graph ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Code:
    iri: str
    name: str
    description: str
    colour: str
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A sentence of a transcript, where it stands and what it mentions."""

    iri: str
    start: int
    end: int
    text: str
    turn: str  # turn IRI
    speaker: str
    line_start: int
    line_end: int
    concepts: tuple[str, ...]  # IRIs of the concepts it mentions


@dataclass(frozen=True)
class Source:
    iri: str
    name: str
    file: str  # the transcript's file name
    speakers: tuple[str, ...]
    passages: tuple[Passage, ...]  # in order of their offsets


def _text(graph: Graph, subject, predicate, default: str = "") -> str:
    values = sorted((v for v in graph.objects(subject, predicate) if isinstance(v, Literal)),
                    key=lambda v: (v.language not in (None, "en"), str(v)))
    return " ".join(str(values[0]).split()) if values else default


def _int(graph: Graph, subject, predicate) -> int | None:
    value = graph.value(subject, predicate)
    return int(value.toPython()) if isinstance(value, Literal) else None


def read_codes(graph: Graph) -> tuple[Code, ...]:
    """The graph's SKOS concepts as a forest of codes: a concept under its first broader one
    (by IRI) that is in the graph, unless that would make a cycle."""
    concepts = sorted({str(c) for c in graph.subjects(RDF.type, SKOS.Concept)})
    known = set(concepts)
    parent: dict[str, str] = {}
    for concept in concepts:
        broader = sorted(str(b) for b in graph.objects(URIRef(concept), SKOS.broader))
        up = next((b for b in broader if b in known and b != concept), None)
        if up is not None and not _reaches(parent, up, concept):
            parent[concept] = up
    children: dict[str | None, list[str]] = defaultdict(list)
    for concept in concepts:
        children[parent.get(concept)].append(concept)

    def code(concept: str) -> Code:
        iri = URIRef(concept)
        category = graph.value(iri, LG.category)
        return Code(
            iri=concept,
            name=_text(graph, iri, SKOS.prefLabel) or local_name(concept),
            description=_text(graph, iri, SKOS.definition),
            colour=category_colour(local_name(str(category)) if category is not None else ""),
            children=tuple(code(c) for c in children[concept]),
        )

    return tuple(code(c) for c in children[None])


def _reaches(parent: dict[str, str], start: str, target: str) -> bool:
    node: str | None = start
    while node is not None:
        if node == target:
            return True
        node = parent.get(node)
    return False


def _selector(graph: Graph, sentence, kind) -> URIRef | None:
    return next((s for s in sorted(graph.objects(sentence, OA.hasSelector))
                 if (s, RDF.type, kind) in graph), None)


def _passage(graph: Graph, sentence: URIRef) -> Passage:
    position = _selector(graph, sentence, OA.TextPositionSelector)
    quote = _selector(graph, sentence, OA.TextQuoteSelector)
    start = _int(graph, position, OA.start) if position is not None else None
    end = _int(graph, position, OA.end) if position is not None else None
    if start is None or end is None or quote is None:
        raise QdaError(f"sentence <{sentence}> has no text position or quote")
    text = str(graph.value(quote, OA.exact, default=""))
    if end - start != len(text):
        raise QdaError(f"sentence <{sentence}>: its offsets {start}-{end} do not fit its text")
    turn = graph.value(sentence, DCTERMS.isPartOf)
    agent = graph.value(turn, PROV.wasAttributedTo) if turn is not None else None
    mentioned = (str(c) for c in graph.objects(sentence, LG.mentions))
    return Passage(
        iri=str(sentence), start=start, end=end, text=text, turn=str(turn or ""),
        speaker=_text(graph, agent, FOAF.name, local_name(str(agent))) if agent else "",
        line_start=_int(graph, sentence, LG.startLine) or 1,
        line_end=_int(graph, sentence, LG.endLine) or 1,
        concepts=tuple(sorted(mentioned)),
    )


def read_sources(graph: Graph) -> tuple[Source, ...]:
    """Every transcript with its sentences, in offset order."""
    sentences: dict[str, list[URIRef]] = defaultdict(list)
    for sentence in graph.subjects(RDF.type, LG.Sentence):
        sentences[str(graph.value(sentence, OA.hasSource, default=""))].append(sentence)
    sources = []
    for doc in sorted(graph.subjects(RDF.type, LG.Transcript)):
        passages = sorted((_passage(graph, s) for s in sentences[str(doc)]),
                          key=lambda p: (p.start, p.end))
        for before, after in pairwise(passages):
            if after.start < before.end:
                raise QdaError(f"sentences <{before.iri}> and <{after.iri}> overlap")
        people = graph.objects(doc, DCTERMS.contributor)
        file = _text(graph, doc, DCTERMS.source, local_name(str(doc)))
        sources.append(Source(
            iri=str(doc), name=_text(graph, doc, DCTERMS.title, file), file=file,
            speakers=tuple(sorted(_text(graph, p, FOAF.name) for p in people)),
            passages=tuple(passages),
        ))
    return tuple(sources)


def speaker_labels(speaker: str) -> tuple[str, ...]:
    """'Richard Bohmer: ', then the shorter 'RB: ', to write before a turn."""
    words = speaker.split()
    if not words:
        return ()
    initials = "".join(w[0] for w in words).upper()
    return tuple(dict.fromkeys((f"{' '.join(words)}: ", f"{initials}: ")))


def plain_text(passages: Iterable[Passage]) -> str:
    """The sentences at their offsets; in between, line breaks where the lines change (trailing
    white space before them) and "Speaker: " (or "SP: ") before a turn's first sentence where it
    fits."""
    parts, cursor, line, turn = [], 0, 1, None
    for passage in passages:
        gap = passage.start - cursor
        breaks = min(gap, max(0, passage.line_start - line))
        labels = speaker_labels(passage.speaker) if passage.turn != turn else ()
        label = next((lab for lab in labels if len(lab) <= gap - breaks), "")
        parts += [" " * (gap - breaks - len(label)), "\n" * breaks, label, passage.text]
        cursor, line, turn = passage.end, passage.line_end, passage.turn
    return xml_safe("".join(parts))


# --- writing ----------------------------------------------------------------------------------

def _element(parent: Element | None, tag: str, **attributes: str) -> Element:
    attrs = {k: xml_safe(v) for k, v in attributes.items()}
    return Element(tag, attrs) if parent is None else SubElement(parent, tag, attrs)


def _text_element(parent: Element, tag: str, text: str) -> None:
    if text:
        SubElement(parent, tag).text = xml_safe(text)


def _code_element(parent: Element, code: Code) -> None:
    element = _element(parent, "Code", guid=guid(code.iri), name=code.name, isCodable="true",
                       color=code.colour)
    _text_element(element, "Description", code.description)
    for child in code.children:
        _code_element(element, child)


def _codes_element(parent: Element, codes: tuple[Code, ...]) -> None:
    codes_element = SubElement(parent, "Codes")
    for code in codes:
        _code_element(codes_element, code)


def _xml(root: Element, namespace: str) -> bytes:
    root.set("xmlns", namespace)
    indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root) + b"\n"


def to_qdc(graph: Graph) -> bytes:
    """The codebook alone, as a REFI-QDA .qdc file."""
    codes = read_codes(graph)
    if not codes:
        raise QdaError("the graph has no skos:Concept to write as a code")
    root = _element(None, "CodeBook", origin=TOOL)
    _codes_element(root, codes)
    return _xml(root, CODEBOOK_NS)


def _claim_note(claim: ClaimRecord, labels: dict[str, str], relation_labels: dict[str, str]
                ) -> tuple[str, str]:
    """A claim's note: its name and its text (statement, speaker, quotes, how it was found)."""
    subject, obj = labels.get(claim.subject, claim.subject), labels.get(claim.object, claim.object)
    relation = relation_labels.get(claim.relation, claim.relation)
    name = f"{'NOT ' if claim.negated else ''}{subject} {relation} {obj}"
    quotes = "\n".join(f"“{' '.join(q.text.split())}”" for q in claim.quotes)
    flags = [word for word, on in (("denied", claim.negated), ("hedged", claim.hedged),
                                   ("put as a question", claim.question)) if on]
    text = (f"{name}\nSpeaker: {claim.speaker}\nRelation: {claim.relation}"
            f"{' (' + ', '.join(flags) + ')' if flags else ''}\n{quotes}\n"
            f"Rule: {claim.rule}; confidence {claim.confidence:g}\nClaim: {claim.iri}")
    return name, text


@dataclass(frozen=True)
class Project:
    """A REFI-QDA project in memory: project.qde and the plain texts by file name."""

    qde: bytes
    texts: dict[str, str]  # "<guid>.txt" -> text

    def zip(self) -> bytes:
        """The .qdpx: entries sorted, fixed timestamps and permissions (byte-stable)."""
        files = {"project.qde": self.qde}
        files.update({f"sources/{n}": t.encode("utf-8") for n, t in self.texts.items()})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                archive.writestr(info, files[name])
        return buffer.getvalue()


def build_project(graph: Graph) -> Project:
    """The REFI-QDA project of a graph built by leadgraph."""
    codes = read_codes(graph)
    sources = read_sources(graph)
    if not sources:
        raise QdaError("the graph has no transcript (lg:Transcript) to write as a source")
    net = project(graph)
    claims = read_claims(graph)
    labels = {c.iri: c.name for c in _walk(codes)}
    tool = guid(TOOL_IRI)
    name = f"{TOOL}: " + (sources[0].name if len(sources) == 1 else f"{len(sources)} interviews")
    root = _element(None, "Project", name=name, origin=TOOL, creatingUserGUID=tool)
    users = SubElement(root, "Users")
    _element(users, "User", guid=tool, name=TOOL, id=TOOL)
    for speaker in sorted({n for s in sources for n in s.speakers}):
        _element(users, "User", guid=guid(f"{TOOL_IRI}/speaker/{speaker}"), name=speaker)
    if codes:
        _codes_element(SubElement(root, "CodeBook"), codes)
    notes_by_sentence: dict[str, list[str]] = defaultdict(list)
    for claim in claims:
        for quote in claim.quotes:
            notes_by_sentence[quote.sentence].append(guid(claim.iri))
    texts = {}
    sources_element = SubElement(root, "Sources")
    for source in sources:
        file = f"{guid(source.iri + '#plain-text')}.txt"
        texts[file] = plain_text(source.passages)
        element = _element(sources_element, "TextSource", guid=guid(source.iri), name=source.name,
                           plainTextPath=f"internal://{file}", creatingUser=tool)
        _text_element(element, "Description", f"Transcript {source.file}; speakers: "
                      + ", ".join(source.speakers))
        for passage in source.passages:
            notes = notes_by_sentence.get(passage.iri, [])
            coded = [c for c in passage.concepts if c in labels]
            if coded or notes:
                _selection(element, passage, coded, notes, tool)
    _notes(root, claims, labels, net.relation_labels, tool)
    _links_and_graph(root, net, labels, tool)
    _text_element(root, "Description", "Exported by leadgraph from an evidence-backed knowledge "
                  "graph: codes are its concepts, codings the sentences that mention them, notes "
                  "its claims, the network view its relations.")
    return Project(qde=_xml(root, PROJECT_NS), texts=texts)


def _walk(codes: Iterable[Code]) -> Iterable[Code]:
    for code in codes:
        yield code
        yield from _walk(code.children)


def _selection(parent: Element, passage: Passage, concepts: list[str], notes: list[str],
               tool: str) -> None:
    name = " ".join(passage.text.split())
    element = _element(parent, "PlainTextSelection", guid=guid(passage.iri),
                       name=name if len(name) <= 80 else name[:79] + "…",
                       startPosition=str(passage.start), endPosition=str(passage.end),
                       creatingUser=tool)
    _text_element(element, "Description", f"{passage.speaker}, lines {passage.line_start}"
                  + (f"–{passage.line_end}" if passage.line_end != passage.line_start else ""))
    for concept in concepts:
        coding = _element(element, "Coding", guid=guid(f"{passage.iri} {concept}"),
                          creatingUser=tool)
        _element(coding, "CodeRef", targetGUID=guid(concept))
    for note in dict.fromkeys(notes):
        _element(element, "NoteRef", targetGUID=note)


def _notes(root: Element, claims: list[ClaimRecord], labels: dict[str, str],
           relation_labels: dict[str, str], tool: str) -> None:
    if not claims:
        return
    notes = SubElement(root, "Notes")
    for claim in claims:
        name, text = _claim_note(claim, labels, relation_labels)
        note = _element(notes, "Note", guid=guid(claim.iri), name=name, creatingUser=tool)
        _text_element(note, "PlainTextContent", text)


def _links_and_graph(root: Element, net, labels: dict[str, str], tool: str) -> None:
    """Links between codes (one per relation edge, with its claims' notes) and a network view
    of the codes and relations, laid out as in the concept map."""
    edges = [(u, v, k, d) for u, v, k, d in net.graph.edges(keys=True, data=True)
             if u in labels and v in labels]
    if edges:
        links = SubElement(root, "Links")
        for u, v, key, data in edges:
            link = _element(links, "Link", guid=_edge_guid(u, data["relation"], v),
                            name=data["label"], direction=_direction(data["relation"]),
                            color=data["color"], originGUID=guid(u), targetGUID=guid(v))
            for claim in net.claims.get(key, ()):
                _element(link, "NoteRef", targetGUID=guid(claim.iri))
    nodes = [(n, d) for n, d in net.graph.nodes(data=True) if n in labels]
    if not nodes:
        return
    graph_element = _element(SubElement(root, "Graphs"), "Graph", guid=guid(BASE + "relations"),
                             name="leadgraph relations")
    left = min(d["x"] for _, d in nodes) - VERTEX_SIZE[0] / 2
    top = min(d["y"] for _, d in nodes) - VERTEX_SIZE[1] / 2
    for node, data in nodes:
        x = round(data["x"] - VERTEX_SIZE[0] / 2 - left)
        y = round(data["y"] - VERTEX_SIZE[1] / 2 - top)
        _element(graph_element, "Vertex", guid=guid(node + "#vertex"), representedGUID=guid(node),
                 name=labels[node], firstX=str(x), firstY=str(y), secondX=str(x + VERTEX_SIZE[0]),
                 secondY=str(y + VERTEX_SIZE[1]), shape="RoundedRectangle", color=data["color"])
    for u, v, _, data in edges:
        link = _edge_guid(u, data["relation"], v)
        _element(graph_element, "Edge", guid=guid(f"{u} {data['relation']} {v}#edge"),
                 representedGUID=link, name=data["label"], sourceVertex=guid(u + "#vertex"),
                 targetVertex=guid(v + "#vertex"), color=data["color"],
                 direction=_direction(data["relation"]),
                 lineStyle=RELATION_STYLES[data["relation"]].dashes)


def _edge_guid(subject: str, relation: str, obj: str) -> str:
    return guid(f"{subject} {relation} {obj}")


def _direction(relation: str) -> str:
    return "Associative" if relation in SYMMETRIC else "OneWay"


def to_qdpx(graph: Graph) -> bytes:
    return build_project(graph).zip()


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReadCode:
    guid: str
    name: str
    description: str
    colour: str
    codable: bool
    parent: str | None  # GUID of the enclosing code


@dataclass(frozen=True)
class ReadSelection:
    guid: str
    start: int
    end: int
    codes: tuple[str, ...]  # code GUIDs
    notes: tuple[str, ...]  # note GUIDs


@dataclass(frozen=True)
class ReadSource:
    guid: str
    name: str
    text: str
    selections: tuple[ReadSelection, ...]


@dataclass(frozen=True)
class ReadProject:
    codes: tuple[ReadCode, ...]
    sources: tuple[ReadSource, ...]
    notes: dict[str, str]  # GUID -> text
    users: dict[str, str]  # GUID -> name


def _codes_of(element: Element | None, ns: str, parent: str | None = None) -> list[ReadCode]:
    found = []
    for code in (element.findall(f"{{{ns}}}Code") if element is not None else []):
        ident, name = code.get("guid", ""), code.get("name", "")
        description = code.findtext(f"{{{ns}}}Description", default="")
        found.append(ReadCode(ident.strip("{}").lower(), name, description, code.get("color", ""),
                              code.get("isCodable", "true") in ("true", "1"), parent))
        found += _codes_of(code, ns, ident.strip("{}").lower())
    return found


def _parse_xml(data: bytes, where: str) -> Element:
    try:
        return fromstring(data)
    except ParseError as err:
        raise QdaError(f"{where}: not well-formed XML: {err}") from None


def read_qdpx(data: bytes, where: str = "project") -> ReadProject:
    """A .qdpx's codes, text sources with their selections, notes and users."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {n: archive.read(n) for n in archive.namelist()}
    except zipfile.BadZipFile:
        raise QdaError(f"{where}: not a zip file") from None
    if "project.qde" not in files:
        raise QdaError(f"{where}: no project.qde in the zip")
    root = _parse_xml(files["project.qde"], f"{where}/project.qde")
    ns = PROJECT_NS
    if root.tag != f"{{{ns}}}Project":
        raise QdaError(f"{where}/project.qde: the root is not a REFI-QDA Project")
    sources = []
    for source in root.iterfind(f"{{{ns}}}Sources/{{{ns}}}TextSource"):
        path = source.get("plainTextPath", "").removeprefix("internal://")
        inline = source.findtext(f"{{{ns}}}PlainTextContent")
        text = inline if inline is not None else files.get(f"sources/{path}", b"").decode("utf-8")
        selections = tuple(
            ReadSelection(
                guid=s.get("guid", ""), start=int(s.get("startPosition", "0")),
                end=int(s.get("endPosition", "0")),
                codes=tuple(r.get("targetGUID", "") for r in
                            s.iterfind(f"{{{ns}}}Coding/{{{ns}}}CodeRef")),
                notes=tuple(r.get("targetGUID", "") for r in s.iterfind(f"{{{ns}}}NoteRef")),
            )
            for s in source.iterfind(f"{{{ns}}}PlainTextSelection")
        )
        sources.append(ReadSource(source.get("guid", ""), source.get("name", ""), text, selections))
    notes = {n.get("guid", ""): n.findtext(f"{{{ns}}}PlainTextContent", default="")
             for n in root.iterfind(f"{{{ns}}}Notes/{{{ns}}}Note")}
    users = {u.get("guid", ""): u.get("name", "")
             for u in root.iterfind(f"{{{ns}}}Users/{{{ns}}}User")}
    codes = _codes_of(root.find(f"{{{ns}}}CodeBook/{{{ns}}}Codes"), ns)
    return ReadProject(tuple(codes), tuple(sources), notes, users)


def read_qdc(path: Path) -> tuple[ReadCode, ...]:
    """The codes of a .qdc codebook file; errors name the file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    try:
        root = _parse_xml(data, str(path))
    except QdaError as err:
        raise CodebookError(str(err)) from None
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise CodebookError(f"{path}: not a REFI-QDA codebook (root element {root.tag!r}, "
                            f"expected CodeBook in {CODEBOOK_NS})")
    codes = _codes_of(root.find(f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS)
    problems = [f"code {i} (guid {c.guid or '?'}) has no name" for i, c in enumerate(codes, 1)
                if not c.name.strip()]
    problems += [f"code {c.name!r} has no guid" for c in codes if not c.guid]
    guids = [c.guid for c in codes if c.guid]
    problems += [f"guid {g} is used by two codes" for g in sorted(set(guids))
                 if guids.count(g) > 1]
    if problems:
        raise CodebookError("\n".join(f"{path}: {p}" for p in problems))
    if not any(c.codable for c in codes):
        raise CodebookError(f"{path}: no codable Code found")
    return tuple(codes)


def qdc_graph(path: Path) -> Graph:
    """A .qdc codebook as SKOS concepts: prefLabel = name, definition = Description (or a note
    that there was none), broader = the nearest codable enclosing code; the category is the
    one whose colour the code has, else that of an enclosing code named as a category, else
    Practice. Grouping codes (isCodable false) are not concepts."""
    from graph.readers import slug

    codes = read_qdc(path)
    by_guid = {c.guid: c for c in codes}
    iris: dict[str, URIRef] = {}
    for code in codes:
        if not code.codable:
            continue
        iri = CONCEPT[slug(code.name)]
        clash = next((g for g, other in iris.items() if other == iri), None)
        if clash is not None:
            raise CodebookError(f"{path}: codes {by_guid[clash].name!r} and {code.name!r} give "
                                f"the same concept id {slug(code.name)!r}; rename one")
        iris[code.guid] = iri
    colours = {colour.lower(): name for name, colour in CATEGORY_COLOURS.items()
               if name in CATEGORIES}
    graph = Graph()
    for code in codes:
        if code.guid not in iris:
            continue
        iri = iris[code.guid]
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.prefLabel, Literal(" ".join(code.name.split()), lang="en")))
        definition = " ".join(code.description.split()) or f"Code {code.name} of {path.name}."
        graph.add((iri, SKOS.definition, Literal(definition, lang="en")))
        ancestors = list(_ancestors(code, by_guid))
        category = colours.get(code.colour.lower()) or next(
            (_category_name(a.name) for a in ancestors if _category_name(a.name)), DEFAULT_CATEGORY)
        graph.add((iri, LG.category, LG[category]))
        broader = next((a for a in ancestors if a.guid in iris), None)
        if broader is not None:
            graph.add((iri, SKOS.broader, iris[broader.guid]))
    return graph


def _ancestors(code: ReadCode, by_guid: dict[str, ReadCode]) -> Iterable[ReadCode]:
    seen = set()
    while code.parent and code.parent in by_guid and code.parent not in seen:
        seen.add(code.parent)
        code = by_guid[code.parent]
        yield code


def _category_name(name: str) -> str | None:
    """'Values', 'value' or 'Practice' -> the category it names, if any."""
    word = name.strip().lower()
    return next((c for c in CATEGORIES if word in (c.lower(), c.lower() + "s")), None)
