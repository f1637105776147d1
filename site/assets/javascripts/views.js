/* medlm-survey views: the lineage family switch, and the loader of the scripts that only one
   page needs (compare.js on the compare page; the vendored Chart.js and timeline.js on the
   timeline). Those are fetched from this file's own folder, so every page but those two
   stays as light as before. No request leaves the site. Works with and without Material's
   instant navigation (document$). */
(function () {
  "use strict";

  var views = window.medlmViews = window.medlmViews || {};
  var self = document.currentScript || document.querySelector("script[src$='views.js']");
  var base = self ? self.src.replace(/[^/]*$/, "") : "";
  var loading = {};

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + path;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("could not load " + path)); };
        document.head.appendChild(script);
      });
    }
    return loading[path];
  }
  views.load = load;

  /* Lineage: one section per family; the select shows one, the address remembers it
     (#lineage-vlm). Without script every section is shown, with links to each. */
  function setupLineage(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.querySelector("[data-lineage-form]");
    var select = box.querySelector("[data-lineage-view]");
    var toc = box.querySelector("[data-lineage-toc]");
    var sections = Array.prototype.slice.call(box.querySelectorAll("[data-view]"));
    if (!form || !select || !sections.length) return;
    var keys = sections.map(function (s) { return s.dataset.view; });

    function show(key, remember) {
      if (keys.indexOf(key) === -1) key = keys[0];
      sections.forEach(function (s) { s.hidden = s.dataset.view !== key; });
      select.value = key;
      if (remember && window.history && history.replaceState) {
        history.replaceState(null, "", "#lineage-" + key);
      }
    }
    form.hidden = false;
    if (toc) toc.hidden = true;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    select.addEventListener("change", function () { show(select.value, true); });
    function fromAddress() { show(location.hash.replace(/^#lineage-/, ""), false); }
    window.addEventListener("hashchange", fromAddress);
    fromAddress();
  }

  /* Timeline: models only until the reader ticks another kind (the page's HTML has every
     kind ticked, which is what it shows without script). medlm.js filters the list on
     "change"; timeline.js draws the chart from the page's data island. */
  function setupTimeline(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var island = document.getElementById("medlm-timeline-data");
    var root = box.closest("[data-medlm-timeline]");
    if (!island || !root) return;
    var data = JSON.parse(island.textContent);
    var form = root.querySelector("form");
    var changed = false;
    form.querySelectorAll("input[data-filter=kind]").forEach(function (input) {
      var want = data.defaultKinds.indexOf(input.value) !== -1;
      if (input.checked !== want) { input.checked = want; changed = true; }
    });
    if (changed) form.dispatchEvent(new Event("change", { bubbles: true }));
    load("vendor/chartjs/chart.umd.min.js")
      .then(function () { return load("timeline.js"); })
      .then(function () { views.timeline(box, root, data); })
      .catch(function (error) { console.warn("timeline chart: " + error.message + "; the picture stays"); });
  }

  function setupCompare(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    load("compare.js")
      .then(function () { views.compare(box); })
      .catch(function (error) { console.warn("compare: " + error.message); });
  }

  function init() {
    document.querySelectorAll("[data-medlm-lineage]").forEach(setupLineage);
    document.querySelectorAll("[data-medlm-timeline-chart]").forEach(setupTimeline);
    document.querySelectorAll("[data-medlm-compare]").forEach(setupCompare);
  }

  window.medlmOnEveryPage(init); // medlm.js, listed before this file in mkdocs.yml
})();
