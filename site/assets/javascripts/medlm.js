/* medlm-survey: table sorting (vendored tablesort), filtering, facets, CSV download of the
   visible rows, timeline filters and BibTeX copy. No network access; no dependencies beyond
   tablesort. Works with and without Material's instant navigation (document$). */
(function () {
  "use strict";

  function norm(text) {
    return (text || "").toLowerCase();
  }

  function csvField(text) {
    var value = (text || "").replace(/\s+/g, " ").trim();
    // Guard spreadsheets against formula injection from entry text.
    if (/^[=+\-@\t\r]/.test(value)) value = "'" + value;
    return /[",\n;]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function cellText(cell) {
    var chips = cell.querySelectorAll(".medlm-chip");
    if (chips.length) {
      return Array.prototype.map.call(chips, function (c) { return c.textContent.trim(); }).join("; ");
    }
    return cell.textContent;
  }

  function setupTable(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var table = box.querySelector("table");
    var form = box.querySelector("form");
    var count = box.querySelector("[data-count]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    if (window.Tablesort) {
      new window.Tablesort(table);
    }
    var inputs = form.querySelectorAll("[data-filter]");

    function apply() {
      var want = {};
      Array.prototype.forEach.call(inputs, function (input) { want[input.dataset.filter] = input.value; });
      var words = norm(want.text).split(/\s+/).filter(Boolean);
      var lo = parseInt(want["year-min"], 10);
      var hi = parseInt(want["year-max"], 10);
      // Up to N billion parameters: a model passes when one of its variants is that small;
      // a model with no recorded size is left out once a limit is set.
      var maxSize = parseFloat(want["size-max"]);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        if (words.length) {
          var hay = norm(row.textContent + " " + (row.dataset.text || ""));
          ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
        }
        ["modalities", "tasks", "access", "evidence"].forEach(function (key) {
          if (ok && want[key]) ok = (" " + (row.dataset[key] || "") + " ").indexOf(" " + want[key] + " ") !== -1;
        });
        var year = parseInt(row.dataset.year, 10);
        if (ok && !isNaN(lo)) ok = year >= lo;
        if (ok && !isNaN(hi)) ok = year <= hi;
        if (ok && !isNaN(maxSize)) {
          ok = (row.dataset.sizes || "").split(" ").filter(Boolean).some(function (b) { return parseFloat(b) <= maxSize; });
        }
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = String(shown);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

    var button = form.querySelector("[data-action=csv]");
    button.addEventListener("click", function () {
      var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvField(c.textContent); });
      var lines = [head.join(",")];
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (row.hidden) return;
        lines.push(Array.prototype.map.call(row.cells, function (c) { return csvField(cellText(c)); }).join(","));
      });
      var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = button.dataset.filename || "table.csv";
      document.body.appendChild(link);
      link.click();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    });
    apply();
  }

  function setupTimeline(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.querySelector("form");
    var count = box.querySelector("[data-count]");
    var events = Array.prototype.slice.call(box.querySelectorAll(".medlm-event"));

    function apply() {
      var families = {}, kinds = {};
      form.querySelectorAll("input[data-filter=family]").forEach(function (i) { families[i.value] = i.checked; });
      form.querySelectorAll("input[data-filter=kind]").forEach(function (i) { kinds[i.value] = i.checked; });
      var shown = 0;
      events.forEach(function (li) {
        var fam = (li.dataset.families || "").split(" ").some(function (f) { return families[f]; });
        var ok = fam && kinds[li.dataset.kind] !== false;
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      box.querySelectorAll(".medlm-month, .medlm-year").forEach(function (group) {
        group.hidden = !group.querySelector(".medlm-event:not([hidden])");
      });
      count.textContent = String(shown);
    }
    form.addEventListener("change", apply);
    apply();
  }

  function setupCopy(button) {
    if (button.dataset.ready) return;
    button.dataset.ready = "1";
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.copy);
      if (!target) return;
      var text = target.textContent;
      var done = function () {
        var old = button.textContent;
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = old; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { document.execCommand("copy"); done(); } catch (e) { /* selection stays for manual copy */ }
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-medlm-table]").forEach(setupTable);
    document.querySelectorAll("[data-medlm-timeline]").forEach(setupTimeline);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
