"""Benchmark: build one very large transcript; time and memory against the first input's.

Usage: python bench/large_input.py [--sizes 0.5,1.95] [--turns 42000] [--refuse 50]
                                   [--timeout 3600] [--cache]

Builds, each in a fresh process, the first input (../shared/corpus), transcripts of the given
sizes in MB made by repeating it, and (with --turns) one of that many short turns: two speakers
taking turns, each turn one of the first input's short sentences, in order, over and over;
each with `python -m graph build FILE --out DIR --no-cache` (SHACL check included, as a user's
build does); with --cache, with a cache instead, then again from that cache (a rebuild). For
each: wall time, CPU time of the process tree, peak resident memory of the tree (polled from
/proc), wall and CPU time per MB, and those as multiples of the first input's (CPU time is
the steadier on a shared machine). Then a transcript of --refuse MB (over the reader's
limit), built with a cache as a user's build is, must fail at once, naming the limit. Prints
a markdown table.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from scale import Run, run_measured

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT.parent / "shared" / "corpus" / "berwick-bohmer-clinical-leadership.txt"
MB = 1024 * 1024
SHORT = 60  # characters: the longest sentence a short turn is made of


def repeated(path: Path, size: int) -> None:
    """The first input repeated up to `size` bytes, written a copy at a time."""
    source = FIRST.read_bytes() + b"\n"
    with path.open("wb") as file:
        written = 0
        while written < size:
            written += file.write(source)


def short_turns(path: Path, count: int) -> None:
    """`count` turns of two speakers, each one of the first input's short sentences."""
    text = " ".join(FIRST.read_text(encoding="utf-8").split())
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text)
                 if len(s) <= SHORT and len(s.split()) >= 3 and ":" not in s]
    with path.open("w", encoding="utf-8") as file:
        for number in range(count):
            speaker = ("Ann Lee", "Bob Kay")[number % 2]
            file.write(f"{speaker}: {sentences[number % len(sentences)]}\n\n")


def build(path: Path, out: Path, timeout: float, cache: Path | None = None) -> Run:
    caching = ["--cache", str(cache)] if cache else ["--no-cache"]
    run = run_measured([sys.executable, "-m", "graph", "build", str(path), "--out", str(out),
                        *caching], timeout=timeout)
    shutil.rmtree(out, ignore_errors=True)
    return run


def transcripts(folder: Path, sizes: str, turns: int) -> Iterator[tuple[str, Path]]:
    """The first input, then each transcript to build (made in `folder` when its turn comes)."""
    yield "first input", FIRST
    for size in (float(s) for s in sizes.split(",") if s):
        path = folder / f"repeated-{size:g}mb.txt"
        repeated(path, int(size * MB))
        yield f"{size:g} MB", path
    if turns:
        path = folder / f"turns-{turns}.txt"
        short_turns(path, turns)
        yield f"{turns:,} short turns", path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5,1.95", help="sizes in MB, comma separated")
    parser.add_argument("--turns", type=int, default=0, help="short turns of one more file")
    parser.add_argument("--refuse", type=float, default=50, help="MB of the file to refuse")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per build")
    parser.add_argument("--cache", action="store_true",
                        help="build each with a cache, then again from it (a rebuild)")
    args = parser.parse_args()
    print("| transcript | MB | wall s | CPU s | peak MB | wall s per MB | CPU s per MB "
          "| per MB / first input's (wall, CPU) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        first: tuple[float, float] | None = None
        for name, path in transcripts(folder, args.sizes, args.turns):
            cache = folder / "cache" if args.cache else None
            builds = [(name, cache), (f"{name}, cache hit", cache)] if cache else [(name, None)]
            for label, caching in builds:
                run = build(path, folder / "out", args.timeout, caching)
                megabytes = path.stat().st_size / MB
                wall, cpu = run.wall / megabytes, run.cpu / megabytes
                first = first or (wall, cpu)
                outcome = "" if run.status == 0 else f" (failed: {run.output.strip()[-200:]})"
                print(f"| {label}{outcome} | {megabytes:.3f} | {run.wall:.1f} | {run.cpu:.1f} | "
                      f"{run.peak / MB:.0f} | {wall:.1f} | {cpu:.1f} | {wall / first[0]:.2f}, "
                      f"{cpu / first[1]:.2f} |", flush=True)
            shutil.rmtree(folder / "cache", ignore_errors=True)
            if path != FIRST:
                path.unlink()
        huge = folder / f"repeated-{args.refuse}mb.txt"
        with huge.open("wb") as file:
            file.truncate(int(args.refuse * MB))  # sparse: the size is what is refused
        run = build(huge, folder / "out", args.timeout, cache=folder / "cache")
        message = run.output.strip().splitlines()[-1] if run.output.strip() else ""
        print(f"\n{args.refuse:g} MB: exit {run.status} in {run.wall:.2f} s, peak "
              f"{run.peak / MB:.0f} MB: {message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
