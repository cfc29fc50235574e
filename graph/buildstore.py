"""The build's Oxigraph store (out/store), which `query`, `serve` and `export` open unparsed.

Its named graphs are the transcripts' (as in graph.nq) and its default graph holds every triple
once (as graph.ttl). A clean build loads it from those two files. A rebuild that changes a few
transcripts starts from a copy of the previous build's store instead (hard links to its files,
which the store never changes) and replaces only their graphs: what is in the store is the same,
so it answers every query as a store loaded from scratch would. A file in the store's folder
records what each graph was made from, so nothing else is trusted to be unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from graph.rdf import Built

DIGESTS = "leadgraph-graphs.json"  # in the store's folder: what the store was loaded from
REUSE_AT_MOST = 0.5  # share of the transcripts that may have changed for a store to be reused


def digests(built: Built) -> dict[str, object]:
    """What the store of `built` holds: the digest of the shared triples and of each
    transcript's graph, and the Oxigraph version that wrote it."""
    import pyoxigraph as ox

    shared = hashlib.sha256(built.shared_ntriples().encode("utf-8")).hexdigest()
    return {"oxigraph": ox.__version__, "shared": shared,
            "graphs": {part.iri: part.digest for part in built.parts}}


def write_store(folder: Path, built: Built, previous: Path | None = None) -> None:
    """The store of `built` in `folder`, from the store of the previous build (`previous`) when
    that holds the same shared triples and most of the same transcripts, else loaded from the
    graph files already written in the folder's parent. Oxigraph loads without holding the GIL,
    so this runs beside the other writers."""
    made = digests(built)
    if previous is None or not _update(previous, folder, built, made):
        _load(folder)
    (folder / DIGESTS).write_text(json.dumps(made, sort_keys=True), encoding="utf-8")


def _load(folder: Path) -> None:
    """Load graph.nq (each transcript's named graph) and graph.ttl (the default graph: every
    triple), leniently: the files were just made valid."""
    import pyoxigraph as ox

    from graph.query import add_summaries

    store = ox.Store(str(folder))
    store.bulk_load(path=folder.parent / "graph.nq", format=ox.RdfFormat.N_QUADS, lenient=True)
    store.bulk_load(path=folder.parent / "graph.ttl", format=ox.RdfFormat.TURTLE, lenient=True)
    add_summaries(store)
    store.optimize()
    store.flush()


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
                 {p.iri: built.ntriples(p) for p in changed}, built.common_ntriples())
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def _replace(previous: Path, folder: Path, dropped: list[str],
             added: dict[str, Iterable[str]], common: str) -> None:
    """Copy the previous store, take out the named graphs `dropped` and their triples from the
    default graph, then put in the graphs `added` (IRI -> N-Triples, in pieces of whole lines),
    in their named graph and the default one, and the triples shared by transcripts (`common`)
    again: a triple taken out of the default graph that another transcript, or the ontology,
    also holds."""
    import pyoxigraph as ox

    from graph.query import SUMMARY_GRAPH, add_summaries

    ox.Store.read_only(str(previous)).backup(str(folder))
    store = ox.Store(str(folder))
    default = ox.DefaultGraph()
    for iri in dropped:
        graph = ox.NamedNode(iri)
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        store.remove_graph(graph)
        for t in triples:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
    for iri, ntriples in added.items():
        for chunk in ntriples:  # whole lines, a piece at a time
            data = chunk.encode("utf-8")
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri), lenient=True)
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    store.load(common.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    summary = ox.NamedNode(SUMMARY_GRAPH)
    if store.contains_named_graph(summary):
        store.remove_graph(summary)  # the counts are of the whole corpus: made again
    add_summaries(store)
    store.flush()
