// cairn site search: reads the index that search-index.js assigns to window.CAIRN_SEARCH
// (fetch() does not work from file://) and lists matches with plain DOM calls.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var index = window.CAIRN_SEARCH;
  if (!input || !list || !Array.isArray(index)) { return; }
  var root = document.body.getAttribute("data-root") || "";
  index.forEach(function (e) {
    e.t = String(e.title).toLowerCase();
    e.h = (e.t + " " + String(e.text)).toLowerCase();
  });
  function run(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
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
  input.addEventListener("input", function () { run(input.value); });
})();
