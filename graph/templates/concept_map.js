// The concept map's behaviour: draw, filter, search, show evidence and save the view.
// Every piece of transcript text goes into the page through textContent, never innerHTML.
(function () {
  "use strict";
  const data = unpack(JSON.parse(document.getElementById("leadgraph-data").textContent));

  // Quotes, claims and edges travel as arrays (concepts, relations and words by number):
  // make them the objects the rest of the script reads.
  function unpack(d) {
    const concept = (i) => d.concepts[i].id;
    const relation = (i) => d.relations[i].id;
    d.quotes = d.quotes.map(([text, speaker, transcript, lines, time]) =>
      ({ text: text, speaker: speaker, transcript: transcript, lines: lines, time: time }));
    d.claims = d.claims.map(([from, rel, to, flags, confidence, rule, cue, speaker, transcript, quotes, asked, sdir, odir, stated]) => ({
      from: concept(from), relation: relation(rel), to: concept(to), negated: (flags & 1) > 0,
      hedged: (flags & 2) > 0, question: (flags & 4) > 0, confidence: confidence, rule: d.words[rule],
      cue: d.words[cue], speaker: speaker, transcript: transcript, quotes: quotes, asked: asked,
      sdir: sdir, odir: odir, stated: stated,
    }));
    const pair = (a, b) => (a < b ? a + " " + b : b + " " + a);
    const pairs = new Map();
    for (const [, from, to] of d.edges) pairs.set(pair(from, to), (pairs.get(pair(from, to)) || 0) + 1);
    const seen = new Map();
    d.edges = d.edges.map(([n, from, to, rel, weight, speakers, interviews, claims]) => {
      const key = pair(from, to);
      seen.set(key, (seen.get(key) || 0) + 1);
      const curve = { enabled: true, type: "curvedCW", roundness: Math.round(18 * seen.get(key)) / 100 };
      return {
        id: "e" + n, from: concept(from), to: concept(to), relation: relation(rel), weight: weight,
        width: Math.round(100 * (1.5 + 1.6 * Math.log2(weight))) / 100,
        smooth: pairs.get(key) > 1 ? curve : false,
        title: d.concepts[from].label + " " + d.relations[rel].label + " " + d.concepts[to].label + "\n" + plural(weight, "claim"),
        speakers: speakers, interviews: interviews, claims: claims,
      };
    });
    return d;
  }
  const byId = (id) => document.getElementById(id);
  const relations = new Map(data.relations.map((r) => [r.id, r]));
  const categories = new Map(data.categories.map((c) => [c.id, c]));
  const concepts = new Map(data.concepts.map((c) => [c.id, c]));
  const edgeRows = new Map(data.edges.map((e) => [e.id, e]));
  const related = data.concepts.filter((c) => c.degree > 0);
  const unrelated = data.concepts.filter((c) => c.degree === 0);
  const DASHES = { solid: false, dashed: [8, 6], dotted: [2, 5] };
  const DIRECTION = { more: "more", less: "less", absent: "lack of" };
  const FONT = "Verdana, 'DejaVu Sans', 'Bitstream Vera Sans', sans-serif";
  const INK = "#1f2933";
  const FADED = "#c3c9d1";
  const EDGE_WORDS_AT = 1.25; // zoom from which every edge shows its relation's words
  const MAX_FIT = 1.5; // "fit" enlarges a small map up to this zoom
  const FIT_PAD = { left: 60, right: 16, y: 16 }; // pixels kept free at fit (zoom buttons on the left)
  const FIT_SPARE = 0.99; // share of the fitting zoom used

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // --- state --------------------------------------------------------------------------------
  const state = {
    relations: new Set(data.relations.map((r) => r.id)),
    categories: new Set(data.categories.map((c) => c.id)),
    speaker: "", transcript: "",
    sizeBy: 1, // index into concept.sizes: 0 relations, 1 mentions
    colourBy: "category",
    focus: null, // a selected concept whose neighbours stay bright
    hoverEdge: null,
    query: "",
  };

  function colourOf(c) {
    if (state.colourBy === "community") return c.community >= 0 ? data.communities[c.community].color : "#9AA0A6";
    if (state.colourBy === "interview") return c.interview >= 0 ? data.transcripts[c.interview].color : data.several;
    return c.color;
  }

  // --- drawing ------------------------------------------------------------------------------
  function visNode(c) {
    return {
      id: c.id, label: c.lines, title: c.title, x: c.x, y: c.y, shape: "dot",
      font: { size: c.font },
      // provisional concepts (no codebook entry yet) get a dashed outline
      shapeProperties: { borderDashes: c.category === "Provisional" ? [4, 3] : false },
      borderWidth: c.category === "Provisional" ? 2.5 : 1.5,
    };
  }

  function visEdge(e) {
    const r = relations.get(e.relation);
    return {
      id: e.id, from: e.from, to: e.to, title: e.title, width: e.width, smooth: e.smooth,
      dashes: DASHES[r.dashes], arrows: { to: { enabled: r.directed, scaleFactor: 0.6 } },
    };
  }

  const nodes = new vis.DataSet(related.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));
  const network = new vis.Network(byId("map"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: false, keyboard: false, multiselect: false },
    nodes: {
      borderWidth: 1.5, borderWidthSelected: 3,
      font: { face: FONT, color: INK, strokeWidth: 4, strokeColor: "rgba(255,255,255,0.92)" },
      // a label is drawn only where it is legible (>= 12 px on screen), and never huge
      scaling: { label: { drawThreshold: 12, maxVisible: 28 } },
    },
    edges: {
      selectionWidth: 1.5, hoverWidth: 1, endPointOffset: { to: 2 },
      font: { face: FONT, size: 12, color: "#374151", strokeWidth: 0, align: "horizontal" },
      scaling: { label: { drawThreshold: 9, maxVisible: 20 } },
    },
  });
  window.network = network;

  // --- filters ------------------------------------------------------------------------------
  function byWhom(item) {
    return (state.speaker === "" || item.speaker === Number(state.speaker)) &&
      (state.transcript === "" || item.transcript === Number(state.transcript));
  }
  const claimShown = (i) => byWhom(data.claims[i]);
  const quoteShown = (i) => byWhom(data.quotes[i]);

  let shownEdges = new Set();
  let shownNodes = new Set();

  function computeShown() {
    shownEdges = new Set();
    shownNodes = new Set();
    for (const e of data.edges) {
      if (state.relations.has(e.relation) && state.categories.has(concepts.get(e.from).category) &&
          state.categories.has(concepts.get(e.to).category) && e.claims.some(claimShown)) {
        shownEdges.add(e.id);
        shownNodes.add(e.from);
        shownNodes.add(e.to);
      }
    }
  }

  function neighbours(id) {
    const near = new Set([id]);
    for (const e of data.edges) {
      if (!shownEdges.has(e.id)) continue;
      if (e.from === id) near.add(e.to);
      if (e.to === id) near.add(e.from);
    }
    return near;
  }

  function edgeWords(e) {
    const zoomed = network.getScale() >= EDGE_WORDS_AT;
    return zoomed || state.hoverEdge === e.id ? relations.get(e.relation).label : NO_WORDS;
  }

  // vis-network keeps drawing an edge's old words when its label is emptied: a blank label
  // without background replaces them instead
  const NO_WORDS = " ";
  function words(text) {
    return { label: text, font: { background: text === NO_WORDS ? "rgba(0,0,0,0)" : "rgba(255,255,255,0.88)" } };
  }

  // One pass sets what is shown and how: filters, size, colour, focus and edge words.
  function redraw() {
    computeShown();
    const near = state.focus && shownNodes.has(state.focus) ? neighbours(state.focus) : null;
    nodes.update(related.map((c) => {
      const colour = colourOf(c);
      const dim = near !== null && !near.has(c.id);
      const size = c.sizes[state.sizeBy];
      return {
        id: c.id, hidden: !shownNodes.has(c.id), size: size, opacity: dim ? 0.18 : 1,
        font: { size: c.font, color: dim ? FADED : INK },
        color: {
          background: colour, border: shade(colour),
          highlight: { background: colour, border: INK }, hover: { background: colour, border: INK },
        },
      };
    }));
    edges.update(data.edges.map((e) => {
      const r = relations.get(e.relation);
      const dim = near !== null && !(near.has(e.from) && near.has(e.to) && (e.from === state.focus || e.to === state.focus));
      return {
        id: e.id, hidden: !shownEdges.has(e.id), ...words(dim ? NO_WORDS : edgeWords(e)),
        color: { color: r.color, highlight: r.color, hover: r.color, opacity: dim ? 0.12 : 0.9 },
      };
    }));
    byId("counts").textContent = shownNodes.size + " of " + plural(related.length, "related concept") + " · " +
      shownEdges.size + " of " + plural(data.edges.length, "relation") +
      (data.edgeTotal > data.edges.length ? " drawn (the most stated of " + data.edgeTotal + ")" : "");
    refreshPanel();
  }

  function shade(colour) {
    const n = parseInt(colour.slice(1), 16);
    const part = (shift) => Math.round(((n >> shift) & 255) * 0.72);
    return "rgb(" + part(16) + "," + part(8) + "," + part(0) + ")";
  }

  // --- controls -----------------------------------------------------------------------------
  function legendItem(set, id, swatch, label, count) {
    const li = el("li");
    const label_ = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.id = id;
    // the set is looked up at change time: "Reset filters" replaces the sets
    box.addEventListener("change", () => {
      label_.classList.toggle("off", !box.checked);
      if (box.checked) state[set].add(id);
      else state[set].delete(id);
      redraw();
    });
    label_.append(box, swatch, el("span", "name", label), el("span", "count", count));
    li.append(label_);
    return li;
  }

  function lineSwatch(r) {
    const s = el("span", "swatch-line" + (r.directed ? " arrow" : ""));
    s.style.borderTopStyle = r.dashes;
    s.style.borderTopColor = r.color;
    s.style.color = r.color;
    return s;
  }

  function dotSwatch(colour) {
    const s = el("span", "swatch-dot");
    s.style.backgroundColor = colour;
    return s;
  }

  function colourLegend() {
    const list = byId("colour-legend");
    let items = [];
    if (state.colourBy === "community") {
      items = data.communities.map((c) => [c.color, "community " + (c.id + 1), c.count]);
    } else if (state.colourBy === "interview") {
      items = data.transcripts.map((t, i) => [t.color, t.title, related.filter((c) => c.interview === i).length]);
      if (data.transcripts.length > 1) items.push([data.several, "several interviews", related.filter((c) => c.interview < 0).length]);
    }
    list.replaceChildren(...items.map(([colour, label, count]) => {
      const li = el("li");
      li.append(dotSwatch(colour), el("span", "name", label), el("span", "count", count));
      return li;
    }));
    list.hidden = items.length === 0;
  }

  function fillSelect(select, names) {
    names.forEach((name, i) => {
      const option = el("option", null, name);
      option.value = String(i);
      select.append(option);
    });
  }

  function buildControls() {
    for (const r of data.relations) {
      byId("relation-legend").append(legendItem("relations", r.id, lineSwatch(r), r.label, r.count));
    }
    for (const c of data.categories) {
      byId("category-legend").append(legendItem("categories", c.id, dotSwatch(c.color), c.label, c.count));
    }
    const order = data.speakers.map((s, i) => i).sort((a, b) => data.speakers[a].label.localeCompare(data.speakers[b].label));
    for (const i of order) {
      const option = el("option", null, data.speakers[i].label);
      option.value = String(i);
      byId("speaker-filter").append(option);
    }
    fillSelect(byId("transcript-filter"), data.transcripts.map((t) => t.title));
    byId("transcript-filter").disabled = data.transcripts.length < 2;
    byId("speaker-filter").addEventListener("change", (ev) => { state.speaker = ev.target.value; redraw(); });
    byId("transcript-filter").addEventListener("change", (ev) => { state.transcript = ev.target.value; redraw(); });
    byId("reset").addEventListener("click", resetFilters);
    for (const radio of document.querySelectorAll("input[name=size-by]")) {
      radio.addEventListener("change", () => { state.sizeBy = Number(radio.value); redraw(); });
    }
    for (const radio of document.querySelectorAll("input[name=colour-by]")) {
      radio.addEventListener("change", () => { state.colourBy = radio.value; colourLegend(); redraw(); });
    }
    const list = byId("unrelated-list");
    for (const c of [...unrelated].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))) {
      const li = el("li");
      const button = el("button", "link-button");
      button.type = "button";
      button.dataset.id = c.id;
      button.append(dotSwatch(c.color), el("span", "target", c.label), " ", el("span", "weight", "(" + c.count + ")"));
      button.addEventListener("click", () => focusConcept(c.id));
      li.append(button);
      list.append(li);
    }
    byId("unrelated-count").textContent = "(" + unrelated.length + ")";
    byId("unrelated").hidden = unrelated.length === 0;
    byId("save-png").addEventListener("click", savePng);
    byId("save-svg").addEventListener("click", saveSvg);
    byId("save-csv").addEventListener("click", saveCsv);
  }

  function resetFilters() {
    state.relations = new Set(data.relations.map((r) => r.id));
    state.categories = new Set(data.categories.map((c) => c.id));
    state.speaker = state.transcript = "";
    for (const box of document.querySelectorAll(".legend input")) {
      box.checked = true;
      box.parentElement.classList.remove("off");
    }
    byId("speaker-filter").value = byId("transcript-filter").value = "";
    byId("search-status").replaceChildren();
    redraw();
  }

  // --- the evidence panel -------------------------------------------------------------------
  let current = null;

  function meta(parts) {
    const p = el("p", "meta");
    parts.filter((part) => part !== null && part !== "").forEach((part, i) => {
      if (i) p.append(" · ");
      p.append(part);
    });
    return p;
  }

  function clock(seconds) {
    const s = Math.floor(seconds);
    const two = (n) => String(n).padStart(2, "0");
    return two(Math.floor(s / 3600)) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }

  function where(q) {
    if (q.time !== null && q.time !== undefined) return clock(q.time);
    return (/\D/.test(q.lines) ? "lines " : "line ") + q.lines;
  }

  function transcriptTitle(i) {
    return data.transcripts.length > 1 && i >= 0 ? data.transcripts[i].title : "";
  }

  function speakerName(i) {
    return i >= 0 ? data.speakers[i].name : "";
  }

  // The text with every occurrence of the search words in <mark>, built from text nodes.
  function marked(tag, text) {
    const node = el(tag);
    const query = state.query.toLowerCase();
    if (!query) {
      node.textContent = text;
      return node;
    }
    const lower = text.toLowerCase();
    let at = 0;
    for (let hit = lower.indexOf(query); hit >= 0; hit = lower.indexOf(query, at)) {
      node.append(document.createTextNode(text.slice(at, hit)), el("mark", null, text.slice(hit, hit + query.length)));
      at = hit + query.length;
    }
    node.append(document.createTextNode(text.slice(at)));
    return node;
  }

  function quoteBlock(i, label) {
    const q = data.quotes[i];
    const block = marked("blockquote", q.text);
    if (label) block.prepend(el("span", "quote-label", label));
    return [block, meta([speakerName(q.speaker), where(q), transcriptTitle(q.transcript)])];
  }

  function conceptWords(id, direction) {
    const span = el("span", "concept-words");
    if (direction) span.append(el("span", "direction", DIRECTION[direction]), " ");
    span.append(concepts.get(id).label);
    return span;
  }

  function claimHead(c) {
    const head = el("p", "claim-head");
    head.append(concepts.get(c.from).label, " ", relationWord(c.relation), " ", concepts.get(c.to).label);
    if (c.negated) head.append(el("span", "badge denied", "denied"));
    return head;
  }

  function relationWord(id) {
    const r = relations.get(id);
    const word = el("span", "relation-word", r.label);
    word.style.color = r.color;
    return word;
  }

  // "as worded": the speaker's relation and the marks on its two concepts, when they differ
  function worded(c) {
    if (!c.stated && !c.sdir && !c.odir) return null;
    const p = el("p", "worded");
    p.append(el("span", "worded-label", "as worded"), conceptWords(c.from, c.sdir), " ",
      relationWord(c.stated || c.relation), " ", conceptWords(c.to, c.odir));
    if (c.stated) p.append(el("span", "worded-note", "read as: " + relations.get(c.relation).label));
    return p;
  }

  function claimItem(i, withHead) {
    const c = data.claims[i];
    const li = el("li", "claim");
    li.style.setProperty("--claim-colour", relations.get(c.relation).color);
    if (withHead) li.append(claimHead(c));
    const words = worded(c);
    if (words) li.append(words);
    for (const q of c.quotes) {
      if (q === c.asked) {
        const asker = speakerName(data.quotes[q].speaker);
        li.append(...quoteBlock(q, "Question" + (asker ? " (" + asker + ")" : "")));
      } else {
        li.append(marked("blockquote", data.quotes[q].text));
      }
    }
    const answer = c.quotes.filter((q) => q !== c.asked).map((q) => data.quotes[q]);
    const flags = [c.hedged ? "hedged" : "", c.question ? "answer to the question" : ""].filter(Boolean);
    const rule = el("span", null, "rule ");
    rule.append(el("code", null, c.rule));
    const said = el("span", "asserted");
    said.append(el("strong", null, speakerName(c.speaker) || "unknown speaker"));
    li.append(meta([said, answer.map(where).join(", "), rule, transcriptTitle(c.transcript), flags.join(", ")]));
    return li;
  }

  function section(title, items, emptyText, total) {
    const frag = document.createDocumentFragment();
    frag.append(el("h3", null, title));
    if (total !== undefined && total > items.length) {
      frag.append(el("p", "filtered-note", "Showing " + items.length + " of " + total));
    }
    if (!items.length) {
      frag.append(el("p", "empty", emptyText));
      return frag;
    }
    const ul = el("ul", "items");
    ul.append(...items);
    frag.append(ul);
    return frag;
  }

  function edgeLink(e, id) {
    const r = relations.get(e.relation);
    const outgoing = e.from === id;
    const other = concepts.get(outgoing ? e.to : e.from);
    const li = el("li");
    const button = el("button", "link-button");
    button.type = "button";
    button.dataset.edge = e.id;
    const word = el("span", "relation-word", outgoing ? r.label : r.inverse);
    word.style.color = r.color;
    button.append(word, " ", el("span", "target", other.label), " ", el("span", "weight", "(" + e.weight + ")"));
    button.addEventListener("click", () => selectEdge(e.id, true));
    li.append(button);
    return li;
  }

  function showConcept(id) {
    const c = concepts.get(id);
    const body = el("div");
    body.append(el("h2", null, c.label));
    const chip = el("span", "chip");
    chip.append(dotSwatch(c.color), categories.has(c.category) ? categories.get(c.category).label : c.category);
    body.append(chip);
    if (c.alt.length) body.append(el("p", "alt", "also: " + c.alt.join(", ")));
    body.append(el("p", "definition" + (c.definition ? "" : " empty"), c.definition || "No definition in the codebook."));
    const stats = [plural(c.count, "mention"), plural(c.degree, "relation")];
    if (c.community >= 0) stats.push("community " + (c.community + 1));
    body.append(el("p", "stats", stats.join(" · ")));
    if (c.degree && !shownNodes.has(id)) body.append(el("p", "filtered-note", "Hidden on the map by the current filters."));
    const links = data.edges.filter((e) => (e.from === id || e.to === id) && shownEdges.has(e.id)).map((e) => edgeLink(e, id));
    const rel = section("Relations", links, c.degree ? "No relations shown with these filters." : "No relations.");
    rel.querySelector("ul")?.classList.add("link-list");
    body.append(rel);
    const quotes = c.mentions.filter(quoteShown);
    body.append(section("What was said", quotes.map((q) => {
      const li = el("li");
      li.append(...quoteBlock(q));
      return li;
    }), "No quotes mention it.", c.count));
    const denied = c.denied.filter(claimShown);
    body.append(section("Denied claims", denied.map((i) => claimItem(i, true)), "None.", c.denied.length));
    return body;
  }

  function showEdge(id) {
    const e = edgeRows.get(id);
    const r = relations.get(e.relation);
    const body = el("div");
    const title = el("h2", "relation-title");
    title.append(el("span", null, concepts.get(e.from).label), " ", relationWord(e.relation), " ", el("span", null, concepts.get(e.to).label));
    body.append(title);
    const stats = [plural(e.weight, "claim"), plural(e.speakers, "speaker")];
    if (data.transcripts.length > 1) stats.push(plural(e.interviews, "interview"));
    if (!r.directed) stats.push("symmetric");
    body.append(el("p", "stats", stats.join(" · ")));
    const claims = e.claims.filter(claimShown);
    body.append(section("Evidence", claims.map((i) => claimItem(i, false)), "No claims by this speaker.", e.weight));
    return body;
  }

  function openPanel(kind, id) {
    current = { kind: kind, id: id };
    byId("panel-body").replaceChildren(kind === "node" ? showConcept(id) : showEdge(id));
    byId("panel").hidden = false;
  }

  function refreshPanel() {
    if (!current) return;
    const top = byId("panel").scrollTop;
    openPanel(current.kind, current.id);
    byId("panel").scrollTop = top;
  }

  function closePanel() {
    current = null;
    state.focus = null;
    byId("panel").hidden = true;
    network.unselectAll();
    redraw();
  }

  function panelOffset() {
    return byId("panel").hidden ? 0 : -byId("panel").offsetWidth / 2;
  }

  function selectEdge(id, bringIntoView) {
    const e = edgeRows.get(id);
    state.focus = null;
    network.setSelection({ nodes: [], edges: shownEdges.has(id) ? [id] : [] });
    openPanel("edge", id);
    byId("panel").scrollTop = 0;
    redraw();
    if (bringIntoView && shownEdges.has(id)) {
      const a = network.getPosition(e.from);
      const b = network.getPosition(e.to);
      const box = byId("map").getBoundingClientRect();
      const span = Math.max(Math.abs(a.x - b.x) + 260, Math.abs(a.y - b.y) + 160);
      const width = box.width + 2 * panelOffset();
      const scale = Math.min(1.6, Math.max(0.3, Math.min(width, box.height) / span));
      network.moveTo({  // the middle of the edge in the middle of what the panel leaves free
        position: { x: (a.x + b.x) / 2 - panelOffset() / scale, y: (a.y + b.y) / 2 }, scale: scale,
        animation: { duration: 400, easingFunction: "easeInOutQuad" },
      });
    }
  }

  function selectConcept(id) {
    state.focus = id;
    openPanel("node", id);
    byId("panel").scrollTop = 0;
    if (shownNodes.has(id)) network.selectNodes([id]);
    else network.unselectAll();
    redraw();
    const key = "#concept=" + encodeURIComponent(concepts.get(id).key);
    if (location.hash !== key) history.replaceState(null, "", key);
  }

  // What the panel would cover (a concept, an edge's middle) slides into the part left free.
  function keepClear(point) {
    const at = network.canvasToDOM(point);
    const free = byId("map").clientWidth - byId("panel").offsetWidth;
    if (at.x > free - 60) {
      const view = network.getViewPosition();
      const scale = network.getScale();
      network.moveTo({ position: { x: view.x + (at.x - free / 2) / scale, y: view.y },
        animation: { duration: 350, easingFunction: "easeInOutQuad" } });
    }
  }

  function middle(id) {
    const e = edgeRows.get(id);
    const a = network.getPosition(e.from), b = network.getPosition(e.to);
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }

  network.on("click", (params) => {
    if (params.nodes.length) {
      selectConcept(params.nodes[0]);
      keepClear(network.getPosition(params.nodes[0]));
    } else if (params.edges.length) {
      selectEdge(params.edges[0], false);
      keepClear(middle(params.edges[0]));
    } else closePanel();
  });
  network.on("hoverEdge", (params) => {
    state.hoverEdge = params.edge;
    edges.update({ id: params.edge, ...words(relations.get(edgeRows.get(params.edge).relation).label) });
  });
  function unhover(id) {
    state.hoverEdge = null;
    if (edges.get(id)) edges.update({ id: id, ...words(edgeWords(edgeRows.get(id))) });
  }
  network.on("blurEdge", (params) => unhover(params.edge));
  // the pointer leaving the map ends a hover too (vis-network only sees moves over it)
  byId("map").addEventListener("mouseleave", () => { if (state.hoverEdge) unhover(state.hoverEdge); });
  let zoomedIn = false;
  function syncEdgeWords() {
    const now = network.getScale() >= EDGE_WORDS_AT;
    if (now !== zoomedIn) {
      zoomedIn = now;
      redraw();
    }
  }
  network.on("zoom", syncEdgeWords);
  network.on("animationFinished", syncEdgeWords);
  byId("panel-close").addEventListener("click", closePanel);

  // --- zoom and keys ------------------------------------------------------------------------
  // A click during a zoom's animation zooms on from where that animation is going, so quick
  // clicks compound exactly; a fit or the end of the animation starts afresh.
  let zoomTarget = null;
  function zoom(factor) {
    zoomTarget = (zoomTarget ?? network.getScale()) * factor;
    network.moveTo({ scale: zoomTarget, animation: { duration: 200, easingFunction: "easeInOutQuad" } });
  }
  network.on("animationFinished", () => { zoomTarget = null; });

  // The shown concepts' dots and labels fill the map, clear of its edges and of the zoom buttons
  // (vis-network's own fit leaves a tenth of the map empty on every side).
  function fit(animate = true) {
    zoomTarget = null;
    const ids = shownNodes.size ? [...shownNodes] : related.map((c) => c.id);
    if (!ids.length) return;
    network.body.emitter.emit("_resizeNodes"); // labels measured, as vis-network's fit does
    const boxes = ids.map((id) => network.getBoundingBox(id));
    const left = Math.min(...boxes.map((b) => b.left)), right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
    const map = byId("map");
    const width = Math.max(map.clientWidth - FIT_PAD.left - FIT_PAD.right, 1), height = Math.max(map.clientHeight - 2 * FIT_PAD.y, 1);
    // a hundredth to spare: labels measured at the old zoom may round a pixel wider at the new one
    const scale = FIT_SPARE * Math.min(MAX_FIT, width / Math.max(right - left, 1), height / Math.max(bottom - top, 1));
    const shift = (FIT_PAD.left - FIT_PAD.right) / 2 / scale; // the centre, moved off the buttons
    network.moveTo({ position: { x: (left + right) / 2 - shift, y: (top + bottom) / 2 }, scale: scale,
      animation: animate ? { duration: 300, easingFunction: "easeInOutQuad" } : false });
  }

  function pan(dx, dy) {
    const at = network.getViewPosition();
    const scale = network.getScale();
    network.moveTo({ position: { x: at.x + dx / scale, y: at.y + dy / scale } });
  }

  byId("zoom-in").addEventListener("click", () => zoom(1.3));
  byId("zoom-out").addEventListener("click", () => zoom(1 / 1.3));
  byId("zoom-fit").addEventListener("click", () => fit());
  const KEYS = {
    "+": () => zoom(1.3), "=": () => zoom(1.3), "-": () => zoom(1 / 1.3), "0": () => fit(),
    ArrowLeft: () => pan(-80, 0), ArrowRight: () => pan(80, 0), ArrowUp: () => pan(0, -80), ArrowDown: () => pan(0, 80),
  };
  byId("map").addEventListener("keydown", (ev) => {
    const action = KEYS[ev.key];
    if (action && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      action();
    }
  });
  document.addEventListener("keydown", (ev) => {
    const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement;
    if (ev.key === "Escape" && !byId("panel").hidden) closePanel();
    else if (ev.key === "/" && !typing) {
      ev.preventDefault();
      byId("search").focus();
    }
  });

  // --- search -------------------------------------------------------------------------------
  const quoteConcepts = data.quotes.map(() => new Set());
  for (const c of data.concepts) for (const q of c.mentions) quoteConcepts[q].add(c.id);
  for (const e of data.edges) {
    for (const i of e.claims) for (const q of data.claims[i].quotes) { quoteConcepts[q].add(e.from); quoteConcepts[q].add(e.to); }
  }

  // Concepts by label or alternative label first, then by the quotes that contain the words.
  function matches(text) {
    const t = text.trim().toLowerCase();
    if (!t) return [];
    const score = (c) => {
      const names = [c.label, ...c.alt].map((n) => n.toLowerCase());
      if (names.includes(t)) return 0;
      if (names.some((n) => n.startsWith(t))) return 1;
      if (names.some((n) => n.includes(t))) return 2;
      return 9;
    };
    const byName = data.concepts.map((c) => [score(c), c]).filter(([s]) => s < 9)
      .sort((a, b) => a[0] - b[0] || b[1].degree - a[1].degree || a[1].label.localeCompare(b[1].label))
      .map(([, c]) => ({ concept: c, quotes: 0 }));
    const named = new Set(byName.map((m) => m.concept.id));
    const inQuotes = new Map();
    data.quotes.forEach((q, i) => {
      if (!q.text.toLowerCase().includes(t)) return;
      for (const id of quoteConcepts[i]) inQuotes.set(id, (inQuotes.get(id) || 0) + 1);
    });
    const byQuote = [...inQuotes].filter(([id]) => !named.has(id))
      .sort((a, b) => b[1] - a[1] || concepts.get(a[0]).label.localeCompare(concepts.get(b[0]).label))
      .map(([id, n]) => ({ concept: concepts.get(id), quotes: n }));
    return [...byName, ...byQuote];
  }

  function showResults(found) {
    const list = byId("search-results");
    list.replaceChildren(...found.slice(0, 12).map((m) => {
      const li = el("li");
      const button = el("button", "result", m.concept.label);
      button.type = "button";
      button.dataset.id = m.concept.id;
      const why = m.quotes ? plural(m.quotes, "quote") : m.concept.degree ? plural(m.concept.degree, "relation") : "no relations";
      button.append(el("span", "why", why));
      button.addEventListener("click", () => choose(m.concept.id));
      li.append(button);
      return li;
    }));
    list.hidden = found.length === 0;
  }

  function choose(id) {
    byId("search-results").hidden = true;
    focusConcept(id);
  }

  // Open a concept and bring it into view; filters stay as they are (a hidden concept says so).
  function focusConcept(id, animate = true) {
    selectConcept(id);
    const status = byId("search-status");
    status.replaceChildren();
    if (shownNodes.has(id)) {
      network.focus(id, {
        scale: Math.max(network.getScale(), 1.2), offset: { x: panelOffset(), y: 0 },
        animation: animate ? { duration: 450, easingFunction: "easeInOutQuad" } : false,
      });
    } else if (concepts.get(id).degree) {
      const reset = el("button", "text-button", "Reset filters");
      reset.type = "button";
      reset.addEventListener("click", () => { resetFilters(); focusConcept(id); });
      status.append("Hidden by the filters. ", reset);
    } else {
      status.textContent = "Mentioned, not related: not on the map.";
      byId("unrelated").open = true;
    }
  }

  function search(ev) {
    ev.preventDefault();
    const input = byId("search");
    state.query = input.value.trim();
    const found = matches(input.value);
    input.classList.toggle("no-match", !found.length && state.query !== "");
    byId("search-status").textContent = found.length || !state.query ? "" : "No concept or quote matches.";
    if (found.length) choose(found[0].concept.id);
    else refreshPanel();
  }
  byId("search-form").addEventListener("submit", search);
  byId("search").addEventListener("input", (ev) => {
    state.query = ev.target.value.trim();
    showResults(matches(ev.target.value));
    byId("search-status").textContent = "";
    ev.target.classList.remove("no-match");
    refreshPanel();
  });
  byId("search").addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" && !byId("search-results").hidden) {
      ev.preventDefault();
      byId("search-results").querySelector("button")?.focus();
    } else if (ev.key === "Escape") {
      byId("search-results").hidden = true;
    }
  });
  byId("search-results").addEventListener("keydown", (ev) => {
    const item = ev.target.closest("li");
    if (ev.key === "ArrowDown") item?.nextElementSibling?.querySelector("button")?.focus();
    else if (ev.key === "ArrowUp") (item?.previousElementSibling?.querySelector("button") || byId("search")).focus();
    else if (ev.key === "Escape") { byId("search-results").hidden = true; byId("search").focus(); }
    else return;
    ev.preventDefault();
  });

  // --- links: concept_map.html#concept=ID (local name, IRI or label) -------------------------
  function fromHash() {
    const match = /^#concept=(.+)$/.exec(location.hash);
    if (!match) return;
    const wanted = decodeURIComponent(match[1]).trim().toLowerCase();
    const c = data.concepts.find((x) => x.key.toLowerCase() === wanted || x.id.toLowerCase() === wanted) ||
      data.concepts.find((x) => x.label.toLowerCase() === wanted);
    if (c && (!current || current.id !== c.id)) focusConcept(c.id, false);
  }
  window.addEventListener("hashchange", fromHash);

  // --- save what you see --------------------------------------------------------------------
  const FILE = (data.transcripts.length === 1 ? data.transcripts[0].source.replace(/\.[^.]*$/, "") : "corpus") + "-concept-map";

  function download(name, url) {
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  }

  function savePng() {
    const source = byId("map").querySelector("canvas");
    const canvas = document.createElement("canvas");
    canvas.width = source.width;
    canvas.height = source.height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0);
    download(FILE + ".png", canvas.toDataURL("image/png"));
  }

  const SVG = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The visible concepts and relations as vector graphics, from the map's own positions.
  function svgDocument() {
    const ids = [...shownNodes];
    const at = network.getPositions(ids);
    const xs = ids.map((id) => at[id].x);
    const ys = ids.map((id) => at[id].y);
    const pad = 120;
    const left = Math.min(...xs) - pad, top = Math.min(...ys) - pad / 2;
    const width = Math.max(...xs) - left + pad, height = Math.max(...ys) - top + pad;
    const svg = svgEl("svg", { xmlns: SVG, viewBox: [left, top, width, height].map((v) => v.toFixed(1)).join(" "),
      width: Math.round(width), height: Math.round(height), "font-family": FONT });
    svg.append(svgEl("title", {}, document.title));
    svg.append(svgEl("rect", { x: left, y: top, width: width, height: height, fill: "#ffffff" }));
    const defs = svgEl("defs", {});
    svg.append(defs);
    for (const r of data.relations) {
      const marker = svgEl("marker", { id: "arrow-" + r.id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
      marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: r.color }));
      defs.append(marker);
    }
    const lines = svgEl("g", { class: "relations", fill: "none" });
    for (const id of shownEdges) {
      const e = edgeRows.get(id);
      const r = relations.get(e.relation);
      const a = at[e.from], b = at[e.to];
      const rb = concepts.get(e.to).sizes[state.sizeBy] + 3;
      const d = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const end = { x: b.x - (b.x - a.x) * rb / d, y: b.y - (b.y - a.y) * rb / d };
      let path = "M" + a.x.toFixed(1) + "," + a.y.toFixed(1) + " L" + end.x.toFixed(1) + "," + end.y.toFixed(1);
      if (e.smooth) {
        const bend = e.smooth.roundness * d;
        const cx = (a.x + end.x) / 2 + (end.y - a.y) / d * bend, cy = (a.y + end.y) / 2 - (end.x - a.x) / d * bend;
        path = "M" + a.x.toFixed(1) + "," + a.y.toFixed(1) + " Q" + cx.toFixed(1) + "," + cy.toFixed(1) + " " + end.x.toFixed(1) + "," + end.y.toFixed(1);
      }
      const attrs = { d: path, stroke: r.color, "stroke-width": e.width, "stroke-opacity": 0.9 };
      if (DASHES[r.dashes]) attrs["stroke-dasharray"] = DASHES[r.dashes].join(" ");
      if (r.directed) attrs["marker-end"] = "url(#arrow-" + r.id + ")";
      const line = svgEl("path", attrs);
      line.append(svgEl("title", {}, e.title));
      lines.append(line);
    }
    svg.append(lines);
    const dots = svgEl("g", { class: "concepts" });
    for (const id of ids) {
      const c = concepts.get(id);
      const colour = colourOf(c);
      const size = c.sizes[state.sizeBy];
      const g = svgEl("g", {});
      g.append(svgEl("circle", { cx: at[id].x.toFixed(1), cy: at[id].y.toFixed(1), r: size, fill: colour, stroke: shade(colour), "stroke-width": 1.5 }));
      const label = svgEl("text", { x: at[id].x.toFixed(1), y: (at[id].y + size + 4).toFixed(1), "font-size": c.font, "text-anchor": "middle",
        fill: INK, stroke: "#ffffff", "stroke-width": 4, "paint-order": "stroke", "dominant-baseline": "hanging" });
      c.lines.split("\n").forEach((line, i) => {
        label.append(svgEl("tspan", { x: at[id].x.toFixed(1), dy: i ? (c.font * 1.17).toFixed(1) : 0 }, line));
      });
      g.append(label);
      dots.append(g);
    }
    svg.append(dots);
    return svg;
  }

  function saveSvg() {
    const text = '<?xml version="1.0" encoding="utf-8"?>\n' + new XMLSerializer().serializeToString(svgDocument());
    download(FILE + ".svg", URL.createObjectURL(new Blob([text], { type: "image/svg+xml" })));
  }

  // A spreadsheet cell: quoted, and a leading = + - @ (or tab, return) neutralised with '.
  function cell(value) {
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function relationsCsv() {
    const rows = [["subject", "relation", "object", "claims", "speakers", "interviews", "first quote", "speaker", "where"]];
    for (const e of data.edges) {
      if (!shownEdges.has(e.id)) continue;
      const shown = e.claims.filter(claimShown);
      const first = shown.length ? data.claims[shown[0]] : null;
      const quote = first && first.quotes.length ? data.quotes[first.quotes[first.quotes.length - 1]] : null;
      rows.push([concepts.get(e.from).label, relations.get(e.relation).label, concepts.get(e.to).label, e.weight,
        e.speakers, e.interviews, quote ? quote.text : "", first ? speakerName(first.speaker) : "",
        quote ? [transcriptTitle(quote.transcript), where(quote)].filter(Boolean).join(" · ") : ""]);
    }
    return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
  }

  function saveCsv() {
    download(FILE + "-relations.csv", URL.createObjectURL(new Blob(["\ufeff" + relationsCsv()], { type: "text/csv" })));
  }

  byId("toggle-controls").addEventListener("click", (ev) => {
    const open = byId("controls").classList.toggle("open");
    ev.currentTarget.setAttribute("aria-expanded", String(open));
  });

  buildControls();
  colourLegend();
  redraw();
  fit(false);
  syncEdgeWords();
  fromHash();
  window.leadgraph = { selectEdge: selectEdge, selectConcept: selectConcept, relationsCsv: relationsCsv, state: state };
  window.leadgraphReady = true;
})();
