"""Benchmark: build N interviews of the first input's size at once; report time and memory.

Usage: python bench/scale.py [--count 1000] [--jobs 2] [--repeat 3]

Makes N transcripts in a temporary folder from the corpus beside the repository (speaker names
and file names varied so every file is distinct), runs `leadgraph build` on the folder in a
fresh process per run, and prints the median wall time, the peak memory (max RSS of the build
process and its workers) and the ratio to the one-minute / 2 GB targets.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3


def make_corpus(folder: Path, count: int) -> None:
    source = (CORPUS / "berwick-bohmer-clinical-leadership.txt").read_text(encoding="utf-8")
    for i in range(count):
        text = source.replace("Richard Bohmer", f"Interviewer {i}").replace("RB:", f"I{i}:")
        (folder / f"interview-{i:04d}.txt").write_text(text, encoding="utf-8")


def run_once(folder: Path, out: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "graph",
            "build",
            str(folder),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--no-cache",
        ],
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return seconds, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leadgraph-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.count)
        times, peaks = [], []
        for run in range(args.repeat):
            seconds, peak = run_once(corpus, work / f"out{run}", args.jobs)
            times.append(seconds)
            peaks.append(peak)
            print(
                f"run {run + 1}: {seconds:.1f} s, peak RSS {peak / 1024**2:.0f} MB", file=sys.stderr
            )
        median = statistics.median(times)
        print(
            f"{args.count} interviews, --jobs {args.jobs}: median {median:.1f} s "
            f"({median / TARGET_SECONDS:.2f} of the 60 s target), "
            f"peak RSS {max(peaks) / 1024**2:.0f} MB "
            f"({max(peaks) / TARGET_BYTES:.2f} of the 2 GB target)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
