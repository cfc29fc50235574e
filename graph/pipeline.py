"""The whole pipeline, from transcript files to output files: ingest -> extract -> rdf -> write.

Reading and writing happen here and in the CLI only; the stages in between are pure functions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import Graph

from graph.codebook import Codebook, load_codebook
from graph.export import write_views
from graph.extract import Engine, build_engine, extract
from graph.model import Extraction
from graph.rdf import to_jsonld, to_rdf, to_turtle
from graph.readers import find_transcripts, read_file
from graph.rules import RuleSet, load_rules
from graph.validate import validate


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


def load_knowledge(codebooks: Iterable[Path] = (), rules: Iterable[Path] = ()) -> tuple[Codebook, RuleSet]:
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
    seconds: float

    def line(self) -> str:
        return (
            f"{self.transcripts} transcript{'s' if self.transcripts != 1 else ''}, "
            f"{self.turns} turns, {self.speakers} speakers, {self.concepts} concepts, "
            f"{self.claims} claims ({self.negated} negated), {self.triples} triples "
            f"in {self.seconds:.1f} s"
        )


def run_extraction(
    paths: list[Path], engine: Engine, fmt: str | None = None,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda x: x,
) -> list[Extraction]:
    return [extract(read_file(path, fmt), engine) for path in progress(paths)]


def write_outputs(graph: Graph, out: Path, shapes: Graph | None) -> None:
    """Validate, then write every output into a temporary folder and move them into `out`."""
    if shapes is not None:
        conforms, report = validate(graph, shapes)
        if not conforms:
            raise BuildError("the built graph does not conform to the shapes:\n" + report)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (staging / "graph.ttl").write_bytes(to_turtle(graph))
        (staging / "graph.jsonld").write_bytes(to_jsonld(graph))
        write_views(graph, staging)
        out.mkdir(exist_ok=True)
        for item in sorted(staging.iterdir()):
            os.replace(item, out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build(
    inputs: list[Path], out: Path, codebooks: Iterable[Path] = (), rules: Iterable[Path] = (),
    fmt: str | None = None, check: bool = True,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda x: x,
) -> tuple[Summary, list[Extraction]]:
    started = time.perf_counter()
    paths = find_transcripts(inputs)
    codebook, ruleset = load_knowledge(codebooks, rules)
    engine = build_engine(codebook, ruleset)
    extractions = run_extraction(paths, engine, fmt, progress)
    graph = to_rdf(extractions, codebook, load_ontology())
    write_outputs(graph, out, load_shapes() if check else None)
    summary = Summary(
        transcripts=len(extractions),
        turns=sum(len(x.document.turns) for x in extractions),
        speakers=sum(len(x.document.speakers) for x in extractions),
        concepts=len({m.concept for x in extractions for m in x.mentions}),
        claims=sum(len(x.claims) for x in extractions),
        negated=sum(c.negated for x in extractions for c in x.claims),
        triples=len(graph),
        seconds=time.perf_counter() - started,
    )
    return summary, extractions
