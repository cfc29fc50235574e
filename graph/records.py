"""The views' share of each transcript, made straight from its extraction: the claims, mentions
and transcript record the concept network is projected from, so a build never reads its own RDF
back to draw the map and the report.

Each share holds what the graph would give for that transcript alone (the same values, the same
order), so `network_of` over the shares equals `graph.network.project` over the built graph.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from graph.model import Claim, Document, Extraction, Sentence
from graph.network import (
    DIRECTIONS,
    ClaimRecord,
    ComponentLayout,
    ConceptNetwork,
    Quote,
    Transcript,
    claim_order,
    local_name,
    network,
    quote_order,
)
from graph.rdf import claim_iri, document_iri, sentence_iri, speaker_iri
from graph.vocab import LG, RELATIONS


@dataclass(frozen=True)
class Share:
    """One transcript's records for the views."""

    transcript: Transcript
    claims: tuple[ClaimRecord, ...]  # in reading order
    mentions: dict[str, tuple[Quote, ...]]  # concept IRI -> sentences naming it, in order
    names: dict[str, str]  # speaker IRI -> the name its records carry
    provisional: dict[str, str]  # provisional concept IRI -> its label here


def share_digest(plain: object) -> str:
    """SHA-256 of a share's records, encoded as plain data (graph.cache.encode): the same
    digest, the same records."""
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(text: str) -> str:
    return " ".join(text.split())


def share_of(extraction: Extraction, people: Mapping[str, str] = MappingProxyType({})) -> Share:
    """The views' records of one transcript (`people` as for its triples)."""
    doc = extraction.document
    names: dict[str, set[str]] = {}
    for name in doc.speakers:
        names.setdefault(str(speaker_iri(doc, name, people)), set()).add(people.get(name, name))
    named = {iri: _plain(min(given)) for iri, given in names.items()}
    speaker = {name: str(speaker_iri(doc, name, people)) for name in doc.speakers}
    quotes: dict[int, Quote] = {}
    for turn in doc.turns:
        for sentence in turn.sentences:
            quotes[sentence.index] = _quote(doc, sentence, speaker[turn.speaker], named)
    claims = {}
    for claim in extraction.claims:
        record = _claim(doc, claim, quotes, speaker.get(claim.speaker)
                        or str(speaker_iri(doc, claim.speaker, people)), named)
        if record is not None:
            claims.setdefault(record.iri, record)
    found: dict[str, set[Quote]] = {}
    for mention in extraction.mentions:
        if mention.sentence in quotes:
            found.setdefault(mention.concept, set()).add(quotes[mention.sentence])
    source = _plain(doc.source)
    people_here = sorted((named[iri], iri) for iri in set(speaker.values()))
    return Share(
        transcript=Transcript(str(document_iri(doc)), _plain(doc.title) if doc.title else source,
                              source, tuple(n for n, _ in people_here),
                              tuple(p for _, p in people_here)),
        claims=tuple(sorted(claims.values(), key=claim_order)),
        mentions={c: tuple(sorted(qs, key=quote_order)) for c, qs in sorted(found.items())},
        names=named,
        provisional=dict(extraction.provisional),
    )


def _quote(doc: Document, sentence: Sentence, speaker: str, named: dict[str, str]) -> Quote:
    return Quote(
        sentence=str(sentence_iri(doc, sentence.index)), text=sentence.text,
        speaker=named[speaker], transcript=str(document_iri(doc)),
        line_start=sentence.line_start, line_end=sentence.line_end, speaker_iri=speaker,
        time_start=None if sentence.time_start is None else float(f"{sentence.time_start:.3f}"),
        time_end=None if sentence.time_end is None else float(f"{sentence.time_end:.3f}"),
    )


def _claim(doc: Document, claim: Claim, quotes: dict[int, Quote], speaker: str,
           named: dict[str, str]) -> ClaimRecord | None:
    """The claim as read back from its triples (None for a relation the views do not draw)."""
    subject, relation, obj = claim.reading()
    if relation not in RELATIONS:
        return None
    evidence = [claim.evidence] + ([claim.answer] if claim.answer else [])
    found = sorted({quotes[e.sentence] for e in evidence if e.sentence in quotes}, key=quote_order)
    stated = claim.relation if (subject, relation, obj) != (
        claim.subject, claim.relation, claim.object) else ""
    return ClaimRecord(
        iri=str(claim_iri(doc, claim)), subject=subject, relation=relation, object=obj,
        negated=claim.negated, hedged=claim.hedged, question=claim.question,
        confidence=float(f"{claim.confidence:.3f}"), rule=_plain(claim.rule),
        cue=_plain(claim.cue), speaker=named.get(speaker) or local_name(speaker),
        transcript=found[0].transcript if found else "", quotes=tuple(found),
        speaker_iri=speaker,
        subject_direction=_direction(claim.subject_direction),
        object_direction=_direction(claim.object_direction),
        stated_relation=stated if stated in RELATIONS and stated != relation else "",
    )


def _direction(value: str) -> str:
    value = _plain(value)
    return value if value in DIRECTIONS else ""


def network_of(shares: Iterable[Share], shared: Graph, lay: ComponentLayout | None = None,
               digests: Iterable[str] | None = None) -> ConceptNetwork:
    """The concept network of a build: its transcripts' shares, with the ontology and codebook
    (`shared`, not changed) for what is said of concepts and relations; `lay` as for
    `graph.network.network`. With `digests` (each share's share_digest, in the order of
    `shares`), each edge's `sources` digest is made too."""
    shares = list(shares)
    origin = None if digests is None else \
        {c.iri: d for share, d in zip(shares, digests, strict=True) for c in share.claims}
    shares = sorted(shares, key=lambda s: s.transcript.iri)
    shares, chosen = _one_name_each(shares)
    terms = Graph(bind_namespaces="none") + shared
    # each provisional concept and label once, in order: many transcripts name the same ones,
    # and adding triples a graph holds already costs as much as adding new ones
    named = dict.fromkeys((iri, label) for share in shares
                          for iri, label in share.provisional.items())
    for iri, label in named:
        concept = URIRef(iri)
        terms.add((concept, RDF.type, SKOS.Concept))
        terms.add((concept, RDF.type, LG.ProvisionalConcept))
        terms.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
        terms.add((concept, LG.category, LG.Provisional))
    mentions: dict[str, list[Quote]] = {}
    for share in shares:  # in transcript order, which is the quotes' order
        for concept, quotes in share.mentions.items():
            mentions.setdefault(concept, []).extend(quotes)
    claims = sorted((c for share in shares for c in share.claims), key=claim_order)
    net = network(claims, {c: tuple(qs) for c, qs in sorted(mentions.items())},
                  tuple(share.transcript for share in shares), terms, lay)
    return net if origin is None else replace(net, sources=_sources(net, origin, chosen))


def _sources(net: ConceptNetwork, origin: Mapping[str, str],
             chosen: Mapping[str, str]) -> dict[str, str]:
    """Edge id -> a digest of all that its elements in the Gephi files and edges.csv are made of
    besides the code: its ends, relation and label, the names chosen for speakers named
    differently in two transcripts, and the records (by `origin`: claim IRI -> the digest of
    its transcript's records) behind each of its claims, in order. Not its id, which is its
    number among all the edges."""
    names = json.dumps(sorted(chosen.items()), ensure_ascii=False)
    found = {}
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        parts = [names, u, v, data["relation"], data["label"],
                 *(origin[c.iri] for c in net.claims[key])]
        found[key] = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
    return found


def _one_name_each(shares: list[Share]) -> tuple[list[Share], dict[str, str]]:
    """A speaker named differently in two transcripts (one person across interviews) carries
    one name everywhere, as in the merged graph: the first in order. The shares, and the names
    chosen so (speaker IRI -> name)."""
    given: dict[str, set[str]] = {}
    for share in shares:
        for iri, name in share.names.items():
            given.setdefault(iri, set()).add(name)
    chosen = {iri: min(names) for iri, names in given.items() if len(names) > 1}
    if not chosen:
        return shares, chosen
    return [_renamed(share, chosen) for share in shares], chosen


def _renamed(share: Share, chosen: dict[str, str]) -> Share:
    def quote(q: Quote) -> Quote:
        return replace(q, speaker=chosen.get(q.speaker_iri, q.speaker))

    claims = tuple(replace(c, speaker=chosen.get(c.speaker_iri, c.speaker),
                           quotes=tuple(map(quote, c.quotes))) for c in share.claims)
    people = sorted((chosen.get(p, n), p) for n, p in zip(share.transcript.speakers,
                                                          share.transcript.people, strict=True))
    transcript = replace(share.transcript, speakers=tuple(n for n, _ in people),
                         people=tuple(p for _, p in people))
    return replace(share, claims=claims, transcript=transcript,
                   mentions={c: tuple(map(quote, qs)) for c, qs in share.mentions.items()})
