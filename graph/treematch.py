"""Dependency patterns matched over a parse.

The patterns are spaCy's DependencyMatcher patterns (spaCy checks them when the constructions
load), and the matches are the ones it finds. Its matcher tests every node of every pattern on
every token of a sentence before it looks at the tree, which made it the largest cost of a build
after the parse itself; here each sentence's words are indexed once, a pattern's root is looked
up by the words it names, and every other node is tested only on the tokens its operator reaches
from the node before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

ATTRS = ("DEP", "POS", "TAG", "LOWER", "LEMMA")  # the token attributes a pattern may test
_LOOKUP = ("LEMMA", "LOWER", "TAG", "DEP", "POS")  # the root's test to look up, rarest first
OPERATORS = (">", "<", ">>", "<<", ".", ".*", ";", ";*")
_IN_TREE = frozenset((">", "<", ">>", "<<"))  # operators that cannot leave the tree


@dataclass(frozen=True)
class _Test:
    attr: int  # index into ATTRS
    values: frozenset[str]
    negated: bool  # NOT_IN


@dataclass(frozen=True)
class _Node:
    tests: tuple[_Test, ...]
    parent: int  # the node the operator starts from; -1 for the root
    op: str
    lookup: _Test | None  # the test whose words find the node's tokens, rarest first
    tested: int  # a number for the node's tests, the same for the same tests
    in_tree: bool  # its operator cannot leave the tree (see _IN_TREE)


def unsupported(pattern: list[dict[str, Any]]) -> str | None:
    """Why the matcher cannot read `pattern` (an operator or attribute it does not know), or
    None."""
    for node in pattern:
        if node.get("REL_OP", ">") not in OPERATORS:
            return f"operator {node['REL_OP']!r} is not one of {' '.join(OPERATORS)}"
        for attr, value in node.get("RIGHT_ATTRS", {}).items():
            if attr not in ATTRS:
                return f"attribute {attr!r} is not one of {', '.join(ATTRS)}"
            if isinstance(value, dict) and not set(value) <= {"IN", "NOT_IN"}:
                return f"{attr}: only a string, IN or NOT_IN can be tested"
    return None


def _compile(pattern: list[dict[str, Any]], numbers: dict[tuple[_Test, ...], int]
             ) -> tuple[_Node, ...]:
    position = {node["RIGHT_ID"]: i for i, node in enumerate(pattern)}
    nodes = []
    for node in pattern:
        tests = []
        for attr, value in node.get("RIGHT_ATTRS", {}).items():
            if isinstance(value, dict):
                tests += [_Test(ATTRS.index(attr), frozenset(v), key == "NOT_IN")
                          for key, v in value.items()]
            else:
                tests.append(_Test(ATTRS.index(attr), frozenset([value]), False))
        parent = position[node["LEFT_ID"]] if "REL_OP" in node else -1
        lookups = sorted((_LOOKUP.index(ATTRS[t.attr]), i) for i, t in enumerate(tests)
                         if not t.negated)
        lookup = tests[lookups[0][1]] if lookups else None
        tested = numbers.setdefault(tuple(tests), len(numbers))
        op = node.get("REL_OP", "")
        nodes.append(_Node(tuple(tests), parent, op, lookup, tested, op in _IN_TREE))
    return tuple(nodes)


class TreeMatcher:
    """The matches of named patterns in a parsed Doc, as (name, token indices in the pattern's
    node order), pattern by pattern in the order added, each pattern's in the order of its nodes'
    tokens (the order of spaCy's DependencyMatcher within one sentence)."""

    def __init__(self) -> None:
        self.patterns: list[tuple[str, tuple[_Node, ...]]] = []
        self.numbers: dict[tuple[_Test, ...], int] = {}

    def add(self, name: str, pattern: list[dict[str, Any]]) -> None:
        problem = unsupported(pattern)
        if problem:
            raise ValueError(f"pattern {name!r}: {problem}")
        self.patterns.append((name, _compile(pattern, self.numbers)))

    def __call__(self, doc: Any) -> list[tuple[str, list[int]]]:
        tree = _Tree(doc)
        return [(name, match) for name, nodes in self.patterns if tree._roots(nodes[0])
                for match in tree.matches(nodes)]


class _Tree:
    """One Doc's tokens as plain lists, with what the patterns ask of them kept once."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.words = [(t.dep_, t.pos_, t.tag_, t.lower_, t.lemma_) for t in doc]
        self.heads = [t.head.i for t in doc]
        self.children: list[list[int]] = [[] for _ in self.words]
        for i, head in enumerate(self.heads):
            if head != i:
                self.children[head].append(i)
        self.index: dict[int, dict[str, list[int]]] = {}
        self.rooted: dict[int, list[int]] = {}
        self.root_of: list[int] | None = None
        self.sentence: list[tuple[int, int]] | None = None

    def matches(self, nodes: tuple[_Node, ...]) -> Iterator[list[int]]:
        roots = self._roots(nodes[0])
        if len(nodes) == 1:
            yield from ([i] for i in roots)
            return
        bound = [0] * len(nodes)
        for root in roots:
            bound[0] = root
            yield from self._extend(nodes, 1, bound)

    def _extend(self, nodes: tuple[_Node, ...], at: int, bound: list[int]) -> Iterator[list[int]]:
        node = nodes[at]
        reached = _OPERATORS[node.op](self, bound[node.parent])  # in order
        for i in reached:
            if not self._passes(node.tests, i) or (
                    not node.in_tree and self._root(i) != self._root(bound[0])):
                continue
            bound[at] = i
            if at + 1 == len(nodes):
                yield list(bound)
            else:
                yield from self._extend(nodes, at + 1, bound)

    def _roots(self, node: _Node) -> list[int]:
        """The tokens that pass the root node's tests (patterns often share their root)."""
        if node.tested not in self.rooted:
            self.rooted[node.tested] = self._passing(node)
        return self.rooted[node.tested]

    def _passing(self, node: _Node) -> list[int]:
        if node.lookup is None:
            return [i for i in range(len(self.words)) if self._passes(node.tests, i)]
        index = self._index(node.lookup.attr)
        values = node.lookup.values
        if len(values) < len(index):  # look the fewer words up in the more
            found = sorted(i for value in values if value in index for i in index[value])
        else:
            found = sorted(i for value in index if value in values for i in index[value])
        return [i for i in found if self._passes(node.tests, i)]

    def _passes(self, tests: tuple[_Test, ...], i: int) -> bool:
        word = self.words[i]
        for test in tests:  # noqa: SIM110  (a loop, not all() over a generator: the hot path)
            if (word[test.attr] in test.values) == test.negated:
                return False
        return True

    def _index(self, attr: int) -> dict[str, list[int]]:
        if attr not in self.index:
            index: dict[str, list[int]] = {}
            for i, word in enumerate(self.words):
                index.setdefault(word[attr], []).append(i)
            self.index[attr] = index
        return self.index[attr]

    def _root(self, i: int) -> int:
        if self.root_of is None:
            self.root_of = [(self._ancestors(j) or [j])[-1] for j in range(len(self.words))]
        return self.root_of[i]


    def _bounds(self, i: int) -> tuple[int, int]:
        if self.sentence is None:
            self.sentence = [(0, 0)] * len(self.words)
            for sent in self.doc.sents:
                for j in range(sent.start, sent.end):
                    self.sentence[j] = (sent.start, sent.end)
        return self.sentence[i]

    def _descendants(self, i: int) -> list[int]:
        out, stack = [], list(self.children[i])
        while stack:
            j = stack.pop()
            out.append(j)
            stack += self.children[j]
        return out

    def _ancestors(self, i: int) -> list[int]:
        out = []
        while self.heads[i] != i and len(out) <= len(self.words):
            i = self.heads[i]
            out.append(i)
        return out


def _head(tree: _Tree, i: int) -> list[int]:
    return [] if tree.heads[i] == i else [tree.heads[i]]


def _after(tree: _Tree, i: int) -> list[int]:
    return list(range(i + 1, tree._bounds(i)[1]))


def _before(tree: _Tree, i: int) -> list[int]:
    return list(range(tree._bounds(i)[0], i))


_OPERATORS: dict[str, Callable[[_Tree, int], list[int]]] = {
    ">": lambda tree, i: tree.children[i],
    "<": _head,
    ">>": lambda tree, i: sorted(tree._descendants(i)),
    "<<": lambda tree, i: sorted(tree._ancestors(i)),
    ".": lambda tree, i: _after(tree, i)[:1],
    ".*": _after,
    ";": lambda tree, i: _before(tree, i)[-1:],
    ";*": _before,
}
