"""GEXF 1.3 and GraphML of a concept network, written as text straight from its nodes and edges.

The bytes are those networkx's writers gave for the same network (the same elements, attribute
ids, order, escaping and indentation; ASCII, other characters as character references), without
copying the network into another networkx graph and an XML tree first: at 100 interviews that
took about two seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import NamedTuple

from graph.elements import Elements
from graph.network import ConceptNetwork

Attributes = dict[str, object]
TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}  # as networkx declares them
GEXF_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<gexf{viz} xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
    "  <meta>\n    <creator>leadgraph</creator>\n  </meta>\n"
)
VIZ_NS = ' xmlns:viz="http://gexf.net/1.3/viz"'
GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
MULTIGRAPH_KEY = "networkx_key"  # an edge attribute networkx numbered, and leadgraph dropped
# Characters XML 1.0 forbids (C0 controls but tab, newline and return; surrogates; U+FFFE/FFFF).
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by U+FFFD (same length, so
    character offsets into it still hold)."""
    if text.isascii() and text.isprintable():  # the usual text: nothing to replace
        return text
    return XML_ILLEGAL.sub("\ufffd", text)


def edge_evidence(net: ConceptNetwork, key: str) -> dict[str, str]:
    """Every claim behind an edge: its quotes (a line per claim, in the order of `claim_iris`)
    and the claims' IRIs, space-separated (ConceptNetwork.evidence)."""
    quotes, iris = net.evidence(key)
    return {"quotes": quotes, "claim_iris": iris}


def attribute(text: str) -> str:
    """Text escaped for an XML attribute value, as ElementTree escapes it."""
    for plain, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                           ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if plain in text:
            text = text.replace(plain, escaped)
    return text


def content(text: str) -> str:
    """Text escaped for an XML element's content, as ElementTree escapes it."""
    for plain, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if plain in text:
            text = text.replace(plain, escaped)
    return text


class Escaped(dict):
    """Text made XML-safe and escaped by `escape`, each text once (the same relation, label,
    speaker, rule or title is on thousands of edges)."""

    def __init__(self, escape: Callable[[str], str]) -> None:
        super().__init__()
        self.escape = escape

    def __missing__(self, text: str) -> str:
        found = self[text] = self.escape(xml_safe(text))
        return found


def _tag(name: str, **values: str) -> str:
    """An opening tag without its closing '>' or ' />'."""
    return "".join([f"<{name}", *(f' {k}="{attribute(v)}"' for k, v in values.items())])


def _safe(data: Attributes) -> Attributes:
    return {k: xml_safe(v) if isinstance(v, str) else v for k, v in data.items()}


class Edge(NamedTuple):
    """An edge as written: its XML-safe ends, its id and its attributes."""

    source: str
    target: str
    ident: str
    data: Attributes
    style: tuple[str, str] = ("", "")  # GEXF: colour and dashes, drawn with viz


class Link(NamedTuple):
    """An edge element to write, before its attributes are made: its XML-safe ends, its id, the
    network's edge id and attributes, and whether it is the reverse of a symmetric relation."""

    source: str
    target: str
    ident: str
    key: str
    data: Attributes
    reverse: bool = False


def _nodes(net: ConceptNetwork, make: Callable[[Attributes], Attributes]) -> dict[str, Attributes]:
    """Each concept's attributes as `make` gives them, by its XML-safe id (two ids made the same
    are one node, as networkx had it)."""
    nodes: dict[str, Attributes] = {}
    for node, data in net.graph.nodes(data=True):
        nodes.setdefault(xml_safe(node), {}).update(_safe(make(data)))
    return nodes


def by_source(nodes: Iterable[str], edges: Iterable[Link]) -> Iterator[Link]:
    """Edges in the order a networkx multigraph holding them lists them: by source in the order
    of `nodes`, then by target in the order first linked from that source, then as added."""
    adjacency: dict[str, dict[str, list[Link]]] = {node: {} for node in nodes}
    for edge in edges:
        adjacency.setdefault(edge.source, {}).setdefault(edge.target, []).append(edge)
    for targets in adjacency.values():
        for group in targets.values():
            yield from group


def element_key(net: ConceptNetwork, key: str, reverse: bool = False) -> str | None:
    """What the element of edge `key` is kept by between builds (graph.elements; None: it is not
    kept)."""
    source = net.sources.get(key)
    return f"{source}-reverse" if source is not None and reverse else source


class Declared:
    """Attribute ids handed out in the order first seen, each with its type (the first value's)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, ...], str] = {}
        self.order: list[tuple[str, str, str, str]] = []  # (id, scope, name, type)
        self.rows: dict[tuple, tuple] = {}  # see `each`

    def each(self, scope: str, data: Attributes, by_type: bool,
             make: Callable[[str, str], object]) -> tuple:
        """`make(name, id)` for each attribute of `data`, in order: made once for all the
        elements whose attributes have the same names and types (at the first of them, so the
        ids are handed out in the same order as one at a time)."""
        signature = (scope, by_type, make, tuple(data), tuple(map(type, data.values())))
        found = self.rows.get(signature)
        if found is None:
            found = self.rows[signature] = tuple(
                make(name, self.id(scope, name, value, by_type)) for name, value in data.items())
        return found

    def id(self, scope: str, name: str, value: object, by_type: bool = False) -> str:
        """The id of attribute `name` of nodes or edges (`scope`); GraphML (`by_type`) gives
        one name with values of two types two ids, GEXF one."""
        kind = TYPES[type(value)]
        key = (scope, name, kind) if by_type else (scope, name)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = str(len(self.ids))
            self.order.append((found, scope, name, kind))
        return found


def _rgba(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


# --- GEXF -------------------------------------------------------------------------------------


def _gexf_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    if isinstance(value, float):
        return {"inf": "INF", "nan": "NaN", "-inf": "-INF"}.get(text, text)
    return text


INDENT = "        "  # of a node's or an edge's attvalues


def _attvalue(name: str, ident: str) -> str | None:
    """The start of an attvalue element, up to its value; None for the attribute not written."""
    return None if name == MULTIGRAPH_KEY else f'{INDENT}  <attvalue for="{ident}" value="'


def _attvalues(out: list[str], declared: Declared, scope: str, data: Attributes,
               escaped: Escaped) -> tuple:
    """Write the attvalues element of `data`; the row of attribute ids it was written with."""
    if not data:
        return ()
    row = declared.each(scope, data, False, _attvalue)
    lines = [f"{INDENT}<attvalues>\n"]
    for start, value in zip(row, data.values(), strict=True):
        if start is not None:  # a number's or a truth value's text needs no escaping
            text = escaped[value] if isinstance(value, str) else _gexf_value(value)
            lines.append(f'{start}{text}" />\n')
    lines.append(f"{INDENT}</attvalues>\n")
    out.append("".join(lines))
    return row


def _gexf_node(out: list[str], declared: Declared, ident: str, data: Attributes,
               escaped: Escaped) -> None:
    rest = {k: v for k, v in data.items() if k not in ("label", "x", "y", "size", "color")}
    r, g, b = _rgba(data["color"])  # type: ignore[arg-type]
    out.append(f'      {_tag("node", id=ident, label=str(data.get("label", ident)))}>\n'
               f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />\n'
               f'        <viz:size value="{data["size"]}" />\n'
               f'        <viz:position x="{data["x"]}" y="{-data["y"]}" z="0.0" />\n')  # type: ignore[operator]
    _attvalues(out, declared, "node", rest, escaped)
    out.append("      </node>\n")


def _gexf_links(net: ConceptNetwork) -> Iterator[Link]:
    """Every edge directed (networkx refuses an undirected edge in a directed graph, and
    graphology-gexf one of type "mutual" first): a symmetric relation is two edges, KEY and
    KEY-reverse."""
    for u, v, key, data in net.graph.edges(keys=True, data=True):
        yield Link(xml_safe(u), xml_safe(v), key, key, data)
        if not data["directed"]:
            yield Link(xml_safe(v), xml_safe(u), f"{key}-reverse", key, data, True)


def _gexf_edge_of(net: ConceptNetwork, link: Link, ident: str) -> Edge:
    """The edge as written, with id `ident`: both elements of a symmetric relation with
    `symmetric` 1; every claim's quote and IRI on it (text made XML-safe as it is written)."""
    data = link.data
    attrs = {k: x for k, x in data.items() if k not in ("color", "dashes", "directed")}
    attrs.update(edge_evidence(net, link.key), symmetric=1 - data["directed"])
    attrs[MULTIGRAPH_KEY] = ident
    return Edge(link.source, link.target, ident, attrs,
                (data["color"], data["dashes"]))  # type: ignore[arg-type]


def _in_tag(data: Attributes) -> tuple[Attributes, Attributes]:
    """An edge's attributes written in its tag (label and weight, as text), and the others."""
    data = dict(data)
    return {k: str(data.pop(k)) for k in ("label", "weight") if k in data}, data


def _gexf_edge(out: list[str], declared: Declared, edge: Edge, escaped: Escaped) -> tuple:
    """Write the edge's element; the row of attribute ids its attvalues were written with."""
    head = {"source": edge.source, "target": edge.target}
    rest, data = _in_tag(edge.data)
    colour, dashes = edge.style
    r, g, b = _rgba(colour)
    tag = "".join([*(f' {k}="{escaped[v]}"' for k, v in head.items()),
                   f' id="{attribute(edge.ident)}"',
                   *(f' {k}="{escaped[v]}"' for k, v in rest.items())])
    out.append(f'      <edge{tag} type="directed">\n'
               f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />\n'
               f'        <viz:thickness value="{float(rest["weight"])}" />\n'
               f'        {_tag("viz:shape", value=dashes)} />\n')
    row = _attvalues(out, declared, "edge", data, escaped)
    out.append("      </edge>\n")
    return row


def _declarations(declared: Declared, scope: str) -> str:
    found = [(i, name, kind) for i, s, name, kind in declared.order
             if s == scope and name != MULTIGRAPH_KEY]
    if not found:
        return ""
    lines = [f'    <attributes mode="static" class="{scope}">\n']
    lines += [f'      {_tag("attribute", id=i, title=name, type=kind)} />\n'
              for i, name, kind in found]
    return "".join([*lines, "    </attributes>\n"])


def to_gexf(net: ConceptNetwork, elements: Elements | None = None) -> bytes:
    """GEXF 1.3, directed, with declared attribute types and viz data (colour with alpha, size,
    position with y up as in Gephi); text made XML-safe; no date (stable bytes). The edges'
    elements go through `elements` (those it knows are taken from the previous build's file)."""
    nodes = _nodes(net, dict)
    declared, escaped = Declared(), Escaped(attribute)
    body: list[str] = []
    for ident, data in nodes.items():
        _gexf_node(body, declared, ident, data, escaped)
    links = list(by_source(nodes, _gexf_links(net)))
    elements, row = elements or Elements(), ()
    if links:  # every edge has the attributes of the first: their ids are handed out there
        row = declared.each("edge", _in_tag(_gexf_edge_of(net, links[0], "").data)[1], False,
                            _attvalue)
        elements.declare(repr(row))
    head = [GEXF_HEAD.format(viz=VIZ_NS if nodes else ""),
            '  <graph defaultedgetype="directed" mode="static" name="">\n',
            _declarations(declared, "edge"), _declarations(declared, "node"),
            *_wrapped("nodes", body), "    <edges>\n" if links else "    <edges />\n"]
    elements.add(_ascii("".join(head)))
    for link in links:
        elements.keyed(element_key(net, link.key, link.reverse), link.ident,
                       partial(_gexf_element, net, (declared, row), escaped, link, elements))
    elements.add(_ascii(("    </edges>\n" if links else "") + "  </graph>\n</gexf>\n\n"))
    return elements.bytes()


def _gexf_element(net: ConceptNetwork, declared: tuple[Declared, tuple], escaped: Escaped,
                  link: Link, elements: Elements, ident: str) -> bytes:
    """An edge's GEXF element with id `ident`, as ASCII; `elements` keeps no index if its
    attributes' ids are not those declared with the first edge (`declared`: the ids and that
    row)."""
    out: list[str] = []
    ids, row = declared
    if _gexf_edge(out, ids, _gexf_edge_of(net, link, ident), escaped) != row:
        elements.spoil()
    return _ascii("".join(out))


def _ascii(text: str) -> bytes:
    return text.encode("ascii", "xmlcharrefreplace")


def _wrapped(name: str, inner: list[str]) -> list[str]:
    if not inner:
        return [f"    <{name} />\n"]
    return [f"    <{name}>\n", *inner, f"    </{name}>\n"]


# --- GraphML ----------------------------------------------------------------------------------


def _graphml_node(data: Attributes) -> Attributes:
    """GraphML has no viz: colour and position (y up) as plain attributes, with the r, g, b, x
    and y names Gephi's GraphML importer reads."""
    r, g, b = _rgba(data["color"])  # type: ignore[arg-type]
    return {**data, "y": -data["y"], "r": r, "g": g, "b": b}  # type: ignore[operator]


def _data(name: str, ident: str) -> tuple[str, str]:
    """A data element's start, up to its text, and the element when it has no text."""
    return f'      <data key="d{ident}">', f'      <data key="d{ident}" />\n'


def _graphml_element(out: list[str], declared: Declared, scope: str, head: str,
                     data: Attributes, escaped: Escaped) -> tuple:
    """Write a node or edge element; the row of keys its data was written with."""
    if not data:
        out.append(f"    {head} />\n")
        return ()
    row = declared.each(scope, data, True, _data)
    lines = [f"    {head}>\n"]
    for (start, empty), value in zip(row, data.values(), strict=True):
        text = escaped[value] if isinstance(value, str) else str(value)  # a number: as it is
        lines.append(f"{start}{text}</data>\n" if text else empty)
    lines.append(f"    </{scope}>\n")
    out.append("".join(lines))
    return row


def to_graphml(net: ConceptNetwork, elements: Elements | None = None) -> bytes:
    """GraphML, directed, every attribute a typed key; text made XML-safe. The edges' elements
    go through `elements` (those it knows are taken from the previous build's file)."""
    nodes = _nodes(net, _graphml_node)
    declared, escaped = Declared(), Escaped(content)
    body: list[str] = []
    for ident, data in nodes.items():
        _graphml_element(body, declared, "node", _tag("node", id=ident), data, escaped)
    links = list(by_source(nodes, (Link(xml_safe(u), xml_safe(v), key, key, data)
                                   for u, v, key, data in net.graph.edges(keys=True, data=True))))
    elements, row = elements or Elements(), ()
    if links:  # every edge has the attributes of the first: their keys are handed out there
        row = declared.each("edge", _graphml_data(net, links[0]), True, _data)
        elements.declare(repr(row))
    keys = [f'  {_tag("key", id="d" + i, **{"for": scope, "attr.name": name, "attr.type": kind})}'
            " />\n" for i, scope, name, kind in reversed(declared.order)]
    if not body and not links:
        elements.add(_lines("".join([GRAPHML_HEAD, "\n", *keys,
                                     '  <graph edgedefault="directed" />\n', "</graphml>"])))
        return elements.bytes()
    elements.add(_lines("".join([GRAPHML_HEAD, "\n", *keys, '  <graph edgedefault="directed">\n',
                                 *body])))
    for link in links:  # text made XML-safe as it is written
        elements.keyed(element_key(net, link.key), link.ident,
                       partial(_graphml_edge, net, (declared, row), escaped, link, elements))
    elements.add(_lines("  </graph>\n</graphml>"))
    return elements.bytes()


def _graphml_data(net: ConceptNetwork, link: Link) -> Attributes:
    return {**link.data, **edge_evidence(net, link.key)}


def _graphml_edge(net: ConceptNetwork, declared: tuple[Declared, tuple], escaped: Escaped,
                  link: Link, elements: Elements, ident: str) -> bytes:
    """An edge's GraphML element with id `ident`, in lines as the file has them; `elements`
    keeps no index if its attributes' keys are not those declared with the first edge
    (`declared`: the keys and that row)."""
    ids, row = declared
    out: list[str] = []
    head = _tag("edge", source=link.source, target=link.target, id=ident)
    if _graphml_element(out, ids, "edge", head, _graphml_data(net, link), escaped) != row:
        elements.spoil()
    return _lines("".join(out))


def _lines(text: str) -> bytes:
    """Text as ASCII in lines as networkx split them (each line ended by a newline): a file of
    such pieces is the file of their text."""
    lines = text.encode("ascii", "xmlcharrefreplace").decode("ascii").splitlines()
    return ("\n".join(lines) + "\n").encode("ascii")
