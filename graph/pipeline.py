"""The whole pipeline, from transcript files to output files: ingest -> extract -> rdf -> write.

Reading and writing happen here and in the CLI only; the stages in between are pure functions.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from graph import __version__
from graph.cache import Cache, Result
from graph.codebook import Codebook, load_codebook
from graph.export import write_views
from graph.extract import Engine, build_engine, extract
from graph.model import Extraction
from graph.ontology_files import ontology_file
from graph.rdf import Built, assemble, document_iri, document_ntriples, shared_graph
from graph.readers import find_transcripts, read_file, slug
from graph.rules import RuleSet, load_rules
from graph.validate import validate

VALIDATE_AT_MOST = 20  # transcripts extracted in a build whose graphs are checked (shapes)


class BuildError(Exception):
    """A build that cannot finish; out/ is left as it was."""


def load_ontology() -> Graph:
    graph = Graph()
    graph.parse(ontology_file("leadgraph.ttl"), format="turtle")
    return graph


def load_shapes() -> Graph:
    graph = Graph()
    graph.parse(ontology_file("shapes.ttl"), format="turtle")
    return graph


def load_knowledge(
    codebooks: Iterable[Path] = (), rules: Iterable[Path] = ()
) -> tuple[Codebook, RuleSet]:
    """The default codebook and rules, extended by the user's files."""
    codebook = load_codebook(
        [ontology_file("codebook.ttl"), *codebooks], [ontology_file("entities.ttl")]
    )
    return codebook, load_rules([ontology_file("rules.yaml"), *rules])


@dataclass(frozen=True)
class Summary:
    transcripts: int
    turns: int
    speakers: int
    concepts: int
    claims: int
    negated: int
    triples: int
    validated: int  # transcripts whose graph was checked against the shapes
    seconds: float

    def _checked(self) -> str:
        if not self.validated:
            return "not validated"
        if self.validated == self.transcripts:
            return "valid"
        return f"valid (shapes checked on {self.validated} of {self.transcripts} transcripts)"

    def line(self) -> str:
        return (
            f"{self.transcripts} transcript{'s' if self.transcripts != 1 else ''}, "
            f"{self.turns} turns, {self.speakers} speakers, {self.concepts} concepts, "
            f"{self.claims} claims ({self.negated} negated), {self.triples} triples, "
            f"{self._checked()} in {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class Options:
    """How to extract: knowledge files, transcript format, workers and cache."""

    codebooks: tuple[Path, ...] = ()
    rules: tuple[Path, ...] = ()
    fmt: str | None = None
    jobs: int = 1
    cache: Path | None = None  # folder of cached extractions; None turns caching off
    people: tuple[tuple[str, str], ...] = ()  # speaker name -> one person across interviews

    def knowledge_files(self) -> list[Path]:
        names = ("codebook.ttl", "entities.ttl", "rules.yaml")
        return [*(ontology_file(n) for n in names), *self.codebooks, *self.rules]


def parse_people(pairs: Iterable[str], files: Iterable[Path] = ()) -> tuple[tuple[str, str], ...]:
    """'A=B' pairs (from the command line or a people file, one per line, '#' comments):
    speakers named A or B are one person, named B."""
    lines = [*pairs]
    for path in files:
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise BuildError(f"{path}: cannot read people file ({err})") from None
    people: dict[str, str] = {}
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        alias, sep, name = (part.strip() for part in text.partition("="))
        if not sep or not alias or not name:
            raise BuildError(f"--same-person expects 'NAME=NAME', got {line.strip()!r}")
        people[alias] = name
        people[name] = name
    return tuple(sorted(people.items()))


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "leadgraph"


def document_ids(paths: list[Path]) -> dict[Path, str]:
    """A unique, readable id per file: its name, with as many parent folders as it takes to
    tell apart files of the same name (ward/notes.txt -> ward-notes)."""
    by_stem: dict[str, list[Path]] = {}
    for path in paths:
        by_stem.setdefault(slug(path.stem), []).append(path)
    ids: dict[Path, str] = {}
    for stem, group in by_stem.items():
        if len(group) == 1:
            ids[group[0]] = stem
            continue
        for depth in range(1, max(len(p.resolve().parts) for p in group) + 1):
            names = {
                p: slug("-".join([*p.resolve().parts[-depth - 1 : -1], p.stem])) for p in group
            }
            if len(set(names.values())) == len(group):
                ids.update(names)
                break
    return ids


Job = tuple[Path, str, str | None, bool]  # file, document id, format, check against the shapes


@dataclass
class _Worker:
    """What an extracting process holds: the engine, and the shapes with the shared graph to
    check a transcript's graph against (loaded on the first check)."""

    engine: Engine
    people: dict[str, str]
    rdf: bool
    codebook: Codebook | None = None
    checker: tuple[Graph, Graph] | None = None  # shared graph, shapes

    def check(self, data: bytes) -> None:
        if self.checker is None:
            assert self.codebook is not None
            self.checker = (shared_graph(self.codebook, load_ontology()), load_shapes())
        shared, shapes = self.checker
        graph = Graph() + shared
        graph.parse(data=data, format="nt")
        conforms, report = validate(graph, shapes)
        if not conforms:
            raise BuildError("the built graph does not conform to the shapes:\n" + report)


_worker: _Worker | None = None


def _start_worker(options: Options, rdf: bool) -> None:
    global _worker
    codebook, ruleset = load_knowledge(options.codebooks, options.rules)
    _worker = _Worker(build_engine(codebook, ruleset), dict(options.people), rdf, codebook)


def _extract_one(job: Job) -> Result:
    path, doc_id, fmt, check = job
    assert _worker is not None
    extraction = extract(read_file(path, fmt, doc_id), _worker.engine)
    if not _worker.rdf:
        return extraction, None
    data = document_ntriples(extraction, _worker.people)
    if check:
        _worker.check(data)
    return extraction, data


def sample(count: int, most: int = VALIDATE_AT_MOST) -> set[int]:
    """At most `most` evenly spaced indexes of `count` items."""
    step = max(1, -(-count // most))
    return set(range(0, count, step))


def knowledge_digest(options: Options) -> str:
    """What an extraction depends on besides the transcript: version, options, knowledge files
    and the extractor's own code (a changed extractor is new knowledge)."""
    digest = hashlib.sha256(f"{__version__}|{options.fmt}|{options.people}".encode())
    code = sorted(Path(__file__).parent.rglob("*.py"))
    for path in [*options.knowledge_files(), *code]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_extraction(
    paths: list[Path],
    options: Options,
    engine_factory: Callable[[], Engine],
    progress: Callable[[list[Path]], Iterable[Path]] = iter,
) -> tuple[list[Extraction], int]:
    """Extract every file (from the cache when unchanged); returns extractions and cache hits."""
    results, hits = _run(paths, options, engine_factory, progress, rdf=False)
    return [extraction for extraction, _ in results], hits


def _run(
    paths: list[Path],
    options: Options,
    engine_factory: Callable[[], Engine],
    progress: Callable[[list[Path]], Iterable[Path]],
    rdf: bool,
    codebook: Codebook | None = None,
) -> tuple[list[Result], int]:
    """Extract (and with `rdf`, serialise) every file, in parallel when asked. With a
    `codebook`, the graphs of a sample of the files extracted are checked against the shapes
    where they are made (a cached file was checked when it was extracted, if sampled)."""
    ids = document_ids(paths)
    cache = Cache(options.cache, knowledge_digest(options))
    done: dict[Path, Result] = {}
    for path in paths:
        hit = cache.get(path, ids[path])
        if hit is not None and (hit[1] is not None or not rdf):
            done[path] = hit
    todo = [p for p in paths if p not in done]
    checked = sample(len(todo)) if codebook is not None else set()
    jobs = [(p, ids[p], options.fmt, i in checked) for i, p in enumerate(todo)]
    if options.jobs > 1 and len(todo) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(options.jobs, context, _start_worker, (options, rdf)) as pool:
            chunk = max(1, len(jobs) // (8 * options.jobs))
            results = pool.map(_extract_one, jobs, chunksize=chunk)
            for path, result in zip(progress(todo), results, strict=True):
                done[path] = result
    elif todo:
        global _worker
        _worker = _Worker(engine_factory(), dict(options.people), rdf, codebook)
        for path, job in zip(progress(todo), jobs, strict=True):
            done[path] = _extract_one(job)
    for path in todo:
        cache.put(path, ids[path], done[path])
    return [done[p] for p in paths], len(paths) - len(todo)


STORE = "store"  # the Oxigraph store a build writes beside its graph files


def write_outputs(built: Built, out: Path) -> None:
    """Write every output into a temporary folder, then move them into `out`; the store goes
    last, so it is never older than the graph files beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        quads = b""
        for name, data in built.files():
            (staging / name).write_bytes(data)
            quads = data if name == "graph.nq" else quads
        store = write_store(built, quads, staging / STORE)
        write_views(_rdflib_view(store, built.prefixes), staging)
        del store  # closes the store's files before it moves
        out.mkdir(exist_ok=True)
        if (out / STORE).is_dir():  # a folder cannot replace a folder that has files
            os.replace(out / STORE, staging / f"old-{STORE}")
        for item in sorted(staging.iterdir()):
            if item.name != f"old-{STORE}":
                os.replace(item, out / item.name)
        os.utime(out / STORE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_store(built: Built, quads: bytes, folder: Path):
    """An Oxigraph store of the build, for `query`, `serve` and `export` to open without
    parsing: each transcript's named graph, and their merge with the shared triples as the
    default graph (as a graph file is loaded). Its files are not byte-stable, unlike the rest."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(quads, ox.RdfFormat.N_QUADS)
    union = "".join(f"{s} {p} {o} .\n" for s, p, o in built.union).encode("utf-8")
    store.bulk_load(union, ox.RdfFormat.N_TRIPLES)
    store.optimize()
    return store


def _rdflib_view(store, prefixes: dict[str, str]) -> Graph:
    """The store's default graph (every triple once) as an rdflib Graph, for the views."""
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID,
                  bind_namespaces="none")
    for prefix, ns in prefixes.items():
        graph.bind(prefix, ns)
    return graph


def build(
    inputs: list[Path],
    out: Path,
    options: Options | None = None,
    check: bool = True,
    progress: Callable[[list[Path]], Iterable[Path]] = iter,
) -> tuple[Summary, list[Extraction]]:
    """Read, extract, make the graph, validate and write it with every view into `out`."""
    options = options or Options()
    started = time.perf_counter()
    paths = find_transcripts(inputs)
    codebook, ruleset = load_knowledge(options.codebooks, options.rules)
    results, hits = _run(paths, options, lambda: build_engine(codebook, ruleset), progress,
                         rdf=True, codebook=codebook if check else None)
    extractions = [extraction for extraction, _ in results]
    parts = {str(document_iri(x.document)): data or b"" for x, data in results}
    del results
    shared = shared_graph(codebook, load_ontology())
    checked = len(sample(len(paths) - hits)) if check and len(paths) > hits else 0
    built = assemble(shared, parts)
    del parts
    write_outputs(built, out)
    summary = Summary(
        transcripts=len(extractions),
        turns=sum(len(x.document.turns) for x in extractions),
        speakers=sum(len(x.document.speakers) for x in extractions),
        concepts=len({m.concept for x in extractions for m in x.mentions}),
        claims=sum(len(x.claims) for x in extractions),
        negated=sum(c.negated for x in extractions for c in x.claims),
        triples=len(built.union),
        validated=checked,
        seconds=time.perf_counter() - started,
    )
    return summary, extractions
