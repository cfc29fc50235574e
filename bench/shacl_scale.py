"""Benchmark: SHACL validation time against the number of claims in one transcript.

Usage: python bench/shacl_scale.py [--sizes 500 1000 2000 4000] [--shapes FILE]

Builds, for each size N, one synthetic transcript of N sentences with one claim each (random
codebook concepts and relations, a tenth of them negated, a fixed seed), adds the shared
ontology and codebook as a build does, and times `graph.validate.validate` on it. Prints one
line per size with the seconds and the growth against the previous size (2.0 per doubling is
linear, 4.0 quadratic).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.model import Claim, Document, Evidence, Extraction, Sentence, Turn  # noqa: E402
from graph.pipeline import load_knowledge, load_ontology, load_shapes  # noqa: E402
from graph.rdf import document_graph, shared_graph  # noqa: E402
from graph.validate import validate  # noqa: E402
from graph.vocab import RELATIONS  # noqa: E402

SPEAKERS = ("Ann Lee", "Ben Roe")


def synthetic(claims: int, concepts: list[str], seed: int = 7) -> Extraction:
    """One transcript: a turn per ten sentences, a claim per sentence."""
    rng = random.Random(seed)
    turns, found, offset = [], [], 0
    pairs: set[tuple[str, str]] = set()  # a negated pair is asserted by no other claim
    for t in range(-(-claims // 10)):
        sentences = []
        for i in range(t * 10, min(claims, t * 10 + 10)):
            text = f"Sentence {i} says one concept relates to another."
            sentences.append(Sentence(i, text, offset, offset + len(text), i + 1, i + 1))
            offset += len(text) + 1
            s, o = rng.sample(concepts, 2)
            negated = rng.random() < 0.1 and not {(s, o), (o, s)} & pairs
            pairs.add((s, o))
            evidence = Evidence(t, i, text, offset - len(text) - 1, offset - 1, i + 1, i + 1)
            found.append(Claim(s, rng.choice(RELATIONS), o, SPEAKERS[t % 2], "synthetic",
                               evidence, negated=negated, confidence=0.8))
        turns.append(Turn(t, SPEAKERS[t % 2], tuple(sentences)))
    text = "\n".join(s.text for turn in turns for s in turn.sentences)
    doc = Document(id=f"synthetic-{claims}", source=f"synthetic-{claims}.txt",
                   sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, turns=tuple(turns))
    return Extraction(document=doc, claims=tuple(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--shapes", type=Path, default=None, help="shapes file to time instead")
    args = parser.parse_args()
    codebook, _ = load_knowledge()
    shared = shared_graph(codebook, load_ontology())
    shapes = Graph().parse(args.shapes, format="turtle") if args.shapes else load_shapes()
    previous = None
    for size in args.sizes:
        graph = Graph() + shared
        graph += document_graph(synthetic(size, sorted(codebook.concepts)))
        started = time.perf_counter()
        conforms, report = validate(graph, shapes)
        seconds = time.perf_counter() - started
        growth = f"  x{seconds / previous:.1f}" if previous else ""
        print(f"{size:6d} claims  {len(graph):7d} triples  {seconds:7.2f} s"
              f"  {'conforms' if conforms else 'DOES NOT CONFORM'}{growth}", flush=True)
        if not conforms:
            print(report[:2000])
            return 1
        previous = seconds
    return 0


if __name__ == "__main__":
    sys.exit(main())
