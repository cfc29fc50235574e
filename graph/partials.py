"""Summary queries whose counts add up over the transcripts' graphs, kept up to date by parts.

A summary CONSTRUCT (ontology/summaries/) that holds the line FLAG declares that its grouped
subquery (the first `{ SELECT ... GROUP BY ... }`) counts only COUNT(DISTINCT ?v), that each
of its matches lies in one transcript's graph and that no value it counts is in two: its
counts over the corpus are then the sums of its counts over each transcript's graph. Outside
the subquery the WHERE may hold FILTER, BIND and MINUS blocks whose patterns bind every group
variable and also match within one transcript's graph. A rebuild that replaces a few graphs
then takes their old counts off the totals the previous build kept and adds their new ones,
and makes again only the output of the groups those graphs name (in the subquery or a MINUS).
A value that several transcripts share (a speaker's name) is counted through a value of one
transcript's own, declared by a line `#! ?speaker counted through ?claim`: the totals keep, for
each such value, how many of the other its matches hold, and count the values kept.
tests/test_summaries.py checks the declarations against a full count on random corpora.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

FLAG = "#! counts add up over the transcripts' graphs"
THROUGH = re.compile(r"^#! \?(\w+) counted through \?(\w+)$", re.M)
Key = tuple[str, ...]  # the group's values, as N-Triples terms
Count = int | dict[str, int]  # a count, or the values counted through another's counts
Counts = dict[Key, tuple[Count, ...]]


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
    through: dict[int, str]  # by count's place: the SELECT of its values and their counts


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
    aggregates = re.findall(r"\(\s*(\w+)\s*\(\s*(DISTINCT)?\s*\?(\w+)\s*\)\s*AS\s+\?\w+\s*\)",
                            clause)
    if not keys or not aggregates or any(a[:2] != ("COUNT", "DISTINCT") for a in aggregates) \
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
    body = sub[projected.end(1):re.search(r"\bGROUP\s+BY\b", sub).start()]  # type: ignore
    through = {place: f"{prologue}SELECT {' '.join('?' + k for k in keys)} ?{counted} "
                      f"(COUNT(DISTINCT ?{via}) AS ?_n) {body} GROUP BY "
                      f"{' '.join('?' + k for k in keys)} ?{counted}"
               for counted, via in THROUGH.findall(text)
               for place, aggregate in enumerate(aggregates) if aggregate[2] == counted}
    return Summed(prologue + sub, keys, names, text[:start], text[end:], selects, through)


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
    """The grouped subquery's counts on `store`, by group (a count made through another's,
    as its values and their counts)."""
    found: dict[Key, list[Count]] = {
        tuple(str(row[k]) for k in query.keys): [int(row[name].value) for name in query.names]
        for row in store.query(query.inner)}
    for place, select in query.through.items():
        for row in found.values():
            row[place] = {}
        for row in store.query(select):
            values = found[tuple(str(row[k]) for k in query.keys)][place]
            values[str(row[len(query.keys)])] = int(row["_n"].value)  # type: ignore[index]
    return {key: tuple(row) for key, row in found.items()}


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
        nothing = tuple(_none(count) for count in taken.get(key) or put[key])
        total = tuple(_sum(*counts) for counts in zip(
            totals.get(key, nothing), taken.get(key, nothing), put.get(key, nothing),
            strict=True))
        if any(total):
            changed[key] = total
    return changed


def _none(count: Count) -> Count:
    return {} if isinstance(count, dict) else 0


def _sum(total: Count, minus: Count, plus: Count) -> Count:
    """`total` less `minus` plus `plus`; values counted through others by value, without
    those counted nowhere."""
    if isinstance(total, int):
        return total - minus + plus  # type: ignore[operator]
    summed = {v: total.get(v, 0) - minus.get(v, 0) + plus.get(v, 0)  # type: ignore[union-attr]
              for v in total.keys() | minus.keys() | plus.keys()}  # type: ignore[union-attr]
    return {v: n for v, n in sorted(summed.items()) if n}


def output(query: Summed, store: ox.Store, rows: Counts) -> set[bytes]:
    """The N-Triples lines the query makes on `store` for the groups `rows`, with their
    counts given instead of counted."""
    if not rows:
        return set()
    names = " ".join(f"?{name}" for name in query.keys + query.names)
    values = "".join(f"({' '.join(key)} {' '.join(str(_number(n)) for n in row)})\n"
                     for key, row in rows.items())
    text = f"{query.head}VALUES ({names}) {{\n{values}}}{query.tail}"
    made = store.query(text)
    return set(made.serialize(format=ox.RdfFormat.N_TRIPLES).splitlines())


def _number(count: Count) -> int:
    return len(count) if isinstance(count, dict) else count


def scoped(totals: Counts, keys: Iterable[Key]) -> Counts:
    """The rows of `totals` for `keys`."""
    return {key: totals[key] for key in keys if key in totals}
