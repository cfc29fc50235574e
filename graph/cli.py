"""The `leadgraph` command: thin commands that parse options and hand over to the pipeline."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

PROGRESS_FROM = 5  # files: show a progress bar from this many on


def _expected() -> tuple[type[Exception], ...]:
    """Errors in the user's input that end a command with a message (imported only when one is
    raised, so commands that do not extract start fast)."""
    from graph.codebook import CodebookError
    from graph.lexicon import LexiconError
    from graph.nlp import PipelineError
    from graph.readers import ReadError
    from graph.rules import RuleError

    return ReadError, RuleError, CodebookError, LexiconError, PipelineError


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
        help="Extra SKOS codebook (Turtle), or a REFI-QDA codebook (.qdc) from a QDA package; "
        "adds or overrides concepts by IRI. Repeatable.",
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
    help="Folder for the graph, map, report and exports; left as it was if the build fails.",
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
@click.option("--same-person", "same_person", multiple=True, metavar="NAME=NAME",
              help="These speakers, in any interview, are one person (named as on the right). "
                   "Repeatable. Without it a name in two interviews is two people.")
@click.option("--people", "people_files", multiple=True, type=click.Path(path_type=Path),
              help="File of NAME=NAME lines, as for --same-person.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of the built graph.")
@click.option("--pipeline", default=None, metavar="NAME",
              help="An installed spaCy pipeline to parse with, instead of the pinned English one "
                   "(also LEADGRAPH_PIPELINE).")
@click.option("--keep-going", is_flag=True,
              help="Build the transcripts that can be read and list the others as warnings "
                   "(exit 0); without it any unreadable file fails the build and OUT is kept.")
def build(
    inputs: tuple[Path, ...],
    out: Path,
    codebooks: tuple[Path, ...],
    rules: tuple[Path, ...],
    fmt: str | None,
    jobs: int,
    cache: Path | None,
    no_cache: bool,
    same_person: tuple[str, ...],
    people_files: tuple[Path, ...],
    no_validate: bool,
    pipeline: str | None,
    keep_going: bool,
) -> None:
    """Read transcripts (files or folders) and build the graph into OUT.

    Writes graph.ttl, graph.jsonld, graph.trig and graph.nq (one named graph per
    interview), the concept map, the report page and the Gephi files.

    \b
    Example:
      leadgraph build ../shared/corpus/berwick-bohmer-clinical-leadership.txt --out out/
      leadgraph build interviews/ --jobs 2 --codebook my-concepts.ttl --rules my-rules.yaml
      leadgraph build interviews/ --same-person "A. Osei=Amara Osei"
    """
    from graph.pipeline import BuildError, Options, default_cache, parse_people
    from graph.pipeline import build as run_build

    _leave_quickly()
    try:
        options = Options(
            codebooks=codebooks,
            rules=rules,
            fmt=fmt,
            jobs=jobs,
            cache=None if no_cache else (cache or default_cache()),
            people=parse_people(same_person, people_files),
            pipeline=pipeline,
        )
        summary = run_build(
            list(inputs), out, options, check=not no_validate, progress=_progress,
            keep_going=keep_going,
        )
    except (*_expected(), BuildError, OSError) as err:
        raise _fail(err) from None
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for skipped in summary.skipped:
        click.echo(f"warning: skipped {skipped}", err=True)
    click.echo(f"leadgraph: {summary.line()} -> {out}/", err=True)


def _leave_quickly() -> None:
    """At exit, leave every object out of the interpreter's last garbage collections
    (gc.freeze), which would scan all the build's objects (the parser, the knowledge, the
    modules) a few times over to free memory the process is about to give back: about 0.3 s
    at the end of a small build. Objects are still freed when their last reference goes."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however many builds a process runs
    atexit.register(gc.freeze)


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
    from graph.rdffile import RdfFileError, parse_into
    from graph.validate import validate

    try:
        data = parse_into(Graph(), graph_file)
        shape_graph = Graph().parse(shapes, format="turtle") if shapes else load_shapes()
    except FileNotFoundError as err:
        click.echo(f"Error: {err.filename}: no such file", err=True)
        sys.exit(2)
    except RdfFileError as err:
        click.echo(f"Error: {err}", err=True)
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
EXPORT_FORMATS = ("gexf", "graphml", "csv", "jsonld", "ttl", "nt", "html", "qdpx", "qdc")


@main.command(name="export")
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="gexf and graphml for Gephi; csv writes nodes.csv and edges.csv; html writes "
    "concept_map.html and index.html; jsonld, ttl and nt are RDF; qdpx is a REFI-QDA project "
    "and qdc its codebook, for ATLAS.ti, NVivo, MAXQDA and QualCoder.",
)
@click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(path_type=Path),
    help="Folder to write into (or, except for csv and html, a file name with a suffix). "
    "Default: GRAPH_FILE's folder.",
)
def export_command(graph_file: Path, fmt: str, out: Path | None) -> None:
    """Re-render a saved graph (Turtle, N-Triples or JSON-LD) without extracting again.

    \b
    Example:
      leadgraph export out/graph.ttl --format gexf --out berwick.gexf
      leadgraph export out/graph.jsonld --format html --out site/
      leadgraph export out/graph.ttl --format qdpx --out interviews.qdpx
    """
    from graph.export import ExportError, export

    try:
        written = export(graph_file, fmt, out)
    except (ExportError, OSError) as err:
        raise _fail(err) from None
    for path in written:
        click.echo(f"leadgraph: wrote {path}", err=True)


# --- sparql commands (query, serve, push) ---
SPARQL_FORMATS = ("table", "csv", "tsv", "json", "xml")  # = graph.query.FORMATS (tested)


class MalformedQuery(click.ClickException):
    """Malformed SPARQL, or over the size or nesting limit: exit status 2, like a usage error."""

    exit_code = 2


def _query_failure(err: Exception) -> click.ClickException:
    from graph.query import BadQuery

    return MalformedQuery(str(err)) if isinstance(err, BadQuery) else _fail(err)


@main.command(name="query")
@click.argument("sources", nargs=-1, metavar="[GRAPH] [QUERY.rq]", type=click.Path(path_type=Path))
@click.option("-e", "--execute", "text", metavar="SPARQL", help="The query text.")
@click.option("--name", help="A named query from ontology/queries (see --list).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
    help="Bind ?NAME to an RDF term: <iri>, http(s)://... or prefix:local give an IRI, a whole "
    "number an integer, trust@en text with a language tag, '\"2024-03-12\"^^xsd:date' a literal "
    "as in SPARQL, anything else plain text; a (concept) or (speaker) parameter, declared in a "
    "`# param:` line, may be given by its label or name in any case. Repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(SPARQL_FORMATS), default=None,
              help="Results format for SELECT and ASK: table on a terminal, else csv. "
              "CONSTRUCT and DESCRIBE print Turtle.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Stop the query after this many seconds.")
@click.option("--max-width", type=click.IntRange(min=0), default=60, show_default=True,
              help="Cut table cells to this many characters (0: never).")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="With --name: print at most this many rows (0: every row). A listing of "
              "the whole corpus (concept-relations or speaker-on-concept without a parameter, "
              "relations-with-evidence) prints 1,000 unless told.")
@click.option("--offset", type=click.IntRange(min=0), default=0,
              help="With --name: skip this many rows first.")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL endpoint instead of a file.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="With --endpoint: the named graph to query (sent as default-graph-uri).")
@click.option("--allow-federation", is_flag=True,
              help="Allow SERVICE, LOAD and FROM outside the graph, which reach the network.")
@click.option("--allow-update", is_flag=True,
              help="Allow SPARQL Update on an in-memory copy and print the resulting graph as "
              "Turtle; the file is not changed.")
def query_command(sources: tuple[Path, ...], text: str | None, name: str | None,
                  list_queries: bool, params: tuple[str, ...], fmt: str | None, timeout: float,
                  max_width: int, limit: int | None, offset: int, endpoint: str | None,
                  graph_iri: str | None, allow_federation: bool, allow_update: bool) -> None:
    """Ask a graph file or a SPARQL endpoint a question: query text (-e), a .rq file or a named
    query (--name). Read-only unless a flag allows more; malformed SPARQL exits with status 2.

    \b
    Example:
      leadgraph query --list
      leadgraph query out/graph.ttl --name concepts-by-mentions
      leadgraph query out/graph.ttl --name concept-relations --param concept=trust
      leadgraph query out/ --name relations-with-evidence --offset 1000 --limit 500
      leadgraph query out/graph.ttl -e 'SELECT ?x WHERE { ?x lg:requires lgc:trust }' --format csv
      leadgraph query --endpoint http://localhost:7878/query --name denied-claims
    """
    from graph import query as q

    if list_queries:
        click.echo(q.list_table(q.named_queries()), nl=False)
        return
    if name is None and (limit is not None or offset):
        raise click.UsageError("--limit and --offset go with --name; in a query of your own, "
                               "write LIMIT and OFFSET")
    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    results = fmt if fmt in q.RESULT_FORMATS else "json"
    more = None
    try:
        source, files = _query_source(list(sources), endpoint, graph_iri, allow_update)
        query_text, kinds, named = _query_text(text, name, files, source, params)
        page = q.default_page(named, params, offset, limit) if named else q.Page()
        if named and page != q.Page():
            parsed, result, more = q.answer_page(source, named, params, page,
                                                 timeout=timeout, results=results)
        else:
            parsed, result = q.answer(source, query_text, params, kinds, timeout=timeout,
                                      allow_federation=allow_federation,
                                      allow_update=allow_update, results=results)
    except q.QueryError as err:
        raise _query_failure(err) from None
    click.echo(q.render(result, fmt, {**source.prefixes, **parsed.prefixes}, max_width), nl=False)
    if more:
        click.echo(f"leadgraph: {q.page_note(page, page.limit)}", err=True)
    for hint in q.empty_answer_hints(source, parsed, result, params, kinds, timeout):
        click.echo(f"hint: {hint}", err=True)


def _query_source(sources: list[Path], endpoint: str | None, graph_iri: str | None,
                  writable: bool = False):
    """The build's store, the loaded graph file or the endpoint, and the arguments left (a .rq
    file)."""
    from graph import query as q

    if endpoint:
        from graph.store import Endpoint, check_url, credentials

        return Endpoint(check_url(endpoint), graph_iri, credentials()), sources
    if graph_iri:
        raise click.UsageError("--graph goes with --endpoint; a file's graphs are all queried")
    if not sources:
        raise click.UsageError("give a GRAPH file to query (or --endpoint URL, or --list)")
    return q.open_graph(sources[0], writable), sources[1:]


def _query_text(text: str | None, name: str | None, files: list[Path], source,
                params: tuple[str, ...]):
    """The query, its parameters' kinds and the named query it is (None for the others), from
    exactly one of -e, --name or a .rq file; a named query comes already read (own_query), in
    its form for `source` and `params` (named_text), the others as text for the parser."""
    from graph import query as q

    if len(files) > 1 or sum(x is not None for x in (text, name, *files[:1])) != 1:
        raise click.UsageError("give exactly one query: -e 'SPARQL', a QUERY.rq file or --name")
    if text is not None:
        return text, {}, None
    if name is not None:
        named = q.named_query(name)
        return q.own_query(q.named_text(named, source, params)), named.kinds, named
    try:
        query_text = files[0].read_text(encoding="utf-8")
    except OSError as err:
        raise q.QueryError(f"{files[0]}: {err.strerror}") from None
    return query_text, q.header_kinds(query_text, files[0]), None


@main.command(name="serve")
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback opens the graph to the network.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Stop a query after this many seconds.")
def serve_command(graph_file: Path, host: str, port: int, timeout: float) -> None:
    """Serve a graph file as a read-only SPARQL 1.1 endpoint, with a query page at /.

    Each query runs in a worker that can open no network connection (JSON, CSV, TSV or XML
    results by the Accept header); SERVICE and updates are refused, and only requests whose
    Host header names this machine are answered. Ctrl-C stops it.

    \b
    Example:
      leadgraph serve out/graph.ttl --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=ASK { ?s ?p ?o }' \\
        http://127.0.0.1:7878/sparql
    """
    import signal
    import threading

    from graph.query import QueryError
    from graph.serve import ServeError, is_loopback, running

    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the graph",
                   err=True)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly
    try:
        with running(graph_file, host, port, timeout) as endpoint:
            click.echo(f"leadgraph: serving {graph_file} ({endpoint.triples} triples) at "
                       f"{endpoint.url} (SPARQL endpoint: {endpoint.url}sparql); Ctrl-C stops",
                       err=True)
            threading.Event().wait()
    except (ServeError, QueryError) as err:
        raise _fail(err) from None
    except KeyboardInterrupt:
        click.echo("leadgraph: stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.command(name="push")
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol endpoint, e.g. http://localhost:7878/store "
              "(Oxigraph) or http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="The named graph to replace. Default: https://w3id.org/leadgraph/data/graph.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0,
              show_default=True, help="Give up after this many seconds without an answer.")
def push_command(graph_file: Path, endpoint: str, graph_iri: str | None, timeout: float) -> None:
    """Load a graph file into a triple store, replacing one named graph (HTTP PUT, SPARQL 1.1
    Graph Store Protocol). Credentials come from the environment only: LEADGRAPH_TOKEN, or
    LEADGRAPH_USER and LEADGRAPH_PASSWORD.

    \b
    Example:
      leadgraph push out/graph.ttl --endpoint http://localhost:7878/store \\
        --graph https://example.org/interviews/2024
      leadgraph query --endpoint http://localhost:7878/query \\
        --graph https://example.org/interviews/2024 --name concepts-by-mentions
    """
    from graph.query import QueryError
    from graph.store import DEFAULT_GRAPH, credentials, push, sends_secrets_in_clear

    headers = credentials()
    if sends_secrets_in_clear(endpoint, headers):
        click.echo("warning: sending credentials over plain http", err=True)
    try:
        pushed = push(graph_file, endpoint, graph_iri or DEFAULT_GRAPH, headers, timeout)
    except QueryError as err:
        raise _fail(err) from None
    verb = "created" if pushed.created else "replaced"
    click.echo(f"leadgraph: {verb} <{graph_iri or DEFAULT_GRAPH}> with {pushed.triples} triples "
               f"at {endpoint}", err=True)


# --- corpus commands (suggest, coverage) ---
CORPUS_FORMATS = ("table", "csv", "json")
QUOTE_WIDTH = 70  # characters of a quote in a table


def _extract_corpus(inputs: tuple[Path, ...], codebooks: tuple[Path, ...],
                    rules: tuple[Path, ...]):
    """Read and extract every transcript (files or folders); the engine and the extractions."""
    from graph.pipeline import Options, load_knowledge, make_engine, run_extraction
    from graph.readers import find_transcripts

    options = Options(codebooks=codebooks, rules=rules)
    try:
        paths = find_transcripts(list(inputs))
        engine = make_engine(*load_knowledge(options.codebooks, options.rules))
        extractions, _ = run_extraction(paths, options, lambda: engine, _progress)
    except (*_expected(), OSError) as err:
        raise _fail(err) from None
    for warning in sorted({w for x in extractions for w in x.document.warnings}):
        click.echo(f"warning: {warning}", err=True)
    return engine, extractions


def _records_table(records: list[dict]) -> str:
    """Records as an aligned table: numbers to the right, long text cut."""
    import pyoxigraph as ox

    from graph.query import table

    if not records:
        return ""
    rows = [[ox.Literal(value) for value in record.values()] for record in records]
    return table(list(records[0]), rows, {}, max_width=QUOTE_WIDTH)


def _records_csv(records: list[dict]) -> str:
    import csv
    import io

    from graph.export import csv_cell

    names = list(dict.fromkeys(name for record in records for name in record))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, names, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in record.items()} for record in records)
    return buffer.getvalue()


def _json(data: object) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@main.command(name="suggest")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@knowledge_options
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="List at most this many phrases (provisional concepts are all listed).")
@click.option("--min-count", default=2, show_default=True, type=click.IntRange(min=1),
              help="Only phrases seen at least this many times.")
@click.option("--format", "fmt", type=click.Choice(CORPUS_FORMATS), default="table",
              show_default=True, help="Output format on stdout.")
@click.option("--write", "write", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the candidates as a SKOS Turtle snippet to review and pass with "
              "--codebook.")
def suggest_command(inputs: tuple[Path, ...], codebooks: tuple[Path, ...],
                    rules: tuple[Path, ...], top: int, min_count: int, fmt: str,
                    write: Path | None) -> None:
    """List candidate concepts the codebook lacks: the provisional concepts of claims first,
    then frequent phrases that are much more common in the interviews than in general English.
    Each with its count and the first sentence that uses it.

    \b
    Example:
      leadgraph suggest ../shared/corpus/ --top 10
      leadgraph suggest interviews/ --codebook my-concepts.ttl --write candidates.ttl
    """
    from graph import suggest as s
    from graph.export import write_atomic

    engine, extractions = _extract_corpus(inputs, codebooks, rules)
    candidates = s.suggest(extractions, engine, s.english_lexicon(), min_count, top)
    records = s.records(candidates)
    if fmt == "json":
        click.echo(_json(records), nl=False)
    elif fmt == "csv":
        click.echo(_records_csv(records), nl=False)
    else:
        click.echo(_records_table(records) or "no candidates\n", nl=False)
    if write:
        ids = [concept.id for concept in engine.codebook.concepts.values()]
        try:
            write_atomic(write, s.to_turtle(candidates, ids).encode("utf-8"))
        except OSError as err:
            raise click.ClickException(f"{write}: {err.strerror or err}") from None
        plural = "s" if len(candidates) != 1 else ""
        click.echo(f"leadgraph: wrote {len(candidates)} candidate concept{plural} to {write}",
                   err=True)


@main.command(name="coverage")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@knowledge_options
@click.option("--uncoded", "uncoded", default=10, show_default=True,
              type=click.IntRange(min=0), help="List this many uncoded sentences, longest first.")
@click.option("--format", "fmt", type=click.Choice(CORPUS_FORMATS), default="table",
              show_default=True, help="Output format on stdout.")
def coverage_command(inputs: tuple[Path, ...], codebooks: tuple[Path, ...],
                     rules: tuple[Path, ...], uncoded: int, fmt: str) -> None:
    """Report the share of sentences that mention a codebook concept, overall, per transcript
    and per speaker, and list the uncoded sentences, longest first.

    \b
    Example:
      leadgraph coverage ../shared/corpus/
      leadgraph coverage interviews/ --codebook my-concepts.ttl --uncoded 30 --format csv
    """
    from graph.coverage import coverage, passage_records, share_records

    _, extractions = _extract_corpus(inputs, codebooks, rules)
    result = coverage(extractions, uncoded)
    shares, passages = share_records(result), passage_records(result)
    if fmt == "json":
        data = {"coverage": shares, "uncoded": passages, "uncoded_total": result.uncoded_total}
        click.echo(_json(data), nl=False)
    elif fmt == "csv":
        click.echo(_records_csv([*shares, *({"scope": "uncoded", **p} for p in passages)]),
                   nl=False)
    else:
        click.echo(_records_table(shares), nl=False)
        click.echo(f"\nuncoded sentences: {len(passages)} of {result.uncoded_total}, "
                   "longest first\n")
        click.echo(_records_table(passages), nl=False)


@main.command(name="explain")
@click.argument("transcript", type=click.Path(path_type=Path))
@knowledge_options
@click.option("--line", type=click.IntRange(min=1), default=None,
              help="Explain the sentences on this line of the file.")
@click.option("--grep", "grep", default=None, metavar="TEXT",
              help="Explain the sentences containing this text (any case).")
@click.option("--format", "fmt", default=None, type=click.Choice(["text", "vtt", "srt", "docx"]),
              help="Transcript format, instead of detecting it from the content.")
def explain_command(transcript: Path, codebooks: tuple[Path, ...], rules: tuple[Path, ...],
                    line: int | None, grep: str | None, fmt: str | None) -> None:
    """Show why sentences did or did not give claims: the parse (token, tag, head,
    dependency), the concepts, the cue words, what each construction read and the claims kept.

    \b
    Example:
      leadgraph explain interview.txt --line 32
      leadgraph explain interview.txt --grep "drives reporting"
    """
    from graph.explain import Selection, explain
    from graph.pipeline import load_knowledge, make_engine
    from graph.readers import read_file

    if line is None and not grep:
        raise click.UsageError("give --line N or --grep TEXT")
    try:
        document = read_file(transcript, fmt)
        engine = make_engine(*load_knowledge(codebooks, rules))
    except (*_expected(), OSError) as err:
        raise _fail(err) from None
    for text in explain(document, engine, Selection(line, grep)):
        click.echo(text)
