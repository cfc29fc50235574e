"""The build's Oxigraph store (out/store), which `query`, `serve` and `export` open unparsed.

Its named graphs are the transcripts' (as in graph.nq) and its default graph holds every triple
once (as graph.ttl). A clean build loads those triples. A rebuild that changes a few
transcripts starts from a copy of the previous build's store instead (hard links to its files,
which the store never changes) and replaces only their graphs: what is in the store is the same,
so it answers every query as a store loaded from scratch would. A file in the store's folder
records what each graph was made from, so nothing else is trusted to be unchanged; another
keeps the summary queries' counts by group, which a rebuild updates by parts (graph/partials.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import shutil
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from graph.rdf import Built

if TYPE_CHECKING:
    import pyoxigraph as ox

DIGESTS = "leadgraph-graphs.json"  # in the store's folder: what the store was loaded from
KEPT = "leadgraph-summaries.marshal"  # and what a rebuild needs to update the summary graph
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

    from graph.query import SUMMARY_GRAPH

    store = ox.Store(str(folder))
    for piece in _quads(built, LOAD_QUADS):
        store.bulk_load(piece.encode("utf-8"), ox.RdfFormat.N_QUADS, lenient=True)
    lines, kept = _summarise(store)
    store.bulk_load(b"\n".join(sorted(lines)), ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(SUMMARY_GRAPH))
    _keep(folder, kept)
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
    also holds. The summary graph is updated by parts when the summary queries are the
    previous build's (`same_queries`) and it kept what that needs, else made again."""
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
    from graph.query import summary_queries

    kept = _kept(previous) if same_queries else None
    small = cache(lambda: (_small(old), _small(new)))  # made once for all the queries
    begun = None if kept is None else [_begin(text, kept, store, old, new, small)
                                       for text in summary_queries()]
    for iri in dropped:
        store.remove_graph(ox.NamedNode(iri))
    for t in old:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, default))
    for iri, chunks in pieces.items():
        for data in chunks:
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri), lenient=True)
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    store.load(common.encode("utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=default, lenient=True)
    if begun is None:
        kept = _refresh_summaries(store)  # the counts are of the whole corpus: made again
    else:
        kept = dict(finish(store, new - old) for finish in begun)
        _drop_if_empty(store)
    _keep(folder, kept)
    store.flush()


Kept = dict[str, object]  # by summary query's digest: its totals when summed, else its lines
Finish = Callable[["ox.Store", set["ox.Triple"]], tuple[str, object]]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _kept(previous: Path) -> Kept | None:
    """What the previous build kept of each summary query, when it kept all of them."""
    try:
        found = marshal.loads((previous / KEPT).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    from graph.query import summary_queries

    digests = {_digest(text) for text in summary_queries()}
    return found if isinstance(found, dict) and digests <= found.keys() else None


def _keep(folder: Path, kept: Kept) -> None:
    (folder / KEPT).write_bytes(marshal.dumps(kept))


def _begin(text: str, kept: Kept, store: ox.Store, old: set[ox.Triple],
           new: set[ox.Triple], small: Callable[[], tuple[ox.Store, ox.Store]]) -> Finish:
    """Start the update of one summary query's output on the previous store (`old` about to be
    taken out, `new` put in, `small()` each in a store of its own); the function returned
    finishes it on the new store, and gives the query's digest and what to keep of it."""
    from graph import partials
    from graph.inert import live  # whether triples could change the answer: graph/inert.py

    digest, query = _digest(text), partials.summed(text)
    if query is None:
        was_live = live(old - new, text, store)

        def recount(after: ox.Store, put: set[ox.Triple]) -> tuple[str, object]:
            lines: set[bytes] = kept[digest]  # type: ignore[assignment]
            if was_live or live(put, text, after):
                made = _lines(after.query(text))
                _change(after, lines - made, made - lines)
                lines = made
            return digest, lines
        return recount
    taken, put = small()
    totals: partials.Counts = dict(kept[digest])  # type: ignore[call-overload]
    groups = partials.named(query, taken) | partials.named(query, put)
    before = partials.output(query, store, partials.scoped(totals, groups))
    counted = partials.counts(query, taken), partials.counts(query, put)
    changed = partials.added(totals, *counted)
    for key in counted[0].keys() | counted[1].keys():
        totals.pop(key, None)
    totals.update(changed)

    def update(after: ox.Store, _: set[ox.Triple]) -> tuple[str, object]:
        made = partials.output(query, after, partials.scoped(totals, groups))
        _change(after, before - made, made - before)
        return digest, totals
    return update


def _small(triples: set[ox.Triple]) -> ox.Store:
    """An in-memory store of `triples`, in its default graph."""
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _lines(made: ox.QueryTriples) -> set[bytes]:
    import pyoxigraph as ox

    return set(made.serialize(format=ox.RdfFormat.N_TRIPLES).splitlines())


def _change(store: ox.Store, taken: set[bytes], put: set[bytes]) -> None:
    """Take the N-Triples lines `taken` out of the summary graph and put `put` in."""
    import pyoxigraph as ox

    from graph.query import SUMMARY_GRAPH

    graph, nt = ox.NamedNode(SUMMARY_GRAPH), ox.RdfFormat.N_TRIPLES
    for quad in ox.parse(b"\n".join(sorted(taken)), nt):
        store.remove(ox.Quad(*quad.triple, graph))
    store.load(b"\n".join(sorted(put)), nt, to_graph=graph)


def _drop_if_empty(store: ox.Store) -> None:
    """Take out the summary graph when it holds no triple, as a clean build has none then."""
    import pyoxigraph as ox

    from graph.query import SUMMARY_GRAPH

    graph = ox.NamedNode(SUMMARY_GRAPH)
    if next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None:
        store.remove_graph(graph)


def _summarise(store: ox.Store) -> tuple[set[bytes], Kept]:
    """The lines of the summary graph (what add_summaries puts in it) and what a rebuild keeps
    of each query: a summed query's totals (graph/partials.py), another's lines; nothing when
    a line holds a blank node, which no two runs name alike."""
    from graph import partials
    from graph.query import summary_queries

    lines: set[bytes] = set()
    kept: Kept = {}
    for text in summary_queries():
        query = partials.summed(text)
        if query is None:
            made = _lines(store.query(text))
            kept[_digest(text)] = made
        else:
            totals = partials.counts(query, store)
            made = partials.output(query, store, totals)
            kept[_digest(text)] = totals
        lines |= made
    return lines, ({} if any(b"_:" in line for line in lines) else kept)


def _refresh_summaries(store: ox.Store) -> Kept:
    """Make the summary graph what a clean build puts in it, taking out and adding only the
    lines that differ from the previous build's (a small change leaves most counts as they
    were, and taking a graph out triple by triple is slow); the whole graph again when either
    holds a blank node (or a literal that holds "_:")."""
    import pyoxigraph as ox

    from graph.query import SUMMARY_GRAPH

    graph, nt = ox.NamedNode(SUMMARY_GRAPH), ox.RdfFormat.N_TRIPLES
    old = set(store.dump(format=nt, from_graph=graph).splitlines())
    new, kept = _summarise(store)
    if not new or any(b"_:" in line for line in old | new):
        store.remove_graph(graph)
        store.load(b"\n".join(sorted(new)), nt, to_graph=graph)
        return kept
    _change(store, old - new, new - old)
    return kept
