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

  // Filters a row by every form control that has a data-filter attribute:
  //   text              words all found in the row's text and data-text
  //   <select> KEY      the row's data-KEY (space-separated tokens) holds the chosen value
  //   checkbox KEY      when checked, the row's data-KEY holds the checkbox's value
  //   year-min/max      data-year within the range;  size-max  a data-sizes value at most N
  //   best              only the best row per data-group + data-model (data-value, data-lower)
  // Filters, sort and hidden columns are kept in the page address (?key=value), so a view
  // can be shared and survives a reload.
  var RESERVED = { text: 1, "year-min": 1, "year-max": 1, "size-max": 1, best: 1 };

  function setupTable(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var table = box.querySelector("table");
    var form = box.querySelector("form");
    var count = box.querySelector("[data-count]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var sorter = window.Tablesort ? new window.Tablesort(table) : null;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var columnBoxes = Array.prototype.slice.call(form.querySelectorAll("input[data-column]"));
    var sortState = null;

    function wanted() {
      var want = {};
      inputs.forEach(function (input) {
        var key = input.dataset.filter;
        if (input.type === "checkbox") {
          if (input.checked) want[key] = input.value;
        } else if (input.value !== "") {
          want[key] = input.value;
        }
      });
      return want;
    }

    function hasToken(row, key, value) {
      return (" " + (row.dataset[key.replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); })] || "") + " ")
        .indexOf(" " + value + " ") !== -1;
    }

    function apply() {
      var want = wanted();
      var words = norm(want.text).split(/\s+/).filter(Boolean);
      var lo = parseInt(want["year-min"], 10);
      var hi = parseInt(want["year-max"], 10);
      var maxSize = parseFloat(want["size-max"]);
      var best = {};
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        if (words.length) {
          var hay = norm(row.textContent + " " + (row.dataset.text || ""));
          ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
        }
        Object.keys(want).forEach(function (key) {
          if (ok && !RESERVED[key]) ok = hasToken(row, key, want[key]);
        });
        if (ok && row.dataset.year) {
          var year = parseInt(row.dataset.year, 10);
          if (!isNaN(lo)) ok = year >= lo;
          if (ok && !isNaN(hi)) ok = year <= hi;
        }
        // Up to N billion parameters: a model passes when one of its variants is that small;
        // a model with no recorded size is left out once a limit is set.
        if (ok && !isNaN(maxSize)) {
          ok = (row.dataset.sizes || "").split(" ").filter(Boolean).some(function (b) { return parseFloat(b) <= maxSize; });
        }
        row.hidden = !ok;
        if (ok && want.best) {
          var key = row.dataset.group + " " + row.dataset.model;
          var value = parseFloat(row.dataset.value);
          var lower = row.dataset.lower === "1";
          var current = best[key];
          if (!current || (lower ? value < current.value : value > current.value)) {
            if (current) current.row.hidden = true;
            best[key] = { row: row, value: value };
          } else {
            row.hidden = true;
          }
        }
      });
      rows.forEach(function (row) { if (!row.hidden) shown += 1; });
      count.textContent = String(shown);
      save(want);
    }

    function hiddenColumns() {
      return columnBoxes.filter(function (b) { return !b.checked; }).map(function (b) { return b.dataset.column; });
    }

    function showColumns() {
      var hidden = {};
      hiddenColumns().forEach(function (i) { hidden[i] = true; });
      Array.prototype.forEach.call(table.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) { cell.hidden = !!hidden[i]; });
      });
    }

    function save(want) {
      if (!window.history || !window.history.replaceState) return;
      var params = new URLSearchParams();
      Object.keys(want).forEach(function (key) {
        var input = form.querySelector("[data-filter='" + key + "']");
        var initial = input && input.tagName === "SELECT" ? defaultOf(input) : input ? input.defaultValue : "";
        if (input && input.type === "checkbox") initial = input.defaultChecked ? input.value : "";
        if (want[key] !== initial) params.set(key, want[key]);
      });
      inputs.forEach(function (input) {
        // a select whose default is not "all" must say when the reader chose "all"
        if (input.tagName === "SELECT" && defaultOf(input) && !want[input.dataset.filter]) params.set(input.dataset.filter, "");
      });
      if (sortState) params.set("sort", sortState);
      var hidden = hiddenColumns();
      var initiallyHidden = (table.dataset.hiddenColumns || "").split(" ").filter(Boolean);
      if (hidden.join(" ") !== initiallyHidden.join(" ")) params.set("hide", hidden.join(",") || "none");
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function defaultOf(select) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
      return option ? option.value : "";
    }

    function restore() {
      var params = new URLSearchParams(window.location.search);
      inputs.forEach(function (input) {
        var key = input.dataset.filter;
        if (!params.has(key)) return;
        if (input.type === "checkbox") input.checked = params.get(key) === input.value;
        else input.value = params.get(key);
      });
      if (params.has("hide")) {
        var hide = params.get("hide") === "none" ? [] : params.get("hide").split(",");
        columnBoxes.forEach(function (b) { b.checked = hide.indexOf(b.dataset.column) === -1; });
      }
      var sort = params.get("sort");
      if (sort && sorter) {
        var parts = sort.split("-");
        var header = table.tHead.rows[0].cells[parseInt(parts[0], 10)];
        if (header) {
          sorter.sortTable(header);
          if (parts[1] === "desc") sorter.sortTable(header);
          sortState = sort;
        }
      }
    }

    if (sorter) {
      table.addEventListener("afterSort", function () {
        var header = table.tHead.querySelector("th[aria-sort]");
        if (!header) return;
        var index = Array.prototype.indexOf.call(header.parentNode.cells, header);
        sortState = index + "-" + (header.getAttribute("aria-sort") === "descending" ? "desc" : "asc");
        save(wanted());
      });
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", function (event) {
      if (event.target.dataset && event.target.dataset.column !== undefined) showColumns();
      apply();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      sortState = null;
      window.setTimeout(function () { showColumns(); apply(); }, 0);
    });

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
    restore();
    showColumns();
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

  // The search page: loads Pagefind's UI (built into pagefind/ by `medlm-survey build`) from
  // the site's own host and runs the query given in the address (?q=...).
  function setupSearch(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var configElement = document.getElementById("__config");
    var base = configElement ? JSON.parse(configElement.textContent).base : "..";
    var root = new URL(base.replace(/\/?$/, "/"), window.location.href);
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("pagefind/pagefind-ui.css", root).href;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = new URL("pagefind/pagefind-ui.js", root).href;
    script.onload = function () {
      var ui = new window.PagefindUI({
        element: "#medlm-pagefind",
        showSubResults: false,
        showImages: false,
        resetStyles: false,
        translations: { placeholder: "Search models, datasets, benchmarks, surveys" },
      });
      var query = new URLSearchParams(window.location.search).get("q");
      if (query) ui.triggerSearch(query);
    };
    document.head.appendChild(script);
  }

  function init() {
    document.querySelectorAll("[data-medlm-search]").forEach(setupSearch);
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
