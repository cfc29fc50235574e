"""Summary queries whose counts add up over the transcripts' graphs, kept up to date by parts.

A summary CONSTRUCT (ontology/summaries/) that holds the line FLAG declares that its grouped
subquery (the first `{ SELECT ... GROUP BY ... }`) counts only COUNT(DISTINCT ?v), that each
of its matches lies in one transcript's graph and that no value it counts is in two: its
counts over the corpus are then the sums of its counts over each transcript's graph. Outside
the subquery the WHERE may hold FILTER, BIND and MINUS blocks whose patterns bind every group
variable and also match within one transcript's graph. A rebuild that replaces a few graphs
then takes their old counts off the totals the previous build kept and adds their new ones,
and makes again only the output of the groups those graphs name (in the subquery or a MINUS).
tests/test_summaries.py checks the declaration against a full count on random corpora.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

FLAG = "#! counts add up over the transcripts' graphs"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
Key = tuple[str, ...]  # the group's values, as N-Triples terms
Counts = dict[Key, tuple[int, ...]]


class Unsupported(ValueError):
    """A flagged query of a form this module cannot count by parts."""


@dataclass(frozen=True)
class Summed:
    """A flagged summary query cut at its grouped subquery."""

    inner: str  # the grouped subquery, as a SELECT of its own
    keys: tuple[str, ...]  # its GROUP BY variables
    names: tuple[str, ...]  # the names of its counts
    head: str  # the CONSTRUCT before the subquery
    tail: str  # and after it
    minus: tuple[str, ...]  # SELECT DISTINCT of the group variables each MINUS binds


def summed(text: str) -> Summed | None:
    """The flagged query `text` cut at its grouped subquery; None when it is not flagged."""
    if FLAG not in text.splitlines():
        return None
    found = re.search(r"\{\s*SELECT\b", text)
    if found is None:
        raise Unsupported("no subquery")
    start, end = found.start(), _closing(text, found.start())
    sub = text[start + 1:end - 1]
    keys = tuple(re.findall(r"\?(\w+)", _after(sub, r"\bGROUP\s+BY\b")))
    projected = re.match(r"\s*SELECT\b(.*?)(\bWHERE\b|\{)", sub, re.S)
    clause = projected[1] if projected else ""
    aggregates = re.findall(r"\(\s*(\w+)\s*\(\s*(DISTINCT)?\s*\?\w+\s*\)\s*AS\s+\?\w+\s*\)",
                            clause)
    if not keys or not aggregates or any(a != ("COUNT", "DISTINCT") for a in aggregates) \
            or len(aggregates) != len(re.findall(r"\bAS\b", clause, re.I)) \
            or re.search(r"\bHAVING\b", sub):
        raise Unsupported("the subquery must group and count DISTINCT values only")
    prologue = "".join(line + "\n" for line in text.splitlines()
                       if line.lstrip().upper().startswith(("PREFIX", "BASE")))
    rest, minus = _minus_blocks(text[end:])
    if "{" in rest or text[:start].rsplit("WHERE", 1)[-1].count("{") != 1:
        raise Unsupported("only FILTER, BIND and MINUS may stand beside the subquery")
    for block in minus:
        if not all(f"?{key}" in block for key in keys):
            raise Unsupported("a MINUS must bind every group variable")
    selects = tuple(f"{prologue}SELECT DISTINCT {' '.join('?' + k for k in keys)} WHERE {{"
                    f"{block}}}" for block in minus)
    names = tuple(re.findall(r"AS\s+\?(\w+)", clause))
    return Summed(prologue + sub, keys, names, text[:start], text[end:], selects)


def _closing(text: str, start: int) -> int:
    """The index after the brace that closes the one at `start`."""
    depth = 0
    for at in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        if depth == 0:
            return at + 1
    raise Unsupported("unbalanced braces")


def _after(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    return text[found.end():] if found else ""


def _minus_blocks(text: str) -> tuple[str, list[str]]:
    """`text` without its MINUS blocks, and their bodies."""
    blocks: list[str] = []
    while found := re.search(r"\bMINUS\s*\{", text):
        end = _closing(text, found.end() - 1)
        blocks.append(text[found.end():end - 1])
        text = text[:found.start()] + text[end:]
    return text, blocks


def counts(query: Summed, store: ox.Store) -> Counts:
    """The grouped subquery's counts on `store`, by group."""
    return {tuple(str(row[k]) for k in query.keys):
            tuple(int(row[name].value) for name in query.names)
            for row in store.query(query.inner)}


def named(query: Summed, store: ox.Store) -> set[Key]:
    """The groups whose output the triples of `store` (one or a few transcripts' graphs) can
    change: those the subquery counts and those a MINUS matches."""
    groups = set(counts(query, store))
    for select in query.minus:
        groups.update(tuple(str(row[k]) for k in query.keys) for row in store.query(select))
    return groups


def added(totals: Counts, taken: Counts, put: Counts) -> Counts:
    """The totals of the groups in `taken` or `put`, less `taken`'s counts and plus `put`'s;
    a group counted nowhere any more is left out."""
    changed: Counts = {}
    for key in taken.keys() | put.keys():
        old = totals.get(key) or (0,) * len(taken.get(key) or put[key])
        minus, plus = taken.get(key, (0,) * len(old)), put.get(key, (0,) * len(old))
        total = tuple(a - b + c for a, b, c in zip(old, minus, plus, strict=True))
        if any(total):
            changed[key] = total
    return changed


def output(query: Summed, store: ox.Store, rows: Counts) -> set[bytes]:
    """The N-Triples lines the query makes on `store` for the groups `rows`, with their
    counts given instead of counted."""
    if not rows:
        return set()
    names = " ".join(f"?{name}" for name in query.keys + query.names)
    values = "".join(f"({' '.join(key)} {' '.join(str(n) for n in row)})\n"
                     for key, row in rows.items())
    text = f"{query.head}VALUES ({names}) {{\n{values}}}{query.tail}"
    made = store.query(text)
    return set(made.serialize(format=ox.RdfFormat.N_TRIPLES).splitlines())


def scoped(totals: Counts, keys: Iterable[Key]) -> Counts:
    """The rows of `totals` for `keys`."""
    return {key: totals[key] for key in keys if key in totals}
