(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  // Build DOM from data with textContent only: names are data, never markup.
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) Object.keys(props).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "className") node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function link(text, onClick) {
    var a = el("a", { className: "link", href: "#", text: text });
    a.addEventListener("click", function (ev) { ev.preventDefault(); onClick(); });
    return a;
  }
  function dl(pairs) {
    var list = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") return;
      list.appendChild(el("dt", { text: p[0] }));
      list.appendChild(el("dd", { text: String(p[1]) }));
    });
    return list;
  }
  function docLabel(id) {
    var d = data.documents[id] || {};
    return [id, d.title, d.date].filter(function (x) { return x; }).join(" · ");
  }

  document.getElementById("title").textContent = data.title;
  document.getElementById("stats").textContent =
    data.nodes.length + " 个实体 entities · " + data.edges.length + " 条关系 relationships";

  var legend = document.getElementById("legend");
  data.legend.forEach(function (t) {
    var sw = el("span", { className: "swatch" });
    sw.style.background = t.color;
    legend.appendChild(el("div", { title: t.description }, sw, t.type + " (" + t.shape + ")"));
  });
  var curated = data.edges.filter(function (e) { return e.curated; }).length;
  if (curated) {
    var line = el("span", { className: "swatch" });
    line.style.cssText = "height: 0; border-top: 2px dashed #b8860b; border-radius: 0; vertical-align: 3px;";
    legend.appendChild(el("div", { id: "legend-curated", title: "facts added by curation.toml" },
      line, "curated 人工校正 (" + curated + ")"));
  }

  var container = document.getElementById("graph");
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, shape: n.shape,
      color: { background: n.color, border: "#444444", highlight: { background: n.color, border: "#000000" },
               hover: { background: n.color, border: "#000000" } },
      font: { color: ["box", "ellipse", "circle", "database", "text"].indexOf(n.shape) >= 0 ? n.font_color : "#222222",
              face: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif', size: 14 },
      size: 14 + Math.min(n.degree, 12),
      title: n.type + ": " + n.name
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.predicate, arrows: "to",
      width: 1 + Math.min(e.evidence_count, 6) * 0.5,
      font: { size: 10, align: "middle", color: "#555555", strokeWidth: 3 },
      color: e.curated ? { color: "#b8860b", highlight: "#ff7f0e", hover: "#8b6508" }
                       : { color: "#9a9a9a", highlight: "#ff7f0e", hover: "#555555" },
      dashes: e.curated,
      smooth: e.nth === 0 ? { enabled: true, type: "continuous", roundness: 0.2 }
                          : { enabled: true, type: e.nth % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(e.nth / 2) + 0.1 },
      title: e.predicate + " · " + e.evidence_count + " evidence" + (e.curated ? " · curated" : "")
    };
  }));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 },
    physics: { solver: "forceAtlas2Based",
               forceAtlas2Based: { gravitationalConstant: -70, springLength: 130, avoidOverlap: 0.3 },
               stabilization: { iterations: 300, fit: true } },
    interaction: { hover: true, tooltipDelay: 150, keyboard: false },
    edges: { selectionWidth: 2 }
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
  });
  network.on("afterDrawing", function () { document.body.setAttribute("data-drawn", "true"); });

  var details = document.getElementById("details");
  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    clear(details);
    details.setAttribute("data-selected", "node:" + n.key);
    details.appendChild(el("div", { className: "kind",
      text: "entity · " + n.type + (n.curated ? " · curated 人工校正" : "") }));
    details.appendChild(el("div", { className: "title", text: n.name }));
    details.appendChild(dl([
      ["type", n.type], ["aliases", n.aliases.join("、")],
      ["region", [n.province, n.city, n.district].filter(function (x) { return x; }).join(" / ")],
      ["documents", n.doc_ids.length], ["degree", n.degree], ["betweenness", n.betweenness]
    ]));
    var rels = data.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (rels.length) {
      details.appendChild(el("h2", { text: "关系 Relationships" }));
      var ul = el("ul", { className: "plain" });
      rels.forEach(function (e) {
        var text = byId[e.from].name + " —" + e.predicate + "→ " + byId[e.to].name;
        ul.appendChild(el("li", null, link(text, function () { selectEdge(e.id); })));
      });
      details.appendChild(ul);
    }
    if (n.doc_ids.length) {
      details.appendChild(el("h2", { text: "文档 Documents" }));
      var docs = el("ul", { className: "plain" });
      n.doc_ids.forEach(function (d) { docs.appendChild(el("li", { text: docLabel(d) })); });
      details.appendChild(docs);
    }
  }
  function showEdge(id) {
    var e = edgeById[id];
    if (!e) return;
    clear(details);
    details.setAttribute("data-selected", "edge:" + e.id);
    details.appendChild(el("div", { className: "kind",
      text: "relationship · " + e.predicate + (e.curated ? " · curated 人工校正" : "") }));
    details.appendChild(el("div", { className: "title" },
      link(byId[e.from].name, function () { selectNode(e.from); }), " —" + e.predicate + "→ ",
      link(byId[e.to].name, function () { selectNode(e.to); })));
    var pairs = [["confidence", e.confidence], ["evidence", e.evidence_count],
                 ["provenance", e.curated ? "curated" : "extracted"],
                 ["reported", e.first_date === e.last_date ? e.first_date : e.first_date + " – " + e.last_date]];
    Object.keys(e.attrs).forEach(function (k) { pairs.push([k, e.attrs[k]]); });
    details.appendChild(dl(pairs));
    details.appendChild(el("h2", { text: "证据 Evidence" }));
    e.evidence.forEach(function (ev) {
      details.appendChild(el("div", { className: "evidence" },
        el("p", { className: "sentence", text: ev.sentence }),
        el("div", { className: "source", text: [ev.doc_id, ev.title, ev.date].filter(function (x) { return x; }).join(" · ") })));
    });
    var more = e.evidence_count - e.evidence.length;  // a large build's overview carries the first few only
    if (more > 0) {
      details.appendChild(el("p", { className: "more",
        text: "另有 " + more + " 条证据 · " + more + " more evidence: graph.json, graph.db, or kg diagram --focus for this part" }));
    }
  }
  function selectNode(id) { network.selectNodes([id]); network.focus(id, { scale: 1.2, animation: false }); showNode(id); }
  function selectEdge(id) { network.selectEdges([id]); showEdge(id); }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  var list = document.getElementById("node-list");
  data.nodes.slice().sort(function (a, b) { return a.type < b.type ? -1 : a.type > b.type ? 1 : (a.name < b.name ? -1 : 1); })
    .forEach(function (n) {
      var sw = el("span", { className: "swatch" });
      sw.style.cssText = "display:inline-block;width:9px;height:9px;margin-right:5px;background:" + n.color;
      var li = el("li", { "data-node": n.key }, sw, link(n.name, function () { selectNode(n.id); }));
      li.setAttribute("data-search", (n.name + " " + n.aliases.join(" ") + " " + n.type).toLowerCase());
      list.appendChild(li);
    });
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    Array.prototype.forEach.call(list.children, function (li) {
      li.style.display = !q || li.getAttribute("data-search").indexOf(q) >= 0 ? "" : "none";
    });
  });

  // A link may preselect: #node=<Type:name> or #edge=<n> (shareable views, and tests).
  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    if (h.indexOf("edge=") === 0) selectEdge(Number(h.slice(5)));
    else if (h.indexOf("node=") === 0) {
      var key = h.slice(5);
      data.nodes.forEach(function (n) { if (n.key === key || n.name === key) selectNode(n.id); });
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  window.kgNetwork = network;
})();
