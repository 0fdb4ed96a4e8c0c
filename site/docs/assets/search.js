/* The header's search box: Pagefind's chunked index (pagefind/, built after the site by
   symkd_survey/site/search_index.py), loaded on first use from this site only. Results show the
   title, the authors and the year of a paper (aggregate pages rank below papers and say what they
   are); arrow keys move through them, Enter opens one, Escape closes; filters come from the
   index (the taxonomy's filter facets and the year). Every text is set as text: nothing from the
   index is parsed as markup except Pagefind's <mark> around matched words, rebuilt by hand. */
(function () {
  "use strict";
  var PAGE = 10;
  var form = document.querySelector("form.symkd-search");
  if (!form) { return; }
  var input = form.querySelector("#symkd-search-input");
  var panel = form.querySelector(".symkd-search-panel");
  var list = form.querySelector(".symkd-search-results");
  var status = form.querySelector(".symkd-search-status");
  var more = form.querySelector(".symkd-search-more");
  var opener = form.querySelector(".symkd-search-open");
  var filterBox = form.querySelector(".symkd-search-filters");
  var selects = form.querySelector(".symkd-search-selects");
  var entry = new URL(form.dataset.pagefind, document.baseURI);
  var root = new URL("../", entry);
  var loading = null, results = [], shown = 0, active = -1, run = 0, timer = 0;

  function pagefind() {
    if (!loading) {
      loading = import(entry.href).then(function (pf) {
        return pf.options({ baseUrl: root.pathname, excerptLength: 18 }).then(function () { return pf; });
      });
    }
    return loading;
  }

  function words() {
    return input.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
  }

  function chosenFilters() {
    var out = {}, any = false;
    Array.prototype.forEach.call(selects.querySelectorAll("select"), function (s) {
      if (s.value) { out[s.dataset.filter] = s.value; any = true; }
    });
    return any ? out : null;
  }

  function open(yes) {
    panel.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) { setActive(-1); }
  }

  function setActive(i) {
    var items = list.querySelectorAll("[role=option]");
    if (active >= 0 && items[active]) { items[active].removeAttribute("aria-selected"); }
    active = i;
    if (i >= 0 && items[i]) {
      items[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else { input.removeAttribute("aria-activedescendant"); }
  }

  /* Pagefind's excerpt is its own escaped text with <mark> around matches: parsed in an inert
     template, only its text and the marks are kept. */
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "symkd-search-excerpt";
    var t = document.createElement("template");
    t.innerHTML = html;
    Array.prototype.forEach.call(t.content.childNodes, function (node) {
      if (node.nodeType === 3) { p.appendChild(document.createTextNode(node.textContent)); }
      else if (node.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = node.textContent;
        p.appendChild(m);
      } else { p.appendChild(document.createTextNode(node.textContent || "")); }
    });
    return p;
  }

  function authorLine(text) {
    var names = text.replace(/\s+et al\.$/, "").split(", ").filter(Boolean);
    if (names.length <= 4) { return text; }
    var asked = words(), line = names.slice(0, 3).join(", ");
    var hit = names.slice(3).filter(function (n) {
      var low = n.toLowerCase();
      return asked.some(function (w) { return low.indexOf(w) >= 0; });
    });
    return line + (hit.length ? ", … " + hit.slice(0, 2).join(", ") : "") + " et al. (" + names.length + " authors)";
  }

  function item(data, n) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = "symkd-search-hit-" + n;
    li.className = "symkd-search-hit";
    var a = document.createElement("a");
    var meta = data.meta || {};
    var sub = meta.kind === "page" && data.sub_results && data.sub_results[0];
    var target = sub && sub.url.indexOf("#") >= 0 ? sub : data;
    a.href = target.url;
    a.tabIndex = -1;
    var title = document.createElement("strong");
    title.textContent = meta.title || data.url;
    a.appendChild(title);
    var line = document.createElement("span");
    line.className = "symkd-search-meta";
    if (meta.kind === "paper") {
      line.textContent = authorLine(meta.authors || "") + (meta.year ? " · " + meta.year : "");
    } else {
      li.classList.add("symkd-search-page");
      line.textContent = "Page" + (target !== data && sub.title ? " · " + sub.title : "");
    }
    a.appendChild(line);
    a.appendChild(excerpt(target.excerpt || data.excerpt || ""));
    li.appendChild(a);
    return li;
  }

  function showMore(mine) {
    var next = results.slice(shown, shown + PAGE);
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== run) { return; }
      datas.forEach(function (d) { list.appendChild(item(d, shown++)); });
      more.hidden = shown >= results.length;
    });
  }

  function search() {
    var mine = ++run;
    var query = input.value.trim();
    var filters = chosenFilters();
    if (!query && !filters) {
      results = []; shown = 0; list.textContent = ""; status.textContent = ""; more.hidden = true;
      open(filterBox.open);
      return Promise.resolve();
    }
    open(true);
    status.textContent = "Searching…";
    return pagefind().then(function (pf) {
      return pf.search(query || null, filters ? { filters: filters } : {});
    }).then(function (found) {
      if (mine !== run) { return; }
      results = found.results; shown = 0; active = -1;
      list.textContent = "";
      status.textContent = results.length === 1 ? "1 result" : results.length + " results";
      return showMore(mine);
    }).catch(function () {
      if (mine === run) { status.textContent = "The search index could not be loaded."; }
    });
  }

  function loadFilters() {
    if (selects.childElementCount) { return; }
    pagefind().then(function (pf) { return pf.filters(); }).then(function (all) {
      Object.keys(all).forEach(function (name) {
        var label = document.createElement("label");
        label.textContent = name + " ";
        var select = document.createElement("select");
        select.dataset.filter = name;
        var any = document.createElement("option");
        any.value = ""; any.textContent = "any";
        select.appendChild(any);
        Object.keys(all[name]).sort(function (x, y) {
          return name === "Year" ? Number(y) - Number(x) : x.localeCompare(y);
        }).forEach(function (value) {
          var o = document.createElement("option");
          o.value = value;
          o.textContent = value + " (" + all[name][value] + ")";
          select.appendChild(o);
        });
        select.addEventListener("change", search);
        label.appendChild(select);
        selects.appendChild(label);
      });
    });
  }

  input.addEventListener("focus", function () { pagefind(); if (results.length) { open(true); } });
  input.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(search, 120); });
  input.addEventListener("keydown", function (event) {
    var count = list.querySelectorAll("[role=option]").length;
    if (event.key === "ArrowDown" && count) { event.preventDefault(); open(true); setActive(Math.min(active + 1, count - 1)); }
    else if (event.key === "ArrowUp" && count) { event.preventDefault(); setActive(Math.max(active - 1, 0)); }
    else if (event.key === "Escape") { open(false); form.classList.remove("symkd-search--open"); opener.setAttribute("aria-expanded", "false"); }
  });
  form.addEventListener("submit", function (event) {
    var link = list.querySelectorAll("[role=option] a")[Math.max(active, 0)];
    if (link) { event.preventDefault(); window.location.href = link.href; }
  });  /* no result yet: the form opens the papers table filtered by the words */
  more.addEventListener("click", function () { showMore(run); input.focus(); });
  filterBox.addEventListener("toggle", function () { if (filterBox.open) { loadFilters(); } });
  opener.addEventListener("click", function () {
    var now = form.classList.toggle("symkd-search--open");
    opener.setAttribute("aria-expanded", now ? "true" : "false");
    if (now) { input.focus(); } else { open(false); }
  });
  document.addEventListener("click", function (event) { if (!form.contains(event.target)) { open(false); } });
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    var typing = t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.nodeName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      form.classList.add("symkd-search--open");
      input.focus();
    }
  });
})();
