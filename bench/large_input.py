"""Benchmark: read very large transcripts; report time and peak memory of the read stage.

Usage: python bench/large_input.py [--sizes 5,50] [--timeout 600] [--build]

Writes transcripts of the given sizes (MB) to a temporary folder in three shapes: "turns" (the
first input of the corpus repeated), "short" (two speakers taking turns of a few words: 200,000
turns in 5 MB) and "line" (one line without a sentence break). Each file is read in a fresh
process (`graph.readers.read_file`); the wall time, the number of sentences (or the error) and
the process's peak RSS are printed. With --build, the 5 MB "turns" file also goes through
`python -m graph build FILE --out DIR --no-validate`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MB = 1024 * 1024

_READ = """
import json, sys, time
from pathlib import Path
from typing import BinaryIO
from graph.readers import ReadError, read_file
started = time.perf_counter()
try:
    doc = read_file(Path(sys.argv[1]))
    result = {"sentences": len(doc.sentences), "turns": len(doc.turns)}
except ReadError as err:
    result = {"error": str(err)}
result["seconds"] = time.perf_counter() - started
print(json.dumps(result))
"""


def make_turns(path: Path, size: int) -> None:
    source = (CORPUS / "berwick-bohmer-clinical-leadership.txt").read_bytes() + b"\n"
    _write(path, size, lambda: source)


def make_short(path: Path, size: int) -> None:
    numbers = iter(range(size))
    _write(path, size, lambda: "".join(
        f"{'Ann Lee' if i % 2 else 'Bob Kay'}: Yes {i}.\n" for i in islice(numbers, 10_000)
    ).encode())


def make_line(path: Path, size: int) -> None:
    words = b"trust grows when leaders listen and blame falls away " * 1000
    with path.open("wb") as file:
        file.write(b"Ann Lee: ")
        _write_to(file, size - 10, lambda: words)
        file.write(b"\n")


def _write(path: Path, size: int, chunk: Callable[[], bytes]) -> None:
    with path.open("wb") as file:
        _write_to(file, size, chunk)


def _write_to(file: BinaryIO, size: int, chunk: Callable[[], bytes]) -> None:
    """Chunks up to `size` bytes, never holding the whole text (the parent's memory would count
    in the child's peak RSS, which includes what it had before exec)."""
    written = 0
    while written < size:
        written += file.write(chunk())


def run(command: list[str], timeout: float) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and stdout of a child process (killed after timeout)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    timer.cancel()
    seconds = time.perf_counter() - started
    if seconds >= timeout:
        out = json.dumps({"error": f"stopped after {timeout:.0f} s"})
    return seconds, usage.ru_maxrss * 1024, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,50", help="sizes in MB, comma separated")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--build", action="store_true", help="also build the 5 MB transcript")
    args = parser.parse_args()
    env_python = [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'file':<16}{'MB':>7}{'seconds':>10}{'peak MB':>10}  result")
        for size in (int(s) for s in args.sizes.split(",")):
            for shape, make in (("turns", make_turns), ("short", make_short), ("line", make_line)):
                path = folder / f"{shape}-{size}mb.txt"
                make(path, size * MB)
                seconds, rss, out = run([*env_python, "-c", _READ, str(path)], args.timeout)
                result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
                shown = result.get("error") or f"{result['sentences']} sentences"
                print(
                    f"{path.name:<16}{path.stat().st_size / MB:>7.1f}{seconds:>10.2f}"
                    f"{rss / MB:>10.0f}  {shown[:90]}",
                    flush=True,
                )
                if args.build and shape == "turns" and size == 5:
                    command = [*env_python, "-m", "graph", "build", str(path), "--out",
                               str(folder / "out"), "--no-validate", "--no-cache"]
                    seconds, rss, _ = run(command, args.timeout)
                    print(f"{'build ' + path.name:<23}{seconds:>10.2f}{rss / MB:>10.0f}",
                          flush=True)
                path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
