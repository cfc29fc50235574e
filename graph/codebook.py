"""Load and validate the SKOS codebook (ontology/codebook.ttl, or a REFI-QDA .qdc file) and the
entity gazetteer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import FOAF, SKOS

from graph.segment import normalise_map
from graph.vocab import CONCEPT, LG

CATEGORIES = ("Value", "Condition", "Practice", "Role", "Outcome", "Structure", "Threat")


class CodebookError(Exception):
    """A codebook that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    alt_labels: tuple[str, ...]
    definition: str
    category: str  # local name of the lg:Category, e.g. "Practice"
    broader: tuple[str, ...] = ()
    opposite_labels: tuple[str, ...] = ()  # words naming its absence ("turnover": retention)
    actions: tuple[str, ...] = ()  # verbs people do that are the concept ("stay": retention)
    opposite_actions: tuple[str, ...] = ()  # verbs people do that are its absence ("leave")
    public_actions: tuple[str, ...] = ()  # verbs patients or the public do ("turn up": attendance)
    opposite_public_actions: tuple[str, ...] = ()  # ditto, its absence ("stay away")
    causatives: tuple[str, ...] = ()  # verbs that make people do it ("keep": retention)
    opposite_causatives: tuple[str, ...] = ()  # verbs that make people do its opposite
    harmful: bool = False  # its presence is a harm (every lg:Threat, and "error")

    @property
    def id(self) -> str:
        return self.iri.removeprefix(str(CONCEPT))


@dataclass(frozen=True)
class Entity:
    iri: str
    name: str
    alt_labels: tuple[str, ...]
    kind: str  # "person" or "organization"


@dataclass(frozen=True)
class Codebook:
    concepts: dict[str, Concept]  # IRI -> concept
    entities: dict[str, Entity]
    graph: Graph  # the codebook and gazetteer triples, to include in every output
    version: str

    def by_id(self, concept_id: str) -> Concept | None:
        return self.concepts.get(str(CONCEPT[concept_id]))


def _parse(path: Path, graph: Graph) -> None:
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such file") from None
    except Exception as err:  # rdflib raises several parser exception types
        message = " ".join(str(err).split())
        line = re.search(r"line (\d+)", message)
        where = f":{line.group(1)}" if line else ""
        raise CodebookError(f"{path}{where}: not valid Turtle: {message[:300]}") from None


_NAMED = re.compile(r"<([^>\s]*)>|lgc:([^\s;]*)(?=[\s;])")


def _lines(path: Path) -> dict[str, int]:
    """The first line of the file naming each IRI (in full or as lgc:local), read once."""
    first: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in _NAMED.finditer(line + "\n"):
            iri = match[1] if match[1] is not None else str(CONCEPT) + match[2]
            first.setdefault(iri, number)
    return first


def _literals(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and (o.language in (None, "en") or o.language.startswith("en"))
    )


def _concept(graph: Graph, iri: URIRef, where: str, errors: list[str]) -> Concept | None:
    labels = _literals(graph, iri, SKOS.prefLabel)
    definitions = _literals(graph, iri, SKOS.definition)
    categories = [c for c in graph.objects(iri, LG.category) if isinstance(c, URIRef)]
    problems = []
    if len(labels) != 1:
        problems.append(f"needs exactly one skos:prefLabel, has {len(labels)}")
    if not definitions:
        problems.append("needs a skos:definition")
    names = [str(c).removeprefix(str(LG._NS)) for c in categories]
    if len(names) != 1 or names[0] not in CATEGORIES:
        problems.append(f"needs one lg:category of {', '.join('lg:' + c for c in CATEGORIES)}")
    if problems:
        errors += [f"{where}: concept <{iri}> {p}" for p in problems]
        return None
    return Concept(
        iri=str(iri),
        label=labels[0],
        alt_labels=tuple(_literals(graph, iri, SKOS.altLabel)),
        definition=definitions[0],
        category=names[0],
        broader=tuple(sorted(str(b) for b in graph.objects(iri, SKOS.broader))),
        opposite_labels=tuple(_literals(graph, iri, LG.oppositeLabel)),
        actions=tuple(_literals(graph, iri, LG.actionLabel)),
        opposite_actions=tuple(_literals(graph, iri, LG.oppositeActionLabel)),
        public_actions=tuple(_literals(graph, iri, LG.publicActionLabel)),
        opposite_public_actions=tuple(_literals(graph, iri, LG.oppositePublicActionLabel)),
        causatives=tuple(_literals(graph, iri, LG.causativeLabel)),
        opposite_causatives=tuple(_literals(graph, iri, LG.oppositeCausativeLabel)),
        harmful=names[0] == "Threat" or (iri, LG.harmful, Literal(True)) in graph,
    )


def load_codebook(paths: list[Path], entities: list[Path] | None = None) -> Codebook:
    """Load codebook files (later ones extend and override earlier ones by IRI) and gazetteers."""
    concepts: dict[str, Concept] = {}
    places: dict[str, tuple[int, int, str]] = {}  # IRI -> file number, line, "file:line"
    errors: list[str] = []
    merged = Graph()
    versions = []
    for number, path in enumerate(paths):
        graph = Graph()
        qdc = path.suffix.lower() == ".qdc"
        if qdc:
            from graph.qda import qdc_graph

            graph += qdc_graph(path)
        else:
            _parse(path, graph)
        lines = {} if qdc else _lines(path)
        for iri in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
            line = lines.get(str(iri), 0)
            where = str(path) if qdc else f"{path}:{line}"
            concept = _concept(graph, iri, where, errors)
            if concept:
                concepts[concept.iri] = concept
                places[concept.iri] = (number, line, where)
        versions += [
            str(v) for v in graph.objects(None, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
        ]
        for iri in set(graph.subjects(RDF.type, SKOS.Concept)):
            merged.remove((iri, None, None))  # a concept declared again replaces the earlier one
        merged += graph
    for concept in concepts.values():
        for broader in concept.broader:
            if broader not in concepts:
                errors.append(
                    f"concept <{concept.iri}>: skos:broader <{broader}> is not in the codebook"
                )
    errors += _shared_labels(concepts, places)
    if not concepts and not errors:
        errors.append(f"{', '.join(map(str, paths))}: no skos:Concept found")
    if errors:
        raise CodebookError("\n".join(errors))
    found = _load_entities(entities or [], merged)
    return Codebook(concepts=concepts, entities=found, graph=merged, version="+".join(versions))


def label_key(label: str) -> str:
    """A label as extraction compares it: plain quotes and dashes, single spaces, any case."""
    return " ".join(normalise_map(label)[0].split()).casefold()


def _shared_labels(
    concepts: dict[str, Concept], places: dict[str, tuple[int, int, str]]
) -> list[str]:
    """An error for each label (preferred or alternative) given to two concepts, reported at
    the one defined later."""
    owner: dict[str, str] = {}
    errors = []
    for iri in sorted(concepts, key=lambda i: (places[i][:2], i)):
        concept = concepts[iri]
        for label in dict.fromkeys((concept.label, *concept.alt_labels)):
            first = owner.setdefault(label_key(label), iri)
            if first != iri:
                errors.append(
                    f"{places[iri][2]}: label {label!r} of <{iri}> is already a label of "
                    f"<{first}> ({places[first][2]}); a label belongs to one concept"
                )
    return errors


def _load_entities(paths: list[Path], merged: Graph) -> dict[str, Entity]:
    found: dict[str, Entity] = {}
    for path in paths:
        graph = Graph()
        _parse(path, graph)
        for kind, cls in (("person", FOAF.Person), ("organization", FOAF.Organization)):
            for iri in sorted(set(graph.subjects(RDF.type, cls))):
                names = _literals(graph, iri, FOAF.name)
                if not names:
                    raise CodebookError(
                        f"{path}:{_lines(path).get(str(iri), 0)}: <{iri}> needs a foaf:name"
                    )
                alts = _literals(graph, iri, SKOS.altLabel)
                found[str(iri)] = Entity(str(iri), names[0], tuple(alts), kind)
        merged += graph
    return found
