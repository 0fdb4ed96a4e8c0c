/* symkd-survey: the paper page's formatted citations: a style switcher (the choice is kept for
   the next page) and a copy button per style. Small code of ours, no library, no request to
   another host; the citations are copied from the page as text (symkd.js's copy) and nothing is
   written as HTML. */
(function () {
  "use strict";

  var KEY = "symkd-citation-style";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function remembered() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }  /* storage may be off */
  }

  function remember(style) {
    try { window.localStorage.setItem(KEY, style); } catch (e) { /* not kept: still switched */ }
  }

  function setupSwitcher(box) {
    var tabs = Array.prototype.slice.call(box.querySelectorAll("button.symkd-style"));
    var panels = Array.prototype.slice.call(box.querySelectorAll(".symkd-citation"));
    if (!tabs.length) { return; }
    function choose(style) {
      if (!tabs.some(function (t) { return t.dataset.style === style; })) { style = tabs[0].dataset.style; }
      tabs.forEach(function (t) { t.setAttribute("aria-selected", t.dataset.style === style ? "true" : "false"); });
      panels.forEach(function (p) { p.hidden = p.dataset.style !== style; });
      box.dataset.shown = style;
    }
    tabs.forEach(function (t) {
      t.addEventListener("click", function () { choose(t.dataset.style); remember(t.dataset.style); });
    });
    box.classList.add("symkd-js");
    choose(remembered() || tabs[0].dataset.style);
  }

  ready(function () {
    Array.prototype.forEach.call(document.querySelectorAll(".symkd-citations"), setupSwitcher);
    Array.prototype.forEach.call(document.querySelectorAll("button.symkd-copy-cite"), function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copyTarget);
        if (!source) { return; }
        window.symkdCopyText(source.textContent.replace(/\s+/g, " ").trim(), function () {
          button.textContent = "Copied";
          button.dataset.copied = "yes";
        });
      });
    });
  });
})();
