/* medlm-survey: table sorting, filtering, facets and paging over every row (the page holds
   the first rows, the table's JSON file all of them), CSV download of the filtered rows,
   timeline filters and BibTeX copy. No network access beyond the site's own files; no
   dependencies. Works with and without Material's instant navigation (document$). */
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

  // Filters a row by every form control that has a data-filter attribute:
  //   text              words all found in the row's text and data-text
  //   <select> KEY      the row's data-KEY (space-separated tokens) holds the chosen value
  //   checkbox KEY      when checked, the row's data-KEY holds the checkbox's value
  //   year-min/max      data-year within the range;  size-max  a data-sizes value at most N
  //   best              only the best row per data-group + data-model (data-value, data-lower)
  // Filters, sort, page and hidden columns are kept in the page address (?key=value), so a
  // view can be shared and survives a reload.
  //
  // Rows: the page's HTML holds the first rows (readable without JavaScript); the table's
  // JSON file (data-rows, written by pages/common.py:table_json) holds every row. Sorting,
  // filtering, paging and the CSV work over all of them; only one page of rows is in the DOM.
  var RESERVED = { text: 1, "year-min": 1, "year-max": 1, "size-max": 1, best: 1 };
  var PAGE_SIZES = [10, 25, 50, 100, 250, 1000];
  var DEFAULT_PAGE_SIZE = 50; // = FIRST_ROWS in pages/common.py

  function htmlText(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content.textContent;
  }

  // Sort keys as tablesort (v5.6.0) read them: data-sort or the text; numbers keep only
  // digits, signs and points; text compares trimmed and case-insensitively.
  function numberKey(text) {
    var value = parseFloat(String(text).replace(/[^\-?0-9.]/g, ""));
    return isNaN(value) ? 0 : value;
  }

  function domRow(tr, index) {
    var data = {};
    Array.prototype.forEach.call(tr.attributes, function (a) {
      if (a.name.indexOf("data-") === 0) data[a.name.slice(5)] = a.value;
    });
    return { index: index, data: data, node: tr, cells: null, keys: {}, text: null };
  }

  function jsonRow(doc, row, index) {
    var data = {};
    doc.keys.forEach(function (key, i) { data[key] = row[0][i]; });
    return { index: index, data: data, node: null, cells: row[1], keys: {}, text: null };
  }

  // The text, sort key and CSV text of one cell of a row (from its JSON or its <td>).
  function cellParts(row, column) {
    if (!row.cells) {
      var td = row.node.cells[column];
      if (!td) return { text: "", sort: "", csv: "" };
      var chips = td.querySelectorAll(".medlm-chip");
      var csv = chips.length
        ? Array.prototype.map.call(chips, function (c) { return c.textContent.trim(); }).join("; ")
        : td.textContent;
      return { text: td.textContent, sort: td.hasAttribute("data-sort") ? td.getAttribute("data-sort") : td.textContent, csv: csv };
    }
    var cell = row.cells[column];
    if (cell === undefined || cell === null) return { text: "", sort: "", csv: "" };
    if (typeof cell === "string") return { text: cell, sort: cell, csv: cell };
    var text = cell.x !== undefined ? htmlText(cell.x) : cell.t || "";
    var labels = (cell.k || []).map(function (k) { return k[0]; });
    return {
      text: text + labels.join(""),
      sort: cell.s !== undefined ? cell.s : text + labels.join(""),
      csv: labels.length ? labels.join("; ") : text,
    };
  }

  // The <tr> of a JSON row, built as pages/common.py:table_cell writes it.
  function rowNode(row, labels) {
    if (row.node) return row.node;
    var tr = document.createElement("tr");
    Object.keys(row.data).forEach(function (key) { tr.setAttribute("data-" + key, row.data[key]); });
    row.cells.forEach(function (cell, i) {
      var td = document.createElement("td");
      if (labels[i]) td.setAttribute("data-label", labels[i]);
      if (typeof cell === "string") {
        td.textContent = cell;
      } else {
        if (cell.s !== undefined) td.setAttribute("data-sort", cell.s);
        if (cell.c) td.className = cell.c;
        if (cell.i) td.title = cell.i;
        if (cell.x !== undefined) {
          td.innerHTML = cell.x; // pre-escaped by the site build, as in the page itself
        } else if (cell.h) {
          var a = document.createElement("a");
          a.href = cell.h;
          a.textContent = cell.t || "";
          td.appendChild(a);
        } else if (cell.t) {
          td.textContent = cell.t;
        }
        (cell.k || []).forEach(function (chip) {
          var el = document.createElement(chip[1] ? "a" : "span");
          el.className = "medlm-chip";
          if (chip[1]) el.href = chip[1];
          el.textContent = chip[0];
          td.appendChild(el);
        });
      }
      tr.appendChild(td);
    });
    row.node = tr;
    return tr;
  }

  function setupTable(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var table = box.querySelector("table");
    var tbody = table.tBodies[0];
    var form = box.querySelector("form");
    var count = box.querySelector("[data-count]");
    var total = box.querySelector("[data-total]");
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var labels = headers.map(function (th) { return th.textContent.trim(); });
    var rows = Array.prototype.map.call(tbody.rows, domRow);
    var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
    var columnBoxes = Array.prototype.slice.call(form.querySelectorAll("input[data-column]"));
    var sortState = null;
    var loaded = !box.dataset.rows;
    var pending = null;
    var openingCount = parseInt(count.textContent, 10) || 0;
    var page = 0;
    var pageSize = DEFAULT_PAGE_SIZE;
    var visible = [];
    var pager = makePager();

    function makePager() {
      var nav = document.createElement("nav");
      nav.className = "medlm-pager";
      nav.setAttribute("aria-label", "Pages of this table");
      var options = PAGE_SIZES.map(function (n) {
        return '<option value="' + n + '"' + (n === DEFAULT_PAGE_SIZE ? " selected" : "") + ">" + n + "</option>";
      }).join("");
      nav.innerHTML =
        '<button type="button" class="md-button" data-page="prev">Previous</button>' +
        '<span data-page-status aria-live="polite"></span>' +
        '<button type="button" class="md-button" data-page="next">Next</button>' +
        '<label>Rows per page <select data-page-size>' + options + "</select></label>";
      box.querySelector(".medlm-scroll").insertAdjacentElement("afterend", nav);
      nav.addEventListener("click", function (event) {
        var which = event.target.dataset && event.target.dataset.page;
        if (!which) return;
        withAllRows(function () {
          page += which === "next" ? 1 : -1;
          render();
          save(wanted());
          table.scrollIntoView({ block: "start" });
        });
      });
      nav.querySelector("[data-page-size]").addEventListener("change", function (event) {
        withAllRows(function () {
          pageSize = parseInt(event.target.value, 10) || DEFAULT_PAGE_SIZE;
          page = 0;
          render();
          save(wanted());
        });
      });
      return nav;
    }

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
      return (" " + (row.data[key] || "") + " ").indexOf(" " + value + " ") !== -1;
    }

    function searchText(row) {
      if (row.text === null) {
        var parts = [];
        for (var i = 0; i < labels.length; i++) parts.push(cellParts(row, i).text);
        row.text = norm(parts.join(" ") + " " + (row.data.text || ""));
      }
      return row.text;
    }

    function sortKey(row, column) {
      if (!(column in row.keys)) {
        var raw = cellParts(row, column).sort;
        row.keys[column] = headers[column].dataset.sortMethod === "number" ? numberKey(raw) : String(raw).trim().toLowerCase();
      }
      return row.keys[column];
    }

    function filtered(want) {
      var words = norm(want.text).split(/\s+/).filter(Boolean);
      var lo = parseInt(want["year-min"], 10);
      var hi = parseInt(want["year-max"], 10);
      var maxSize = parseFloat(want["size-max"]);
      var best = {};
      var kept = rows.filter(function (row) {
        if (words.length) {
          var hay = searchText(row);
          if (!words.every(function (w) { return hay.indexOf(w) !== -1; })) return false;
        }
        for (var key in want) {
          if (!RESERVED[key] && !hasToken(row, key, want[key])) return false;
        }
        if (row.data.year) {
          var year = parseInt(row.data.year, 10);
          if (!isNaN(lo) && year < lo) return false;
          if (!isNaN(hi) && year > hi) return false;
        }
        // Up to N billion parameters: a model passes when one of its variants is that small;
        // a model with no recorded size is left out once a limit is set.
        if (!isNaN(maxSize)) {
          var small = (row.data.sizes || "").split(" ").filter(Boolean).some(function (b) { return parseFloat(b) <= maxSize; });
          if (!small) return false;
        }
        if (want.best) {
          var group = row.data.group + " " + row.data.model;
          var value = parseFloat(row.data.value);
          var lower = row.data.lower === "1";
          var current = best[group];
          if (current && !(lower ? value < current.value : value > current.value)) return false;
          best[group] = { row: row, value: value };
        }
        return true;
      });
      if (want.best) {
        kept = kept.filter(function (row) { return best[row.data.group + " " + row.data.model].row === row; });
      }
      if (sortState) {
        var parts = sortState.split("-");
        var column = parseInt(parts[0], 10);
        var sign = parts[1] === "desc" ? -1 : 1;
        if (headers[column]) {
          kept.sort(function (a, b) {
            var x = sortKey(a, column), y = sortKey(b, column);
            if (x < y) return -sign;
            if (x > y) return sign;
            return a.index - b.index; // stable: ties keep the catalogue's order
          });
        }
      }
      return kept;
    }

    // The page's own <tr>s stand for the same JSON rows when they show the same thing: keep
    // them rather than building equal ones (the rows on screen then do not change at all).
    function adopt(slice, shown, keys) {
      if (slice.length !== shown.length) return;
      var key = function (data, first) {
        return keys.map(function (k) { return data[k] || ""; }).join("\u0001") + "\u0001" + first;
      };
      var same = slice.every(function (row, i) {
        var tr = shown[i];
        var data = {};
        keys.forEach(function (k) { data[k] = tr.getAttribute("data-" + k); });
        return key(row.data, cellParts(row, 0).text) === key(data, tr.cells[0] ? tr.cells[0].textContent : "");
      });
      if (same) slice.forEach(function (row, i) { row.node = shown[i]; });
    }

    function render() {
      var size = pageSize;
      // Before the rows file is loaded, the page holds the first rows of the opening view and
      // says how many that view has in all (data-count): the pager counts with that.
      var matching = loaded ? visible.length : Math.max(openingCount, visible.length);
      var pages = Math.max(1, Math.ceil(matching / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      var slice = visible.slice(page * size, page * size + size);
      var nodes = slice.map(function (row) { return rowNode(row, labels); });
      var same = nodes.length === tbody.rows.length && nodes.every(function (node, i) { return tbody.rows[i] === node; });
      if (!same) {
        // Only when the rows shown change: rebuilding the same rows would cost a layout
        // (blocking time on phones) and nothing else.
        var fragment = document.createDocumentFragment();
        nodes.forEach(function (node) {
          node.hidden = false;
          fragment.appendChild(node);
        });
        tbody.replaceChildren(fragment);
      }
      showColumns();
      count.textContent = String(matching);
      if (total && loaded) total.textContent = String(rows.length);
      var status = pager.querySelector("[data-page-status]");
      status.textContent = matching
        ? "Rows " + (page * size + 1) + "–" + (page * size + slice.length) + " of " + matching
        : "No rows";
      pager.querySelector("[data-page=prev]").disabled = page === 0;
      pager.querySelector("[data-page=next]").disabled = page >= pages - 1;
      pager.hidden = matching <= size && size === DEFAULT_PAGE_SIZE;
    }

    function apply() {
      var want = wanted();
      visible = filtered(want);
      render();
      save(want);
    }

    function hiddenColumns() {
      return columnBoxes.filter(function (b) { return !b.checked; }).map(function (b) { return b.dataset.column; });
    }

    function showColumns() {
      var hidden = {};
      hiddenColumns().forEach(function (i) { hidden[i] = true; });
      Array.prototype.forEach.call(table.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          // Write only what changes: the page opens with the default columns hidden already.
          if (cell.hidden !== !!hidden[i]) cell.hidden = !!hidden[i];
        });
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
      if (pageSize !== DEFAULT_PAGE_SIZE) params.set("rows", String(pageSize));
      if (page > 0) params.set("page", String(page + 1));
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function defaultOf(select) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.defaultSelected; });
      return option ? option.value : "";
    }

    function showSort() {
      headers.forEach(function (th, i) {
        var parts = (sortState || "").split("-");
        if (sortState && parseInt(parts[0], 10) === i) th.setAttribute("aria-sort", parts[1] === "desc" ? "descending" : "ascending");
        else th.removeAttribute("aria-sort");
      });
    }

    function sortBy(th) {
      var index = headers.indexOf(th);
      var current = th.getAttribute("aria-sort");
      sortState = index + "-" + (current === "ascending" ? "desc" : "asc");
      showSort();
      page = 0;
      apply();
    }

    // The rows file is fetched when a reader first sorts, filters, pages or downloads (or
    // the address asks for such a view): opening the page costs nothing more than its HTML.
    function load() {
      if (!pending) {
        box.setAttribute("aria-busy", "true");
        pending = fetch(box.dataset.rows)
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (doc) {
            var shown = Array.prototype.slice.call(tbody.rows);
            rows = doc.rows.map(function (row, i) { return jsonRow(doc, row, i); });
            loaded = true;
            visible = filtered(wanted());
            adopt(visible.slice(page * pageSize, page * pageSize + pageSize), shown, doc.keys);
            box.dataset.loaded = "1";
          })
          .catch(function () {
            // Opened from disk or offline: the rows in the page still sort and filter.
            loaded = true;
            box.dataset.loaded = "partial";
          })
          .then(function () { box.removeAttribute("aria-busy"); });
      }
      return pending;
    }

    function withAllRows(action) {
      if (loaded) action();
      else load().then(action);
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
      if (sort && headers[parseInt(sort.split("-")[0], 10)]) sortState = sort;
      var size = parseInt(params.get("rows"), 10);
      if (PAGE_SIZES.indexOf(size) !== -1) {
        pageSize = size;
        pager.querySelector("[data-page-size]").value = String(size);
      }
      page = (parseInt(params.get("page"), 10) || 1) - 1;
      showSort();
    }

    headers.forEach(function (th) {
      if (th.dataset.sortMethod === "none") return;
      // Sortable headers: focusable, announced, and styled by Material as tablesort's were.
      th.setAttribute("role", "columnheader");
      th.tabIndex = 0;
      th.addEventListener("click", function () { withAllRows(function () { sortBy(th); }); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          withAllRows(function () { sortBy(th); });
        }
      });
    });
    form.addEventListener("input", function () { withAllRows(function () { page = 0; apply(); }); });
    form.addEventListener("change", function (event) {
      if (event.target.dataset && event.target.dataset.column !== undefined) showColumns();
      withAllRows(function () { page = 0; apply(); });
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      sortState = null;
      page = 0;
      showSort();
      window.setTimeout(function () { withAllRows(function () { showColumns(); apply(); }); }, 0);
    });

    var button = form.querySelector("[data-action=csv]");
    button.addEventListener("click", function () { withAllRows(download); });
    function download() {
      var lines = [labels.map(csvField).join(",")];
      visible.forEach(function (row) {
        var fields = [];
        for (var i = 0; i < labels.length; i++) fields.push(csvField(cellParts(row, i).csv));
        lines.push(fields.join(","));
      });
      var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = button.dataset.filename || "table.csv";
      document.body.appendChild(link);
      link.click();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }
    restore();
    // A shared view (filters, sort, page in the address) needs every row at once.
    if (window.location.search && !loaded) withAllRows(apply);
    else apply();
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

  // Runs setup on every page: with Material's instant navigation (document$) each page
  // swap, else once the document is ready. views.js uses it too (it is loaded after this).
  function onEveryPage(setup) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setup);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", setup);
    } else {
      setup();
    }
  }
  window.medlmOnEveryPage = onEveryPage;
  onEveryPage(init);
})();
