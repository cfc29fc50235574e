"""The `leadgraph` command: thin commands that parse options and hand over to the pipeline."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from graph.codebook import CodebookError
from graph.readers import ReadError
from graph.rules import RuleError

PROGRESS_FROM = 5  # files: show a progress bar from this many on
EXPECTED = (ReadError, RuleError, CodebookError)


def _fail(err: Exception) -> click.ClickException:
    return click.ClickException(str(err))


def knowledge_options(command):
    """--codebook and --rules, shared by the commands that extract."""
    command = click.option(
        "--rules",
        "rules",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra rules file (YAML); adds rules or replaces those with the same id. Repeatable.",
    )(command)
    return click.option(
        "--codebook",
        "codebooks",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra SKOS codebook (Turtle); adds or overrides concepts by IRI. Repeatable.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leadgraph")
def main() -> None:
    """leadgraph: interview transcripts -> an evidence-backed knowledge graph of leadership
    concepts.

    \b
    Example:
      leadgraph build interview.txt --out out/
      leadgraph validate out/graph.ttl
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    default=Path("out"),
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write graph.ttl and graph.jsonld into; left as it was if the build fails.",
)
@knowledge_options
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["text", "vtt", "srt", "docx"]),
    help="Transcript format, instead of detecting it from the content.",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Extract in this many parallel processes.",
)
@click.option(
    "--cache",
    "cache",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of cached extractions [default: ~/.cache/leadgraph]; unchanged "
    "transcripts are not extracted again.",
)
@click.option("--no-cache", is_flag=True, help="Extract every transcript again; write no cache.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of the built graph.")
def build(
    inputs: tuple[Path, ...],
    out: Path,
    codebooks: tuple[Path, ...],
    rules: tuple[Path, ...],
    fmt: str | None,
    jobs: int,
    cache: Path | None,
    no_cache: bool,
    no_validate: bool,
) -> None:
    """Read transcripts (files or folders) and build the graph into OUT.

    Writes graph.ttl, graph.jsonld, graph.trig and graph.nq (one named graph per
    interview), the concept map, the report page and the Gephi files.

    \b
    Example:
      leadgraph build ../shared/corpus/berwick-bohmer-clinical-leadership.txt --out out/
      leadgraph build interviews/ --jobs 2 --codebook my-concepts.ttl --rules my-rules.yaml
    """
    from graph.pipeline import BuildError, Options, default_cache
    from graph.pipeline import build as run_build

    options = Options(
        codebooks=codebooks,
        rules=rules,
        fmt=fmt,
        jobs=jobs,
        cache=None if no_cache else (cache or default_cache()),
    )
    try:
        summary, extractions = run_build(
            list(inputs), out, options, check=not no_validate, progress=_progress
        )
    except (*EXPECTED, BuildError, OSError) as err:
        raise _fail(err) from None
    for warning in sorted({w for x in extractions for w in x.document.warnings}):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"leadgraph: {summary.line()} -> {out}/", err=True)


def _progress(paths: list[Path]) -> Iterable[Path]:
    if len(paths) < PROGRESS_FROM:
        yield from paths
        return
    with click.progressbar(paths, label="extracting", file=sys.stderr) as bar:
        yield from bar


@main.command(name="validate")
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(path_type=Path),
    default=None,
    help="SHACL shapes (Turtle) instead of the packaged ontology/shapes.ttl.",
)
def validate_command(graph_file: Path, shapes: Path | None) -> None:
    """Check a graph against the SHACL shapes. Exit 0 conforms, 1 does not, 2 cannot check.

    \b
    Example:
      leadgraph validate out/graph.ttl
    """
    from rdflib import Graph

    from graph.pipeline import load_shapes
    from graph.validate import validate

    try:
        data = Graph().parse(graph_file)
        shape_graph = Graph().parse(shapes, format="turtle") if shapes else load_shapes()
    except FileNotFoundError as err:
        click.echo(f"Error: {err.filename}: no such file", err=True)
        sys.exit(2)
    except Exception as err:  # rdflib's parsers raise many exception types
        click.echo(f"Error: cannot parse: {' '.join(str(err).split())[:300]}", err=True)
        sys.exit(2)
    conforms, report = validate(data, shape_graph)
    if conforms:
        click.echo(f"{graph_file}: conforms ({len(data)} triples)", err=True)
        return
    click.echo(report)
    sys.exit(1)


# --- export commands (views and Gephi) ---
EXPORT_FORMATS = ("gexf", "graphml", "csv", "jsonld", "ttl", "nt", "html")


@main.command(name="export")
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="gexf and graphml for Gephi; csv writes nodes.csv and edges.csv; html writes "
    "concept_map.html and index.html; jsonld, ttl and nt are RDF.",
)
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(path_type=Path),
    help="File to write (a folder for csv and html). Default: beside GRAPH_FILE.",
)
def export_command(graph_file: Path, fmt: str, out: Path | None) -> None:
    """Re-render a saved graph (Turtle, N-Triples or JSON-LD) without extracting again.

    \b
    Example:
      leadgraph export out/graph.ttl --format gexf --out berwick.gexf
      leadgraph export out/graph.jsonld --format html --out site/
    """
    from graph.export import ExportError, export

    try:
        written = export(graph_file, fmt, out)
    except (ExportError, OSError) as err:
        raise _fail(err) from None
    for path in written:
        click.echo(f"leadgraph: wrote {path}", err=True)


# --- sparql commands (query, serve, push) ---
