/* symkd-survey: the table filters, copy buttons and citation graph. Small code of ours,
   no library, no request to another host. Catalogue text is only ever set with
   textContent, never as HTML. */
(function () {
  "use strict";


  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  /* ---------------------------------------------------------------- all papers table */
  function setupTable() {
    var form = document.getElementById("symkd-filters");
    var table = document.getElementById("symkd-table");
    if (!form || !table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function fold(text) {  /* lower case, accents dropped: "Müller" is found by "muller" */
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    }
    function rowText(r) { return fold(r.textContent + " " + r.dataset.key + " " + (r.dataset.people || "")); }
    var texts = rows.map(rowText);
    var count = document.getElementById("symkd-count");
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && params.has(el.name)) { el.value = params.get(el.name); }
    });

    function apply() {
      var q = fold(form.elements.q.value.trim());
      var words = q ? q.split(/\s+/) : [];
      var wanted = {};
      var FACETS = Array.prototype.map.call(form.querySelectorAll("select[data-facet]"), function (s) { return s.name; });
      FACETS.forEach(function (f) { wanted[f] = form.elements[f].value; });
      var from = parseInt(form.elements.year_from.value, 10);
      var to = parseInt(form.elements.year_to.value, 10);
      var source = form.elements.source.value;
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        FACETS.forEach(function (f) {
          if (ok && wanted[f]) { ok = (" " + row.getAttribute("data-f-" + f) + " ").indexOf(" " + wanted[f] + " ") !== -1; }
        });
        var year = parseInt(row.dataset.year, 10);
        if (ok && !isNaN(from)) { ok = year >= from; }
        if (ok && !isNaN(to)) { ok = year <= to; }
        if (ok && source) { ok = row.dataset.source === source; }
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = String(shown);
      var next = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name && el.value) { next.set(el.name, el.value); } });
      var query = next.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    document.getElementById("symkd-reset").addEventListener("click", function () {
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) { el.value = ""; } });
      apply();
    });

    var order = {};
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.addEventListener("click", function () {
        var key = th.dataset.sort;
        var dir = order[key] = -(order[key] || -1);
        var numeric = key === "year" || key === "cited_by";
        rows.sort(function (a, b) {
          var x = numeric ? Number(a.cells[column].textContent) : a.cells[column].textContent.toLowerCase();
          var y = numeric ? Number(b.cells[column].textContent) : b.cells[column].textContent.toLowerCase();
          return (x < y ? -1 : x > y ? 1 : 0) * dir;
        });
        var body = table.tBodies[0];
        rows.forEach(function (r) { body.appendChild(r); });
        texts = rows.map(rowText);
      });
    });

    var button = document.getElementById("symkd-download-bib");
    button.addEventListener("click", function () {
      fetch(button.dataset.bibtex).then(function (r) { return r.json(); }).then(function (bib) {
        var keys = rows.filter(function (r) { return !r.hidden; }).map(function (r) { return r.dataset.key; });
        keys.sort();
        var text = keys.map(function (k) { return bib[k] || ""; }).join("\n");
        var blob = new Blob([text], { type: "application/x-bibtex" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = (button.dataset.stem || "catalogue") + "-selection.bib";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    });
    apply();
  }

  /* ---------------------------------------------------------------- copy buttons */
  function setupCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button.symkd-copy"), function (button) {
      button.addEventListener("click", function () {
        var code = document.getElementById(button.dataset.copyTarget);
        if (!code) { return; }
        var text = code.textContent;
        var done = function () { button.textContent = "Copied"; button.dataset.copied = "yes"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else { fallbackCopy(text); done(); }
      });
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  /* ---------------------------------------------------------------- citation graph */
  function setupGraph() {
    var canvas = document.getElementById("symkd-graph");
    if (!canvas) { return; }
    var status = document.getElementById("symkd-graph-status");
    var tip = document.getElementById("symkd-graph-tip");
    var base = canvas.dataset.base.replace(/index\.html$/, "");
    fetch(canvas.dataset.src).then(function (r) { return r.json(); }).then(function (data) {
      var nodes = data.nodes, byKey = {};
      nodes.forEach(function (n) { byKey[n.key] = n; n.r = 3 + 2.2 * Math.sqrt(n.cited_by); });
      var links = data.links.filter(function (l) { return byKey[l.source] && byKey[l.target]; });
      var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      nodes.forEach(function (n) {
        minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x); minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
      });
      var view = { scale: 1, dx: 0, dy: 0 };
      function fit() {
        var w = canvas.width, h = canvas.height, pad = 30;
        var sx = (w - 2 * pad) / Math.max(1, maxX - minX), sy = (h - 2 * pad) / Math.max(1, maxY - minY);
        view.scale = Math.min(sx, sy);
        view.dx = pad - minX * view.scale + (w - 2 * pad - (maxX - minX) * view.scale) / 2;
        view.dy = pad - minY * view.scale + (h - 2 * pad - (maxY - minY) * view.scale) / 2;
      }
      function screen(n) { return { x: n.x * view.scale + view.dx, y: n.y * view.scale + view.dy }; }
      var ctx = canvas.getContext("2d");
      function draw() {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.strokeStyle = "rgba(120,120,120,0.25)";
        ctx.lineWidth = 1;
        links.forEach(function (l) {
          var a = screen(byKey[l.source]), b = screen(byKey[l.target]);
          ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
        });
        nodes.forEach(function (n) {
          var p = screen(n);
          ctx.beginPath();
          ctx.fillStyle = data.colours[n.lane] || data.colours[""];
          ctx.arc(p.x, p.y, n.r, 0, 2 * Math.PI);
          ctx.fill();
        });
        if (data.axes) {  /* year labels under their columns, lane names at the left */
          ctx.fillStyle = "rgba(110,110,110,0.9)";
          ctx.font = "11px sans-serif";
          ctx.textAlign = "center";
          var step = Math.max(1, Math.ceil(data.axes.years.length * 34 / canvas.width / Math.max(view.scale * 3, 1)));
          data.axes.years.forEach(function (t, i) {
            if (i % step === 0) { ctx.fillText(String(t.year), t.x * view.scale + view.dx, canvas.height - 6); }
          });
          ctx.textAlign = "left";
          data.axes.lanes.forEach(function (l) { ctx.fillText(l.label, 4, l.y * view.scale + view.dy - 4); });
        }
        canvas.dataset.nodesDrawn = String(nodes.length);
        canvas.dataset.linksDrawn = String(links.length);
      }
      function hit(ev) {
        var rect = canvas.getBoundingClientRect();
        var x = (ev.clientX - rect.left) * canvas.width / rect.width, y = (ev.clientY - rect.top) * canvas.height / rect.height;
        var best = null, bestD = Infinity;
        nodes.forEach(function (n) {
          var p = screen(n), d = Math.hypot(p.x - x, p.y - y);
          if (d <= n.r + 3 && d < bestD) { best = n; bestD = d; }
        });
        return best;
      }
      var drag = null, moved = false;
      canvas.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY }; moved = false; });
      window.addEventListener("mouseup", function () { drag = null; });
      canvas.addEventListener("mousemove", function (ev) {
        if (drag) {
          var rect = canvas.getBoundingClientRect(), k = canvas.width / rect.width;
          view.dx += (ev.clientX - drag.x) * k; view.dy += (ev.clientY - drag.y) * k;
          if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 2) { moved = true; }
          drag = { x: ev.clientX, y: ev.clientY };
          draw();
          return;
        }
        var n = hit(ev);
        canvas.style.cursor = n ? "pointer" : "grab";
        if (n) {
          tip.hidden = false;
          tip.textContent = n.title + " (" + n.year + ", cited by " + n.cited_by + ")";
          tip.style.left = (ev.offsetX + 12) + "px";
          tip.style.top = (ev.offsetY + 12) + "px";
        } else { tip.hidden = true; }
      });
      canvas.addEventListener("wheel", function (ev) {
        ev.preventDefault();
        var rect = canvas.getBoundingClientRect();
        var x = (ev.clientX - rect.left) * canvas.width / rect.width, y = (ev.clientY - rect.top) * canvas.height / rect.height;
        var f = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
        view.dx = x - (x - view.dx) * f; view.dy = y - (y - view.dy) * f; view.scale *= f;
        draw();
      }, { passive: false });
      canvas.addEventListener("click", function (ev) {
        if (moved) { return; }
        var n = hit(ev);
        if (n) { window.location.href = base + n.url; }
      });
      fit();
      draw();
      status.textContent = nodes.length + " papers, " + links.length + " citation links.";
      window.symkdGraph = {
        screenPosition: function (key) {
          var n = byKey[key], p = screen(n), rect = canvas.getBoundingClientRect();
          return { x: rect.left + p.x * rect.width / canvas.width, y: rect.top + p.y * rect.height / canvas.height };
        },
        keys: function () { return nodes.map(function (n) { return n.key; }); }
      };
    }).catch(function (err) { status.textContent = "The graph could not be loaded: " + err; });
  }

  ready(function () { setupTable(); setupCopy(); setupGraph(); });
}());
