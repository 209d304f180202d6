/*
 * Hearth: the organiser's match graph, drawn with sigma.js (WebGL) over graphology.
 *
 * Load after /static/vendor/graphology/graphology.umd.min.js and /static/vendor/sigma/sigma.min.js
 * (all three with `defer`). Every element with a `data-graph-url` attribute becomes a viewer:
 * the JSON at that URL (format: GRAPH_FORMAT.md, beside this file) is fetched and drawn.
 * Positions come precomputed in the JSON; no layout runs here. No inline code, no eval: the
 * page works under `Content-Security-Policy: default-src 'self'`.
 *
 * Each viewer is reachable as `element.hearthGraph` (sigma, graph, select(), visibleCounts()),
 * and fires `hearth:graph-ready` on the element (it bubbles) once sigma has drawn the graph.
 */
(function () {
  "use strict";

  // Colours: all at least 3:1 against the white drawing area (WCAG non-text contrast).
  var PALETTE = ["#9c3d16", "#1f5f8b", "#3f7d20", "#7b3f8c", "#b0005a", "#00706b",
                 "#7a6000", "#4a4fa8", "#6b4423", "#c2410c", "#2f6b3f", "#8f2d56"];
  var UNPLACED = "#6b6b6b";
  var DIMMED = "#e4ddd6";
  var EDGE = { tie: { color: "#5a4f48", size: 2 }, suggestion: { color: "#5b8fbf", size: 1 } };
  var KIND_WORDS = { meal: "Shared meals", exercise: "Exercise together", event: "Events" };
  var STATUS_WORDS = { proposed: "Suggested, waiting for replies", confirmed: "Confirmed",
                       met: "Has met", dissolved: "Ended" };
  // Shown only if the JSON carries no words of its own (`words.placement`, from the server).
  var PLACED_WORDS = { true: "Placed in a group", false: "Not yet placed" };
  var MAX_RESULTS = 8;
  var STILL = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function ms(duration) { return STILL ? 1 : duration; }
  var MAX_HIGHLIGHTS = 200;

  var NUMBER = new Intl.NumberFormat("en-GB");
  var DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

  function count(n, one, many) { return NUMBER.format(n) + " " + (n === 1 ? one : many); }
  function kindWord(kind) {
    kind = String(kind);
    return KIND_WORDS[kind] || (kind.charAt(0).toUpperCase() + kind.slice(1));
  }
  function day(iso) {
    if (!iso) { return null; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : DAY.format(d);
  }
  function dayKey(iso) { return iso ? String(iso).slice(0, 10) : ""; }

  // One reading of "placed" for the dot, the legend, the panel and the filters: the server's
  // `placed`, and the group that places the member only when they are placed (GRAPH_FORMAT.md).
  function isPlaced(m) { return m.placed === true; }

  var uid = 0;
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) { return; }
        if (key === "text") { node.textContent = value; }
        else if (key === "className") { node.className = value; }
        else if (value === true) { node.setAttribute(key, ""); }
        else { node.setAttribute(key, value); }
      });
    }
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  function Viewer(root) {
    this.root = root;
    this.prefix = "mg" + (++uid) + "-";
    this.data = null;
    this.sigma = null;
    this.graph = null;
    this.members = new Map();
    this.groups = new Map();
    this.words = {};
    this.colourBy = "group";
    this.edgeKinds = { tie: true, suggestion: true };
    this.activityKinds = null;      // Set of kinds switched on; members with none always show
    this.from = "";
    this.to = "";
    this.visibleNodes = new Set();
    this.hiddenEdges = new Set();
    this.visibleEdgeCount = 0;
    this.matches = new Set();       // members highlighted by the search
    this.focusNodes = null;         // when something is selected: the nodes kept bright
    this.focusEdges = null;
    this.selected = null;           // {type: "member"|"group", id}
    this.readyAt = null;
  }

  Viewer.prototype.start = function () {
    var self = this;
    var url = this.root.getAttribute("data-graph-url");
    this.root.setAttribute("aria-busy", "true");
    this.status = el("p", { className: "mg-loading", role: "status", text: "Loading the match graph…" });
    this.root.appendChild(this.status);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { self.load(data); })
      .catch(function (error) {
        self.root.removeAttribute("aria-busy");
        self.root.setAttribute("data-graph-state", "error");
        self.status.className = "mg-problem";
        self.status.textContent = "We couldn't load the match graph just now. Please try again in a moment.";
        if (window.console) { console.warn("Hearth match graph:", error); }
      });
  };

  Viewer.prototype.load = function (data) {
    this.data = data;
    this.words = (data.words && data.words.placement) || {};
    if (data.words && data.words.kinds) {  // the server's words for what people enjoy
      Object.keys(data.words.kinds).forEach(function (k) { KIND_WORDS[k] = String(data.words.kinds[k]); });
    }
    (data.nodes || []).forEach(function (n) { this.members.set(String(n.id), n); }, this);
    var order = 0;
    (data.groups || []).forEach(function (g) {
      this.groups.set(String(g.id), { data: g, colour: PALETTE[order++ % PALETTE.length] });
    }, this);
    this.root.textContent = "";
    this.buildPage();
    this.buildGraph();
    this.applyFilters();
    try {
      this.draw();
    } catch (error) {
      this.stage.appendChild(el("p", { className: "mg-problem", text:
        "This browser can't draw the graph. The list and the spreadsheet above hold the same neighbours." }));
      this.root.removeAttribute("aria-busy");
      this.root.setAttribute("data-graph-state", "error");
      if (window.console) { console.warn("Hearth match graph:", error); }
      return;
    }
    this.updateShowing();
    this.root.removeAttribute("aria-busy");
    this.readyAt = performance.now();
    this.root.setAttribute("data-graph-state", "ready");
    this.root.dispatchEvent(new CustomEvent("hearth:graph-ready", { bubbles: true, detail: this }));
  };

  // The group that places member `m`, or null: never a group for someone not placed.
  Viewer.prototype.groupOf = function (m) {
    return isPlaced(m) && m.group != null ? (this.groups.get(String(m.group)) || null) : null;
  };

  Viewer.prototype.placementWords = function (m) {
    return (m.placement && this.words[m.placement]) || PLACED_WORDS[isPlaced(m)];
  };

  // ---- the page around the canvas -------------------------------------------------------

  Viewer.prototype.buildPage = function () {
    var self = this, p = this.prefix, data = this.data, summary = data.summary || {};
    var links = data.links || {};

    var about = el("div", { className: "mg-about" });
    about.appendChild(el("p", { className: "mg-summary", id: p + "summary", text: [
      count(summary.members || 0, "member", "members"),
      count(summary.groups || 0, "group", "groups"),
      NUMBER.format(summary.unplaced || 0) + " not yet placed"].join(", ") }));
    var linkLine = el("p", { className: "mg-links" });
    if (links.list) { linkLine.appendChild(el("a", { href: links.list, text: "See everyone as a list" })); }
    if (links.list && links.csv) { linkLine.appendChild(document.createTextNode(" · ")); }
    if (links.csv) { linkLine.appendChild(el("a", { href: links.csv, text: "Download the list (CSV)" })); }
    about.appendChild(linkLine);
    if (summary.generated_at) {
      about.appendChild(el("p", { className: "mg-updated", text: "Positions drawn on " + day(summary.generated_at) +
        "; who is placed, and who lives in the area, are as of now" +
        (summary.joined_since ? " (" + count(summary.joined_since, "neighbour", "neighbours") +
          " joined since, drawn round the edge or beside their group)" : "") + "." }));
    }
    this.root.appendChild(about);

    var controls = el("div", { className: "mg-controls" });

    // Search
    this.search = el("input", { type: "search", id: p + "search", autocomplete: "off", spellcheck: "false",
                                "aria-describedby": p + "search-status", "aria-controls": p + "results" });
    this.searchStatus = el("p", { className: "mg-search-status", id: p + "search-status", "aria-live": "polite" });
    this.results = el("ul", { className: "mg-results", id: p + "results", "aria-label": "Search results" });
    controls.appendChild(el("div", { className: "mg-search", role: "search" }, [
      el("label", { for: p + "search", text: "Find a neighbour or a group" }), this.search, this.searchStatus, this.results]));
    this.search.addEventListener("input", function () { self.runSearch(); });
    this.search.addEventListener("keydown", function (event) {
      var first = self.results.querySelector("button");
      if (event.key === "Enter" && first) { event.preventDefault(); first.click(); }
      else if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
    });
    this.results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(self.results.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) { return; }
      if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : self.search).focus(); }
    });

    // Colour by
    var colour = el("fieldset", { className: "mg-colour" }, [el("legend", { text: "Colour by" })]);
    [["group", "Group"], ["community", "Community (people closely linked)"]].forEach(function (pair) {
      var input = el("input", { type: "radio", name: p + "colour", id: p + "colour-" + pair[0], value: pair[0],
                                checked: pair[0] === self.colourBy });
      input.addEventListener("change", function () { if (input.checked) { self.setColourBy(pair[0]); } });
      colour.appendChild(el("div", { className: "mg-choice" }, [input, el("label", { for: input.id, text: pair[1] })]));
    });
    controls.appendChild(colour);

    // Edge kinds
    var edges = el("fieldset", { className: "mg-edges" }, [el("legend", { text: "Connections" })]);
    [["tie", "Ties (have met)"], ["suggestion", "Suggestions"]].forEach(function (pair) {
      var input = el("input", { type: "checkbox", id: p + "edge-" + pair[0], value: pair[0], checked: true });
      input.addEventListener("change", function () { self.edgeKinds[pair[0]] = input.checked; self.refilter(); });
      edges.appendChild(el("div", { className: "mg-choice" }, [input,
        el("label", { for: input.id }, [el("span", { className: "mg-swatch mg-swatch-" + pair[0], "aria-hidden": "true" }), pair[1]])]));
    });
    controls.appendChild(edges);

    // Activity kinds (whatever the JSON holds)
    var kinds = new Set();
    (data.nodes || []).forEach(function (n) { (n.kinds || []).forEach(function (k) { kinds.add(k); }); });
    (data.groups || []).forEach(function (g) { if (g.kind) { kinds.add(g.kind); } });
    this.activityKinds = new Set(kinds);
    if (kinds.size) {
      var activities = el("fieldset", { className: "mg-activities" }, [el("legend", { text: "Activities" })]);
      Array.from(kinds).sort().forEach(function (kind) {
        var input = el("input", { type: "checkbox", id: p + "kind-" + kind.replace(/[^\w-]/g, "_"), value: kind, checked: true });
        input.addEventListener("change", function () {
          if (input.checked) { self.activityKinds.add(kind); } else { self.activityKinds.delete(kind); }
          self.refilter();
        });
        activities.appendChild(el("div", { className: "mg-choice" }, [input, el("label", { for: input.id, text: kindWord(kind) })]));
      });
      controls.appendChild(activities);
    }

    // Date range (groups' meeting dates)
    var from = el("input", { type: "date", id: p + "from" });
    var to = el("input", { type: "date", id: p + "to" });
    var onDate = function () { self.from = from.value; self.to = to.value; self.refilter(); };
    from.addEventListener("change", onDate);
    to.addEventListener("change", onDate);
    controls.appendChild(el("fieldset", { className: "mg-dates", "aria-describedby": p + "dates-hint" }, [
      el("legend", { text: "Groups meeting between" }),
      el("div", { className: "mg-date" }, [el("label", { for: from.id, text: "From" }), from]),
      el("div", { className: "mg-date" }, [el("label", { for: to.id, text: "To" }), to]),
      el("p", { className: "mg-hint", id: p + "dates-hint", text: "Neighbours not yet placed in a group always stay in view." })]));

    this.root.appendChild(controls);

    // Zoom buttons, the live count, and the drawing area
    var zoom = el("div", { className: "mg-zoom", role: "group", "aria-label": "Zoom" });
    [["in", "Zoom in"], ["out", "Zoom out"], ["reset", "Show everything"]].forEach(function (pair) {
      var button = el("button", { type: "button", className: "mg-button", "data-zoom": pair[0], text: pair[1] });
      button.addEventListener("click", function () { self.zoom(pair[0]); });
      zoom.appendChild(button);
    });
    this.showing = el("p", { className: "mg-showing", "aria-live": "polite" });
    this.root.appendChild(el("div", { className: "mg-bar" }, [zoom, this.showing]));

    this.stage = el("div", { className: "mg-stage", tabindex: "0", role: "region",
                             "aria-label": "Match graph drawing", "aria-describedby": p + "stage-hint" });
    this.stage.addEventListener("keydown", function (event) { self.onStageKey(event); });
    var stageHint = el("p", { className: "mg-hint", id: p + "stage-hint", text:
      "Each dot is a neighbour. Click one, or find them by name above, to see their details. " +
      "With the drawing focused: + and − zoom, arrow keys move, 0 shows everything." });

    this.panel = el("aside", { className: "mg-panel", id: p + "panel", "aria-labelledby": p + "panel-heading", hidden: true });
    this.panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { self.closePanel(); } });

    this.root.appendChild(el("div", { className: "mg-body" }, [
      el("div", { className: "mg-drawing" }, [this.stage, stageHint, this.legend()]), this.panel]));
  };

  Viewer.prototype.legend = function () {
    var list = el("ul", { className: "mg-legend", "aria-label": "Key" });
    list.appendChild(el("li", null, [el("span", { className: "mg-dot mg-dot-unplaced", "aria-hidden": "true" }), "Grey: not yet placed in a group"]));
    list.appendChild(el("li", null, [el("span", { className: "mg-dot mg-dot-colour", "aria-hidden": "true" }), "Other colours: placed, one colour per group or per community (colours repeat)"]));
    list.appendChild(el("li", null, [el("span", { className: "mg-swatch mg-swatch-tie", "aria-hidden": "true" }), "Dark line: a tie, they have met"]));
    list.appendChild(el("li", null, [el("span", { className: "mg-swatch mg-swatch-suggestion", "aria-hidden": "true" }), "Thin blue line: a suggestion"]));
    return list;
  };

  // ---- graph and drawing ----------------------------------------------------------------

  Viewer.prototype.buildGraph = function () {
    var Graph = window.graphology.UndirectedGraph;
    var graph = new Graph();
    var self = this;
    (this.data.nodes || []).forEach(function (n) {
      var group = self.groupOf(n), placed = isPlaced(n);
      var community = Number(n.community) || 0;
      var byGroup = !placed ? UNPLACED : (group ? group.colour : PALETTE[0]);
      graph.addNode(String(n.id), {
        label: n.label == null ? "" : String(n.label),
        x: Number(n.x) || 0, y: Number(n.y) || 0, size: Number(n.size) || 4,
        gc: byGroup,
        // grey means "not yet placed" whichever way the dots are coloured, as the key says
        cc: !placed ? UNPLACED : PALETTE[((community % PALETTE.length) + PALETTE.length) % PALETTE.length],
        color: byGroup
      });
    });
    (this.data.edges || []).forEach(function (e) {
      var s = String(e.source), t = String(e.target), kind = e.kind === "tie" ? "tie" : "suggestion";
      if (s === t || !graph.hasNode(s) || !graph.hasNode(t)) { return; }
      var attrs = { kind: kind, color: EDGE[kind].color, size: EDGE[kind].size, weight: Number(e.weight) || 0 };
      if (!graph.hasEdge(s, t)) { graph.addEdge(s, t, attrs); }
      else if (kind === "tie") { graph.replaceEdgeAttributes(graph.edge(s, t), attrs); }  // a tie outranks a suggestion
    });
    this.graph = graph;
  };

  Viewer.prototype.draw = function () {
    var self = this;
    var Sigma = window.Sigma;
    this.sigma = new Sigma(this.graph, this.stage, {
      zIndex: true,
      hideEdgesOnMove: this.graph.size > 4000,
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
      labelColor: { color: "#1f1a17" },
      labelRenderedSizeThreshold: 7,
      minCameraRatio: 0.02,
      maxCameraRatio: 4,
      nodeReducer: function (node, data) { return self.nodeLook(node, data); },
      edgeReducer: function (edge, data) { return self.edgeLook(edge, data); }
    });
    this.sigma.on("clickNode", function (event) { self.select("member", event.node, { centre: false }); });
    this.sigma.on("enterNode", function () { self.stage.classList.add("mg-pointing"); });
    this.sigma.on("leaveNode", function () { self.stage.classList.remove("mg-pointing"); });
  };

  Viewer.prototype.nodeLook = function (node, data) {
    var out = { x: data.x, y: data.y, size: data.size, label: data.label,
                color: this.colourBy === "community" ? data.cc : data.gc };
    if (!this.visibleNodes.has(node)) { out.hidden = true; return out; }
    if (this.focusNodes && !this.focusNodes.has(node)) { out.color = DIMMED; out.label = ""; out.zIndex = 0; }
    else if (this.focusNodes) { out.zIndex = 1; }
    if (this.matches.has(node)) { out.highlighted = true; out.forceLabel = true; out.zIndex = 2; }
    if (this.selected && this.selected.type === "member" && this.selected.id === node) {
      out.highlighted = true; out.forceLabel = true; out.size = data.size * 1.6; out.zIndex = 3;
    }
    return out;
  };

  Viewer.prototype.edgeLook = function (edge, data) {
    var out = { color: data.color, size: data.size };
    if (this.hiddenEdges.has(edge)) { out.hidden = true; }
    else if (this.focusEdges && !this.focusEdges.has(edge)) { out.color = DIMMED; out.zIndex = 0; }
    else if (this.focusEdges) { out.zIndex = 1; out.size = data.size + 1; }
    return out;
  };

  // ---- filters ----------------------------------------------------------------------------

  Viewer.prototype.memberShown = function (m) {
    var kinds = m.kinds || [];
    if (kinds.length && this.activityKinds) {
      var any = false;
      for (var i = 0; i < kinds.length; i++) { if (this.activityKinds.has(kinds[i])) { any = true; break; } }
      if (!any) { return false; }
    }
    var group = this.groupOf(m);
    if ((this.from || this.to) && group) {
      var when = dayKey(group.data.date);
      if (!when || (this.from && when < this.from) || (this.to && when > this.to)) { return false; }
    }
    return true;
  };

  Viewer.prototype.applyFilters = function () {
    var self = this, visible = new Set(), hidden = new Set(), shownEdges = 0;
    this.members.forEach(function (m, id) { if (self.memberShown(m)) { visible.add(id); } });
    this.graph.forEachEdge(function (edge, attrs, source, target) {
      if (self.edgeKinds[attrs.kind] && visible.has(source) && visible.has(target)) { shownEdges++; }
      else { hidden.add(edge); }
    });
    this.visibleNodes = visible;
    this.hiddenEdges = hidden;
    this.visibleEdgeCount = shownEdges;
  };

  Viewer.prototype.refilter = function () {
    this.applyFilters();
    this.updateShowing();
    if (this.sigma) { this.sigma.refresh(); }
  };

  Viewer.prototype.visibleCounts = function () {
    return { nodes: this.visibleNodes.size, edges: this.visibleEdgeCount };
  };

  Viewer.prototype.updateShowing = function () {
    this.showing.textContent = "Showing " + NUMBER.format(this.visibleNodes.size) + " of " +
      count(this.members.size, "neighbour", "neighbours") + " and " + count(this.visibleEdgeCount, "connection", "connections") + ".";
  };

  Viewer.prototype.setColourBy = function (mode) {
    this.colourBy = mode === "community" ? "community" : "group";
    if (this.sigma) { this.sigma.refresh({ skipIndexation: true }); }  // only colours change
  };

  // ---- search -----------------------------------------------------------------------------

  Viewer.prototype.runSearch = function () {
    var self = this, query = this.search.value.trim().toLowerCase();
    var members = [], groups = [];
    this.results.textContent = "";
    if (query) {
      this.members.forEach(function (m, id) {
        if (String(m.label == null ? "" : m.label).toLowerCase().indexOf(query) !== -1) { members.push(id); }
      });
      this.groups.forEach(function (g, id) {
        if (String(g.data.label == null ? "" : g.data.label).toLowerCase().indexOf(query) !== -1) { groups.push(id); }
      });
    }
    this.matches = new Set(members.length <= MAX_HIGHLIGHTS ? members : []);
    var shown = 0;
    members.slice(0, MAX_RESULTS).forEach(function (id) {
      shown++;
      self.results.appendChild(self.resultItem("member", id, self.members.get(id).label, "neighbour"));
    });
    groups.slice(0, Math.max(0, MAX_RESULTS - shown)).forEach(function (id) {
      self.results.appendChild(self.resultItem("group", id, self.groups.get(id).data.label, "group"));
    });
    if (!query) { this.searchStatus.textContent = ""; }
    else if (!members.length && !groups.length) { this.searchStatus.textContent = "No one matches “" + this.search.value.trim() + "”."; }
    else {
      var found = [];
      if (members.length) { found.push(count(members.length, "neighbour", "neighbours")); }
      if (groups.length) { found.push(count(groups.length, "group", "groups")); }
      this.searchStatus.textContent = found.join(" and ") + " found." +
        (members.length + groups.length > MAX_RESULTS ? " Keep typing to narrow it down." : " Press Enter to open the first.");
    }
    if (this.sigma) { this.sigma.refresh(); }
  };

  Viewer.prototype.resultItem = function (type, id, label, word) {
    var self = this;
    var button = el("button", { type: "button", className: "mg-result", "data-type": type, "data-id": id }, [
      String(label == null ? "" : label), el("span", { className: "mg-result-kind", text: " (" + word + ")" })]);
    button.addEventListener("click", function () { self.select(type, id, { centre: true, focusPanel: true }); });
    return el("li", null, [button]);
  };

  // ---- selection and the side panel -----------------------------------------------------------

  Viewer.prototype.select = function (type, id, options) {
    options = options || {};
    id = String(id);
    var graph = this.graph, focusNodes = new Set(), focusEdges = new Set();
    if (type === "member") {
      if (!this.members.has(id)) { return false; }
      focusNodes.add(id);
      graph.forEachEdge(id, function (edge, attrs, source, target) {
        focusEdges.add(edge); focusNodes.add(source); focusNodes.add(target);
      });
    } else {
      var group = this.groups.get(id);
      if (!group) { return false; }
      (group.data.members || []).forEach(function (m) { if (graph.hasNode(String(m))) { focusNodes.add(String(m)); } });
      graph.forEachEdge(function (edge, attrs, source, target) {
        if (focusNodes.has(source) && focusNodes.has(target)) { focusEdges.add(edge); }
      });
    }
    this.selected = { type: type, id: id };
    this.focusNodes = focusNodes;
    this.focusEdges = focusEdges;
    this.sigma.refresh();
    if (options.centre !== false) { this.centreOn(Array.from(focusNodes), type === "member" ? id : null); }
    this.showPanel(type, id, options.focusPanel !== false);
    return true;
  };

  // Centre the camera on `main` (a member) or on the middle of `nodes` (a group), zoomed so that
  // `nodes` (the member and their connections, or the group) fit in view.
  Viewer.prototype.centreOn = function (nodes, main) {
    var sigma = this.sigma, points = [];
    nodes.forEach(function (n) {
      var d = sigma.getNodeDisplayData(n);
      if (d && !d.hidden) { points.push(d); }
    });
    var centre = main ? sigma.getNodeDisplayData(main) : null;
    if (!points.length && !centre) { return; }
    var x = 0, y = 0;
    if (centre) { x = centre.x; y = centre.y; }
    else {
      points.forEach(function (d) { x += d.x; y += d.y; });
      x /= points.length; y /= points.length;
    }
    var spread = 0;
    points.forEach(function (d) { spread = Math.max(spread, Math.abs(d.x - x), Math.abs(d.y - y)); });
    var ratio = Math.min(1, Math.max(0.1, spread * 2.4));
    sigma.getCamera().animate({ x: x, y: y, ratio: ratio }, { duration: ms(400) });
  };

  Viewer.prototype.detailRow = function (list, term, value) {
    list.appendChild(el("dt", { text: term }));
    list.appendChild(el("dd", null, [value]));  // a string (as text) or an element
  };

  Viewer.prototype.showPanel = function (type, id, moveFocus) {
    var self = this, p = this.prefix, panel = this.panel;
    if (!panel.contains(document.activeElement)) { this.returnFocus = document.activeElement; }
    panel.textContent = "";
    var heading = el("h2", { id: p + "panel-heading", tabindex: "-1" });
    var details = el("dl", { className: "mg-details" });
    if (type === "member") {
      var m = this.members.get(id);
      heading.textContent = m.label == null ? "" : String(m.label);
      panel.appendChild(el("p", { className: "mg-panel-kind", text: "Neighbour" }));
      panel.appendChild(heading);
      if (!this.visibleNodes.has(id)) {
        panel.appendChild(el("p", { className: "mg-hint", text: "Hidden from the drawing by the filters you chose." }));
      }
      var group = this.groupOf(m);
      if (group) {
        var open = el("button", { type: "button", className: "link-button mg-link", text: String(group.data.label) });
        open.addEventListener("click", function () { self.select("group", String(m.group), { centre: true }); });
        this.detailRow(details, "Group", open);
      } else {
        this.detailRow(details, "Group", "None at the moment");
      }
      this.detailRow(details, "Placed in a group", this.placementWords(m));
      if (m["new"]) { this.detailRow(details, "Joined", "Since the graph was drawn"); }
      if (m.paused) this.detailRow(details, "Matching", m.paused);
      this.detailRow(details, "Ties", m.ties === 1 ? "1 person they have met" :
                     NUMBER.format(m.ties || 0) + " people they have met");
      this.detailRow(details, "Last attended", day(m.last_attended) || "Not yet");
      this.detailRow(details, "Enjoys", (m.kinds || []).length ? m.kinds.map(kindWord).join(", ") : "Hasn't said yet");
      if (m.community != null) { this.detailRow(details, "Community", "Number " + m.community); }
      else if (m["new"]) { this.detailRow(details, "Community", "Worked out at the next drawing"); }
      panel.appendChild(details);
    } else {
      var g = this.groups.get(id).data;
      heading.textContent = g.label == null ? "" : String(g.label);
      panel.appendChild(el("p", { className: "mg-panel-kind", text: "Group" }));
      panel.appendChild(heading);
      if (g.kind) { this.detailRow(details, "Activity", kindWord(g.kind)); }
      if (g.date) { this.detailRow(details, "Date", day(g.date)); }
      if (g.status) { this.detailRow(details, "Status", STATUS_WORDS[g.status] || String(g.status)); }
      if (g.fit) { this.detailRow(details, "How well they fit", String(g.fit)); }
      if (g.reason) { this.detailRow(details, "Why this group", String(g.reason)); }
      var ids = g.members || [];
      this.detailRow(details, "Members", count(ids.length, "neighbour", "neighbours"));
      panel.appendChild(details);
      var list = el("ul", { className: "mg-members", "aria-label": "Members of this group" });
      ids.forEach(function (mid) {
        var member = self.members.get(String(mid));
        if (!member) { return; }
        var button = el("button", { type: "button", className: "link-button mg-link", text: String(member.label) });
        button.addEventListener("click", function () { self.select("member", String(mid), { centre: true }); });
        list.appendChild(el("li", null, [button]));
      });
      panel.appendChild(list);
    }
    var close = el("button", { type: "button", className: "mg-button mg-close", text: "Close details" });
    close.addEventListener("click", function () { self.closePanel(); });
    panel.appendChild(close);
    panel.hidden = false;
    this.root.setAttribute("data-selected", type + ":" + id);
    if (moveFocus) { heading.focus(); }
  };

  Viewer.prototype.closePanel = function () {
    this.panel.hidden = true;
    this.panel.textContent = "";
    this.selected = null;
    this.focusNodes = null;
    this.focusEdges = null;
    this.root.removeAttribute("data-selected");
    if (this.sigma) { this.sigma.refresh(); }
    var back = this.returnFocus && document.contains(this.returnFocus) ? this.returnFocus : this.stage;
    back.focus();
  };

  // ---- camera -------------------------------------------------------------------------------

  Viewer.prototype.zoom = function (how) {
    var camera = this.sigma.getCamera();
    if (how === "in") { camera.animatedZoom({ duration: ms(250) }); }
    else if (how === "out") { camera.animatedUnzoom({ duration: ms(250) }); }
    else { camera.animatedReset({ duration: ms(250) }); }
  };

  Viewer.prototype.onStageKey = function (event) {
    if (!this.sigma || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var camera = this.sigma.getCamera(), state = camera.getState(), step = 0.1 * state.ratio;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (event.key === "+" || event.key === "=") { this.zoom("in"); }
    else if (event.key === "-" || event.key === "_") { this.zoom("out"); }
    else if (event.key === "0") { this.zoom("reset"); }
    else if (moves[event.key]) {
      camera.animate({ x: state.x + moves[event.key][0], y: state.y + moves[event.key][1] }, { duration: ms(120) });
    } else { return; }
    event.preventDefault();
  };

  // ---- start every viewer on the page -----------------------------------------------------------

  function startAll() {
    if (!window.graphology || !window.Sigma) {
      if (window.console) { console.warn("Hearth match graph: graphology and sigma must load before graph.js"); }
      return;
    }
    document.querySelectorAll("[data-graph-url]").forEach(function (root) {
      if (root.hearthGraph) { return; }
      var viewer = new Viewer(root);
      root.hearthGraph = viewer;
      viewer.start();
    });
  }

  window.HearthGraph = { Viewer: Viewer, startAll: startAll };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", startAll); }
  else { startAll(); }
})();
