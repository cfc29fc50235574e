// Read a GEXF or GraphML file with graphology's parsers (the GEXF one is Gephi Lite's) and
// print what was read as JSON: node and edge counts, and every node's and edge's attributes.
"use strict";
const fs = require("fs");
const Graph = require("graphology");

const [format, file] = process.argv.slice(2);
const parser = format === "gexf" ? require("graphology-gexf") : require("graphology-graphml");
const graph = parser.parse(Graph, fs.readFileSync(file, "utf8"));
const nodes = {};
graph.forEachNode((key, attributes) => { nodes[key] = attributes; });
const edges = {};
graph.forEachEdge((key, attributes, source, target, _s, _t, undirected) => {
  edges[key] = { source, target, undirected, attributes };
});
process.stdout.write(JSON.stringify({ order: graph.order, size: graph.size, type: graph.type, multi: graph.multi, nodes, edges }));
