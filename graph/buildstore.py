"""The build's Oxigraph store (out/store), which `query`, `serve` and `export` open unparsed.

Its named graphs are the transcripts' (as in graph.nq) and its default graph holds every triple
once (as graph.ttl). A clean build loads those triples. A rebuild that changes a few
transcripts starts from a copy of the previous build's store instead (hard links to its files,
which the store never changes) and replaces only their graphs: what is in the store is the same,
so it answers every query as a store loaded from scratch would. A file in the store's folder
records what each graph was made from, so nothing else is trusted to be unchanged.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from graph.rdf import Built

if TYPE_CHECKING:
    import pyoxigraph as ox

DIGESTS = "leadgraph-graphs.json"  # in the store's folder: what the store was loaded from
REUSE_AT_MOST = 0.5  # share of the transcripts that may have changed for a store to be reused


def digests(built: Built) -> dict[str, object]:
    """What the store of `built` holds: the digest of the shared triples and of each
    transcript's graph, and the Oxigraph version that wrote it."""
    import pyoxigraph as ox

    from graph.query import summary_queries

    shared = hashlib.sha256(built.shared_ntriples().encode("utf-8")).hexdigest()
    queries = hashlib.sha256("\0".join(summary_queries()).encode("utf-8")).hexdigest()
    return {"oxigraph": ox.__version__, "shared": shared, "summaries": queries,
            "graphs": {part.iri: part.digest for part in built.parts}}


def write_store(folder: Path, built: Built, previous: Path | None = None) -> None:
    """The store of `built` in `folder`, from the store of the previous build (`previous`) when
    that holds the same shared triples and most of the same transcripts, else loaded from the
    build's triples. Oxigraph loads without holding the GIL, so this runs beside the other
    writers."""
    made = digests(built)
    if previous is None or not _update(previous, folder, built, made):
        _load(folder, built)
    (folder / DIGESTS).write_text(json.dumps(made, sort_keys=True), encoding="utf-8")


LOAD_QUADS = 250_000  # quads given to Oxigraph's bulk loader at a time (see _load)


def _load(folder: Path, built: Built) -> None:
    """Load each transcript's triples into its named graph and every triple into the default
    graph (what graph.nq and graph.ttl hold), leniently (they were made valid), a few hundred
    thousand quads at a time: Oxigraph's bulk loader holds a batch of up to a million quads
    per thread, 1.3 GB at 1,000 interviews when given a whole file, about 0.3 GB this way."""
    import pyoxigraph as ox

    from graph.query import add_summaries

    store = ox.Store(str(folder))
    for piece in _quads(built, LOAD_QUADS):
        store.bulk_load(piece.encode("utf-8"), ox.RdfFormat.N_QUADS, lenient=True)
    add_summaries(store)
    store.optimize()
    store.flush()


def _quads(built: Built, size: int) -> Iterator[str]:
    """The build's quads as N-Quads, in pieces of whole lines, about `size` lines each: the
    shared triples in the default graph, and each transcript's triples both in the default
    graph and in its named graph (a triple in several transcripts is in the default graph
    once: the store holds a set)."""
    def texts() -> Iterator[str]:
        yield built.shared_ntriples()
        for part in built.parts:
            for chunk in built.ntriples(part):  # whole lines
                yield chunk
                yield chunk.replace(" .\n", f" <{part.iri}> .\n")

    piece: list[str] = []
    lines = 0
    for text in texts():
        piece.append(text)
        lines += text.count("\n")
        if lines >= size:
            yield "".join(piece)
            piece, lines = [], 0
    if piece:
        yield "".join(piece)


def _recorded(previous: Path) -> dict[str, object] | None:
    try:
        found = json.loads((previous / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and isinstance(found.get("graphs"), dict) else None


def _update(previous: Path, folder: Path, built: Built, made: dict[str, object]) -> bool:
    """Make the store in `folder` from a copy of `previous`, replacing the graphs of the
    transcripts that changed, were added or were removed; False (nothing made) when the
    previous store cannot be used or too much changed."""
    old = _recorded(previous)
    if old is None or any(old.get(key) != made[key] for key in ("oxigraph", "shared")):
        return False
    graphs: dict[str, str] = made["graphs"]  # type: ignore[assignment]
    changed = [p for p in built.parts if old["graphs"].get(p.iri) != p.digest]
    removed = [iri for iri in old["graphs"] if iri not in graphs]
    if len(changed) + len(removed) > REUSE_AT_MOST * len(graphs):
        return False
    try:
        _replace(previous, folder, [*removed, *(p.iri for p in changed)],
                 {p.iri: built.ntriples(p) for p in changed}, built.common_ntriples(),
                 old.get("summaries") == made["summaries"])
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def _replace(previous: Path, folder: Path, dropped: list[str],
             added: dict[str, Iterable[str]], common: str, same_queries: bool = False) -> None:
    """Copy the previous store, take out the named graphs `dropped` and their triples from the
    default graph, then put in the graphs `added` (IRI -> N-Triples, in pieces of whole lines),
    in their named graph and the default one, and the triples shared by transcripts (`common`)
    again: a triple taken out of the default graph that another transcript, or the ontology,
    also holds. The summary graph is made again unless the summary queries are the previous
    build's (`same_queries`) and no triple taken out or put in can change their answers."""
    import pyoxigraph as ox

    ox.Store.read_only(str(previous)).backup(str(folder))
    store = ox.Store(str(folder))
    default = ox.DefaultGraph()
    old: set[ox.Triple] = set()
    for iri in dropped:
        graph = ox.NamedNode(iri)
        old.update(q.triple for q in store.quads_for_pattern(None, None, None, graph))
    new: set[ox.Triple] = set()
    pieces = {iri: [chunk.encode("utf-8") for chunk in ntriples] for iri, ntriples in added.items()}
    for data in itertools.chain.from_iterable(pieces.values()):  # whole lines, a piece at a time
        new.update(q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES, lenient=True))
    live = not same_queries or _live(old - new, store)
    for iri in dropped:
        store.remove_graph(ox.NamedNode(iri))
    for t in old:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
    for iri, chunks in pieces.items():
        for data in chunks:
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri), lenient=True)
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    store.load(common.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    if live or _live(new - old, store):
        _refresh_summaries(store)  # the counts are of the whole corpus: made again
    store.flush()


def _live(triples: set[ox.Triple], store: ox.Store) -> bool:
    """Whether any of `triples` could change a summary query's answer on `store` as it is (with
    them in it when they were taken out, or after they were put in): see graph/inert.py."""
    from graph.inert import live
    from graph.query import summary_queries

    return any(live(triples, query, store) for query in summary_queries())


def _refresh_summaries(store: ox.Store) -> None:
    """Make the summary graph what add_summaries would put in it now, taking out and adding
    only the triples that differ from the previous build's, compared as N-Triples lines (a
    small change leaves most counts as they were, and taking a graph out triple by triple is
    slow); the whole graph again when either holds a blank node, which no two queries name
    alike."""
    import pyoxigraph as ox

    from graph.query import SUMMARY_GRAPH, add_summaries, summaries

    graph, nt = ox.NamedNode(SUMMARY_GRAPH), ox.RdfFormat.N_TRIPLES
    old = set(store.dump(format=nt, from_graph=graph).splitlines())
    new = {line for made in summaries(store) for line in made.serialize(format=nt).splitlines()}
    if not new or any(b"_:" in line for line in old | new):  # (or a literal that holds "_:")
        store.remove_graph(graph)
        add_summaries(store)
        return
    for quad in ox.parse(b"\n".join(sorted(old - new)), nt):
        store.remove(ox.Quad(*quad.triple, graph))
    store.load(b"\n".join(sorted(new - old)), nt, to_graph=graph)
