"""Turn extractions into RDF: transcripts, turns, sentences, speakers, claims and mentions.

IRIs are minted from the document id, positions and concept ids, never blank nodes, so the same
input gives the same graph; serialisations are sorted so they are byte-identical too.
"""

from __future__ import annotations

import hashlib
import heapq
import mmap
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property, partial
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS, XSD

from graph.codebook import Codebook
from graph.model import Claim, Document, Extraction
from graph.serialise import (
    Block,
    Names,
    Triple,
    jsonld,
    jsonld_chunks,
    jsonld_node_stream,
    jsonld_nodes,
    parse_lines,
    statement_chunks,
    trig_chunks,
    turtle,
    turtle_blocks,
    turtle_chunks,
)
from graph.splice import Segment
from graph.vocab import CONCEPT, DATA, LG, OA, PERSON, PREFIXES, SCHEMA, SYMMETRIC

MEDIA_TYPES = {
    "text": "text/plain",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def new_graph() -> Graph:
    """An empty graph with leadgraph's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("owl", OWL),
        ("xsd", XSD),
        ("skos", SKOS),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
    ):
        graph.bind(prefix, ns)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


@cache
def build_names() -> Names:
    """The prefixes a build writes its files with: those new_graph binds."""
    return Names({p: str(ns) for p, ns in new_graph().namespaces()})


def document_iri(doc: Document) -> URIRef:
    return DATA[doc.id]


def _part(doc: Document, *parts: object) -> URIRef:
    return URIRef(f"{DATA}{doc.id}/" + "/".join(str(p) for p in parts))


def speaker_iri(
    doc: Document, name: str, people: Mapping[str, str] = MappingProxyType({})
) -> URIRef:
    """A speaker is a person of this interview, unless the user said who across interviews."""
    from graph.readers import slug

    if name in people:
        return PERSON[slug(people[name])]
    return _part(doc, "speaker", slug(name))


def sentence_iri(doc: Document, index: int) -> URIRef:
    return _part(doc, "sentence", index)


def claim_iri(doc: Document, claim: Claim) -> URIRef:
    subject, relation, obj = claim.reading()
    s, o = _concept_id(subject), _concept_id(obj)
    return _part(doc, "claim", claim.evidence.sentence, f"{s}--{relation}--{o}")


def _concept_id(iri: str) -> str:
    """A concept's part of a claim's IRI: a provisional concept keeps its prefix, so "wellbeing"
    of the codebook and a provisional "wellbeing" give two claims."""
    local = iri.removeprefix(str(CONCEPT))
    return local.replace("/", "-") if local != iri else iri.rsplit("/", 1)[-1]


_XSD = str(XSD)


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _literal(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    """An N-Triples literal, escaped as rdflib's N-Triples writer escapes it."""
    escaped = text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
    quoted = '"' + escaped.replace("\r", "\\r") + '"'
    if lang:
        return f"{quoted}@{lang}"
    return f"{quoted}^^<{_XSD}{datatype}>" if datatype else quoted


def _int(value: int) -> str:
    return _literal(str(value), "integer")


def _bool(value: bool) -> str:
    return _literal("true" if value else "false", "boolean")


def _decimal(value: float) -> str:
    return _literal(str(Decimal(f"{value:.3f}")), "decimal")


T = {name: _iri(str(term)) for name, term in {
    "type": RDF.type, "subject": RDF.subject, "predicate": RDF.predicate, "object": RDF.object,
    "source": DCTERMS.source, "format": DCTERMS.format, "title": DCTERMS.title,
    "date": DCTERMS.date, "contributor": DCTERMS.contributor, "isPartOf": DCTERMS.isPartOf,
    "Person": FOAF.Person, "Organization": FOAF.Organization, "name": FOAF.name,
    "Agent": PROV.Agent, "attributed": PROV.wasAttributedTo, "Concept": SKOS.Concept,
    "prefLabel": SKOS.prefLabel, "hiddenLabel": SKOS.hiddenLabel, "schemaMentions": SCHEMA.mentions,
    "hasSource": OA.hasSource, "hasSelector": OA.hasSelector, "exact": OA.exact,
    "start": OA.start, "end": OA.end, "TextQuoteSelector": OA.TextQuoteSelector,
    "TextPositionSelector": OA.TextPositionSelector,
}.items()}
L = {name: _iri(f"{LG._NS}{name}") for name in (
    "Transcript", "Turn", "Sentence", "Claim", "ProvisionalConcept", "Provisional", "sha256",
    "index", "startLine", "endLine", "startTime", "endTime", "mentions", "category", "negated",
    "hedged", "fromQuestion", "confidence", "rule", "cue", "statedRelation", "statedSubject",
    "statedObject", "subjectDirection", "objectDirection", "evidence")}


def document_triples(
    extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> list[Triple]:
    """One transcript's triples as N-Triples terms, sorted, each once: its description, turns,
    sentences, mentions and claims. `people` maps speaker names to one person's name across
    interviews (--same-person)."""
    doc = extraction.document
    d = _iri(document_iri(doc))
    out: set[Triple] = {
        (d, T["type"], L["Transcript"]),
        (d, T["source"], _literal(doc.source)),
        (d, L["sha256"], _literal(doc.sha256)),
        (d, T["format"], _literal(MEDIA_TYPES.get(doc.format, "text/plain"))),
    }
    add = out.add
    if doc.title:
        add((d, T["title"], _literal(" ".join(doc.title.split()))))
    if doc.date:
        add((d, T["date"], _literal(doc.date)))
    speakers = {name: _iri(speaker_iri(doc, name, people)) for name in doc.speakers}
    for name, person in speakers.items():
        out.update({(person, T["type"], T["Person"]), (person, T["type"], T["Agent"]),
                    (person, T["name"], _literal(people.get(name, name))),
                    (d, T["contributor"], person)})
    turn_iri = f"{DATA}{doc.id}/turn/"
    for turn in doc.turns:
        t = _iri(f"{turn_iri}{turn.index}")
        out.update({(t, T["type"], L["Turn"]), (t, T["isPartOf"], d),
                    (t, L["index"], _int(turn.index)),
                    (t, T["attributed"], speakers.get(turn.speaker)
                     or _iri(speaker_iri(doc, turn.speaker, people))),
                    (t, L["startLine"], _int(turn.line_start)),
                    (t, L["endLine"], _int(turn.line_end))})
        for sentence in turn.sentences:
            _sentence_triples(out, d, f"{DATA}{doc.id}/sentence/{sentence.index}", t, sentence)
    for mention in extraction.mentions:
        concept = _iri(mention.concept)
        add((_iri(sentence_iri(doc, mention.sentence)), L["mentions"], concept))
        add((_iri(f"{turn_iri}{mention.turn}"), L["mentions"], concept))
        if mention.provisional:
            add((concept, T["hiddenLabel"], _literal(mention.surface, lang="en")))
    for entity in extraction.entities:
        e = _iri(entity.entity)
        add((_iri(f"{turn_iri}{entity.turn}"), T["schemaMentions"], e))
        if entity.entity.startswith(str(DATA)):
            kind = T["Person"] if entity.kind == "person" else T["Organization"]
            out.update({(e, T["type"], kind), (e, T["name"], _literal(entity.name))})
    for iri, label in extraction.provisional.items():
        c = _iri(iri)
        out.update({(c, T["type"], T["Concept"]), (c, T["type"], L["ProvisionalConcept"]),
                    (c, T["prefLabel"], _literal(label, lang="en")),
                    (c, L["category"], L["Provisional"])})
    for claim in extraction.claims:
        speaker = speakers.get(claim.speaker) or _iri(speaker_iri(doc, claim.speaker, people))
        _claim_triples(out, doc, claim, speaker)
    return sorted(out)


def _sentence_triples(out: set[Triple], d: str, iri: str, turn: str, sentence) -> None:
    s, quote, position = _iri(iri), _iri(f"{iri}/quote"), _iri(f"{iri}/position")
    out.update({
        (s, T["type"], L["Sentence"]), (s, T["isPartOf"], turn), (s, T["hasSource"], d),
        (s, L["index"], _int(sentence.index)), (s, L["startLine"], _int(sentence.line_start)),
        (s, L["endLine"], _int(sentence.line_end)), (s, T["hasSelector"], quote),
        (s, T["hasSelector"], position), (quote, T["type"], T["TextQuoteSelector"]),
        (quote, T["exact"], _literal(sentence.text)),
        (position, T["type"], T["TextPositionSelector"]),
        (position, T["start"], _literal(str(sentence.start), "nonNegativeInteger")),
        (position, T["end"], _literal(str(sentence.end), "nonNegativeInteger")),
    })
    if sentence.time_start is not None:
        out.add((s, L["startTime"], _decimal(sentence.time_start)))
    if sentence.time_end is not None:
        out.add((s, L["endTime"], _decimal(sentence.time_end)))


def _claim_triples(out: set[Triple], doc: Document, claim: Claim, speaker: str) -> None:
    c = _iri(claim_iri(doc, claim))
    subject, relation, obj = claim.reading()
    s, p, o = _iri(subject), _iri(f"{LG._NS}{relation}"), _iri(obj)
    out.update({
        (c, T["type"], L["Claim"]), (c, T["subject"], s), (c, T["predicate"], p),
        (c, T["object"], o), (c, L["negated"], _bool(claim.negated)),
        (c, L["hedged"], _bool(claim.hedged)), (c, L["fromQuestion"], _bool(claim.question)),
        (c, L["confidence"], _decimal(claim.confidence)), (c, L["rule"], _literal(claim.rule)),
        (c, L["cue"], _literal(claim.cue)), (c, T["attributed"], speaker),
        (c, L["evidence"], _iri(sentence_iri(doc, claim.evidence.sentence))),
    })
    if (subject, relation, obj) != (claim.subject, claim.relation, claim.object):
        out.update({(c, L["statedRelation"], _iri(f"{LG._NS}{claim.relation}")),
                    (c, L["statedSubject"], _iri(claim.subject)),
                    (c, L["statedObject"], _iri(claim.object))})
    for prop, direction in (("subjectDirection", claim.subject_direction),
                            ("objectDirection", claim.object_direction)):
        if direction:
            out.add((c, L[prop], _literal(direction)))
    if claim.answer:
        out.add((c, L["evidence"], _iri(sentence_iri(doc, claim.answer.sentence))))
    if not claim.negated and not (claim.relation in SYMMETRIC and (o, p, s) in out):
        out.add((s, p, o))


def document_graph(
    extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> Graph:
    """One transcript's triples as an rdflib graph (for tools and tests; a build never makes
    one)."""
    graph = new_graph()
    lines = "".join(f"{s} {p} {o} .\n" for s, p, o in document_triples(extraction, people))
    graph.parse(data=lines, format="nt")
    return graph


def shared_graph(codebook: Codebook, ontology: Graph) -> Graph:
    """What every build holds besides its transcripts: the ontology, codebook and gazetteer."""
    graph = new_graph()
    graph += ontology
    graph += codebook.graph
    return graph


def _lines(triples: Iterable[Triple]) -> str:
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def _owns(iri: str, subject: str) -> bool:
    """Whether `subject` is one of the transcript's own resources (its turns, sentences,
    claims, speakers), described in no other transcript."""
    return subject == f"<{iri}>" or subject.startswith(f"<{iri}/")


@dataclass(frozen=True)
class Pieces:
    """One transcript's share of the graph files, written once and joined with the others'."""

    iri: str  # the transcript (its named graph)
    ntriples: str  # its triples, sorted
    shared: str  # those of its triples whose subject is not its own (concepts, people)
    turtle: tuple[tuple[str, str], ...]  # Turtle statement blocks of its graph, by subject
    jsonld: tuple[tuple[str, str], ...]  # JSON-LD nodes of its own subjects


def pieces(
    extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})
) -> Pieces:
    """A transcript's share of the graph files, in the build's prefixes."""
    triples = document_triples(extraction, people)
    iri = str(document_iri(extraction.document))
    own = (t for t in triples if _owns(iri, t[0]))  # sorted: each node made as it is read
    return Pieces(
        iri=iri, ntriples=_lines(triples),
        shared=_lines(t for t in triples if not _owns(iri, t[0])),
        turtle=tuple(turtle_blocks(triples, build_names())), jsonld=tuple(jsonld_node_stream(own)),
    )


READ = 1 << 22  # bytes of the spool read at a time
Region = tuple[int, int]  # offset and length of a piece of text in a Spool, in bytes
Run = tuple[str, Region]  # a run of consecutive statements: its first subject, and its text


@dataclass(frozen=True)
class Part:
    """A transcript's pieces of the graph files once spooled: where each lies in the spool,
    and the little that is kept in memory."""

    iri: str  # the transcript (its named graph)
    shared: str  # its triples about subjects not its own (concepts, people), sorted
    own: int  # how many of its triples are about its own subjects
    ntriples: Region  # its triples, sorted
    digest: str  # SHA-256 of its triples (as N-Triples, sorted): the same digest, the same graph
    trig: Region  # its named graph as graph.trig writes it
    turtle: tuple[Run, ...]  # its own subjects' Turtle statements, joined as graph.ttl does
    jsonld: tuple[Run, ...]  # its own subjects' JSON-LD nodes, joined as graph.jsonld does

    @property
    def spooled(self) -> int:
        """How many bytes of the spool its pieces take."""
        runs = (region for _, region in (*self.turtle, *self.jsonld))
        return sum(length for _, length in (self.ntriples, self.trig, *runs))


class Spool:
    """The transcripts' pieces of the graph files in a temporary file beside the output
    rather than in memory (at 1,000 interviews they are gigabytes of text): each is written
    once when it arrives and read back, a piece at a time, while the files are written.
    The file has no name and is gone when closed, or when the process ends; or, given a
    `kept` file, that file, added to at its end (a previous build's pieces stay where they
    are, for a rebuild to use again: graph.memo)."""

    def __init__(self, folder: Path, kept: Path | None = None) -> None:
        if kept is None:
            self._file = tempfile.TemporaryFile(prefix=".spool-", dir=folder)  # noqa: SIM115
        else:
            fd = os.open(kept, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)  # as private as
            self._file = os.fdopen(fd, "a+b")  # the cache's entries
        self._kept = kept
        self._end = self._file.seek(0, os.SEEK_END)
        self._map: mmap.mmap | bytes = b""  # the spool as far as read_bytes has needed it
        self._mapping = threading.Lock()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_: object) -> None:
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        self._file.close()

    def _put(self, text: str | Iterable[str]) -> Region:
        """Write text, or pieces of it, to the end of the spool; where it lies."""
        start = self._end
        for piece in [text] if isinstance(text, str) else text:
            for first in range(0, len(piece), READ):  # a few megabytes encoded at a time
                data = piece[first:first + READ].encode("utf-8")
                self._file.write(data)
                self._end += len(data)
        return start, self._end - start

    def put(self, data: bytes) -> Region:
        """Write bytes to the end of the spool; where they lie."""
        self._file.write(data)
        self._end += len(data)
        return self._end - len(data), len(data)

    def read_bytes(self, region: Region) -> bytes:
        """The bytes of a region, copied from a map of the spool: a build reads a thousand
        transcripts' records this way, and a read call each let go of the interpreter's lock
        for the other threads to take, which the reader then waited for again (a few
        milliseconds each time)."""
        offset, length = region
        if not length:
            return b""
        found = self._map
        if offset + length > len(found):
            found = self._remap()
        data = found[offset:offset + length]
        if len(data) != length:
            raise EOFError("the spool ends early")
        return data

    def _remap(self) -> mmap.mmap | bytes:
        """A read-only map of all the spool holds now (a map made before is let go: closed
        when no thread still reads it)."""
        with self._mapping:
            self._file.flush()
            size = os.fstat(self._file.fileno()).st_size
            if len(self._map) < size:
                self._map = mmap.mmap(self._file.fileno(), size, access=mmap.ACCESS_READ)
            return self._map

    def read(self, region: Region) -> str:
        return self.read_bytes(region).decode("utf-8")

    def chunks(self, region: Region, size: int = READ) -> Iterator[str]:
        """The text of a region in pieces of about `size` bytes, each cut after a line's end
        (so never inside a character or a line)."""
        offset, length = region
        self._file.flush()
        end, rest = offset + length, b""
        for position in range(offset, end, size):
            data = rest + os.pread(self._file.fileno(), min(size, end - position), position)
            cut = data.rfind(b"\n") + 1 if position + size < end else len(data)
            rest = data[cut:]
            if cut:
                yield data[:cut].decode("utf-8")

    def path(self) -> str:
        """A name by which another process of this user can open the spool while this one
        has it open (Linux)."""
        self._file.flush()
        if self._kept is not None:
            return str(self._kept)
        return f"/proc/{os.getpid()}/fd/{self._file.fileno()}"

    def flush(self) -> int:
        """Write out what is buffered; the spool's length in bytes."""
        self._file.flush()
        return self._end

    def add(self, pieces: Pieces) -> Part:
        """Spool a transcript's pieces; what to find them by."""
        names, iri = build_names(), pieces.iri
        graph = statement_chunks(pieces.turtle, "    ")
        own = (b for b in pieces.turtle if _owns(iri, b[0]))
        return Part(
            iri=iri, shared=pieces.shared,
            own=pieces.ntriples.count("\n") - pieces.shared.count("\n"),
            ntriples=self._put(pieces.ntriples),
            digest=hashlib.sha256(pieces.ntriples.encode("utf-8")).hexdigest(),
            trig=self._put(chain([f"\n{names.iri('<' + iri + '>')} {{\n"], graph, ["}\n"])),
            turtle=self._runs(iri, own, " .\n\n"), jsonld=self._runs(iri, pieces.jsonld, ",\n"),
        )

    def _runs(self, iri: str, blocks: Iterable[Block], separator: str) -> tuple[Run, ...]:
        """Blocks of a transcript's own subjects (in subject order) as runs: the transcript's
        own block, and those of its turns, sentences, claims and so on (`<iri/...>`). No
        other subject sorts inside a run (every subject that begins `<iri/` is the
        transcript's, and transcript ids hold no '/'), so the runs of every transcript, sorted
        by their first subject, merge with the shared blocks into the order of one sort."""
        runs: list[Run] = []
        for _, group in groupby(blocks, key=lambda b: b[0] != f"<{iri}>"):
            for run in _bounded(group):  # each a few megabytes, to read back one at a time
                runs.append((run[0][0], self._put(separator.join(text for _, text in run))))
        return tuple(runs)


def _bounded(blocks: Iterable[Block], size: int = READ) -> Iterator[list[Block]]:
    """Consecutive blocks in lists of about `size` characters of text or fewer."""
    run: list[Block] = []
    held = 0
    for block in blocks:
        run.append(block)
        held += len(block[1])
        if held >= size:
            yield run
            run, held = [], 0
    if run:
        yield run


@dataclass
class Built:
    """The graph of a build: the shared triples (ontology, codebook, gazetteer) as N-Triples
    terms, and each transcript's pieces in `spool`, in the order of their IRIs."""

    shared: list[Triple]  # sorted, each once
    parts: list[Part]
    spool: Spool

    @cached_property
    def common(self) -> list[Triple]:
        """The triples not owned by one transcript (the shared ones and those about concepts
        and people), each once, sorted."""
        about = (parse_lines(part.shared.encode("utf-8")) for part in self.parts)
        return sorted(set(self.shared).union(*about))

    @property
    def triples(self) -> int:
        """How many distinct triples the build has."""
        return len(self.common) + sum(p.own for p in self.parts)

    def ntriples(self, part: Part) -> Iterator[str]:
        """A transcript's triples, sorted, in pieces of whole lines."""
        return self.spool.chunks(part.ntriples)

    def files(self) -> dict[str, Iterator[str | Segment]]:
        """The graph files as text and segments of transcripts to write in turn (see
        graph.splice): graph.nq and graph.trig a head (the shared triples in the default graph)
        and a segment per transcript; graph.ttl and graph.jsonld, with every triple once, the
        statements of the shared subjects and a segment per run of a transcript's own."""
        names = build_names()
        return {
            "graph.nq": chain([_lines(self.shared)],
                              (Segment(p.iri, p.digest, partial(self._quads, p))
                               for p in self.parts)),
            "graph.trig": chain(trig_chunks(turtle_blocks(self.shared, names), (), names),
                                (Segment(p.iri, p.digest, partial(self.spool.chunks, p.trig))
                                 for p in self.parts)),
            "graph.ttl": turtle_chunks(self._merged(turtle_blocks(self.common, names), "turtle"),
                                       names),
            "graph.jsonld": jsonld_chunks(self._merged(jsonld_nodes(self.common), "jsonld"),
                                          names),
        }

    def _merged(self, common: list[Block], kind: str) -> Iterator[tuple[str, str | Segment]]:
        """The shared blocks and every transcript's runs of its own (`kind`: "turtle" or
        "jsonld") as segments, in subject order; a run read from the spool only if written."""
        runs = sorted((first, region, part.digest) for part in self.parts
                      for first, region in getattr(part, kind))
        spooled = ((first, Segment(first, digest, partial(self._read, region)))
                   for first, region, digest in runs)
        return heapq.merge(common, spooled, key=itemgetter(0))

    def _read(self, region: Region) -> list[str]:
        return [self.spool.read(region)]

    def shared_ntriples(self) -> str:
        return _lines(self.shared)

    def common_ntriples(self) -> str:
        return _lines(self.common)

    def _quads(self, part: Part) -> Iterator[str]:
        """A transcript's triples in its named graph, as N-Quads."""
        for chunk in self.ntriples(part):
            yield chunk.replace(" .\n", f" <{part.iri}> .\n")


def assemble(shared: Graph, parts: Iterable[Part], spool: Spool) -> Built:
    """The build's graph from the shared graph and each transcript's spooled pieces."""
    triples = parse_lines(shared.serialize(format="nt", encoding="utf-8"))
    return Built(shared=sorted(set(triples)), parts=sorted(parts, key=lambda p: p.iri),
                 spool=spool)


def _triples_of(graph: Graph) -> tuple[list[Triple], Names]:
    triples = parse_lines(graph.serialize(format="nt", encoding="utf-8"))
    return triples, Names({p: str(ns) for p, ns in graph.namespaces()})


def to_turtle(graph: Graph) -> bytes:
    """Turtle as a build writes it: sorted, prefixed, byte-stable."""
    return turtle(*_triples_of(graph))


def to_jsonld(graph: Graph) -> bytes:
    """JSON-LD as a build writes it: expanded, sorted, the prefixes as its context."""
    return jsonld(*_triples_of(graph))
