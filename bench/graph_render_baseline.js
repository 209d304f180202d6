/*
 * The render benchmark's baseline: sigma.js alone drawing the graph JSON, with no Hearth code.
 * Same fetch, same graphology graph, same colours and sizes as the JSON gives, default sigma
 * settings, no reducers and no page around it. Served only by bench/graph_render.py.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-graph-url]");
  fetch(root.getAttribute("data-graph-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var graph = new window.graphology.UndirectedGraph();
      data.nodes.forEach(function (n) {
        graph.addNode(n.id, { label: n.label, x: n.x, y: n.y, size: n.size, color: "#9c3d16" });
      });
      data.edges.forEach(function (e) {
        if (!graph.hasEdge(e.source, e.target)) {
          graph.addEdge(e.source, e.target, { color: e.kind === "tie" ? "#5a4f48" : "#5b8fbf", size: e.kind === "tie" ? 2 : 1 });
        }
      });
      var sigma = new window.Sigma(graph, root);
      root.hearthGraph = { sigma: sigma, graph: graph, readyAt: performance.now() };
      root.dispatchEvent(new CustomEvent("hearth:graph-ready", { bubbles: true, detail: root.hearthGraph }));
    });
})();
