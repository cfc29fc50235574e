"""The concept map and the report in a real browser: Debian's Chromium driven by Playwright, pages
opened from disk with every non-file request blocked and recorded, and a hostile transcript whose
markup must be shown as text, never run. Counts are compared with the graph's, never hard-coded."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef

from graph.export import write_views
from graph.network import RADIUS, TERMS, project
from graph.pipeline import Options, build
from graph.vocab import LG

from .conftest import CORPUS, FIXTURES

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND"]
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE = f"""Hostile {SCRIPT} interview

Ann Lee: Why do teams stop reporting errors?

Bob Kay: Blame kills learning {IMG} every time. Trust needs consistency {SCRIPT} in the team.

Bob Kay: =HYPERLINK("http://x") Fear undermines speaking up.
"""
WORDS = "e => e.label && e.label.trim()"  # an edge that shows its relation's words
VISIBLE_NODES = "network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)"
VISIBLE_EDGES = "network.body.data.edges.get({filter: e => !e.hidden}).map(e => e.id)"
LABEL_BOXES = """() => network.body.data.nodes.get({filter: n => !n.hidden}).map(n => {
    const node = network.body.nodes[n.id]; const s = node.labelModule.size;
    return {id: n.id, left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height,
            font: node.labelModule.fontOptions.size, drawn: node.labelModule.visible()}; })"""


class Visit:
    """An open page with the requests it attempted and the errors it raised."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 860,
                 fragment: str = "") -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height},
                                     accept_downloads=True)
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.goto(path.resolve().as_uri() + fragment)

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def clean(self) -> bool:
        return self.requests == [] and self.errors == []


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def berwick(berwick_build):
    out, _, _ = berwick_build
    return out, project(Graph().parse(out / "graph.ttl", format="turtle"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The shared corpus and our own interviews: several formats, namesakes across interviews."""
    out = tmp_path_factory.mktemp("corpus") / "out"
    build([CORPUS, FIXTURES / "interviews"], out, Options(cache=None))
    return out, project(Graph().parse(out / "graph.ttl", format="turtle"))


@pytest.fixture(scope="module", params=["berwick", "corpus"])
def built(request):
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    build([folder / "hostile.txt"], folder / "out")
    return folder / "out"


def wait_ready(visit: Visit) -> None:
    """Until the map has drawn (polled from here: the page's policy forbids eval, which
    Playwright's own polling uses)."""
    visit.page.wait_for_load_state()
    for _ in range(100):
        if visit.evaluate("window.leadgraphReady === true"):
            return
        visit.page.wait_for_timeout(100)
    raise AssertionError("the map did not draw within 10 s")


def open_map(browser, path: Path, fragment: str = "", **size) -> Visit:
    visit = Visit(browser, path, fragment=fragment, **size)
    wait_ready(visit)
    return visit


def related(net) -> list[str]:
    return [n for n in net.graph if net.graph.degree(n)]


def label_of(net, node: str) -> str:
    return net.graph.nodes[node]["label"]


def on_screen(visit: Visit, node: str) -> tuple[float, float]:
    x, y = visit.evaluate("id => { const p = network.canvasToDOM(network.getPosition(id));"
                          " return [p.x, p.y]; }", node)
    box = visit.page.locator("#map").bounding_box()
    return box["x"] + x, box["y"] + y


def _clearest_midpoint(visit: Visit, edges: list, nodes) -> tuple:
    """The edge whose midpoint on screen lies farthest from every drawn concept (where a hover
    finds the edge, not a dot or a label), with that midpoint."""
    where = {n: on_screen(visit, n) for n in nodes}

    def clearance(edge: tuple) -> float:
        (ax, ay), (bx, by) = where[edge[0]], where[edge[1]]
        mx, my = (ax + bx) / 2, (ay + by) / 2
        return min((x - mx) ** 2 + (y - my) ** 2 for x, y in where.values())

    u, v, key = max(edges, key=clearance)
    (ax, ay), (bx, by) = where[u], where[v]
    return u, v, key, ((ax + bx) / 2, (ay + by) / 2)


def click_node(visit: Visit, node: str) -> None:
    visit.page.mouse.click(*on_screen(visit, node))


def panel_quotes(visit: Visit) -> list[str]:
    texts = visit.page.locator("#panel blockquote").evaluate_all(
        "els => els.map(e => [...e.childNodes].filter(n => !(n.classList &&"
        " n.classList.contains('quote-label'))).map(n => n.textContent).join(''))")
    return [" ".join(t.split()) for t in texts]


def hub(net) -> str:
    return max(related(net), key=lambda n: (net.graph.degree(n), n))


# --- drawing and layout ---------------------------------------------------------------------

def test_map_draws_every_related_concept_and_relation_and_lists_the_others(browser, built):
    out, net = built
    visit = open_map(browser, out / "concept_map.html")
    drawn = visit.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert drawn == [len(related(net)), net.graph.number_of_edges()]
    assert sorted(visit.evaluate(VISIBLE_NODES)) == sorted(related(net))
    listed = visit.page.locator("#unrelated-list button").evaluate_all(
        "els => els.map(e => e.dataset.id)")
    assert sorted(listed) == sorted(n for n in net.graph if not net.graph.degree(n))
    assert len(listed) + drawn[0] == net.graph.number_of_nodes()
    assert visit.evaluate("performance.now()") < 6000
    assert visit.clean()
    assert visit.evaluate("document.querySelectorAll('script[src], link, iframe, img').length") == 0


def test_no_two_labels_overlap_and_every_label_is_legible_at_fit(browser, built):
    out, net = built
    visit = open_map(browser, out / "concept_map.html")
    boxes = visit.evaluate(LABEL_BOXES)
    scale = visit.evaluate("network.getScale()")
    assert len(boxes) == len(related(net))
    assert all(b["drawn"] for b in boxes)
    assert min(b["font"] for b in boxes) * scale >= 12
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["right"] <= b["left"] or b["right"] <= a["left"]
                     or a["bottom"] <= b["top"] or b["bottom"] <= a["top"])
            assert apart, (label_of(net, a["id"]), label_of(net, b["id"]))
    # the related concepts fill the view: the drawing spans most of the map's width or height
    left, right = min(b["left"] for b in boxes), max(b["right"] for b in boxes)
    top, bottom = min(b["top"] for b in boxes), max(b["bottom"] for b in boxes)
    area = visit.page.locator("#map").bounding_box()
    assert max((right - left) * scale / area["width"], (bottom - top) * scale / area["height"]) > 0.6
    # ... and every label is inside the map, none under the zoom buttons
    corners = visit.evaluate("b => [network.canvasToDOM({x: b[0], y: b[1]}),"
                             " network.canvasToDOM({x: b[2], y: b[3]})]", [left, top, right, bottom])
    assert corners[0]["x"] >= 0 and corners[0]["y"] >= 0
    assert corners[1]["x"] <= area["width"] and corners[1]["y"] <= area["height"]
    buttons = visit.page.locator(".zoom").bounding_box()
    assert corners[0]["x"] >= buttons["x"] + buttons["width"] - area["x"]


# --- reading the network --------------------------------------------------------------------

def test_size_and_colour_switches_redraw_every_concept(browser, corpus):
    out, net = corpus
    visit = open_map(browser, out / "concept_map.html")
    sizes = "network.body.data.nodes.get().map(n => [n.id, n.size, n.color.background])"
    by_mentions = {n: (s, c) for n, s, c in visit.evaluate(sizes)}
    visit.page.check("input[name=size-by][value='0']")
    by_degree = {n: (s, c) for n, s, c in visit.evaluate(sizes)}
    degree = net.graph.degree
    hubs = sorted(related(net), key=lambda n: degree(n))
    assert by_degree[hubs[-1]][0] > by_degree[hubs[0]][0]
    assert by_degree != by_mentions
    assert all(RADIUS[0] <= s <= RADIUS[1] for s, _ in [*by_degree.values(), *by_mentions.values()])
    visit.page.check("input[name=colour-by][value='community']")
    colours = {n: c for n, _, c in visit.evaluate(sizes)}
    communities = {net.graph.nodes[n]["community"] for n in related(net)}
    assert len(set(colours.values())) == min(len(communities), 12)
    assert visit.page.locator("#colour-legend li").count() == len(communities)
    visit.page.check("input[name=colour-by][value='interview']")
    assert visit.page.locator("#colour-legend li").count() == len(net.transcripts) + 1
    visit.page.check("input[name=colour-by][value='category']")
    assert {n: c for n, _, c in visit.evaluate(sizes)} == {
        n: net.graph.nodes[n]["color"] for n in related(net)}
    assert visit.clean()


def test_clicking_a_concept_highlights_its_neighbours_and_dims_the_rest(browser, corpus):
    out, net = corpus
    node = hub(net)
    near = {node} | set(net.graph.successors(node)) | set(net.graph.predecessors(node))
    visit = open_map(browser, out / "concept_map.html")
    click_node(visit, node)
    opacity = dict(visit.evaluate("network.body.data.nodes.get().map(n => [n.id, n.opacity])"))
    assert {n for n, o in opacity.items() if o == 1} == near
    faint = visit.evaluate("network.body.data.edges.get().filter(e => e.color.opacity < 0.5)"
                           ".map(e => e.id)")
    assert sorted(faint) == sorted(k for u, v, k in net.graph.edges(keys=True) if node not in (u, v))
    assert visit.page.locator("#panel h2").text_content() == label_of(net, node)
    visit.page.keyboard.press("Escape")
    opacity = visit.evaluate("network.body.data.nodes.get().map(n => n.opacity)")
    assert set(opacity) == {1} and visit.page.locator("#panel").is_hidden()


def test_edge_words_show_when_zoomed_in_and_on_hover(browser, corpus):
    out, net = corpus
    labelled = f"network.body.data.edges.get().filter({WORDS}).length"
    visit = open_map(browser, out / "concept_map.html")
    if visit.evaluate("network.getScale()") < 1.25:
        assert visit.evaluate(labelled) == 0
    single = [(u, v, k) for u, v, k in net.graph.edges(keys=True)
              if u != v and net.graph.number_of_edges(u, v) + net.graph.number_of_edges(v, u) == 1]
    u, v, key, (mx, my) = _clearest_midpoint(visit, single, related(net))
    visit.page.mouse.move(mx, my)
    visit.page.wait_for_timeout(200)
    label = net.relation_labels[net.graph.edges[u, v, key]["relation"]]
    assert visit.evaluate("id => network.body.data.edges.get(id).label", key) == label
    visit.page.mouse.move(5, 5)
    visit.page.wait_for_timeout(200)
    assert visit.evaluate(labelled) == 0 or visit.evaluate("network.getScale()") >= 1.25
    for _ in range(4):
        visit.page.click("#zoom-in")
    visit.page.wait_for_timeout(400)
    assert visit.evaluate(labelled) == net.graph.number_of_edges()
    assert visit.clean()


def settles_at(visit: Visit, scale: float) -> bool:
    """Whether the view's zoom reaches `scale` within four seconds (animations take a while,
    longer on a busy machine)."""
    for _ in range(40):
        if abs(visit.evaluate("network.getScale()") - scale) < 0.01:
            return True
        visit.page.wait_for_timeout(100)
    return False


def steady_scale(visit: Visit) -> float:
    """The zoom once the view has stopped moving (the opening fit is animated)."""
    last = visit.evaluate("network.getScale()")
    for _ in range(40):
        visit.page.wait_for_timeout(150)
        now = visit.evaluate("network.getScale()")
        if abs(now - last) < 1e-6:
            return now
        last = now
    return last


def press(visit: Visit, button: str) -> None:
    """Click a map button, then take the pointer off the map (an edge passing under a resting
    pointer would be hovered)."""
    visit.page.click(button)
    visit.page.mouse.move(2, 2)


def test_zoom_buttons_and_keys_move_the_view(browser, berwick):
    out, _ = berwick
    visit = open_map(browser, out / "concept_map.html")
    fit = steady_scale(visit)
    press(visit, "#zoom-in")
    assert settles_at(visit, fit * 1.3)
    press(visit, "#zoom-out")
    assert settles_at(visit, fit)
    press(visit, "#zoom-out")
    assert settles_at(visit, fit / 1.3)
    press(visit, "#zoom-fit")
    assert settles_at(visit, fit)
    visit.page.focus("#map")
    visit.page.keyboard.press("+")
    assert settles_at(visit, fit * 1.3)
    before = visit.evaluate("network.getViewPosition()")
    visit.page.keyboard.press("ArrowRight")
    visit.page.keyboard.press("ArrowDown")
    after = visit.evaluate("network.getViewPosition()")
    assert after["x"] > before["x"] and after["y"] > before["y"]
    visit.page.keyboard.press("0")
    assert settles_at(visit, fit)
    assert visit.clean()


# --- finding --------------------------------------------------------------------------------

def test_filters_keep_working_after_reset_and_any_sequence_of_clicks(browser, corpus):
    out, net = corpus
    g = net.graph
    visit = open_map(browser, out / "concept_map.html")
    edges = lambda: len(visit.evaluate(VISIBLE_EDGES))  # noqa: E731
    total = g.number_of_edges()
    counts = {}
    for _, _, d in g.edges(data=True):
        counts[d["relation"]] = counts.get(d["relation"], 0) + 1
    first, second = sorted(counts, key=lambda r: (-counts[r], r))[:2]
    box = lambda r: visit.page.locator(f"#relation-legend input[data-id='{r}']")  # noqa: E731
    for _ in range(3):  # the same clicks, again and again after a reset
        box(first).click()
        assert edges() == total - counts[first]
        box(second).click()
        assert edges() == total - counts[first] - counts[second]
        box(first).click()
        assert edges() == total - counts[second]
        visit.page.click("#reset")
        assert edges() == total
        assert visit.page.locator(".legend input:not(:checked)").count() == 0
    category = g.nodes[hub(net)]["category"]
    visit.page.locator(f"#category-legend input[data-id='{category}']").click()
    assert hub(net) not in visit.evaluate(VISIBLE_NODES)
    assert all(g.nodes[n]["category"] != category for n in visit.evaluate(VISIBLE_NODES))
    visit.page.click("#reset")
    transcript = max(range(len(net.transcripts)), key=lambda i: sum(
        c.transcript == net.transcripts[i].iri for cs in net.claims.values() for c in cs))
    visit.page.select_option("#transcript-filter", str(transcript))
    expected = sum(any(c.transcript == net.transcripts[transcript].iri for c in net.claims[k])
                   for k in net.claims)
    assert edges() == expected
    box(first).click()
    visit.page.click("#reset")
    box(first).click()
    assert edges() == total - counts[first]
    assert visit.page.locator("#transcript-filter").input_value() == ""
    assert visit.clean()


def test_speakers_of_different_interviews_are_kept_apart(browser, corpus):
    out, net = corpus
    visit = open_map(browser, out / "concept_map.html")
    options = visit.page.locator("#speaker-filter option").all_text_contents()[1:]
    people = {p for t in net.transcripts for p in t.people}
    assert len(options) == len(set(options)) == len(people)
    namesake = next(name for name in {s for t in net.transcripts for s in t.speakers}
                    if sum(name in t.speakers for t in net.transcripts) > 1)
    assert sum(o.startswith(namesake + " · ") for o in options) > 1
    transcript = max((t for t in net.transcripts if namesake in t.speakers), key=lambda t: sum(
        c.transcript == t.iri for cs in net.claims.values() for c in cs))
    speaker_iri, title = transcript.people[transcript.speakers.index(namesake)], transcript.title
    visit.page.select_option("#speaker-filter", label=f"{namesake} · {title}")
    expected = sum(any(c.speaker_iri == speaker_iri for c in net.claims[k]) for k in net.claims)
    assert len(visit.evaluate(VISIBLE_EDGES)) == expected
    assert visit.clean()


def test_one_person_across_interviews_is_one_speaker(browser, tmp_path):
    out = tmp_path / "out"
    sources = [FIXTURES / "interviews" / "community.txt", FIXTURES / "interviews" / "ward.md"]
    build(sources, out, Options(cache=None, people=(("Interviewer", "Interviewer"),)))
    visit = open_map(browser, out / "concept_map.html")
    options = visit.page.locator("#speaker-filter option").all_text_contents()[1:]
    assert options.count("Interviewer · 2 interviews") == 1
    assert not any(o.startswith("Interviewer · ") and "2 interviews" not in o for o in options)


def test_search_finds_labels_alternative_labels_and_quote_words_and_marks_them(browser, corpus):
    out, net = corpus
    g = net.graph
    visit = open_map(browser, out / "concept_map.html")
    node = hub(net)
    visit.page.fill("#search", label_of(net, node).upper()[:-1])
    assert visit.page.locator("#search-results button").first.get_attribute("data-id") == node
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(600)
    assert visit.evaluate("network.getSelectedNodes()") == [node]
    assert visit.page.locator("#panel h2").text_content() == label_of(net, node)
    concept, alt = next((c, names[0]) for c, names in sorted(net.alt_labels.items())
                        if all(alt.lower() not in d["label"].lower()
                               for _, d in g.nodes(data=True) for alt in names[:1]))
    visit.page.fill("#search", alt)
    assert visit.page.locator("#search-results button").first.get_attribute("data-id") == concept
    # a word of a quote that names no concept
    quote = next(q for _, d in sorted(g.nodes(data=True)) for q in net.mentions[_]
                 if len(q.text.split()) > 6)
    word = max((w.strip(".,;:!?\"'") for w in quote.text.split()), key=len)
    visit.page.fill("#search", word)
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(600)
    marks = visit.page.locator("#panel mark").all_text_contents()
    assert marks and all(m.lower() == word.lower() for m in marks)
    visit.page.fill("#search", "no such words anywhere at all")
    visit.page.press("#search", "Enter")
    assert visit.page.locator("#search-status").text_content() == "No concept or quote matches."
    assert visit.clean()


def test_search_never_resets_the_filters(browser, corpus):
    out, net = corpus
    node = hub(net)
    category = net.graph.nodes[node]["category"]
    visit = open_map(browser, out / "concept_map.html")
    visit.page.locator(f"#category-legend input[data-id='{category}']").click()
    hidden = len(visit.evaluate(VISIBLE_EDGES))
    visit.page.fill("#search", label_of(net, node))
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(300)
    assert len(visit.evaluate(VISIBLE_EDGES)) == hidden
    assert visit.page.locator(f"#category-legend input[data-id='{category}']").is_checked() is False
    assert "Hidden by the filters" in visit.page.locator("#search-status").text_content()
    assert visit.page.locator("#panel h2").text_content() == label_of(net, node)
    visit.page.locator("#search-status button").click()
    visit.page.wait_for_timeout(600)
    assert len(visit.evaluate(VISIBLE_EDGES)) == net.graph.number_of_edges()
    assert visit.evaluate("network.getSelectedNodes()") == [node]


def test_clicking_a_relation_in_the_panel_brings_the_edge_into_view(browser, corpus):
    out, net = corpus
    node = hub(net)
    visit = open_map(browser, out / "concept_map.html")
    click_node(visit, node)
    for _ in range(5):
        visit.page.click("#zoom-in")
    visit.page.wait_for_timeout(300)
    far = max(net.graph.out_edges(node, keys=True), key=lambda e: abs(
        net.graph.nodes[e[1]]["x"] - net.graph.nodes[node]["x"]))
    visit.page.locator(f"#panel button[data-edge='{far[2]}']").click()
    visit.page.wait_for_timeout(600)
    assert visit.evaluate("network.getSelectedEdges()") == [far[2]]
    area = visit.page.locator("#map").bounding_box()
    panel = visit.page.locator("#panel").bounding_box()
    for end in far[:2]:
        x, y = on_screen(visit, end)
        assert area["x"] <= x <= panel["x"] and area["y"] <= y <= area["y"] + area["height"]
    relation = net.relation_labels[net.graph.edges[far]["relation"]]
    expected = f"{label_of(net, far[0])} {relation} {label_of(net, far[1])}"
    assert " ".join(visit.page.locator("#panel h2").text_content().split()) == expected


@pytest.mark.parametrize("by", ["key", "label"])
def test_a_link_opens_the_map_on_a_concept(browser, corpus, by):
    out, net = corpus
    node = hub(net)
    wanted = node.rsplit("/", 1)[-1] if by == "key" else label_of(net, node)
    visit = open_map(browser, out / "concept_map.html", fragment=f"#concept={wanted}")
    assert visit.page.locator("#panel h2").text_content() == label_of(net, node)
    assert visit.evaluate("network.getSelectedNodes()") == [node]
    x, y = on_screen(visit, node)
    area = visit.page.locator("#map").bounding_box()
    assert area["x"] <= x <= area["x"] + area["width"]
    assert area["y"] <= y <= area["y"] + area["height"]
    assert visit.clean()


def test_the_remaining_controls_open_close_and_list(browser, berwick):
    out, net = berwick
    g = net.graph
    visit = open_map(browser, out / "concept_map.html", width=760, height=900)
    assert visit.page.locator("#controls").evaluate("e => e.getBoundingClientRect().right") <= 0
    visit.page.click("#toggle-controls")
    visit.page.wait_for_timeout(350)
    assert visit.page.locator("#toggle-controls").get_attribute("aria-expanded") == "true"
    assert visit.page.locator("#controls").evaluate("e => e.getBoundingClientRect().left") == 0
    unrelated = max((n for n in g if not g.degree(n)), key=lambda n: (len(net.mentions[n]), n))
    visit.page.locator("#unrelated summary").click()
    visit.page.locator(f"#unrelated-list button[data-id='{unrelated}']").click()
    assert visit.page.locator("#panel h2").text_content() == label_of(net, unrelated)
    assert panel_quotes(visit) == [" ".join(q.text.split()) for q in net.mentions[unrelated][:12]]
    assert "not on the map" in visit.page.locator("#search-status").text_content()
    visit.page.click("#panel-close")
    assert visit.page.locator("#panel").is_hidden()
    visit.page.click("#toggle-controls")
    visit.page.keyboard.press("/")
    assert visit.evaluate("document.activeElement.id") == "search"
    visit.page.keyboard.type(label_of(net, hub(net))[:4])
    visit.page.keyboard.press("ArrowDown")
    assert visit.evaluate("document.activeElement.classList.contains('result')")
    first = visit.evaluate("document.activeElement.dataset.id")
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_timeout(500)
    assert visit.page.locator("#panel h2").text_content() == label_of(net, first)
    assert visit.page.locator("#search-results").is_hidden()
    assert visit.clean()


# --- evidence -------------------------------------------------------------------------------

def test_clicking_a_concept_shows_its_definition_quotes_and_denials(browser, berwick):
    out, net = berwick
    node = max(related(net), key=lambda n: (len(net.denied.get(n, ())), len(net.mentions[n]), n))
    visit = open_map(browser, out / "concept_map.html")
    click_node(visit, node)
    panel = visit.page.locator("#panel")
    assert panel.locator("h2").text_content() == label_of(net, node)
    assert panel.locator(".definition").text_content() == net.graph.nodes[node]["definition"]
    expected = [" ".join(q.text.split()) for q in net.mentions[node][:12]]
    for denial in net.denied.get(node, ()):
        expected += [" ".join(q.text.split()) for q in denial.quotes]
    assert panel_quotes(visit) == expected
    meta = panel.locator(".meta").first.text_content()
    first = net.mentions[node][0]
    assert first.speaker in meta and f"line{'s' if '–' in first.lines else ''} {first.lines}" in meta


def test_clicking_an_edge_shows_every_claim_with_speaker_lines_and_rule(browser, berwick):
    out, net = berwick
    u, v, key = next((u, v, k) for u, v, k in net.graph.edges(keys=True)
                     if u != v and net.graph.number_of_edges(u, v) + net.graph.number_of_edges(v, u) == 1)
    visit = open_map(browser, out / "concept_map.html")
    (ax, ay), (bx, by) = on_screen(visit, u), on_screen(visit, v)
    visit.page.mouse.click((ax + bx) / 2, (ay + by) / 2)
    assert visit.evaluate("network.getSelectedEdges()") == [key]
    claims = net.claims[key]
    assert panel_quotes(visit) == [" ".join(q.text.split()) for c in claims for q in c.quotes]
    meta = " ".join(visit.page.locator("#panel .meta").all_text_contents())
    for claim in claims:
        assert claim.speaker in meta and claim.rule in meta
        assert all(f"{q.lines}" in meta for q in claim.quotes)


def test_timed_sources_show_cue_times_and_questions_are_labelled(browser, corpus):
    out, net = corpus
    key, claim = next((k, c) for k, cs in sorted(net.claims.items()) for c in cs
                      if c.question and c.question_quote and c.quotes[-1].time_start is not None)
    visit = open_map(browser, out / "concept_map.html")
    visit.evaluate("id => window.leadgraph.selectEdge(id)", key)
    item = visit.page.locator("#panel li.claim").filter(has_text=claim.quotes[-1].text[:40]).first
    asked = claim.question_quote
    assert item.locator(".quote-label").text_content() == f"Question ({asked.speaker})"
    meta = " ".join(item.locator(".meta").all_text_contents())
    seconds = int(claim.quotes[-1].time_start)
    assert f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}" in meta
    assert "answer to the question" in meta and claim.speaker in meta
    assert re.search(r"\b\d\d:\d\d:\d\d\b", meta)
    assert visit.clean()


def test_directions_and_the_stated_wording_are_shown_when_the_graph_has_them(browser, berwick,
                                                                              tmp_path):
    out, net = berwick
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    key, claim = next((k, cs[0]) for k, cs in sorted(net.claims.items())
                      if cs[0].relation != "undermines" and cs[0].subject != cs[0].object)
    iri = URIRef(claim.iri)
    graph.add((iri, TERMS.subjectDirection, Literal("absent")))
    graph.add((iri, TERMS.objectDirection, Literal("less")))
    graph.add((iri, TERMS.statedRelation, LG.undermines))
    marked = tmp_path / "out"
    shutil.copytree(out, marked)
    write_views(graph, marked)
    visit = open_map(browser, marked / "concept_map.html")
    visit.evaluate("id => window.leadgraph.selectEdge(id)", key)
    worded = visit.page.locator("#panel .worded").first
    text = " ".join(worded.text_content().split())
    subject, obj = label_of(net, claim.subject), label_of(net, claim.object)
    assert f"lack of {subject} undermines less {obj}" in text
    assert f"read as: {net.relation_labels[claim.relation]}" in text
    assert worded.locator(".direction").all_text_contents() == ["lack of", "less"]
    assert visit.clean()
    plain = open_map(browser, out / "concept_map.html")  # the same claim without the marks
    plain.evaluate("id => window.leadgraph.selectEdge(id)", key)
    assert plain.page.locator("#panel .worded").count() == 0 and plain.clean()


# --- saving what you see --------------------------------------------------------------------

def saved(visit: Visit, button: str) -> tuple[str, bytes]:
    with visit.page.expect_download() as info:
        visit.page.click(button)
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_the_view_saves_as_png_svg_and_csv(browser, corpus):
    out, net = corpus
    visit = open_map(browser, out / "concept_map.html")
    relation = max(net.relation_labels, key=lambda r: sum(
        d["relation"] == r for _, _, d in net.graph.edges(data=True)))
    visit.page.locator(f"#relation-legend input[data-id='{relation}']").click()
    shown_nodes, shown_edges = visit.evaluate(VISIBLE_NODES), visit.evaluate(VISIBLE_EDGES)
    name, png = saved(visit, "#save-png")
    assert name.endswith(".png") and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    name, svg = saved(visit, "#save-svg")
    root = ElementTree.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert name.endswith(".svg") and root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//s:g[@class='concepts']/s:g", ns)) == len(shown_nodes)
    assert len(root.findall(".//s:g[@class='relations']/s:path", ns)) == len(shown_edges)
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {label_of(net, n).replace(" ", "") for n in shown_nodes} == {
        t.replace(" ", "") for t in texts}
    name, data = saved(visit, "#save-csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert name.endswith(".csv") and rows[0][:3] == ["subject", "relation", "object"]
    assert len(rows) - 1 == len(shown_edges)
    assert net.relation_labels[relation] not in {r[1] for r in rows[1:]}
    assert visit.clean()


def test_csv_cells_cannot_start_a_formula(browser, hostile):
    visit = open_map(browser, hostile / "concept_map.html")
    _, data = saved(visit, "#save-csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


# --- the report and hostile text ------------------------------------------------------------

def test_report_is_offline_complete_and_fits_a_phone(browser, berwick):
    out, net = berwick
    visit = Visit(browser, out / "index.html", width=390, height=844)
    assert visit.clean()
    assert visit.page.locator("a[href='concept_map.html']").count() >= 1
    rows = visit.page.locator("table.claims").first.locator("tbody tr").count()
    assert rows == sum(len(c) for c in net.claims.values())
    assert visit.evaluate("document.documentElement.scrollWidth") <= 390
    text = visit.page.locator("body").inner_text()
    assert net.transcripts[0].title in text and "Denied claims" in text


def test_report_compares_interviews_and_links_concepts_to_the_map(browser, corpus):
    out, net = corpus
    visit = Visit(browser, out / "index.html")
    assert visit.clean()
    links = visit.page.locator("table.matrix a[href^='concept_map.html#concept=']")
    assert links.count() > 0
    href = links.first.get_attribute("href")
    label = links.first.text_content().strip()
    node = next(n for n in net.graph if net.graph.nodes[n]["label"] == label)
    assert href == f"concept_map.html#concept={node.rsplit('/', 1)[-1]}"
    row = visit.page.locator("table.matrix tbody tr").first
    cells = row.locator("td.count").all_text_contents()
    assert len(cells) == len(net.transcripts)
    mentions = [sum(q.transcript == t.iri for q in net.mentions[node]) for t in net.transcripts]
    assert [int(c.split()[0]) if c.strip() else 0 for c in cells] == mentions
    shared = [k for k, cs in net.claims.items()
              if len({c.speaker_iri for c in cs}) > 1 or len({c.transcript for c in cs}) > 1]
    assert visit.page.locator("#shared .shared-relation").count() == len(shared)
    for title in visit.page.locator(".interview-title").all():
        height = title.bounding_box()["height"]
        line = float(title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert height <= 2.2 * line, title.text_content()
    links.first.click()
    wait_ready(visit)
    assert visit.page.locator("#panel h2").text_content() == label
    assert visit.clean()


def test_hostile_quotes_are_shown_as_text_in_the_map(browser, hostile):
    net = project(Graph().parse(hostile / "graph.ttl", format="turtle"))
    blame = next(n for n, d in net.graph.nodes(data=True) if d["label"] == "blame")
    assert any(IMG in q.text for c in net.claims.values() for cl in c for q in cl.quotes)
    visit = open_map(browser, hostile / "concept_map.html")
    click_node(visit, blame)
    assert any(IMG in quote for quote in panel_quotes(visit))
    visit.page.fill("#search", "consistency <script>")
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(300)
    assert any(SCRIPT in quote for quote in panel_quotes(visit))
    assert visit.page.locator("#panel mark").first.text_content() == "consistency <script>"
    assert visit.page.locator("#map-title").text_content() == f"Hostile {SCRIPT} interview"
    assert visit.evaluate("typeof window.__pwned") == "undefined"
    assert visit.evaluate("document.querySelectorAll('img').length") == 0
    assert visit.evaluate("document.scripts.length") == 3
    assert visit.clean()


def test_hostile_quotes_are_shown_as_text_in_the_report(browser, hostile):
    visit = Visit(browser, hostile / "index.html")
    text = visit.page.locator("body").inner_text()
    assert IMG in text and SCRIPT in text
    assert visit.evaluate("typeof window.__pwned") == "undefined"
    assert visit.evaluate("document.querySelectorAll('img, script').length") == 0
    assert visit.clean()
