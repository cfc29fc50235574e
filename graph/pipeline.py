"""The whole pipeline, from transcript files to output files: ingest -> extract -> rdf -> write.

Reading and writing happen here and in the CLI only; the stages in between are pure functions.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import marshal
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from rdflib import Graph

from graph import __version__, layouts, nlp
from graph import elements as kept_elements
from graph.buildstore import write_store
from graph.cache import Cache, CacheEntryError, decode, encode
from graph.codebook import Codebook, load_codebook
from graph.export import KEYED, WRITERS, views_seal
from graph.extract import Engine, build_engine, extract
from graph.lexicon import load_lexicon
from graph.memo import Memo, memo_folder
from graph.model import Document, Extraction
from graph.network import ConceptNetwork
from graph.rdf import (
    Built,
    Part,
    Pieces,
    Region,
    Spool,
    assemble,
    build_names,
    pieces,
    shared_graph,
)
from graph.readers import ReadError, read_file, scan_transcripts, slug
from graph.records import Share, network_of, share_digest, share_of
from graph.rules import RuleSet, load_rules
from graph.sandbox import die_with_parent
from graph.splice import FileIndex, Segment, read_index, write_index, write_spliced
from graph.validate import Spooled, check_pieces, warm_up

VALIDATE_AT_MOST = 20  # transcripts whose graphs a build checks against the shapes


class BuildError(Exception):
    """A build that cannot finish; out/ is left as it was."""


def ontology_file(name: str) -> Path:
    """A file of the ontology folder: ontology/ in a source checkout, else the installed copy."""
    source = Path(__file__).resolve().parent.parent / "ontology" / name
    if source.exists():
        return source
    return Path(str(files("graph.ontology").joinpath(name)))


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


def make_engine(codebook: Codebook, ruleset: RuleSet, pipeline: str | None = None) -> Engine:
    """The extraction engine: codebook, token rules, cue lexicon and the English parser."""
    lexicon = load_lexicon(ontology_file("cues.yaml"), ontology_file("syntax.yaml"))
    return build_engine(codebook, ruleset, lexicon=lexicon, parser=nlp.load(pipeline))


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
    skipped: tuple[str, ...] = ()  # with keep_going: a line per file that could not be read
    warnings: tuple[str, ...] = ()  # what the readers noticed in the transcripts

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
    pipeline: str | None = None  # the English parsing pipeline (graph.nlp); None: the default

    def knowledge_files(self) -> list[Path]:
        names = ("codebook.ttl", "entities.ttl", "rules.yaml", "cues.yaml", "syntax.yaml")
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
    """A unique, readable id per file, the same whatever order the files come in: its name,
    with as many parent folders as it takes to tell apart files of the same name
    (ward/notes.txt -> ward-notes), else with its suffix (notes.txt -> notes-txt), else
    numbered in order of the paths (interview-1, interview-1-2)."""
    by_stem: dict[str, list[Path]] = {}
    for path in sorted(set(paths), key=str):
        by_stem.setdefault(slug(path.stem), []).append(path)
    wanted: dict[Path, str] = {}
    for stem, group in by_stem.items():
        wanted.update({group[0]: stem} if len(group) == 1 else _tell_apart(group))
    ids: dict[Path, str] = {}
    taken: set[str] = set()
    for path in sorted(wanted, key=lambda p: (wanted[p], str(p))):
        name, number = wanted[path], 2
        while name in taken:
            name, number = f"{wanted[path]}-{number}", number + 1
        ids[path] = name
        taken.add(name)
    return ids


def _tell_apart(group: list[Path]) -> dict[Path, str]:
    """Ids for files whose names make the same slug: with parent folders, else suffixes."""
    for depth in range(1, max(len(p.resolve().parts) for p in group) + 1):
        names = {p: slug("-".join([*p.resolve().parts[-depth - 1 : -1], p.stem])) for p in group}
        if len(set(names.values())) == len(group):
            return names
    names = {p: slug(p.name) for p in group}
    if len(set(names.values())) == len(group):
        return names
    return {p: slug(p.stem) for p in group}  # numbered by document_ids


@dataclass(frozen=True)
class Facts:
    """What a transcript adds to the build's summary: its counts."""

    turns: int
    speakers: int
    concepts: tuple[str, ...]
    claims: int
    negated: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Outputs:
    """A transcript's finished share of a build, cached with its extraction: its pieces of
    the graph files, its records for the views and its facts."""

    pieces: Pieces
    share: Share
    facts: Facts


def outputs(extraction: Extraction, people: Mapping[str, str]) -> Outputs:
    doc = extraction.document
    return Outputs(pieces(extraction, people), share_of(extraction, people), Facts(
        turns=len(doc.turns), speakers=len(doc.speakers),
        concepts=tuple(sorted({m.concept for m in extraction.mentions})),
        claims=len(extraction.claims), negated=sum(c.negated for c in extraction.claims),
        warnings=doc.warnings,
    ))


@dataclass(frozen=True)
class Held:
    """What the main process holds of a transcript's outputs until it writes: its pieces of the
    graph files spooled to disk (`Part`), its records for the views spooled too (marshal of
    plain data, read back only when the views are made), their digest, and its facts."""

    part: Part
    records: Region
    views: str
    facts: Facts


def hold(result: Outputs, spool: Spool) -> Held:
    """Spool a transcript's pieces of the graph files and its records; what is kept of its
    outputs."""
    plain = encode(result.share, {})  # encoded once: spooled, and digested
    return Held(spool.add(result.pieces), spool.put(marshal.dumps(plain)), share_digest(plain),
                result.facts)


def records(held: Held, spool: Spool) -> Share:
    """A transcript's records for the views, read back from the spool."""
    try:
        return decode(Share, marshal.loads(spool.read_bytes(held.records)),  # type: ignore[return-value]
                      shared=True)
    except (CacheEntryError, ValueError, EOFError, TypeError) as err:
        raise BuildError(f"the spool of the build is damaged ({err}); build again") from None


Result = tuple[Extraction | None, Outputs | None]  # either may be left out when not needed
Kept = tuple[Extraction | None, Outputs | Held | None]  # a Result as `_run` keeps it
ENTRY = {"extraction": Extraction, "outputs": Outputs | None}
_worker: tuple[Engine, dict[str, str], bool, Cache] | None = None


def _start_worker(options: Options, rdf: bool) -> None:
    global _worker
    engine = make_engine(*load_knowledge(options.codebooks, options.rules), options.pipeline)
    _worker = (engine, dict(options.people), rdf, Cache(options.cache, knowledge_digest(options)))
    gc.freeze()  # the engine lives as long as the worker: out of its full garbage collections


def _read_one(job: tuple[Path, str, str | None]) -> Document | ReadError:
    """The file's document, or the error that stopped it being read (reported with the other
    files' errors once every file is read)."""
    path, doc_id, fmt = job
    try:
        return read_file(path, fmt, doc_id)
    except ReadError as err:
        return err


def _extract_one(job: tuple[Path, Document]) -> Result:
    """The document's extraction, stored in the cache with its outputs when building; returns
    the outputs when building (the extraction then stays here), else the extraction."""
    assert _worker is not None
    engine, people, rdf, cache = _worker
    path, document = job
    extraction = extract(document, engine)
    made = outputs(extraction, people) if rdf else None
    cache.put(path, document.id, {"extraction": extraction, "outputs": made})
    return (None, made) if rdf else (extraction, None)


def knowledge_digest(options: Options) -> str:
    """What an extraction depends on besides the transcript: version, options, the parsing
    pipeline, knowledge files and the extractor's own code (changed code is new knowledge)."""
    digest = hashlib.sha256(
        f"{__version__}|{options.fmt}|{options.people}|{nlp.pipeline_name(options.pipeline)}"
        .encode()
    )
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
    with ExitStack() as stack:
        results, hits, _ = _run(paths, options, engine_factory, progress, False, stack,
                                keep_going=False)
    failed = [str(r) for r in results if isinstance(r, ReadError)]
    if failed:
        raise ReadError("\n".join(failed))
    return [extraction for extraction, _ in results], hits  # type: ignore[misc]


def _run(
    paths: list[Path],
    options: Options,
    engine_factory: Callable[[], Engine],
    progress: Callable[[list[Path]], Iterable[Path]],
    rdf: bool,
    stack: ExitStack,
    keep_going: bool = True,
    others_failed: bool = False,
    keep: Callable[[Result], Kept] = lambda result: result,
    known: Mapping[Path, Kept] = MappingProxyType({}),
) -> tuple[list[Kept | ReadError], int, ProcessPoolExecutor | None]:
    """Extract every file, in parallel when asked, or take it from the cache; with `rdf`, its
    outputs (and only those), else its extraction; each result as `keep` makes it when it
    arrives (so a build need not hold every transcript's outputs at once). A file that
    cannot be read gives its ReadError. Every file not in the cache is read before the engine
    is made: without `keep_going`, when a file cannot be read (or `others_failed`: entries
    found beside them), only the ReadErrors are returned, before the parser is loaded. The
    pool of workers, if one was started, is returned for more work and shut down with
    `stack`. The files in `known` are taken as they are there."""
    ids = document_ids(paths)
    cache = Cache(options.cache, knowledge_digest(options))
    done: dict[Path, Kept | ReadError] = dict(known)
    wanted = {"outputs": ENTRY["outputs"]} if rdf else {"extraction": Extraction}
    for path in (p for p in paths if p not in known):
        hit = cache.get(path, ids[path], wanted)
        if hit is not None and (hit.get("outputs") is not None or not rdf):
            done[path] = keep((hit.get("extraction"), hit.get("outputs")))  # type: ignore[arg-type]
    read = {p: _read_one((p, ids[p], options.fmt)) for p in paths if p not in done}
    hits = len(paths) - len(read)
    failed = [r for r in read.values() if isinstance(r, ReadError)]
    if (failed or others_failed) and not keep_going:
        return failed, 0, None  # type: ignore[return-value]
    todo = {p: d for p, d in read.items() if not isinstance(d, ReadError)}
    done.update((p, r) for p, r in read.items() if isinstance(r, ReadError))
    del read
    pool = None
    if options.jobs > 1 and len(todo) > 1:
        context = multiprocessing.get_context("spawn")
        pool = stack.enter_context(
            ProcessPoolExecutor(options.jobs, context, _start_worker, (options, rdf)))
        chunk = max(1, len(todo) // (8 * options.jobs))
        results = pool.map(_extract_one, todo.items(), chunksize=chunk)
        for path, result in zip(progress(list(todo)), results, strict=True):
            done[path] = keep(result)
            del todo[path]  # the document is no longer needed here
    elif todo:
        global _worker
        _worker = (engine_factory(), dict(options.people), rdf, cache)
        for path in progress(list(todo)):
            done[path] = keep(_extract_one((path, todo.pop(path))))
    return [done[p] for p in paths], hits, pool


def check_graph(built: Built, checked: Path | None = None, seal: str = "",
                pool: ProcessPoolExecutor | None = None) -> Callable[[], int]:
    """Start validating the graph of every transcript (at most VALIDATE_AT_MOST of them, evenly
    sampled, with the shared ontology and codebook), a bounded piece at a time, in `pool` when
    given; returns a function that waits for the verdict, raises BuildError if the graph
    breaks the shapes, and returns how many transcripts were checked.

    With a `checked` folder, a transcript whose triples were found valid before (with the
    same shapes and knowledge, `seal`) is not checked again."""
    step = max(1, -(-len(built.parts) // VALIDATE_AT_MOST))
    sample = built.parts[::step]
    verdicts = [(part, _verdict(checked, seal, built.ntriples(part))) for part in sample]
    todo = [(part, v) for part, v in verdicts if v is None or not v.exists()]
    documents = [Spooled(part.iri, part.shared, part.ntriples) for part, _ in todo]
    path = built.spool.path()
    if pool is not None and todo and Path(path).exists():
        future = pool.submit(check_spooled, built.shared_ntriples(), path, documents)
    else:
        future = None

    def verdict() -> int:
        if not todo:
            return len(sample)
        conforms, report = (future.result() if future is not None else
                            check_spooled(built.shared_ntriples(), path, documents))
        if not conforms:
            raise BuildError("the built graph does not conform to the shapes:\n" + report)
        for _, path_ in todo:
            if path_ is not None:
                path_.parent.mkdir(parents=True, exist_ok=True)
                path_.touch()
        return len(sample)

    return verdict


def check_spooled(shared: str, path: str, documents: list[Spooled]) -> tuple[bool, str]:
    """Validate the shared triples (N-Triples) with each transcript's, spooled at `path`,
    against the shapes, a bounded piece at a time."""
    return check_pieces(shared, path, documents, load_shapes())


def _verdict(checked: Path | None, seal: str, ntriples: Iterable[str]) -> Path | None:
    """Where the cache records that a transcript's triples (`ntriples`, in pieces) are
    valid."""
    if checked is None:
        return None
    digest = hashlib.sha256(seal.encode("utf-8"))
    for chunk in ntriples:
        digest.update(chunk.encode("utf-8"))
    return checked / digest.hexdigest()


def files_seal(options: Options) -> str:
    """What a transcript's segment of graph.nq and graph.trig depends on besides its triples."""
    digest = hashlib.sha256(knowledge_digest(options).encode())
    digest.update(build_names().header().encode("utf-8"))
    return digest.hexdigest()


def shapes_seal(options: Options) -> str:
    """What a transcript's validity depends on besides its triples."""
    digest = hashlib.sha256(knowledge_digest(options).encode())
    for name in ("leadgraph.ttl", "shapes.ttl"):
        digest.update(ontology_file(name).read_bytes())
    return digest.hexdigest()


MARKER = ".leadgraph"  # in every output folder: a later build may replace the folder
MARKER_TEXT = b"Written by leadgraph build. The next build replaces this folder as a whole.\n"


def check_out(out: Path) -> Path:
    """The output folder, its links resolved; refuses a place a build must not replace."""
    target = out.resolve()
    special = {Path(target.anchor): "the root folder", Path.cwd().resolve(): "the current folder"}
    with suppress(RuntimeError):  # no home folder known
        special[Path.home().resolve()] = "the home folder"
    if target in special:
        raise BuildError(f"--out {out}: refusing to replace {special[target]}; name a new folder")
    if target.exists() and not target.is_dir():
        raise BuildError(f"--out {out}: is a file, not a folder")
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise BuildError(
            f"--out {out}: folder is not empty and is not a leadgraph output (no {MARKER} file);"
            " name a new or empty folder"
        )
    return target


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Hold the lock beside `out` (one build at a time writes it) and clear what a killed
    build left behind: its staging folder, or a previous output it had moved aside."""
    import fcntl

    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "ab") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing {out}") from None
        left = re.compile(rf"\.{re.escape(out.name)}\.(new|old)-[a-z0-9_]{{8}}")
        for stale in sorted(out.parent.iterdir(), key=lambda p: p.name, reverse=True):
            kind = left.fullmatch(stale.name)
            if kind and kind.group(1) == "old" and not out.exists():
                os.rename(stale, out)
            elif kind:
                shutil.rmtree(stale, ignore_errors=True)
        yield


STORE = "store"  # the build's Oxigraph store, a folder in out/


def write_outputs(built: Built, network: Callable[[], ConceptNetwork], out: Path,
                  ready: Callable[[], int] = lambda: 0, seal: str = "", views: str = "") -> int:
    """Write every output into a staging folder beside `out` (the views of the concept
    network that `network()` makes, while the store loads), then, once `ready()` returns
    (it may raise, to stop the build), swap it with `out` in one step, so `out` always holds
    a whole build, the old or the new one; returns what `ready` did. Call within writing().
    With a `seal` (see files_seal), the graph files copy the segments of the transcripts that
    did not change from the previous build's files (graph.splice), and each view is copied
    from the previous build's when it was made from the same records (`views`, a digest of
    them and of all else the views depend on): the network is then not made at all; when it
    is, the edges the Gephi files and edges.csv held already are taken from there
    (graph.elements)."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        previous = out / STORE if (out / STORE).is_dir() else None  # to start from
        known = read_index(previous, seal) if previous and seal else {}
        with ThreadPoolExecutor(2) as pool, _uncollected():
            stored = pool.submit(write_store, staging / STORE, built, previous)
            spliced = pool.submit(_write_files, built.files(), staging, out, known)
            index, elements = _write_views(cache(network), staging, out, known, (seal, views),
                                           kept_elements.read_index(previous)
                                           if previous and seal and views else {})
            index.update(spliced.result())
            stored.result()
        if seal:
            write_index(staging / STORE, seal, index)
        if seal and views:
            kept_elements.write_index(staging / STORE, elements)
        answer = ready()
        os.utime(staging / STORE)  # newer than the graph files: query opens it instead
        (staging / MARKER).write_bytes(MARKER_TEXT)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # now the previous output, if any
    return answer


def _write_views(network: Callable[[], ConceptNetwork], staging: Path, out: Path,
                 known: dict[str, FileIndex], sealed: tuple[str, str],
                 elements: dict[str, dict[str, object]]
                 ) -> tuple[dict[str, FileIndex], dict[str, dict[str, object]]]:
    """Write each view into `staging`: copied whole from `out` when the files' index `known`
    says it was made from the same records (`sealed`: the files' seal and the digest of the
    records, see write_outputs; "" copies nothing), else made from `network()`, the edges of
    the Gephi files and edges.csv taken from those of `out` that `elements` (their index)
    places; each file's index, and the elements' new index."""
    (seal, views), index, placed = sealed, {}, {}
    for name, write in WRITERS.items():
        with kept_elements.Previous(out / name, elements.get(name)) as old:
            made = old.elements(seal) if seal and views and name in KEYED else None
            segment = Segment(VIEWS, views or "-", partial(_view, write, network, made))
            index[name] = write_spliced(staging / name, iter([segment]), out / name,
                                        known.get(name) if views else None)
            entry = (kept_elements.entry(staging / name, made) if made.chunks else
                     kept_elements.moved(staging / name, old.known) if old.map else None) \
                if made is not None else None
        if entry is not None:
            placed[name] = entry
    return index, placed


def _write_files(files: dict[str, Iterator[str | Segment]], staging: Path, out: Path,
                 known: dict[str, FileIndex]) -> dict[str, FileIndex]:
    """Write each file's pieces into `staging`, copying the segments `known` to be unchanged
    in the same file of `out` (see write_spliced); each file's index. The graph files are
    written this way in a thread beside the views: copying their unchanged segments is
    mostly waiting on the disk, and that thread does it while this one makes the network."""
    return {name: write_spliced(staging / name, pieces, out / name, known.get(name))
            for name, pieces in files.items()}


VIEWS = "views"  # a view's one segment in the files' index (graph.splice)


@contextmanager
def _uncollected() -> Iterator[None]:
    """No cyclic garbage collection within the block: the network and the views make hundreds
    of thousands of objects (the records read back, the network's attributes), which live
    until the files are written, and every collection the allocations set off scanned them
    all again (half of reading the records back at 1,000 interviews). Collections come back,
    as they were, when the block ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _view(write: Callable[..., bytes], network: Callable[[], ConceptNetwork],
          elements: kept_elements.Elements | None) -> list[bytes]:
    """A view's bytes, made from the network (through `elements`, when given)."""
    return [write(network()) if elements is None else write(network(), elements)]


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out`; `staging` is left holding the previous output."""
    if not out.exists():
        os.rename(staging, out)
    elif not _exchange(staging, out):  # two renames: a kill between them leaves .out.old-*,
        aside = out.parent / f".{out.name}.old-{staging.name.rsplit('-', 1)[-1]}"
        os.rename(out, aside)  # which the next build's writing() puts back
        os.rename(staging, out)
        os.rename(aside, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    name, flags = ctypes.c_char_p, ctypes.c_uint
    renameat2.argtypes = [ctypes.c_int, name, ctypes.c_int, name, flags]
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def build(
    inputs: list[Path],
    out: Path,
    options: Options | None = None,
    check: bool = True,
    progress: Callable[[list[Path]], Iterable[Path]] = iter,
    keep_going: bool = False,
) -> Summary:
    """Read, extract, make the graph, validate and write it with every view into `out`.

    Files that cannot be read are all listed in one BuildError, and `out` is left as it was;
    with `keep_going` the others are built and the summary lists the files skipped."""
    options = options or Options()
    started = time.perf_counter()
    target = check_out(out)
    found = scan_transcripts(inputs)
    with writing(target), _long_lived() as settle:
        codebook, ruleset = load_knowledge(options.codebooks, options.rules)
        settle()
        paths = list(found.files)
        engine = partial(_settled, settle, make_engine, codebook, ruleset, options.pipeline)
        with ExitStack() as stack:
            memo = Memo(memo_folder(options.cache, target), files_seal(options), Held) \
                if options.cache else None
            keys = _entry_names(paths, options) if memo else {}
            known = {p: (None, memo.known[k]) for p, k in keys.items()
                     if memo and k in memo.known}
            spool = stack.enter_context(memo.spool(target.parent) if memo else Spool(target.parent))
            alone = options.jobs == 1 or len(paths) < 2  # no worker pool will be started
            checker = _checker(stack) if check and alone else None
            results, _, pool = _run(paths, options, engine, progress, True, stack,
                                    keep_going=keep_going, others_failed=bool(found.problems),
                                    keep=lambda result: (None, hold(result[1], spool)),
                                    known=known)
            failed = (*found.problems, *(str(r) for r in results if isinstance(r, ReadError)))
            done = [r[1] for r in results if not isinstance(r, ReadError) and r[1] is not None]
            if not done or (failed and not keep_going):
                raise BuildError(_unread(failed, len(found.problems) + len(paths)))
            kept = {keys[p]: r[1] for p, r in zip(paths, results, strict=True)
                    if p in keys and not isinstance(r, ReadError) and r[1] is not None}
            del results
            if check and pool is None and checker is None:
                settle()  # what the forked checker shares with this process stays untouched
                checker = _checker(stack)
            built, checked = _finish(done, codebook, options, target, check, pool, checker,
                                     spool)
            if memo is not None:
                memo.save(kept, spool, sum(h.part.spooled + h.records[1] for h in kept.values()))
    facts = [o.facts for o in done]
    summary = Summary(
        transcripts=len(done),
        turns=sum(f.turns for f in facts),
        speakers=sum(f.speakers for f in facts),
        concepts=len({c for f in facts for c in f.concepts}),
        claims=sum(f.claims for f in facts),
        negated=sum(f.negated for f in facts),
        triples=built.triples,
        validated=checked,
        seconds=time.perf_counter() - started,
        skipped=failed,
        warnings=tuple(sorted({w for f in facts for w in f.warnings})),
    )
    return summary


def _entry_names(paths: list[Path], options: Options) -> dict[Path, str]:
    """Each file's cache entry name (the files the cache cannot hold left out)."""
    cache, ids = Cache(options.cache, knowledge_digest(options)), document_ids(paths)
    files = {path: cache.file(path, ids[path]) for path in paths}
    return {path: file.name for path, file in files.items() if file is not None}


@contextmanager
def _long_lived() -> Iterator[Callable[[], None]]:
    """A function to call once what is alive will live as long as the build (the knowledge, the
    parser; the modules are at once): those objects are then left out of the garbage
    collector's full collections (gc.freeze), each of which scanned them all again (a third of
    a second of CPU on the first input). They are put back when the block ends, so a process
    that goes on after the build frees them as before; nothing is done where the process froze
    objects itself."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()  # the modules
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _settled(settle: Callable[[], None], make: Callable[..., Engine], *args: object) -> Engine:
    """`make(*args)`, then `settle()`: the engine lives as long as the build."""
    engine = make(*args)
    settle()
    return engine


def _checker(stack: ExitStack) -> ProcessPoolExecutor | None:
    """A process for the shape check when no worker pool does it, started now: it imports
    what the check needs while this process loads the parser and extracts, and checks beside
    the writing of the files. Forked, so it starts at once with the knowledge loaded (spawned,
    it would import and load it all again); shut down with `stack`. None where processes
    cannot be forked. It holds what this process had open, the lock of the output folder
    too, so it is waited for when `stack` closes, and dies if this process dies."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    checker = stack.enter_context(ProcessPoolExecutor(
        1, multiprocessing.get_context("fork"), die_with_parent, (os.getpid(),)))
    checker.submit(_prepare_check)
    return checker


def _prepare_check() -> None:
    """Load and parse what the shape check needs (pySHACL, the shapes' queries)."""
    warm_up(load_shapes())


def _finish(done: list[Held], codebook: Codebook, options: Options, target: Path,
            check: bool, pool: ProcessPoolExecutor | None, checker: ProcessPoolExecutor | None,
            spool: Spool) -> tuple[Built, int]:
    """Join the transcripts' outputs, check them (in the worker `pool` or the `checker`,
    beside the writing, when there is one) and write every file; the graph and how many
    transcripts were checked."""
    shared = shared_graph(codebook, load_ontology())
    built = assemble(shared, (o.part for o in done), spool)
    verdicts = options.cache / "checked" if options.cache else None
    verdict = check_graph(built, verdicts, shapes_seal(options), pool or checker) \
        if check else lambda: 0
    if pool is not None:
        pool.shutdown(wait=False)  # the idle workers leave (and free their memory) at once
    lay = layouts.remembered(options.cache / "layout", layouts.seal(knowledge_digest(options))) \
        if options.cache else None
    net = partial(network_of, (records(o, spool) for o in done), shared, lay,
                  [o.views for o in done] if options.cache else None)
    return built, write_outputs(built, net, target, verdict, files_seal(options),
                                _views_digest(done, built, options))


def _views_digest(done: list[Held], built: Built, options: Options) -> str:
    """What the views are made from: their code and assets, the shared triples and each
    transcript's records, in order."""
    digest = hashlib.sha256(views_seal(knowledge_digest(options)).encode("utf-8"))
    digest.update(built.shared_ntriples().encode("utf-8"))
    for held in done:
        digest.update(f"{held.views}\n".encode())
    return digest.hexdigest()


def _unread(failed: tuple[str, ...], total: int) -> str:
    """The files that could not be read, a line each, and what happened."""
    if len(failed) == 1 and total == 1:
        return failed[0]
    if len(failed) == total:
        return "\n".join([*failed, f"none of the {total} files could be read; nothing written"])
    return "\n".join(
        [*failed, f"{len(failed)} of {total} files could not be read; nothing written "
         "(--keep-going builds the others)"]
    )
