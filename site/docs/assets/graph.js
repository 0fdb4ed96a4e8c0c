/* symkd-survey: the citation graph page and each paper's local graph, drawn on a canvas.
   Small code of ours, no library, no request to another host. The layout comes ready from
   assets/data/graph.json (symkd_survey/site/graph.py): this file only draws and interacts.
   Catalogue text is only ever set with textContent, never as HTML. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function fold(text) {  /* lower case, accents dropped: "Müller" is found by "muller" */
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function theme(canvas) {  /* Material's colours, light or slate (dark), read at every draw */
    var s = getComputedStyle(canvas);
    function v(name, fallback) { return (s.getPropertyValue(name) || "").trim() || fallback; }
    return { fg: v("--md-default-fg-color", "rgba(0,0,0,0.87)"), light: v("--md-default-fg-color--light", "#666"),
      faint: v("--md-default-fg-color--lightest", "rgba(0,0,0,0.07)"), bg: v("--md-default-bg-color", "#fff"),
      accent: v("--md-accent-fg-color", "#526cfe") };
  }
  function sizeCanvas(canvas, width, height) {  /* a sharp canvas: backing store in device pixels */
    var dpr = window.devicePixelRatio || 1;
    canvas.style.height = height + "px";
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }
  function placeTip(tip, x, y, width) {  /* beside the pointer, kept inside the canvas */
    tip.style.left = Math.max(0, Math.min(x + 12, width - tip.offsetWidth - 2)) + "px";
    tip.style.top = (y + 14) + "px";
  }
  function watchTheme(redraw) {  /* Material's palette toggle sets data-md-color-scheme on <body> */
    new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  /* ================================================================ the citation graph page */
  function setupGraph() {
    var canvas = document.getElementById("symkd-graph");
    if (!canvas) { return; }
    var status = document.getElementById("symkd-graph-status");
    var tip = document.getElementById("symkd-graph-tip");
    var base = canvas.dataset.base.replace(/index\.html$/, "");
    fetch(canvas.dataset.src).then(function (r) { return r.json(); }).then(function (data) {
      startGraph(canvas, data, base, status, tip);
    }).catch(function (err) { status.textContent = "The graph could not be loaded: " + err; });
  }

  function startGraph(canvas, data, base, status, tip) {
    var nodes = data.nodes, W = data.size[0], H = data.size[1], M = data.margin, N = nodes.length;
    var byKey = {}, maxCited = 1;
    nodes.forEach(function (n) {  /* graph.json's short names (graph.py graph_json) */
      n.title = n.t; n.short = n.s; n.authors = n.a; n.lane = n.l; n.labels = n.f; n.cites = n.c; n.cited_by = n.n;
    });
    nodes.forEach(function (n, i) {
      n.i = i; n.citers = []; byKey[n.key] = n; maxCited = Math.max(maxCited, n.cited_by);
      n.text = fold(n.title + " " + n.authors.join(" ") + " " + n.key);
    });
    var edges = 0;
    nodes.forEach(function (n) { n.cites.forEach(function (t) { nodes[t].citers.push(n.i); edges += 1; }); });
    var order = nodes.slice().sort(function (a, b) { return b.cited_by - a.cited_by || (a.key < b.key ? -1 : 1); });
    var laneOf = {};
    data.axes.lanes.forEach(function (l) { laneOf[l.lane] = l; });
    var visible = nodes.map(function () { return true; });
    var cw = 0, ch = 0, ctx = null, fitK = 1;
    var view = { k: 1, tx: 0, ty: 0 };
    var hover = null, selected = null, placedLabels = [];
    var panel = document.getElementById("symkd-graph-panel");
    var live = document.getElementById("symkd-graph-live");

    function url(n) { return base + "papers/" + n.key + ".html"; }
    function resize() {
      cw = canvas.clientWidth || 300;
      ch = Math.max(260, Math.min(Math.round(cw * H / W), Math.round(window.innerHeight * 0.8)));
      ctx = sizeCanvas(canvas, cw, ch);
      fit();
    }
    function fit() {
      var k = Math.min((cw - M.left - M.right) / W, (ch - M.top - M.bottom) / H);
      fitK = k;
      view = { k: k, tx: M.left + (cw - M.left - M.right - W * k) / 2, ty: M.top + (ch - M.top - M.bottom - H * k) / 2 };
    }
    function sx(n) { return n.x * view.k + view.tx; }
    function sy(n) { return n.y * view.k + view.ty; }
    function radius(n) {
      var base0 = Math.max(1.2, Math.min(3.5, 0.22 * Math.sqrt(cw * ch / Math.max(1, N))));
      var zoom = Math.sqrt(Math.min(6, Math.max(1, view.k / fitK)));
      return base0 * zoom * (1 + 2.2 * Math.sqrt(n.cited_by / maxCited));
    }
    function colour(n) { return data.colours[data.lanes[n.lane]] || data.colours[""]; }
    function neighbours(n) {
      var set = {};
      n.cites.forEach(function (t) { set[t] = true; });
      n.citers.forEach(function (t) { set[t] = true; });
      return set;
    }
    function zoomAt(x, y, f) {
      var k = Math.max(fitK * 0.5, Math.min(fitK * 80, view.k * f));
      f = k / view.k;
      view.tx = x - (x - view.tx) * f; view.ty = y - (y - view.ty) * f; view.k = k;
      moving();
    }
    function centreOn(n, minZoom) {
      if (minZoom && view.k < fitK * minZoom) { view.k = fitK * minZoom; }
      view.tx = cw / 2 - n.x * view.k; view.ty = ch / 2 - n.y * view.k;
      draw();
    }

    var settle = 0;
    function moving() {  /* pan and zoom: with many links, draw them again only once the view rests */
      if (edges < 20000) { draw(); return; }
      draw(true);
      clearTimeout(settle);
      settle = setTimeout(function () { draw(); }, 150);
    }
    function draw(quick) {
      var t = theme(canvas);
      ctx.clearRect(0, 0, cw, ch);
      /* lanes: alternate bands and their names, kept at the left edge while panning */
      data.axes.lanes.forEach(function (l, i) {
        var y0 = l.from * view.k + view.ty, y1 = l.to * view.k + view.ty;
        if (i % 2 === 0) { ctx.fillStyle = t.faint; ctx.fillRect(0, y0, cw, y1 - y0); }
      });
      ctx.strokeStyle = t.faint; ctx.lineWidth = 1;
      data.axes.years.forEach(function (y) {
        var x = Math.round(y.from * view.k + view.tx) + 0.5;
        ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, ch - M.bottom + 4); ctx.stroke();
      });
      var focus = hover || selected, near = focus ? neighbours(focus) : null;
      /* citation links: all faint, those of the focused paper strong */
      ctx.globalAlpha = focus ? 0.06 : (N > 2000 ? 0.05 : 0.18);
      ctx.strokeStyle = t.light; ctx.lineWidth = 1;
      ctx.beginPath();
      var drawnLinks = 0;
      nodes.forEach(function (n) {
        if (!visible[n.i] || quick) { return; }
        n.cites.forEach(function (c) {
          if (!visible[c]) { return; }
          ctx.moveTo(sx(n), sy(n)); ctx.lineTo(sx(nodes[c]), sy(nodes[c])); drawnLinks += 1;
        });
      });
      ctx.stroke();
      ctx.globalAlpha = 1;
      if (focus) {
        ctx.strokeStyle = t.accent; ctx.lineWidth = 1.5; ctx.beginPath();
        focus.cites.concat(focus.citers).forEach(function (c) {
          if (!visible[c]) { return; }
          ctx.moveTo(sx(focus), sy(focus)); ctx.lineTo(sx(nodes[c]), sy(nodes[c]));
        });
        ctx.stroke();
      }
      var drawn = 0, batches = {};  /* one path per colour (and dimmed or not): fast at 10,000 */
      nodes.forEach(function (n) {
        if (!visible[n.i]) { return; }
        drawn += 1;
        var x = sx(n), y = sy(n), r = radius(n);
        if (x < -r || y < -r || x > cw + r || y > ch + r) { return; }
        var id = colour(n) + (focus && n !== focus && !near[n.i] ? " dim" : "");
        (batches[id] = batches[id] || []).push([x, y, r]);
      });
      Object.keys(batches).forEach(function (id) {
        ctx.globalAlpha = / dim$/.test(id) ? 0.25 : 1;
        ctx.fillStyle = id.replace(/ dim$/, "");
        ctx.beginPath();
        batches[id].forEach(function (c) { ctx.moveTo(c[0] + c[2], c[1]); ctx.arc(c[0], c[1], c[2], 0, 2 * Math.PI); });
        ctx.fill();
      });
      ctx.globalAlpha = 1;
      if (focus) {
        ctx.beginPath(); ctx.strokeStyle = t.fg; ctx.lineWidth = 2;
        ctx.arc(sx(focus), sy(focus), radius(focus) + 2.5, 0, 2 * Math.PI); ctx.stroke();
      }
      drawLabels(t);
      drawAxes(t);
      canvas.dataset.nodesDrawn = String(drawn);
      if (!quick) { canvas.dataset.linksDrawn = String(drawnLinks); }
      canvas.dataset.labelsDrawn = String(placedLabels.length);
      canvas.dataset.zoom = (view.k / fitK).toFixed(3);
      canvas.dataset.selected = selected ? selected.key : "";
      canvas.dataset.focus = focus ? focus.key : "";
      canvas.dataset.lit = focus ? String(Object.keys(near).length) : "";  /* neighbours lit up */
      canvas.dataset.ink = t.fg;
    }
    function drawLabels(t) {  /* the most cited papers' names, greedily placed where none overlaps */
      placedLabels = [];
      ctx.font = "12px sans-serif"; ctx.textBaseline = "middle";
      var wanted = Math.max(6, Math.min(60, Math.round(cw * ch / 9000 * Math.sqrt(view.k / fitK))));
      var tried = 0;
      function free(r) {
        if (r.x < 2 || r.y < 2 || r.x + r.w > cw - 2 || r.y + r.h > ch - M.bottom) { return false; }
        return placedLabels.every(function (o) { return r.x + r.w < o.x || o.x + o.w < r.x || r.y + r.h < o.y || o.y + o.h < r.y; });
      }
      var first = selected ? [selected] : [];
      first.concat(order).some(function (n) {
        if (placedLabels.length >= wanted || tried > 400) { return true; }
        if (!visible[n.i] || (n.cited_by === 0 && n !== selected)) { return false; }
        tried += 1;
        if (n.labelWidth === undefined) { n.labelWidth = ctx.measureText(n.short).width + 6; }
        var x = sx(n), y = sy(n), r = radius(n), w = n.labelWidth, h = 15;
        var spots = [{ x: x + r + 2, y: y - h / 2 }, { x: x - r - 2 - w, y: y - h / 2 },
          { x: x - w / 2, y: y - r - 2 - h }, { x: x - w / 2, y: y + r + 2 }];
        for (var i = 0; i < spots.length; i += 1) {
          var rect = { x: spots[i].x, y: spots[i].y, w: w, h: h, key: n.key };
          if (free(rect) || (n === selected && i === spots.length - 1)) { placedLabels.push(rect); break; }
        }
        return false;
      });
      placedLabels.forEach(function (r) {
        var n = byKey[r.key];
        ctx.lineWidth = 3; ctx.strokeStyle = t.bg; ctx.fillStyle = t.fg;
        ctx.strokeText(n.short, r.x + 3, r.y + r.h / 2); ctx.fillText(n.short, r.x + 3, r.y + r.h / 2);
      });
    }
    function drawAxes(t) {
      ctx.fillStyle = t.bg; ctx.fillRect(0, ch - M.bottom + 4, cw, M.bottom);
      ctx.font = "11px sans-serif"; ctx.fillStyle = t.light; ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
      var lastEnd = -Infinity;
      data.axes.years.forEach(function (y) {  /* every year label that fits beside the last one drawn */
        var w = ctx.measureText(String(y.year)).width, x = Math.max(w / 2 + 2, Math.min(cw - w / 2 - 2, y.x * view.k + view.tx));
        if (x - w / 2 > lastEnd + 6 && y.from * view.k + view.tx < cw && y.to * view.k + view.tx > 0) {
          ctx.fillText(String(y.year), x, ch - 8); lastEnd = x + w / 2;
        }
      });
      ctx.textAlign = "left"; ctx.font = "600 11px sans-serif";
      var lastY = -Infinity;
      data.axes.lanes.forEach(function (l) {  /* lane names, each where it does not cover the one above */
        var y = l.y * view.k + view.ty;
        if (y < 6 || y > ch - M.bottom || y - lastY < 13) { return; }
        lastY = y;
        ctx.lineWidth = 3; ctx.strokeStyle = t.bg; ctx.strokeText(l.label, 6, y + 4);
        ctx.fillStyle = t.light; ctx.fillText(l.label, 6, y + 4);
      });
    }

    function hit(x, y) {
      var best = null, bestD = Infinity;
      nodes.forEach(function (n) {
        if (!visible[n.i]) { return; }
        var d = Math.hypot(sx(n) - x, sy(n) - y);
        if (d <= radius(n) + 3 && d < bestD) { best = n; bestD = d; }
      });
      return best;
    }
    function local(ev) { var r = canvas.getBoundingClientRect(); return { x: ev.clientX - r.left, y: ev.clientY - r.top }; }

    /* ---------------------------------------------------------------- the side panel */
    function fillList(list, indices) {
      list.textContent = "";
      var shown = indices.slice().sort(function (a, b) { return nodes[b].cited_by - nodes[a].cited_by || a - b; });
      shown.slice(0, 50).forEach(function (i) {
        var li = el("li"), a = el("a", nodes[i].title);
        a.href = url(nodes[i]);
        li.appendChild(a); li.appendChild(document.createTextNode(" (" + nodes[i].year + ") "));
        var b = el("button", "show", "symkd-graph-show");
        b.type = "button"; b.setAttribute("aria-label", "Show in the graph: " + nodes[i].title);
        b.addEventListener("click", function () { select(nodes[i], true, true); });
        li.appendChild(b);
        list.appendChild(li);
      });
      if (shown.length > 50) { list.appendChild(el("li", "and " + (shown.length - 50) + " more on the paper's page")); }
    }
    function openPanel(n, moveFocus) {
      document.getElementById("symkd-graph-panel-title").textContent = n.title;
      var more = n.m ? " et al." : "";
      panel.querySelector(".symkd-graph-authors").textContent = n.authors.join(", ") + more;
      var lane = laneOf[n.lane];
      panel.querySelector(".symkd-graph-year").textContent = n.year + (lane ? " · " + lane.label : "");
      var labels = panel.querySelector(".symkd-graph-labels");
      labels.textContent = "";
      data.facets.forEach(function (f, fi) {
        if (!n.labels[fi] || !n.labels[fi].length) { return; }
        var row = el("li"); row.appendChild(el("strong", f.label + ": "));
        row.appendChild(document.createTextNode(n.labels[fi].map(function (v) { return f.values[v][1]; }).join(", ")));
        labels.appendChild(row);
      });
      panel.querySelector(".symkd-graph-cites-count").textContent = String(n.cites.length);
      panel.querySelector(".symkd-graph-citers-count").textContent = String(n.citers.length);
      fillList(panel.querySelector(".symkd-graph-cites"), n.cites);
      fillList(panel.querySelector(".symkd-graph-citers"), n.citers);
      panel.querySelector(".symkd-graph-open").href = url(n);
      panel.hidden = false;
      panel.dataset.key = n.key;
      if (getComputedStyle(panel).position === "absolute" && sx(n) > cw - panel.offsetWidth - 24) {
        view.tx -= sx(n) - (cw - panel.offsetWidth) / 2; draw();  /* keep the paper clear of the panel */
      }
      if (moveFocus) { document.getElementById("symkd-graph-panel-title").focus(); }
    }
    function closePanel() { panel.hidden = true; panel.dataset.key = ""; }
    function select(n, open, centre, moveFocus) {
      selected = n;
      if (n && centre) { centreOn(n, 2); } else { draw(); }
      if (n) {
        live.textContent = n.title + ", " + n.year + ", cited by " + n.cited_by + ", cites " + n.cites.length + ".";
        if (open) { openPanel(n, moveFocus); }
      } else { closePanel(); }
    }
    document.getElementById("symkd-graph-panel-close").addEventListener("click", function () {
      closePanel(); canvas.focus();
    });

    /* ---------------------------------------------------------------- pointer: mouse, pen, touch */
    var pointers = {}, gesture = null;
    function pointerList() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
    canvas.addEventListener("pointerdown", function (ev) {
      canvas.setPointerCapture(ev.pointerId);
      pointers[ev.pointerId] = local(ev);
      var ps = pointerList();
      if (ps.length === 1) { gesture = { kind: "drag", last: ps[0], start: ps[0], moved: false }; }
      if (ps.length === 2) {
        gesture = { kind: "pinch", dist: Math.hypot(ps[0].x - ps[1].x, ps[0].y - ps[1].y),
          mid: { x: (ps[0].x + ps[1].x) / 2, y: (ps[0].y + ps[1].y) / 2 }, moved: true };
      }
    });
    canvas.addEventListener("pointermove", function (ev) {
      var p = local(ev);
      if (pointers[ev.pointerId] && gesture) {
        pointers[ev.pointerId] = p;
        var ps = pointerList();
        if (gesture.kind === "drag" && ps.length === 1) {
          view.tx += p.x - gesture.last.x; view.ty += p.y - gesture.last.y; gesture.last = p;
          if (Math.abs(p.x - gesture.start.x) + Math.abs(p.y - gesture.start.y) > 4) { gesture.moved = true; }
          tip.hidden = true; moving();
        } else if (gesture.kind === "pinch" && ps.length === 2) {
          var dist = Math.hypot(ps[0].x - ps[1].x, ps[0].y - ps[1].y);
          var mid = { x: (ps[0].x + ps[1].x) / 2, y: (ps[0].y + ps[1].y) / 2 };
          view.tx += mid.x - gesture.mid.x; view.ty += mid.y - gesture.mid.y;
          zoomAt(mid.x, mid.y, dist / Math.max(1, gesture.dist));
          gesture.dist = dist; gesture.mid = mid;
        }
        return;
      }
      if (ev.pointerType !== "mouse") { return; }
      var n = hit(p.x, p.y);
      canvas.style.cursor = n ? "pointer" : "grab";
      if (n !== hover) { hover = n; moving(); }
      if (n) {
        tip.hidden = false;
        tip.textContent = n.title + " (" + n.year + ", cited by " + n.cited_by + ")";
        placeTip(tip, p.x, p.y, cw);
      } else { tip.hidden = true; }
    });
    function pointerEnd(ev) {
      if (!pointers[ev.pointerId]) { return; }
      var p = local(ev);
      delete pointers[ev.pointerId];
      var tap = gesture && gesture.kind === "drag" && !gesture.moved && ev.type === "pointerup";
      if (pointerList().length === 0) { gesture = null; }
      if (tap) {
        var n = hit(p.x, p.y);
        if (n) { select(n, true, false); }
      }
    }
    canvas.addEventListener("pointerup", pointerEnd);
    canvas.addEventListener("pointercancel", pointerEnd);
    canvas.addEventListener("pointerleave", function (ev) {
      if (ev.pointerType === "mouse" && hover) { hover = null; tip.hidden = true; draw(); }
    });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = local(ev);
      zoomAt(p.x, p.y, ev.deltaY < 0 ? 1.2 : 1 / 1.2);
    }, { passive: false });

    /* ---------------------------------------------------------------- keyboard */
    var cursor = -1;
    function step(dir) {
      var shown = order.filter(function (n) { return visible[n.i]; });
      if (!shown.length) { return; }
      var at = selected ? shown.indexOf(selected) : -1;
      cursor = at < 0 ? (dir > 0 ? 0 : shown.length - 1) : (at + dir + shown.length) % shown.length;
      var n = shown[cursor];
      var x = sx(n), y = sy(n);
      select(n, false, x < 20 || y < 20 || x > cw - 20 || y > ch - M.bottom - 10);
    }
    canvas.addEventListener("keydown", function (ev) {
      var handled = true, move = 40;
      switch (ev.key) {
        case "ArrowLeft": view.tx += move; moving(); break;
        case "ArrowRight": view.tx -= move; moving(); break;
        case "ArrowUp": view.ty += move; moving(); break;
        case "ArrowDown": view.ty -= move; moving(); break;
        case "+": case "=": zoomAt(cw / 2, ch / 2, 1.25); break;
        case "-": case "_": zoomAt(cw / 2, ch / 2, 1 / 1.25); break;
        case "0": fit(); draw(); break;
        case "n": case "]": step(1); break;
        case "p": case "[": step(-1); break;
        case "Enter": case " ": if (!selected) { step(1); } if (selected) { select(selected, true, false, true); } break;
        case "Escape": select(null); break;
        default: handled = false;
      }
      if (handled) { ev.preventDefault(); ev.stopPropagation(); }  /* Material's own keys: N and P change page */
    });
    document.getElementById("symkd-graph-zoom-in").addEventListener("click", function () { zoomAt(cw / 2, ch / 2, 1.25); });
    document.getElementById("symkd-graph-zoom-out").addEventListener("click", function () { zoomAt(cw / 2, ch / 2, 0.8); });
    document.getElementById("symkd-graph-reset").addEventListener("click", function () { fit(); draw(); });

    /* ---------------------------------------------------------------- search */
    var search = document.getElementById("symkd-graph-search");
    var matches = document.getElementById("symkd-graph-matches");
    function found() {
      var words = fold(search.value.trim()).split(/\s+/).filter(Boolean);
      if (!words.length) { return []; }
      return order.filter(function (n) { return words.every(function (w) { return n.text.indexOf(w) !== -1; }); });
    }
    function pick(n) {
      if (!visible[n.i]) { resetFilters(); }
      matches.hidden = true;
      select(n, true, true);
    }
    search.addEventListener("input", function () {
      var hits = found();
      matches.textContent = "";
      hits.slice(0, 8).forEach(function (n) {
        var li = el("li"), b = el("button", n.title + " (" + n.year + ")");
        b.type = "button";
        b.addEventListener("click", function () { pick(n); });
        li.appendChild(b); matches.appendChild(li);
      });
      matches.hidden = hits.length === 0;
      live.textContent = search.value.trim() ? hits.length + " papers found" : "";
    });
    search.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); var hits = found(); if (hits.length) { pick(hits[0]); } }
      if (ev.key === "ArrowDown" && !matches.hidden) { ev.preventDefault(); matches.querySelector("button").focus(); }
    });

    /* ---------------------------------------------------------------- filters */
    var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-graph-facet]"));
    var from = document.getElementById("symkd-graph-from"), to = document.getElementById("symkd-graph-to");
    function applyFilters() {
      var wanted = selects.map(function (s) {
        var fi = Number(s.dataset.graphFacet), values = data.facets[fi].values;
        var v = -1;
        values.forEach(function (pair, j) { if (pair[0] === s.value) { v = j; } });
        return { fi: fi, v: s.value ? v : null };
      });
      var y0 = parseInt(from.value, 10), y1 = parseInt(to.value, 10), count = 0;
      nodes.forEach(function (n) {
        var ok = (isNaN(y0) || n.year >= y0) && (isNaN(y1) || n.year <= y1);
        wanted.forEach(function (w) { if (ok && w.v !== null) { ok = (n.labels[w.fi] || []).indexOf(w.v) !== -1; } });
        visible[n.i] = ok;
        if (ok) { count += 1; }
      });
      if (selected && !visible[selected.i]) { select(null); }
      draw();
      status.textContent = (count === N ? N + " papers" : count + " of " + N + " papers shown") + ", " +
        canvas.dataset.linksDrawn + " citation links.";
      if (!listBox.hidden) { fillNodeList(); }
    }
    function resetFilters() {
      selects.forEach(function (s) { s.value = ""; }); from.value = ""; to.value = ""; applyFilters();
    }
    selects.concat([from, to]).forEach(function (s) { s.addEventListener("change", applyFilters); });
    document.getElementById("symkd-graph-clear").addEventListener("click", resetFilters);

    /* ---------------------------------------------------------------- list view (text alternative) */
    var listBox = document.getElementById("symkd-graph-list");
    var toggle = document.getElementById("symkd-graph-list-toggle");
    function fillNodeList() {
      var ol = el("ol", null, "symkd-graph-nodes");
      var shown = nodes.filter(function (n) { return visible[n.i]; });
      shown.sort(function (a, b) { return a.year - b.year || (a.title < b.title ? -1 : 1); });
      shown.forEach(function (n) {
        var li = el("li"), a = el("a", n.title);
        a.href = url(n); li.dataset.key = n.key;
        li.appendChild(a);
        var lane = laneOf[n.lane];
        li.appendChild(el("span", " " + n.year + (lane ? ", " + lane.label : "") + ", cited by " + n.cited_by + ". ", "symkd-meta"));
        var b = el("button", "show in graph", "symkd-graph-show");
        b.type = "button"; b.setAttribute("aria-label", "Show in the graph: " + n.title);
        b.addEventListener("click", function () { select(n, true, true, true); canvas.scrollIntoView({ block: "nearest" }); });
        li.appendChild(b);
        if (n.cites.length) {
          var cites = el("span", " Cites: ", "symkd-graph-cites-inline");
          n.cites.forEach(function (c, j) {
            var link = el("a", nodes[c].short); link.href = url(nodes[c]); link.title = nodes[c].title;
            cites.appendChild(link);
            if (j < n.cites.length - 1) { cites.appendChild(document.createTextNode(", ")); }
          });
          li.appendChild(cites);
        }
        ol.appendChild(li);
      });
      listBox.textContent = "";
      listBox.appendChild(el("p", shown.length + " papers, oldest first.", "symkd-meta"));
      listBox.appendChild(ol);
    }
    toggle.addEventListener("click", function () {
      var open = listBox.hidden;
      if (open) { fillNodeList(); }
      listBox.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "Hide the list" : "Show as a list";
    });

    /* ---------------------------------------------------------------- start */
    resize();
    if (window.ResizeObserver) {
      var lastWidth = cw;
      new ResizeObserver(function () { if (canvas.clientWidth !== lastWidth) { lastWidth = canvas.clientWidth; resize(); draw(); } })
        .observe(canvas.parentNode);
    }
    watchTheme(draw);
    applyFilters();
    canvas.setAttribute("aria-label", "Citation graph of " + N + " papers and " + edges + " citations, by year and " +
      data.lanes_label.toLowerCase() + ". The list view gives the same papers and links as text.");
    window.symkdGraph = {
      screenPosition: function (key) {
        var n = byKey[key], rect = canvas.getBoundingClientRect();
        return { x: rect.left + sx(n), y: rect.top + sy(n) };
      },
      positions: function () {
        return nodes.filter(function (n) { return visible[n.i]; }).map(function (n) { return { key: n.key, x: sx(n), y: sy(n) }; });
      },
      labels: function () { return placedLabels.map(function (r) { return { key: r.key, x: r.x, y: r.y, w: r.w, h: r.h }; }); },
      view: function () { return { k: view.k, tx: view.tx, ty: view.ty, fit: fitK, width: cw, height: ch }; },
      keys: function () { return nodes.map(function (n) { return n.key; }); }
    };
  }

  /* ================================================================ a paper's local graph */
  function setupLocal(canvas) {
    var data;
    try { data = JSON.parse(canvas.dataset.graph); } catch (e) { return; }
    var self = data.nodes[0], groups = { cites: [], similar: [], cited_by: [] };
    data.nodes.slice(1).forEach(function (n) { groups[n.kind].push(n); });
    var tip = canvas.parentNode.querySelector(".symkd-graph-tip");
    var live = canvas.parentNode.querySelector(".symkd-local-live");
    var ctx, cw, ch, current = -1, hover = null;
    var left = groups.cites.length + (groups.similar.length ? groups.similar.length + 1 : 0);
    var rows = Math.max(left, groups.cited_by.length, 3), similarTop = 0;
    function place() {  /* cites then similar works in the left column, citing papers in the right */
      cw = canvas.clientWidth || 300;
      ch = 36 + rows * 20;
      ctx = sizeCanvas(canvas, cw, ch);
      self.x = cw / 2; self.y = ch / 2;
      groups.cites.forEach(function (n, i) { n.x = cw * 0.3; n.y = 30 + 20 * (i + 0.5); });
      similarTop = 30 + 20 * (groups.cites.length + 0.5);
      groups.similar.forEach(function (n, i) { n.x = cw * 0.3; n.y = similarTop + 20 * (i + 1); });
      groups.cited_by.forEach(function (n, i) { n.x = cw * 0.7; n.y = 30 + 20 * (i + 0.5); });
    }
    function draw() {
      var t = theme(canvas), focus = hover || data.nodes[current] || null;
      ctx.clearRect(0, 0, cw, ch);
      ctx.font = "600 11px sans-serif"; ctx.fillStyle = t.light; ctx.textBaseline = "alphabetic";
      ctx.textAlign = "right"; ctx.fillText("Cites (" + data.cites + ")", cw * 0.3 - 8, 14);
      ctx.textAlign = "left"; ctx.fillText("Cited by (" + data.cited_by + ")", cw * 0.7 + 8, 14);
      if (groups.similar.length) { ctx.textAlign = "right"; ctx.fillText("Similar works", cw * 0.3 - 8, similarTop + 4); }
      data.nodes.slice(1).forEach(function (n) {
        ctx.beginPath(); ctx.setLineDash(n.kind === "similar" ? [3, 3] : []);
        ctx.strokeStyle = n === focus ? t.accent : t.light; ctx.globalAlpha = n === focus ? 1 : 0.45;
        ctx.lineWidth = n === focus ? 2 : 1;
        ctx.moveTo(self.x, self.y); ctx.lineTo(n.x, n.y); ctx.stroke();
      });
      ctx.setLineDash([]); ctx.globalAlpha = 1;
      ctx.font = "11px sans-serif"; ctx.textBaseline = "middle";
      data.nodes.forEach(function (n) {
        var r = n === self ? 7 : 4.5;
        ctx.beginPath(); ctx.fillStyle = n.colour; ctx.arc(n.x, n.y, r, 0, 2 * Math.PI); ctx.fill();
        if (n === focus) { ctx.beginPath(); ctx.strokeStyle = t.fg; ctx.lineWidth = 2; ctx.arc(n.x, n.y, r + 3, 0, 2 * Math.PI); ctx.stroke(); }
        var room = cw * 0.3 - 14, label = /\d{4}$/.test(n.short) ? n.short : n.short + " " + n.year;
        if (n === self) { label = "This paper"; }
        while (label.length > 3 && ctx.measureText(label).width > room) { label = label.slice(0, -2) + "…"; }
        ctx.lineWidth = 3; ctx.strokeStyle = t.bg; ctx.fillStyle = t.fg;
        var west = n.kind === "cites" || n.kind === "similar";
        var x = west ? n.x - 9 : n.x + 9, y = n === self ? n.y - 16 : n.y;
        ctx.textAlign = west ? "right" : (n === self ? "center" : "left");
        if (n === self) { x = n.x; }
        ctx.strokeText(label, x, y); ctx.fillText(label, x, y);
      });
      canvas.dataset.nodesDrawn = String(data.nodes.length);
      canvas.dataset.keys = data.nodes.map(function (n) { return n.key; }).join(" ");
      canvas.dataset.current = data.nodes[current] ? data.nodes[current].key : "";
    }
    function hit(ev) {
      var rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
      var best = null, bestD = 10;
      data.nodes.forEach(function (n) { var d = Math.hypot(n.x - x, n.y - y); if (d < bestD) { best = n; bestD = d; } });
      return best;
    }
    function open(n) { if (n && n !== self) { window.location.href = n.key + ".html"; } }
    canvas.addEventListener("pointermove", function (ev) {
      var n = hit(ev);
      canvas.style.cursor = n && n !== self ? "pointer" : "default";
      if (n !== hover) { hover = n; draw(); }
      if (n) {
        var rect = canvas.getBoundingClientRect();
        tip.hidden = false; tip.textContent = n.title + " (" + n.year + ")";
        placeTip(tip, ev.clientX - rect.left, ev.clientY - rect.top, cw);
      } else { tip.hidden = true; }
    });
    canvas.addEventListener("pointerleave", function () { hover = null; tip.hidden = true; draw(); });
    canvas.addEventListener("click", function (ev) { open(hit(ev)); });
    canvas.addEventListener("keydown", function (ev) {
      var count = data.nodes.length;
      if (ev.key === "ArrowDown" || ev.key === "ArrowRight") { current = current + 1 >= count ? 1 : Math.max(1, current + 1); }
      else if (ev.key === "ArrowUp" || ev.key === "ArrowLeft") { current = current <= 1 ? count - 1 : current - 1; }
      else if (ev.key === "Enter") { open(data.nodes[current]); return; }
      else { return; }
      ev.preventDefault(); ev.stopPropagation();
      var n = data.nodes[current];
      if (n) { live.textContent = { cites: "Cites", cited_by: "Cited by", similar: "Similar" }[n.kind] + ": " + n.title + " (" + n.year + ")"; }
      draw();
    });
    place(); draw();
    watchTheme(draw);
    if (window.ResizeObserver) {
      var lastWidth = cw;
      new ResizeObserver(function () { if (canvas.clientWidth !== lastWidth) { lastWidth = canvas.clientWidth; place(); draw(); } })
        .observe(canvas.parentNode);
    }
  }

  ready(function () {
    setupGraph();
    Array.prototype.forEach.call(document.querySelectorAll("canvas.symkd-local-graph"), setupLocal);
  });
}());
