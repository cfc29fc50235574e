"""Read a saved RDF file with rdflib without reaching anything outside it.

rdflib's JSON-LD parser fetches a context given by reference: a URL over the network, a
file:// URL or a path beside the file (rdflib's own "Security Considerations"). Every command
that reads a graph file (query, serve, push, validate, export) reads JSON-LD through here, which
refuses such a context before rdflib sees the document; inline contexts are read as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from rdflib import Graph

G = TypeVar("G", bound=Graph)


class RdfFileError(ValueError):
    """A file that is not valid JSON, or would need something fetched to be read."""


def remote_contexts(node: object) -> Iterator[str]:
    """Every JSON-LD context or import given by reference (a URL or a relative path), at any
    depth (a term definition may carry its own context)."""
    if isinstance(node, list):
        for item in node:
            yield from remote_contexts(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                yield from (v for v in (value if isinstance(value, list) else [value])
                            if isinstance(v, str))
            yield from remote_contexts(value)


def read_jsonld(path: Path) -> tuple[str, object]:
    """The text and the parsed JSON of a JSON-LD file whose contexts are all inline."""
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise RdfFileError(f"{path}: invalid JSON at line {err.lineno}, column {err.colno}") \
            from None
    remote = next(remote_contexts(document), None)
    if remote is not None:
        raise RdfFileError(f"{path}: remote JSON-LD @context is not fetched ({remote!r}); "
                            "inline the context in the file")
    return text, document


def parse_into(graph: G, path: Path, fmt: str | None = None) -> G:
    """Parse the file into `graph` (format from the suffix unless given); JSON-LD only with
    inline contexts. rdflib's own errors pass through."""
    from rdflib.util import guess_format

    fmt = fmt or guess_format(str(path)) or "turtle"
    if fmt == "json-ld":
        text, _ = read_jsonld(path)
        return graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    return graph.parse(path, format=fmt)
