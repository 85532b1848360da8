// cairn site search. The index is a script (search-index.js assigns window.CAIRN_SEARCH;
// fetch() does not work from file://), loaded only when someone searches: on a large
// organisation it is tens of megabytes the home page need not parse on every visit.
// Matches are listed with plain DOM calls, never as markup.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list || !status) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var index = null;
  var loading = false;

  function prepare(entries) {
    entries.forEach(function (e) {
      e.t = String(e.title).toLowerCase();
      e.h = (e.t + " " + String(e.text)).toLowerCase();
    });
    index = entries;
  }

  // Loads the index once; when it arrives, searches for what the box holds by then.
  function load() {
    if (index || loading) { return; }
    if (Array.isArray(window.CAIRN_SEARCH)) { prepare(window.CAIRN_SEARCH); return; }
    // The home page names the index; a home template replaced before it did still has one.
    var src = input.getAttribute("data-index") || root + "search-index.js";
    loading = true;
    status.textContent = "Loading the search index…";
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () {
      if (!Array.isArray(window.CAIRN_SEARCH)) {
        status.textContent = "The search index is not usable.";
        return;
      }
      prepare(window.CAIRN_SEARCH);
      run(input.value);
    };
    script.onerror = function () { status.textContent = "The search index could not be loaded."; };
    document.head.appendChild(script);
  }

  function run(query) {
    var words = String(query).toLowerCase().split(/\s+/).filter(Boolean);
    if (!index && words.length) { load(); }
    if (!index) { return; }
    list.textContent = "";
    status.textContent = "";
    if (!words.length) { return; }
    var hits = index.filter(function (e) {
      return words.every(function (w) { return e.h.indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) {
      var ta = words.every(function (w) { return a.t.indexOf(w) >= 0; }) ? 0 : 1;
      var tb = words.every(function (w) { return b.t.indexOf(w) >= 0; }) ? 0 : 1;
      return ta - tb;
    });
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results");
    hits.slice(0, 50).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.url;
      a.textContent = e.title;
      var kind = document.createElement("span");
      kind.className = "muted";
      kind.textContent = e.label + (e.summary ? " · " + e.summary : "");
      li.appendChild(a);
      li.appendChild(kind);
      list.appendChild(li);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  run(query);
  // Start loading as soon as the box is used, so the first results come without a wait.
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { run(input.value); });
})();
