"""Score a built graph against gold annotations.

Usage: python bench/evaluate.py GOLD.json [GOLD.json ...] GRAPH.ttl

For each gold file: recall of its relations, the misses, the must-not violations, whether each
denied relation is recorded as a negated claim, and the number of typed relations, counted over
the claims whose evidence comes from that gold file's transcript. A gold file marked
`"exhaustive": true` lists every relation of its transcript, so the share of typed relations that
match one of them is a precision. Exit status 0 always when the
files could be read (this is a measurement, not a test); 2 on unreadable input.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph

SYMMETRIC = {"combinesWith", "contrastsWith"}
CLAIMS = """
PREFIX lg: <https://w3id.org/leadgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?source ?sl ?p ?ol ?neg WHERE {
  ?c a lg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; lg:negated ?neg ;
     lg:evidence/oa:hasSource/dcterms:source ?source .
  ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol .
}
"""


def _claims(graph: Graph) -> dict[str, set[tuple[str, str, str, bool]]]:
    by_source: dict[str, set[tuple[str, str, str, bool]]] = defaultdict(set)
    for row in graph.query(CLAIMS):
        relation = str(row.p).rsplit("#", 1)[-1]
        by_source[str(row.source)].add(
            (str(row.sl), relation, str(row.ol), bool(row.neg.toPython()))
        )
    return by_source


def _found(item: dict, claims: set[tuple[str, str, str, bool]], negated: bool) -> bool:
    s, o, rel = re.compile(item["s"], re.I), re.compile(item["o"], re.I), item["rel"]
    for sl, r, ol, neg in claims:
        if r != rel or neg != negated:
            continue
        if (s.search(sl) and o.search(ol)) or (rel in SYMMETRIC and s.search(ol) and o.search(sl)):
            return True
    return False


def evaluate(gold: dict, claims: set[tuple[str, str, str, bool]]) -> tuple[list[str], float]:
    lines = []
    relations = gold["relations"]
    misses = [r for r in relations if not _found(r, claims, negated=False)]
    recall = (len(relations) - len(misses)) / len(relations) if relations else 1.0
    typed = {(s, r, o) for s, r, o, neg in claims if not neg}
    lines.append(f"recall: {recall:.2f} ({len(relations) - len(misses)}/{len(relations)})")
    lines.append(f"typed relations: {len(typed)}")
    for miss in misses:
        lines.append(f"  miss {miss['id']}: /{miss['s']}/ {miss['rel']} /{miss['o']}/")
    violations = [m for m in gold.get("must_not", []) if _found(m, claims, negated=False)]
    lines.append(f"must-not violations: {len(violations)}")
    for v in violations:
        lines.append(
            f"  VIOLATION {v['id']}: /{v['s']}/ {v['rel']} /{v['o']}/ ({v.get('why', '')})"
        )
    if gold.get("exhaustive"):
        right = [t for t in typed
                 if any(_found(r, {(*t, False)}, negated=False) for r in relations)]
        precision = len(right) / len(typed) if typed else 1.0
        lines.append(f"precision (exhaustive gold): {precision:.2f} ({len(right)}/{len(typed)})")
    for m in gold.get("must_not", []):
        if m.get("negated_claim_expected"):
            ok = _found(m, claims, negated=True)
            lines.append(f"  denial {m['id']} recorded as negated claim: {'yes' if ok else 'NO'}")
    return lines, recall


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    *golds, graph_path = argv
    graph = Graph()
    try:
        graph.parse(graph_path, format="turtle")
        documents = [json.loads(Path(g).read_text(encoding="utf-8")) for g in golds]
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    claims = _claims(graph)
    for path, gold in zip(golds, documents, strict=True):
        print(f"== {Path(path).name} ({gold['transcript']})")
        if gold["transcript"] not in claims:
            print("  transcript not in the graph (no claims)")
            continue
        lines, _ = evaluate(gold, claims[gold["transcript"]])
        print("\n".join("  " + line for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
