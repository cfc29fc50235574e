"""The concept map and the report in a real browser: Debian's Chromium driven by Playwright, pages
opened from disk with every non-file request blocked and recorded, and a hostile transcript whose
markup must be shown as text, never run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from graph.network import project
from graph.pipeline import build

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND"]
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE = f"""Hostile {SCRIPT} interview

Ann Lee: Why do teams stop reporting errors?

Bob Kay: Blame kills learning {IMG} every time. Trust needs consistency {SCRIPT} in the team.
"""


class Visit:
    """An open page with the requests it attempted and the errors it raised."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 860) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.goto(path.resolve().as_uri())

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)


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
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    build([folder / "hostile.txt"], folder / "out")
    return folder / "out"


def open_map(browser, path: Path, **size) -> Visit:
    visit = Visit(browser, path, **size)
    visit.page.wait_for_function("window.leadgraphReady === true", timeout=10_000)
    return visit


def click_node(visit: Visit, node: str) -> None:
    x, y = visit.evaluate("id => { const p = network.canvasToDOM(network.getPosition(id));"
                          " return [p.x, p.y]; }", node)
    box = visit.page.locator("#map").bounding_box()
    visit.page.mouse.click(box["x"] + x, box["y"] + y)


def panel_quotes(visit: Visit) -> list[str]:
    return [" ".join(t.split()) for t in visit.page.locator("#panel blockquote").all_text_contents()]


def test_map_makes_no_request_draws_every_node_and_edge_and_settles_fast(browser, berwick):
    out, net = berwick
    visit = open_map(browser, out / "concept_map.html")
    drawn = visit.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
    assert drawn == [net.graph.number_of_nodes(), net.graph.number_of_edges()]
    assert visit.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).length") == drawn[0]
    assert visit.evaluate("performance.now()") < 2000 * 3  # within ~2 s; slack for slow CI machines
    assert visit.requests == [] and visit.errors == []
    assert visit.evaluate("document.querySelectorAll('script[src], link, iframe, img').length") == 0


def test_map_search_focuses_the_concept_and_opens_its_panel(browser, berwick):
    out, net = berwick
    node, data = max(net.graph.nodes(data=True), key=lambda nd: (nd[1]["degree"], nd[0]))
    visit = open_map(browser, out / "concept_map.html")
    visit.page.fill("#search", data["label"].upper()[:-1])
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(700)
    assert visit.evaluate("network.getSelectedNodes()") == [node]
    assert abs(visit.evaluate("network.getScale()") - 1.2) < 0.01
    assert visit.page.locator("#panel h2").text_content() == data["label"]
    visit.page.fill("#search", "no such concept at all")
    visit.page.press("#search", "Enter")
    assert visit.page.locator("#search-status").text_content() == "No concept matches."
    assert visit.errors == [] and visit.requests == []


def test_clicking_a_node_shows_its_definition_quotes_and_denials(browser, berwick):
    out, net = berwick
    node = max(net.graph.nodes, key=lambda n: (len(net.denied.get(n, ())), len(net.mentions[n]), n))
    visit = open_map(browser, out / "concept_map.html")
    click_node(visit, node)
    panel = visit.page.locator("#panel")
    assert panel.is_visible()
    assert panel.locator("h2").text_content() == net.graph.nodes[node]["label"]
    assert panel.locator(".definition").text_content() == net.graph.nodes[node]["definition"]
    expected = [" ".join(q.text.split()) for q in net.mentions[node]]
    for denial in net.denied.get(node, ()):
        expected += [" ".join(q.text.split()) for q in denial.quotes]
    assert panel_quotes(visit) == expected
    meta = panel.locator(".meta").first.text_content()
    first = net.mentions[node][0]
    assert first.speaker in meta and f"lines {first.lines}" in meta
    assert visit.errors == []


def test_clicking_an_edge_shows_every_claim_with_speaker_lines_and_rule(browser, berwick):
    out, net = berwick
    u, v, key = next((u, v, k) for u, v, k in net.graph.edges(keys=True)
                     if u != v and net.graph.number_of_edges(u, v) + net.graph.number_of_edges(v, u) == 1)
    visit = open_map(browser, out / "concept_map.html")
    visit.evaluate("([u, v]) => network.fit({nodes: [u, v], animation: false})", [u, v])
    x, y = visit.evaluate("""([u, v]) => { const a = network.canvasToDOM(network.getPosition(u));
        const b = network.canvasToDOM(network.getPosition(v));
        return [(a.x + b.x) / 2, (a.y + b.y) / 2]; }""", [u, v])
    box = visit.page.locator("#map").bounding_box()
    visit.page.mouse.click(box["x"] + x, box["y"] + y)
    assert visit.evaluate("network.getSelectedEdges()") == [key]
    claims = net.claims[key]
    assert panel_quotes(visit) == [" ".join(q.text.split()) for c in claims for q in c.quotes]
    meta = " ".join(visit.page.locator("#panel .meta").all_text_contents())
    for claim in claims:
        assert claim.speaker in meta and claim.rule in meta
        assert all(f"{q.lines}" in meta for q in claim.quotes)


def test_filters_hide_relations_and_follow_the_speaker(browser, berwick):
    out, net = berwick
    visible = "network.body.data.edges.get({filter: e => !e.hidden}).length"
    relation = next(d["relation"] for _, _, d in net.graph.edges(data=True))
    label = net.relation_labels[relation]
    visit = open_map(browser, out / "concept_map.html")
    visit.page.locator("#relation-legend label", has_text=re.compile(f"^{label}")).click()
    hidden = sum(d["relation"] == relation for _, _, d in net.graph.edges(data=True))
    assert visit.evaluate(visible) == net.graph.number_of_edges() - hidden
    visit.page.click("#reset")
    speaker = net.transcripts[0].speakers[-1]
    visit.page.select_option("#speaker-filter", label=speaker)
    by_speaker = sum(any(c.speaker == speaker for c in net.claims[k]) for k in net.claims)
    assert visit.evaluate(visible) == by_speaker
    assert visit.errors == []


def test_report_is_offline_complete_and_fits_a_phone(browser, berwick):
    out, net = berwick
    visit = Visit(browser, out / "index.html", width=390, height=844)
    assert visit.requests == [] and visit.errors == []
    assert visit.page.locator("a[href='concept_map.html']").count() == 1
    rows = visit.page.locator("table.claims").first.locator("tbody tr").count()
    assert rows == sum(len(c) for c in net.claims.values())
    assert visit.evaluate("document.documentElement.scrollWidth") <= 390
    text = visit.page.locator("body").inner_text()
    assert net.transcripts[0].title in text and "Denied claims" in text


def test_hostile_quotes_are_shown_as_text_in_the_map(browser, hostile):
    net = project(Graph().parse(hostile / "graph.ttl", format="turtle"))
    blame = next(n for n, d in net.graph.nodes(data=True) if d["label"] == "blame")
    assert any(IMG in q.text for c in net.claims.values() for cl in c for q in cl.quotes)
    visit = open_map(browser, hostile / "concept_map.html")
    click_node(visit, blame)
    assert any(IMG in quote for quote in panel_quotes(visit))
    visit.page.fill("#search", "trust")
    visit.page.press("#search", "Enter")
    visit.page.wait_for_timeout(300)
    assert any(SCRIPT in quote for quote in panel_quotes(visit))
    assert visit.page.locator("#map-title").text_content() == f"Hostile {SCRIPT} interview"
    assert visit.evaluate("typeof window.__pwned") == "undefined"
    assert visit.evaluate("document.querySelectorAll('img').length") == 0
    assert visit.evaluate("document.scripts.length") == 3
    assert visit.requests == [] and visit.errors == []


def test_hostile_quotes_are_shown_as_text_in_the_report(browser, hostile):
    visit = Visit(browser, hostile / "index.html")
    text = visit.page.locator("body").inner_text()
    assert IMG in text and SCRIPT in text
    assert visit.evaluate("typeof window.__pwned") == "undefined"
    assert visit.evaluate("document.querySelectorAll('img, script').length") == 0
    assert visit.requests == [] and visit.errors == []
