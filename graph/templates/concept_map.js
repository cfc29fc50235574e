// The concept map's behaviour: draw, filter, search and show evidence.
// Every piece of transcript text goes into the page through textContent, never innerHTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("leadgraph-data").textContent);
  const byId = (id) => document.getElementById(id);
  const relations = new Map(data.relations.map((r) => [r.id, r]));
  const categories = new Map(data.categories.map((c) => [c.id, c]));
  const concepts = new Map(data.concepts.map((c) => [c.id, c]));
  const edgeRows = new Map(data.edges.map((e) => [e.id, e]));
  const DASHES = { solid: false, dashed: [8, 6], dotted: [2, 5] };
  const HIGHLIGHT = "#111827";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // --- drawing ------------------------------------------------------------------------------
  function visNode(c) {
    return {
      id: c.id, label: c.label, title: c.title, x: c.x, y: c.y, size: c.size, shape: "dot",
      color: {
        background: c.color, border: c.border,
        highlight: { background: c.color, border: HIGHLIGHT },
        hover: { background: c.color, border: HIGHLIGHT },
      },
      font: { size: c.font }, opacity: c.degree ? 1 : 0.55, widthConstraint: { maximum: 140 },
      // provisional concepts (no codebook entry yet) get a dashed outline
      shapeProperties: { borderDashes: c.category === "Provisional" ? [4, 3] : false },
      borderWidth: c.category === "Provisional" ? 2.5 : 1.5,
    };
  }

  function visEdge(e) {
    const r = relations.get(e.relation);
    return {
      id: e.id, from: e.from, to: e.to, title: e.title, width: e.width, smooth: e.smooth,
      dashes: DASHES[r.dashes], color: { color: r.color, highlight: r.color, hover: r.color, opacity: 0.9 },
      arrows: { to: { enabled: r.directed, scaleFactor: 0.6 } },
    };
  }

  const nodes = new vis.DataSet(data.concepts.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));
  const network = new vis.Network(byId("map"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: false, keyboard: false },
    nodes: {
      borderWidth: 1.5, borderWidthSelected: 3,
      font: {
        face: "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
        color: "#1f2933", strokeWidth: 5, strokeColor: "rgba(255,255,255,0.92)", vadjust: -2,
      },
    },
    edges: { selectionWidth: 1.5, hoverWidth: 1, endPointOffset: { to: 2 } },
  });
  window.network = network;

  // --- filters ------------------------------------------------------------------------------
  const state = {
    relations: new Set(data.relations.map((r) => r.id)),
    categories: new Set(data.categories.map((c) => c.id)),
    speaker: "", transcript: "", hideUnlinked: false,
  };

  function byWhom(item) {
    return (state.speaker === "" || item.speaker === Number(state.speaker)) &&
      (state.transcript === "" || item.transcript === Number(state.transcript));
  }
  const claimShown = (i) => byWhom(data.claims[i]);
  const quoteShown = (i) => byWhom(data.quotes[i]);
  const whoFiltered = () => state.speaker !== "" || state.transcript !== "";

  function applyFilters() {
    const shown = new Set();
    const linked = new Set();
    for (const e of data.edges) {
      if (state.relations.has(e.relation) && state.categories.has(concepts.get(e.from).category) &&
          state.categories.has(concepts.get(e.to).category) && e.claims.some(claimShown)) {
        shown.add(e.id);
        linked.add(e.from);
        linked.add(e.to);
      }
    }
    let visible = 0;
    nodes.update(data.concepts.map((c) => {
      const said = !whoFiltered() || c.mentions.some(quoteShown);
      const show = state.categories.has(c.category) && (linked.has(c.id) || (!state.hideUnlinked && said));
      visible += show ? 1 : 0;
      return { id: c.id, hidden: !show };
    }));
    edges.update(data.edges.map((e) => ({ id: e.id, hidden: !shown.has(e.id) })));
    byId("counts").textContent = visible + " of " + plural(data.concepts.length, "concept") + " · " +
      shown.size + " of " + plural(data.edges.length, "relation");
    refreshPanel();
  }

  function legendItem(checked, swatch, label, count, onChange) {
    const li = el("li");
    const label_ = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", () => {
      label_.classList.toggle("off", !box.checked);
      onChange(box.checked);
      applyFilters();
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

  function toggle(set, id) {
    return (on) => (on ? set.add(id) : set.delete(id));
  }

  function buildControls() {
    const relationList = byId("relation-legend");
    for (const r of data.relations) {
      relationList.append(legendItem(true, lineSwatch(r), r.label, r.count,
        toggle(state.relations, r.id)));
    }
    const categoryList = byId("category-legend");
    for (const c of data.categories) {
      categoryList.append(legendItem(true, dotSwatch(c.color), c.label, c.count, toggle(state.categories, c.id)));
    }
    fillSelect(byId("speaker-filter"), data.speakers);
    fillSelect(byId("transcript-filter"), data.transcripts.map((t) => t.title));
    byId("transcript-filter").disabled = data.transcripts.length < 2;
    byId("speaker-filter").addEventListener("change", (ev) => { state.speaker = ev.target.value; applyFilters(); });
    byId("transcript-filter").addEventListener("change", (ev) => { state.transcript = ev.target.value; applyFilters(); });
    byId("hide-unlinked").addEventListener("change", (ev) => { state.hideUnlinked = ev.target.checked; applyFilters(); });
    byId("reset").addEventListener("click", resetFilters);
    const list = byId("concept-list");
    for (const c of [...data.concepts].sort((a, b) => a.label.localeCompare(b.label))) {
      const option = el("option");
      option.value = c.label;
      list.append(option);
    }
  }

  function fillSelect(select, names) {
    names.forEach((name, i) => {
      const option = el("option", null, name);
      option.value = String(i);
      select.append(option);
    });
  }

  function resetFilters() {
    state.relations = new Set(data.relations.map((r) => r.id));
    state.categories = new Set(data.categories.map((c) => c.id));
    state.speaker = state.transcript = "";
    state.hideUnlinked = false;
    for (const box of document.querySelectorAll(".legend input")) {
      box.checked = true;
      box.parentElement.classList.remove("off");
    }
    byId("speaker-filter").value = byId("transcript-filter").value = "";
    byId("hide-unlinked").checked = false;
    applyFilters();
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

  function linesText(lines) {
    const several = lines.length > 1 || /\D/.test(lines[0]);
    return (several ? "lines " : "line ") + lines.join(", ");
  }

  function transcriptTitle(i) {
    return data.transcripts.length > 1 && i >= 0 ? data.transcripts[i].title : "";
  }

  function quoteBlock(i) {
    const q = data.quotes[i];
    return [el("blockquote", null, q.text), meta([data.speakers[q.speaker] || "", linesText([q.lines]),
      transcriptTitle(q.transcript)])];
  }

  function code(text) {
    const c = el("code", null, text);
    return c;
  }

  function claimItem(i, withHead) {
    const c = data.claims[i];
    const li = el("li", "claim");
    li.style.setProperty("--claim-colour", relations.get(c.relation).color);
    if (withHead) {
      const head = el("p", "claim-head", concepts.get(c.from).label + " " + relations.get(c.relation).label +
        " " + concepts.get(c.to).label);
      if (c.negated) head.append(el("span", "badge denied", "denied"));
      li.append(head);
    }
    for (const q of c.quotes) li.append(el("blockquote", null, data.quotes[q].text));
    const first = data.quotes[c.quotes[0]];
    const flags = [c.hedged ? "hedged" : "", c.question ? "answer to a question" : ""].filter(Boolean);
    const rule = el("span", null, "rule ");
    rule.append(code(c.rule));
    li.append(meta([data.speakers[c.speaker] || "", first ? linesText([...new Set(c.quotes.map((q) => data.quotes[q].lines))]) : "",
      rule, transcriptTitle(c.transcript), flags.join(", ")]));
    return li;
  }

  function section(title, items, emptyText, total) {
    const frag = document.createDocumentFragment();
    frag.append(el("h3", null, title));
    if (total !== undefined && total > items.length) {
      frag.append(el("p", "filtered-note", "Showing " + items.length + " of " + total + " (filtered)"));
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
    const word = el("span", "relation-word", outgoing ? r.label : r.inverse);
    word.style.color = r.color;
    button.append(word, " ", el("span", "target", other.label), " ", el("span", "weight", "(" + e.claims.length + ")"));
    button.addEventListener("click", () => selectEdge(e.id));
    li.append(button);
    return li;
  }

  function showConcept(id) {
    const c = concepts.get(id);
    const body = el("div");
    body.append(el("h2", null, c.label));
    const chip = el("span", "chip");
    chip.append(dotSwatch(c.color), categories.get(c.category).label);
    body.append(chip);
    body.append(el("p", "definition" + (c.definition ? "" : " empty"), c.definition || "No definition in the codebook."));
    body.append(el("p", "stats", plural(c.mentions.length, "mention") + " · " + plural(c.degree, "relation") +
      " · community " + (c.community + 1)));
    const links = data.edges.filter((e) => (e.from === id || e.to === id) && !edges.get(e.id).hidden).map((e) => edgeLink(e, id));
    const rel = section("Relations", links, "No relations shown.");
    rel.querySelector("ul")?.classList.add("link-list");
    body.append(rel);
    const quotes = c.mentions.filter(quoteShown);
    body.append(section("What was said", quotes.map((q) => {
      const li = el("li");
      li.append(...quoteBlock(q));
      return li;
    }), "No quotes mention it.", c.mentions.length));
    const denied = c.denied.filter(claimShown);
    body.append(section("Denied claims", denied.map((i) => claimItem(i, true)), "None.", c.denied.length));
    return body;
  }

  function showEdge(id) {
    const e = edgeRows.get(id);
    const r = relations.get(e.relation);
    const body = el("div");
    const title = el("h2", "relation-title");
    const word = el("span", "relation-word", r.label);
    word.style.color = r.color;
    title.append(el("span", null, concepts.get(e.from).label), word, el("span", null, concepts.get(e.to).label));
    body.append(title);
    body.append(el("p", "stats", plural(e.claims.length, "claim") + (r.directed ? "" : " · symmetric")));
    const claims = e.claims.filter(claimShown);
    body.append(section("Evidence", claims.map((i) => claimItem(i, false)), "No claims by this speaker.", e.claims.length));
    return body;
  }

  function openPanel(kind, id) {
    current = { kind: kind, id: id };
    const body = byId("panel-body");
    body.replaceChildren(kind === "node" ? showConcept(id) : showEdge(id));
    byId("panel").hidden = false;
    byId("panel").scrollTop = 0;
  }

  function refreshPanel() {
    if (current) openPanel(current.kind, current.id);
  }

  function closePanel() {
    current = null;
    byId("panel").hidden = true;
    network.unselectAll();
  }

  function selectEdge(id) {
    network.setSelection({ nodes: [], edges: [id] });
    openPanel("edge", id);
  }

  network.on("click", (params) => {
    if (params.nodes.length) openPanel("node", params.nodes[0]);
    else if (params.edges.length) openPanel("edge", params.edges[0]);
    else closePanel();
  });
  byId("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closePanel(); });

  // --- search -------------------------------------------------------------------------------
  function findConcept(text) {
    const t = text.trim().toLowerCase();
    if (!t) return null;
    const all = data.concepts;
    return all.find((c) => c.label.toLowerCase() === t) || all.find((c) => c.label.toLowerCase().startsWith(t)) ||
      all.find((c) => c.label.toLowerCase().includes(t)) || null;
  }

  function focusConcept(id) {
    if (nodes.get(id).hidden) resetFilters();
    network.selectNodes([id]);
    openPanel("node", id);
    network.focus(id, {
      scale: 1.2, offset: { x: -byId("panel").offsetWidth / 2, y: 0 },
      animation: { duration: 450, easingFunction: "easeInOutQuad" },
    });
  }

  function search(ev) {
    ev.preventDefault();
    const input = byId("search");
    const found = findConcept(input.value);
    input.classList.toggle("no-match", !found && input.value.trim() !== "");
    byId("search-status").textContent = found || !input.value.trim() ? "" : "No concept matches.";
    if (found) focusConcept(found.id);
  }
  byId("search-form").addEventListener("submit", search);
  byId("search").addEventListener("change", search);

  byId("toggle-controls").addEventListener("click", (ev) => {
    const open = byId("controls").classList.toggle("open");
    ev.currentTarget.setAttribute("aria-expanded", String(open));
  });

  buildControls();
  applyFilters();
  network.fit({ animation: false });
  window.leadgraphReady = true;
})();
