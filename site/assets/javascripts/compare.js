/* medlm-survey: the compare page (loaded by views.js). The entries to compare are in the
   address (?ids=med-palm-2,meditron), so a comparison can be bookmarked and shared; the
   search box adds more, up to the page's limit. Names come from the static API's index
   (downloads/api/index.json), each entry from downloads/api/entries/<id>.json, labels,
   metric scales and aliases from the page's data island (#medlm-compare-data).

   Scores are lined up only when their setting is identical: benchmark, subset, task,
   metric, split, shots and prompting, the key of schema.Result.setting(). Each is shown on
   its metric's scale (pages/common.py display_value); the source's own number is in the
   cell's title when it was printed on another scale.

   Entry text is untrusted: everything is written with textContent, and only http(s)
   links are made. */
(function () {
  "use strict";

  var views = window.medlmViews = window.medlmViews || {};
  var SAFE_URL = /^https?:\/\/[^\s"'<>`]+$/i;
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var LINKS = [["code", "Code"], ["weights", "Weights"], ["data", "Data"], ["homepage", "Homepage"], ["demo", "Demo"]];

  /* h("a", {href: x, class: "y"}, ["text", node]): a DOM node; strings become text. */
  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function norm(text) {
    return String(text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  /* Python's f"{round(x, 6):g}" closely enough for scores. */
  function formatValue(value) {
    var rounded = Math.round(value * 1e6) / 1e6;
    return String(parseFloat(rounded.toPrecision(6)));
  }

  function yearOf(date) { return String(date || "").slice(0, 4); }

  views.compare = function (box) {
    var island = box.querySelector("#medlm-compare-data");
    var app = box.querySelector("[data-compare-app]");
    if (!island || !app) return;
    var config = JSON.parse(island.textContent);
    var search = app.querySelector("[data-compare-search]");
    var status = app.querySelector("[data-compare-status]");
    var matches = app.querySelector("[data-compare-matches]");
    var chosenBox = app.querySelector("[data-compare-chosen]");
    var fieldsBox = app.querySelector("[data-compare-fields]");
    var scoresBox = app.querySelector("[data-compare-scores]");
    var form = app.querySelector("[data-compare-form]");
    var nojs = box.querySelector("[data-compare-nojs]");

    var index = null;   // id -> {id, kind, name, date, aliases}
    var docs = {};      // id -> Promise of the entry document
    var ids = [];
    var problems = [];  // ids from the address that are not in the catalogue
    var generation = 0; // drops a rendering whose selection has changed meanwhile

    if (nojs) nojs.hidden = true;
    app.hidden = false;

    function label(vocabulary, term) {
      var table = config.labels[vocabulary] || {};
      return Object.prototype.hasOwnProperty.call(table, term) ? table[term] : term;
    }

    function entryHref(id) {
      var entry = index && index[id];
      return entry ? config.root + entry.kind + "/" + id + "/" : null;
    }

    function entryLink(id) {
      var href = entryHref(id);
      var name = index && index[id] ? index[id].name : id;
      return href ? h("a", { href: href, text: name }) : h("span", { text: name });
    }

    function load(id) {
      if (!docs[id]) {
        docs[id] = fetch(config.api + "entries/" + encodeURIComponent(id) + ".json").then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
      }
      return docs[id];
    }

    /* --- the address ------------------------------------------------------------------ */

    function readAddress() {
      var raw = new URLSearchParams(location.search).get("ids") || "";
      var wanted = [];
      problems = [];
      raw.split(",").map(function (s) { return s.trim().toLowerCase(); }).filter(Boolean).forEach(function (id) {
        if (wanted.indexOf(id) !== -1) return;
        if (!SLUG.test(id) || !index[id]) { problems.push(id); return; }
        wanted.push(id);
      });
      if (wanted.length > config.max) {
        problems.push("more than " + config.max + " entries: only the first " + config.max + " are compared");
        wanted = wanted.slice(0, config.max);
      }
      return wanted;
    }

    function writeAddress() {
      var query = ids.length ? "?ids=" + ids.join(",") : "";
      if (window.history && history.replaceState) {
        history.replaceState(null, "", location.pathname + query + location.hash);
      }
    }

    /* --- choosing ---------------------------------------------------------------------- */

    function say(text) { status.textContent = text; }

    function hint() {
      var parts = [];
      if (problems.length) parts.push("Not in the catalogue: " + problems.join(", ") + ".");
      if (!ids.length) parts.push("Type a name to choose the first entry (two to " + config.max + ").");
      else if (ids.length === 1) parts.push("Choose at least one more entry to compare.");
      else if (ids.length >= config.max) parts.push(config.max + " entries chosen, the most at once: remove one to add another.");
      else parts.push(ids.length + " entries chosen; you can add " + (config.max - ids.length) + " more.");
      say(parts.join(" "));
    }

    function add(id) {
      if (ids.indexOf(id) !== -1 || ids.length >= config.max) return;
      ids.push(id);
      problems = [];
      search.value = "";
      showMatches();
      changed();
      search.focus();
    }

    function remove(id) {
      ids = ids.filter(function (x) { return x !== id; });
      changed();
    }

    function showMatches() {
      matches.textContent = "";
      var words = norm(search.value).split(/\s+/).filter(Boolean);
      if (!words.length || !index) return;
      var found = [];
      Object.keys(index).forEach(function (id) {
        var entry = index[id];
        if (ids.indexOf(id) !== -1) return;
        var names = [entry.name].concat(entry.aliases || []);
        var hay = norm(names.join(" ") + " " + id);
        if (!words.every(function (w) { return hay.indexOf(w) !== -1; })) return;
        var name = norm(entry.name);
        var rank = name === words.join(" ") ? 0 : name.indexOf(words[0]) === 0 ? 1 : name.indexOf(words[0]) !== -1 ? 2 : 3;
        found.push({ entry: entry, rank: rank });
      });
      found.sort(function (a, b) {
        return a.rank - b.rank || (b.entry.date || "").localeCompare(a.entry.date || "") || a.entry.name.localeCompare(b.entry.name);
      });
      var full = ids.length >= config.max;
      found.slice(0, 8).forEach(function (item) {
        var entry = item.entry;
        var also = (entry.aliases || []).filter(function (a) {
          return words.some(function (w) { return norm(a).indexOf(w) !== -1; });
        });
        var text = entry.name + " (" + label("kinds", entry.kind).toLowerCase() + ", " + yearOf(entry.date) + ")";
        if (also.length && !words.every(function (w) { return norm(entry.name).indexOf(w) !== -1; })) {
          text += ", also known as " + also.slice(0, 2).join(", ");
        }
        var button = h("button", { type: "button", class: "medlm-compare-add", "data-id": entry.id, disabled: full }, ["Add " + text]);
        button.addEventListener("click", function () { add(entry.id); });
        matches.appendChild(h("li", {}, [button]));
      });
      if (!found.length) matches.appendChild(h("li", { class: "medlm-compare-none", text: "No entry matches \u201c" + search.value.trim() + "\u201d." }));
      else if (found.length > 8) matches.appendChild(h("li", { class: "medlm-compare-none", text: (found.length - 8) + " more: type more of the name." }));
    }

    function showChosen() {
      chosenBox.textContent = "";
      if (!ids.length) return;
      var list = h("ul", { class: "medlm-compare-chosen-list", "aria-label": "Chosen entries" });
      ids.forEach(function (id) {
        var button = h("button", { type: "button", class: "medlm-compare-remove", "aria-label": "Remove " + index[id].name }, ["Remove"]);
        button.addEventListener("click", function () {
          remove(id);
          search.focus();
        });
        list.appendChild(h("li", {}, [entryLink(id), " ", button]));
      });
      chosenBox.appendChild(list);
    }

    function changed() {
      writeAddress();
      hint();
      showChosen();
      showMatches();
      render();
    }

    /* --- the comparison ---------------------------------------------------------------- */

    function list(items) {
      return items.length ? items.join(", ") : null;
    }

    function cellOf(value) {
      if (value === null || value === undefined || value === "") return h("td", { class: "medlm-unrecorded", text: "not recorded" });
      if (typeof value === "string") return h("td", { text: value });
      return h("td", {}, [value]);
    }

    function links(ids_) {
      var span = h("span");
      ids_.forEach(function (id, i) {
        if (i) span.appendChild(document.createTextNode(", "));
        span.appendChild(entryLink(id));
      });
      return span;
    }

    function sizes(doc) {
      if (doc.kind !== "model") return doc.size || null;
      var variants = (doc.variants || []).map(function (v) {
        return v.parameters && v.parameters !== v.name ? v.name + " (" + v.parameters + ")" : v.name;
      });
      return list(variants);
    }

    function accessLabel(doc) {
      if (!doc.access) return null;
      var table = config.access[doc.kind === "model" ? "model" : "data"] || {};
      return table[doc.access] || doc.access;
    }

    function externalLinks(doc) {
      var out = [];
      LINKS.forEach(function (pair) {
        var url = doc.links && doc.links[pair[0]];
        if (url && SAFE_URL.test(url)) out.push(h("a", { href: url, rel: "noopener nofollow", text: pair[1] }));
      });
      var paper = doc.paper || {};
      if (paper.arxiv) out.push(h("a", { href: "https://arxiv.org/abs/" + encodeURIComponent(paper.arxiv), rel: "noopener nofollow", text: "arXiv" }));
      if (paper.doi) out.push(h("a", { href: "https://doi.org/" + encodeURI(paper.doi), rel: "noopener nofollow", text: "DOI" }));
      if (paper.url && SAFE_URL.test(paper.url)) out.push(h("a", { href: paper.url, rel: "noopener nofollow", text: "Paper" }));
      if (!out.length) return null;
      var span = h("span", { class: "medlm-compare-links" });
      out.forEach(function (a, i) {
        if (i) span.appendChild(document.createTextNode(" · "));
        span.appendChild(a);
      });
      return span;
    }

    /* The rows of the fields table: [label, function(doc) -> string | node | null]. */
    var FIELDS = [
      ["Kind", function (d) { return label("kinds", d.kind) + (d.scope === "general" ? " (general-purpose)" : ""); }],
      ["Families", function (d) { return list((d.categories || []).map(function (t) { return label("categories", t); })); }],
      ["Date", function (d) { return d.date; }],
      ["Organisations", function (d) { return (d.organizations || []).join("; ") || null; }],
      ["Sizes and variants", sizes],
      ["Access", accessLabel],
      ["Licence", function (d) { return d.license || null; }],
      ["Modalities", function (d) { return list((d.modalities || []).map(function (t) { return label("modalities", t); })); }],
      ["Tasks", function (d) { return list((d.tasks || []).map(function (t) { return label("tasks", t); })); }],
      ["Trained on", function (d) {
        if (d.kind !== "model") return "\u2014";
        if (d.trained_on === undefined) return null;
        return d.trained_on.length ? links(d.trained_on) : "no catalogued dataset";
      }],
      ["Based on", function (d) {
        var bases = d.kind === "model" ? d.base_models || [] : d.built_from || [];
        if (bases.length) return links(bases);
        return d.kind === "model" ? "no recorded base model" : "\u2014";
      }],
      ["Links", externalLinks]
    ];

    function fieldsTable(chosen) {
      var head = h("tr", {}, [h("th", { scope: "col", text: "Field" })].concat(chosen.map(function (doc) {
        return h("th", { scope: "col" }, [entryLink(doc.id)]);
      })));
      var body = h("tbody");
      FIELDS.forEach(function (field) {
        body.appendChild(h("tr", {}, [h("th", { scope: "row", text: field[0] })].concat(chosen.map(function (doc) {
          return cellOf(field[1](doc));
        }))));
      });
      // No class on the table itself: Material styles only tables without one.
      return h("div", { class: "medlm-scroll medlm-compare-table" }, [h("table", {}, [
        h("caption", { text: "Fields of the chosen entries, one column each" }), h("thead", {}, [head]), body
      ])]);
    }

    /* schema.Result.setting(): benchmark, subset, task, metric, split, shots, prompting. */
    function settingKey(result) {
      return JSON.stringify([
        result.benchmark, result.subset || "", result.task || "", result.metric, result.split || "",
        result.shots === undefined || result.shots === null ? null : result.shots, result.prompting || []
      ]);
    }

    /* pages/common.py setting_label(), without the benchmark. */
    function settingLabel(result) {
      var metric = config.metrics[result.metric];
      var parts = [metric ? metric.label : result.metric];
      var hasShots = result.shots !== undefined && result.shots !== null;
      if (result.subset) parts.push(result.subset);
      if (result.task) parts.push(label("tasks", result.task).toLowerCase());
      parts.push(result.split || "split not stated");
      if (hasShots) parts.push(result.shots === 0 ? "zero-shot" : result.shots + "-shot");
      (result.prompting || []).forEach(function (term) {
        if ((term === "zero-shot" || term === "few-shot") && hasShots) return;
        parts.push(label("settings", term));
      });
      var unique = [];
      parts.forEach(function (part) {
        if (!unique.some(function (u) { return u.toLowerCase() === part.toLowerCase(); })) unique.push(part);
      });
      return unique.join(" \u00b7 ");
    }

    /* pages/common.py display_value(): the value on the metric's own scale. */
    function shown(result) {
      var metric = config.metrics[result.metric];
      var scale = metric ? metric.scale : null;
      var printed = result.scale || scale;
      if (printed === scale || (scale !== "unit" && scale !== "percent")) return result.value;
      return scale === "percent" ? result.value * 100 : result.value / 100;
    }

    function selfReported(result) {
      var source = result.source || {};
      if (source.self_reported !== undefined && source.self_reported !== null) return source.self_reported;
      return (source.paper || "self") === "self" && !source.arxiv && !source.doi;
    }

    function scoreCell(results, best) {
      var td = h("td", { class: "medlm-num" });
      if (!results || !results.length) {
        td.className = "medlm-num medlm-unrecorded";
        td.textContent = "\u2014";
        td.setAttribute("title", "no score in this setting");
        return td;
      }
      results.forEach(function (result, i) {
        if (i) td.appendChild(h("br"));
        var value = shown(result);
        var text = formatValue(value);
        var printed = formatValue(result.value);
        var item = h("span", { class: "medlm-compare-value" });
        var number = value === best ? h("strong", { text: text }) : h("span", { text: text });
        item.appendChild(number);
        if (printed !== text) {
          item.setAttribute("title", "as printed in the source: " + printed);
          item.appendChild(h("span", { class: "medlm-printed", text: " (" + printed + ")" }));
        }
        if (value === best) item.appendChild(h("span", { class: "medlm-compare-best", text: " best" }));
        var notes = [];
        if (result.variant) notes.push(result.variant);
        if (!selfReported(result)) notes.push("third-party");
        if (notes.length) item.appendChild(h("span", { class: "medlm-compare-note", text: " " + notes.join(", ") }));
        td.appendChild(item);
      });
      return td;
    }

    function scoresSection(chosen) {
      var models = chosen.filter(function (doc) { return (doc.results || []).length; });
      var section = [h("h2", { id: "compare-scores", text: "Scores on shared benchmarks" })];
      if (models.length < 2) {
        section.push(h("p", { text: models.length
          ? "Only one of the chosen entries has recorded scores, so there is nothing to line up."
          : "None of the chosen entries has recorded scores (only models have them)." }));
        return section;
      }
      var settings = {};   // key -> {first result, by: {id: [results]}}
      var benchmarks = {}; // benchmark -> {ids with any score}
      models.forEach(function (doc) {
        doc.results.forEach(function (result) {
          var key = settingKey(result);
          var setting = settings[key] = settings[key] || { result: result, by: {} };
          (setting.by[doc.id] = setting.by[doc.id] || []).push(result);
          (benchmarks[result.benchmark] = benchmarks[result.benchmark] || {})[doc.id] = true;
        });
      });
      var shared = Object.keys(settings).filter(function (key) { return Object.keys(settings[key].by).length >= 2; });
      var benchName = function (id) { return index[id] ? index[id].name : id; };
      shared.sort(function (a, b) {
        var x = settings[a], y = settings[b];
        return benchName(x.result.benchmark).localeCompare(benchName(y.result.benchmark)) ||
          Object.keys(y.by).length - Object.keys(x.by).length || settingLabel(x.result).localeCompare(settingLabel(y.result));
      });
      if (shared.length) {
        var head = h("tr", {}, [h("th", { scope: "col", text: "Benchmark" }), h("th", { scope: "col", text: "Setting" })].concat(
          chosen.map(function (doc) { return h("th", { scope: "col" }, [entryLink(doc.id)]); })));
        var body = h("tbody");
        shared.forEach(function (key) {
          var setting = settings[key];
          var result = setting.result;
          var metric = config.metrics[result.metric] || {};
          var lower = metric.direction === "lower";
          var values = [];
          Object.keys(setting.by).forEach(function (id) { setting.by[id].forEach(function (r) { values.push(shown(r)); }); });
          var best = lower ? Math.min.apply(null, values) : Math.max.apply(null, values);
          var unit = metric.scale === "percent" ? " (%)" : metric.scale === "unit" ? " (0\u20131)" : "";
          var benchmark = config.boards.indexOf(result.benchmark) !== -1
            ? h("a", { href: config.root + "leaderboards/" + result.benchmark + "/", text: benchName(result.benchmark) })
            : entryLink(result.benchmark);
          body.appendChild(h("tr", { "data-setting": key }, [
            h("th", { scope: "row" }, [benchmark]),
            h("td", {}, [settingLabel(result) + unit, h("span", { class: "medlm-compare-note", text: lower ? " lower is better" : " higher is better" })])
          ].concat(chosen.map(function (doc) { return scoreCell(setting.by[doc.id], best); }))));
        });
        section.push(h("div", { class: "medlm-scroll medlm-compare-table medlm-compare-scores-table" }, [h("table", {}, [
          h("caption", { text: "Scores in the settings at least two of them share, on the metric's scale; the best in each row is marked" }),
          h("thead", {}, [head]), body
        ])]));
      } else {
        section.push(h("p", { text: "They have no benchmark setting in common, so no score can be lined up." }));
      }
      // Benchmarks both were scored on, but never in the same setting.
      var apart = Object.keys(benchmarks).filter(function (b) {
        return Object.keys(benchmarks[b]).length >= 2 && !shared.some(function (key) { return settings[key].result.benchmark === b; });
      });
      if (apart.length) {
        var p = h("p", { class: "medlm-compare-apart" }, ["Scored on the same benchmark but never in the same setting (not comparable): "]);
        apart.forEach(function (b, i) {
          if (i) p.appendChild(document.createTextNode(", "));
          p.appendChild(config.boards.indexOf(b) !== -1
            ? h("a", { href: config.root + "leaderboards/" + b + "/", text: benchName(b) }) : entryLink(b));
        });
        p.appendChild(document.createTextNode(". Their leaderboards show every setting."));
        section.push(p);
      }
      return section;
    }

    function render() {
      var mine = generation += 1;
      fieldsBox.textContent = "";
      scoresBox.textContent = "";
      if (!ids.length) return;
      var wanted = ids.slice();
      Promise.all(wanted.map(load)).then(function (chosen) {
        if (mine !== generation) return;
        fieldsBox.appendChild(h("h2", { id: "compare-fields", text: "Side by side" }));
        fieldsBox.appendChild(fieldsTable(chosen));
        if (chosen.length >= 2) scoresSection(chosen).forEach(function (node) { scoresBox.appendChild(node); });
      }).catch(function (error) {
        if (mine !== generation) return;
        say("Could not load the chosen entries (" + error.message + ").");
      });
    }

    /* --- start ------------------------------------------------------------------------- */

    search.disabled = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = matches.querySelector("button:not([disabled])");
      if (first) first.click();
    });
    search.addEventListener("input", showMatches);
    app.querySelector("[data-compare-clear]").addEventListener("click", function () {
      ids = [];
      problems = [];
      changed();
    });

    fetch(config.api + "index.json").then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      index = {};
      data.entries.forEach(function (entry) {
        index[entry.id] = {
          id: entry.id, kind: entry.kind, name: entry.name, date: entry.date,
          aliases: entry.aliases || config.aliases[entry.id] || []
        };
      });
      search.disabled = false;
      ids = readAddress();
      changed();
    }).catch(function (error) {
      say("Could not load the list of entries (" + error.message + "). Open the site through a web server, not from a file.");
    });
  };
})();
