/* symkd-survey: the table filters and copy buttons (the graph is in graph.js). Small code of ours,
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
    var texts = {};
    rows.forEach(function (r) { texts[r.dataset.key] = fold(r.textContent + " " + r.dataset.key + " " + (r.dataset.people || "")); });
    var count = document.getElementById("symkd-count");
    var orderNote = document.getElementById("symkd-order");
    var counted = Array.prototype.slice.call(form.querySelectorAll("select[data-facet], select[data-counted]"));
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var NUMERIC = { year: true, cited_by: true };
    var sort = { key: "year", dir: -1 };  /* the order the page is built in: newest first */

    /* Does a row pass one filter? (name, value) as in the form. */
    function passes(row, name, value) {
      if (!value) { return true; }
      if (name === "source") { return row.dataset.source === value; }
      return (" " + row.getAttribute("data-f-" + name) + " ").indexOf(" " + value + " ") !== -1;
    }

    function apply() {
      var q = fold(form.elements.q.value.trim());
      var words = q ? q.split(/\s+/) : [];
      var from = parseInt(form.elements.year_from.value, 10);
      var to = parseInt(form.elements.year_to.value, 10);
      var wanted = counted.map(function (s) { return s.value; });
      var tallies = counted.map(function () { return {}; });
      var shown = 0;
      rows.forEach(function (row) {
        var year = parseInt(row.dataset.year, 10);
        var base = words.every(function (w) { return texts[row.dataset.key].indexOf(w) !== -1; })
          && (isNaN(from) || year >= from) && (isNaN(to) || year <= to);
        var failed = [];
        counted.forEach(function (s, i) { if (!passes(row, s.name, wanted[i])) { failed.push(i); } });
        var ok = base && failed.length === 0;
        row.hidden = !ok;
        if (ok) { shown += 1; }
        if (!base || failed.length > 1) { return; }
        /* the row counts for the options of a filter when it passes every other filter */
        counted.forEach(function (s, i) {
          if (failed.length === 1 && failed[0] !== i) { return; }
          var t = tallies[i];
          t[""] = (t[""] || 0) + 1;
          var values = s.name === "source" ? [row.dataset.source] : (row.getAttribute("data-f-" + s.name) || "").split(" ");
          values.forEach(function (v) { if (v) { t[v] = (t[v] || 0) + 1; } });
        });
      });
      counted.forEach(function (s, i) {
        Array.prototype.forEach.call(s.options, function (o) {
          var n = tallies[i][o.value] || 0;
          o.textContent = (o.dataset.label || o.value) + " (" + n + ")";
        });
      });
      count.textContent = String(shown);
      writeUrl();
    }

    /* The search words go in the URL as "search" ("q" is still read): Material's own search
       opens over the page when the URL has a "q". */
    function urlName(name) { return name === "q" ? "search" : name; }

    function writeUrl() {
      var next = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name && el.value) { next.set(urlName(el.name), el.value); } });
      if (!(sort.key === "year" && sort.dir === -1)) { next.set("sort", (sort.dir < 0 ? "-" : "") + sort.key); }
      var query = next.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function sortValue(row, key, column) {
      if (key === "year") { return Number(row.dataset.year); }
      if (key === "cited_by") { return Number(row.dataset.cited_by); }
      var cell = row.cells[column];
      var link = key === "title" ? cell.querySelector("a") : null;
      return fold((link || cell).textContent.trim());
    }

    function sortBy(key, dir) {
      var column = -1, label = key;
      headers.forEach(function (th, i) {
        var button = th.querySelector("button[data-sort]");
        if (button && button.dataset.sort === key) {
          column = i; label = button.textContent;
          th.setAttribute("aria-sort", dir < 0 ? "descending" : "ascending");
        } else { th.removeAttribute("aria-sort"); }
      });
      if (column < 0) { return; }
      sort = { key: key, dir: dir };
      var values = {};
      rows.forEach(function (r) { values[r.dataset.key] = sortValue(r, key, column); });
      rows.sort(function (a, b) {  /* stable: equal values keep their previous order */
        var x = values[a.dataset.key], y = values[b.dataset.key];
        if (x === "" && y !== "") { return 1; }  /* empty cells last, either way */
        if (y === "" && x !== "") { return -1; }
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      var body = table.tBodies[0];
      rows.forEach(function (r) { body.appendChild(r); });
      var words = NUMERIC[key] ? (dir < 0 ? "highest first" : "lowest first") : (dir < 0 ? "Z to A" : "A to Z");
      if (key === "year") { words = dir < 0 ? "newest first" : "oldest first"; }
      orderNote.textContent = key === "year" ? ", " + words : ", sorted by " + label.toLowerCase() + ", " + words;
    }

    headers.forEach(function (th) {
      var button = th.querySelector("button[data-sort]");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var key = button.dataset.sort;
        var dir = sort.key === key ? -sort.dir : (NUMERIC[key] ? -1 : 1);
        sortBy(key, dir);
        writeUrl();
      });
    });

    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name && (params.has(urlName(el.name)) ? urlName(el.name) : el.name);
      if (name && params.has(name)) { el.value = params.get(name); }
    });
    var asked = params.get("sort");
    if (asked) { sortBy(asked.replace(/^-/, ""), asked.charAt(0) === "-" ? -1 : 1); }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    document.getElementById("symkd-reset").addEventListener("click", function () {
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) { el.value = ""; } });
      apply();
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

  /* ---------------------------------------------------------------- timeline: a year opened by its anchor */
  function setupTimeline() {
    var years = document.querySelectorAll("details.symkd-year");
    if (!years.length) { return; }
    function openTarget() {
      var id = window.location.hash.slice(1);
      var target = id && document.getElementById(id);
      if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
    }
    window.addEventListener("hashchange", openTarget);
    openTarget();
    Array.prototype.forEach.call(document.querySelectorAll("button[data-years]"), function (button) {
      button.addEventListener("click", function () {
        var open = button.dataset.years === "open";
        Array.prototype.forEach.call(years, function (d) { d.open = open; });
      });
    });
  }
  ready(setupTimeline);

  /* ---------------------------------------------------------------- copy buttons */
  function setupCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button.symkd-copy"), function (button) {
      button.addEventListener("click", function () {
        var code = document.getElementById(button.dataset.copyTarget);
        if (!code) { return; }
        copyText(code.textContent, function () { button.textContent = "Copied"; button.dataset.copied = "yes"; });
      });
    });
  }

  /* Copy text to the clipboard (or, where the page may not use it, through a selection), then
     call done; cite.js uses it too (window.symkdCopyText). */
  function copyText(text, done) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }
  window.symkdCopyText = copyText;

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    area.remove();
  }

  ready(function () { setupTable(); setupCopy(); });
}());
