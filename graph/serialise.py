"""Write a build's graph as Turtle, TriG, N-Quads and JSON-LD, fast and byte-for-byte stable.

Every writer works from N-Triples lines, sorted, so the same triples always give the same bytes
whatever order they were made in; IRIs are shortened with the graph's prefixes where Turtle
allows it. (rdflib's Turtle writer takes minutes on a million triples; this takes seconds.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise
from sys import intern
from typing import TypeVar

_LINE = re.compile(r"^(\S+) (\S+) (.*) \.$")
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LITERAL = re.compile(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.DOTALL)
_DECODER = json.JSONDecoder(strict=False)  # N-Triples keeps control characters raw
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

Triple = tuple[str, str, str]  # N-Triples terms: subject, predicate, object
T = TypeVar("T")  # the text of a block: a string, or what stands for one (graph.splice)


def parse_lines(data: bytes) -> list[Triple]:
    """The triples of an N-Triples document, as their N-Triples terms."""
    triples = []
    for line in data.decode("utf-8").split("\n"):  # not splitlines(): \x1e is no line end
        match = _LINE.match(line)
        if match:
            obj = match[3]
            # IRIs recur across a corpus: one string object each keeps memory down
            triples.append(
                (intern(match[1]), intern(match[2]), intern(obj) if obj[0] == "<" else obj)
            )
    return triples


class Names:
    """Shortens IRIs to prefixed names where the local part is a plain name."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(sorted(prefixes.items()))
        self._by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._short: dict[str, str] = {}

    def term(self, term: str) -> str:
        if term.startswith("<"):
            return self.iri(term)
        literal = _LITERAL.match(term)
        if literal and literal[3]:
            return f'"{literal[1]}"^^{self.iri("<" + literal[3] + ">")}'
        return term

    def iri(self, term: str) -> str:
        short = self._short.get(term)
        if short is None:
            short = self._short[term] = self._shorten(term)
        return short

    def _shorten(self, term: str) -> str:
        iri = term[1:-1]
        for prefix, ns in self._by_length:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if not local or _LOCAL.fullmatch(local):
                    return f"{prefix}:{local}"
        return term

    def header(self, keyword: str = "@prefix") -> str:
        return "".join(f"{keyword} {p}: <{ns}> .\n" for p, ns in self.prefixes.items())


def sorted_once(triples: Iterable[Triple]) -> list[Triple]:
    """The triples sorted, each once; a list that already is (a build's union) is kept as is,
    which costs one pass instead of a set and a sort."""
    if isinstance(triples, list) and all(a < b for a, b in pairwise(triples)):
        return triples
    return sorted(set(triples))


Block = tuple[str, str]  # a subject's N-Triples term and what is written about it


def turtle_blocks(triples: Iterable[Triple], names: Names) -> list[Block]:
    """Sorted triples grouped by subject and predicate: a Turtle statement per subject, without
    its closing " .", in subject order."""
    blocks: list[Block] = []
    out: list[str] = []
    subject = predicate = None
    for s, p, o in sorted_once(triples):
        obj = names.term(o)
        if s != subject:
            if subject is not None:
                blocks.append((subject, "".join(out)))
                out = []
            out.append(f"{names.term(s)}\n    {_predicate(p, names)} {obj}")
            subject, predicate = s, p
        elif p != predicate:
            out.append(f" ;\n    {_predicate(p, names)} {obj}")
            predicate = p
        else:
            out.append(f",\n        {obj}")
    if subject is not None:
        blocks.append((subject, "".join(out)))
    return blocks


def statement_chunks(blocks: Iterable[tuple[str, T]], indent: str = "") -> Iterator[str | T]:
    """Turtle statements from blocks, each line indented by `indent`, in pieces to write (a
    block's text other than a string, without indent, given as it is: graph.splice)."""
    first = True
    for _, text in blocks:
        if not first:
            yield " .\n\n"
        yield indent + text.replace("\n", "\n" + indent) if indent else text  # type: ignore[attr-defined]
        first = False
    if not first:
        yield " .\n"


def _predicate(term: str, names: Names) -> str:
    return "a" if term == RDF_TYPE else names.iri(term)


def turtle(triples: Iterable[Triple], names: Names) -> bytes:
    return turtle_document(turtle_blocks(triples, names), names)


def turtle_document(blocks: Iterable[Block], names: Names) -> bytes:
    return "".join(turtle_chunks(blocks, names)).encode("utf-8")


def turtle_chunks(blocks: Iterable[tuple[str, T]], names: Names) -> Iterator[str | T]:
    """Turtle from statement blocks in subject order, in pieces to write."""
    yield names.header() + "\n"
    yield from statement_chunks(blocks)


def trig(default: Iterable[Triple], graphs: Mapping[str, Iterable[Triple]], names: Names) -> bytes:
    """The default graph, then each named graph (by IRI) in a block of its own."""
    named = ((iri, turtle_blocks(graphs[iri], names)) for iri in sorted(graphs))
    return "".join(trig_chunks(turtle_blocks(default, names), named, names)).encode("utf-8")


def trig_chunks(default: Iterable[Block], graphs: Iterable[tuple[str, Iterable[Block]]],
                names: Names) -> Iterator[str]:
    """The default graph's statements, then each named graph (IRI, blocks) in the order given,
    in pieces to write."""
    yield names.header() + "\n"
    yield from statement_chunks(default)
    for iri, blocks in graphs:
        yield f"\n{names.iri('<' + iri + '>')} {{\n"
        yield from statement_chunks(blocks, "    ")
        yield "}\n"


def nquads(default: Iterable[Triple], graphs: Mapping[str, Iterable[Triple]]) -> bytes:
    lines = [f"{s} {p} {o} .\n" for s, p, o in sorted_once(default)]
    for iri in sorted(graphs):
        lines += [f"{s} {p} {o} <{iri}> .\n" for s, p, o in sorted_once(graphs[iri])]
    return "".join(lines).encode("utf-8")


def jsonld(triples: Iterable[Triple], names: Names) -> bytes:
    """Expanded JSON-LD (full IRIs, no remote context), one node per subject, sorted."""
    return jsonld_document(jsonld_nodes(triples), names)


def jsonld_nodes(triples: Iterable[Triple]) -> list[Block]:
    """A JSON-LD node per subject, in subject order."""
    return list(jsonld_node_stream(sorted_once(triples)))


def jsonld_node_stream(triples: Iterable[Triple]) -> Iterator[Block]:
    """A JSON-LD node per subject of sorted triples, each made when its triples are read."""
    subject, node = None, {}
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                yield subject, json.dumps(node, ensure_ascii=False)
            subject, node = s, {"@id": s[1:-1] if s.startswith("<") else s}
        if p == RDF_TYPE:
            node.setdefault("@type", []).append(o[1:-1])
        else:
            node.setdefault(p[1:-1], []).append(_value(o))
    if subject is not None:
        yield subject, json.dumps(node, ensure_ascii=False)


def jsonld_document(nodes: Iterable[Block], names: Names) -> bytes:
    return "".join(jsonld_chunks(nodes, names)).encode("utf-8")


def jsonld_chunks(nodes: Iterable[tuple[str, T]], names: Names) -> Iterator[str | T]:
    """Expanded JSON-LD from nodes in subject order, the prefixes as its context, in pieces
    to write (a node's text given as it is)."""
    context = json.dumps({"@context": names.prefixes}, ensure_ascii=False)[:-1]
    yield f'{context}, "@graph": [\n'
    first = True
    for _, text in nodes:
        if not first:
            yield ",\n"
        yield text
        first = False
    yield "\n]}\n"


def _value(term: str) -> dict:
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    if term.startswith("_:"):
        return {"@id": term}
    literal = _LITERAL.match(term)
    if literal is None:
        raise ValueError(f"not an N-Triples term: {term[:80]}")
    body = literal[1]
    text = _DECODER.decode('"' + _long_escapes(body) + '"') if "\\" in body else body
    if literal[2]:
        return {"@value": text, "@language": literal[2]}
    if literal[3]:
        return {"@value": text, "@type": literal[3]}
    return {"@value": text}


def _long_escapes(body: str) -> str:
    r"""N-Triples' \UXXXXXXXX escapes as JSON surrogate pairs."""

    def pair(match: re.Match[str]) -> str:
        return json.dumps(chr(int(match[1], 16)))[1:-1]

    return re.sub(r"\\U([0-9A-Fa-f]{8})", pair, body)
