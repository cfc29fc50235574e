"""Take a screenshot of a concept map (and optionally the report) with headless Chromium.

    python bench/screenshot.py out/concept_map.html docs/concept-map.png [--width 1400 --height 860]

Uses Debian's /usr/bin/chromium through the playwright package (never `playwright install`);
every request that is not a local file is blocked.
"""

from __future__ import annotations

import argparse
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND"]


def screenshot(page_file: Path, png: Path, width: int, height: int, concept: str | None) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
        page.goto(page_file.resolve().as_uri())
        if page_file.name == "concept_map.html":
            page.wait_for_function("window.leadgraphReady === true")
            if concept:
                _click_concept(page, concept)
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), full_page=page_file.name != "concept_map.html")
        browser.close()


def _click_concept(page, label: str) -> None:
    """Click the concept's dot, as a person would, to open its evidence panel."""
    x, y = page.evaluate(
        """label => { const [n] = network.body.data.nodes.get({filter: n => n.label === label});
           const p = network.canvasToDOM(network.getPosition(n.id)); return [p.x, p.y]; }""", label)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.mouse.move(box["x"] + 4, box["y"] + box["height"] - 4)  # no tooltip in the picture
    page.wait_for_timeout(300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=860)
    parser.add_argument("--concept", default=None, help="click this concept to open its panel")
    args = parser.parse_args()
    screenshot(args.page, args.png, args.width, args.height, args.concept)


if __name__ == "__main__":
    main()
