"""Whether changed triples can change a query's answer, without running the query.

A query's triple patterns fall into groups that are matched together (joined): the patterns of
the WHERE and of its subqueries (a variable a subquery does not select is its own), and the
patterns of each MINUS apart. A triple takes part in a match of its group only when every
other pattern of the group that shares a variable with the pattern it matches has some triple
with that value. A triple that, for every pattern it matches, misses such a partner in the
store (as it is with the triple in it) is inert: no match uses it, so adding or removing it
leaves every group's matches, hence the answer, as they were. A query with any other form
(OPTIONAL, UNION, GRAPH, property paths, EXISTS, SERVICE) is not followed: every triple counts
as live.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

Slot = ox.NamedNode | ox.Literal | Variable
Pattern = tuple[Slot, Slot, Slot]
Groups = tuple[tuple[Pattern, ...], ...]
# the algebra's nodes that pass their solutions (or a projection of them) on unchanged in kind
THROUGH = {"SelectQuery", "ConstructQuery", "Filter", "Extend", "Group", "AggregateJoin",
           "ToMultiSet", "Distinct", "Reduced", "OrderBy", "Slice", "Project", "Join", "Minus",
           "BGP", "values"}


class Unfollowed(ValueError):
    """A query form whose matches this module does not follow."""


@cache
def groups(text: str) -> Groups | None:
    """The groups of triple patterns of the query `text`; None when it is not followed."""
    found: list[list[Pattern]] = [[]]
    try:
        _walk(prepareQuery(text).algebra, found, 0, lambda v: v, itertools.count())
    except Unfollowed:
        return None
    return tuple(tuple(group) for group in found if group)


def _walk(node: CompValue, found: list[list[Pattern]], at: int,
          rename: Callable[[Variable], Variable], fresh: Iterable[int]) -> None:
    """Add the patterns under `node` to group `at` of `found` (a MINUS's to a new group)."""
    if node.name not in THROUGH:
        raise Unfollowed(node.name)
    for key in ("expr", "A"):
        _no_patterns(node.get(key))
    if node.name == "Project":
        kept, scope = set(node.PV), next(fresh)  # type: ignore[call-overload]
        outer = rename
        rename = lambda v: outer(v) if v in kept else Variable(f"{v}~{scope}")  # noqa: E731
    if node.name == "BGP":
        found[at].extend(tuple(_slot(term, rename) for term in triple) for triple in node.triples)
    if node.name == "Minus":
        _walk(node.p1, found, at, rename, fresh)
        found.append([])
        _walk(node.p2, found, len(found) - 1, rename, fresh)
        return
    for key in ("p", "p1", "p2"):
        if isinstance(node.get(key), CompValue):
            _walk(node[key], found, at, rename, fresh)


def _no_patterns(expr: object) -> None:
    """Refuse an expression that holds a graph pattern (EXISTS, NOT EXISTS)."""
    if isinstance(expr, CompValue):
        if "EXISTS" in expr.name.upper():
            raise Unfollowed(expr.name)
        for value in expr.values():
            _no_patterns(value)
    elif isinstance(expr, list | tuple):
        for value in expr:
            _no_patterns(value)


def _slot(term: object, rename: Callable[[Variable], Variable]) -> Slot:
    if isinstance(term, Variable):
        return rename(term)
    if isinstance(term, BNode):  # a blank node in a pattern is a variable of its group
        return rename(Variable(f"_:{term}"))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype and ox.NamedNode(str(term.datatype))
        return ox.Literal(str(term), datatype=datatype) if datatype else ox.Literal(str(term))
    raise Unfollowed(type(term).__name__)  # a property path


def live(triples: Iterable[ox.Triple], query: str, store: ox.Store) -> bool:
    """Whether any of `triples`, in the default graph of `store`, could take part in a match
    of the query `query` (see the module's docstring); True for a query not followed."""
    found = groups(query)
    if found is None:
        return True
    return any(_takes_part(t, group, store) for t in triples for group in found)


def _takes_part(triple: ox.Triple, group: tuple[Pattern, ...], store: ox.Store) -> bool:
    for pattern in group:
        bound = _match(triple, pattern)
        if bound is not None and all(_partner(other, bound, store)
                                     for other in group if other is not pattern):
            return True
    return False


def _match(triple: ox.Triple, pattern: Pattern) -> dict[Variable, object] | None:
    """The variables `pattern` binds on `triple`, or None when it does not match."""
    bound: dict[Variable, object] = {}
    for term, slot in zip((triple.subject, triple.predicate, triple.object), pattern, strict=True):
        if isinstance(slot, Variable):
            if bound.setdefault(slot, term) != term:
                return None
        elif slot != term:
            return None
    return bound


def _partner(pattern: Pattern, bound: dict[Variable, object], store: ox.Store) -> bool:
    """Whether `pattern`, with the variables it shares with `bound` given their values, has a
    triple in the store's default graph (True when it shares none)."""
    if not any(isinstance(slot, Variable) and slot in bound for slot in pattern):
        return True
    terms = [bound.get(slot) if isinstance(slot, Variable) else slot for slot in pattern]
    if isinstance(terms[0], ox.Literal) or not isinstance(terms[1], ox.NamedNode | None):
        return False  # no triple has a literal for subject, or a non-IRI for predicate
    return next(iter(store.quads_for_pattern(*terms, ox.DefaultGraph())), None) is not None
