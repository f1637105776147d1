/* medlm-survey: the timeline's interactive chart (loaded by views.js after the vendored
   Chart.js). It draws the counts of the page's data island (#medlm-timeline-data: per kind,
   family and year) for the families and kinds ticked in the page's filter form, stacked by
   family, on an axis with every year from the first to the last shown (empty years stay).
   The current year, still under way when the site was built, is drawn lighter and
   labelled partial. The server-drawn picture it replaces is the page without script. */
(function () {
  "use strict";

  var views = window.medlmViews = window.medlmViews || {};

  function cssColour(name, fallback) {
    var value = window.getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function ticked(form, filter) {
    var out = {};
    form.querySelectorAll("input[data-filter=" + filter + "]").forEach(function (input) {
      out[input.value] = input.checked;
    });
    return out;
  }

  /* The datasets for the ticked families and kinds, and the span of years to show. */
  function series(data, form) {
    var families = ticked(form, "family");
    var kinds = ticked(form, "kind");
    var size = data.years.length;
    var first = size, last = -1;
    var datasets = data.families.filter(function (family) { return families[family.id]; }).map(function (family) {
      var values = [];
      for (var i = 0; i < size; i += 1) values.push(0);
      Object.keys(data.counts).forEach(function (kind) {
        if (!kinds[kind]) return;
        (data.counts[kind][family.id] || []).forEach(function (n, i) { values[i] += n; });
      });
      values.forEach(function (n, i) {
        if (n) { first = Math.min(first, i); last = Math.max(last, i); }
      });
      return { family: family, values: values };
    });
    return { first: first, last: last, datasets: datasets, kinds: kinds };
  }

  views.timeline = function (box, root, data) {
    var Chart = window.Chart;
    var live = box.querySelector("[data-chart-live]");
    var fallback = box.querySelector("[data-chart-fallback]");
    var form = root.querySelector("form");
    if (!Chart || !live || !form || box.dataset.chart) return;
    box.dataset.chart = "1";
    var canvas = live.querySelector("canvas");
    var caption = live.querySelector("[data-chart-caption]");
    live.hidden = false;
    if (fallback) fallback.hidden = true;

    function build() {
      var s = series(data, form);
      var years = s.last < 0 ? [] : data.years.slice(s.first, s.last + 1);
      var partialAt = years.indexOf(data.partial);
      var labels = years.map(function (year) { return year === data.partial ? [String(year), "(partial)"] : String(year); });
      var datasets = s.datasets.map(function (d) {
        var values = s.last < 0 ? [] : d.values.slice(s.first, s.last + 1);
        return {
          label: d.family.label,
          familyId: d.family.id,
          data: values,
          // the partial year: lighter fill, full-colour outline
          backgroundColor: values.map(function (_, i) { return i === partialAt ? d.family.colour + "73" : d.family.colour; }),
          borderColor: d.family.colour,
          borderWidth: values.map(function (_, i) { return i === partialAt ? 2 : 0; }),
          stack: "families"
        };
      });
      var kindNames = Object.keys(s.kinds).filter(function (k) { return s.kinds[k]; }).map(function (k) { return data.kinds[k].toLowerCase(); });
      var what = kindNames.length ? kindNames.join(", ") : "nothing";
      var totals = datasets.map(function (d) {
        return d.label + " " + d.data.reduce(function (a, b) { return a + b; }, 0);
      });
      var summary = years.length
        ? "Stacked bar chart of " + what + " per year from " + years[0] + " to " + years[years.length - 1] +
          ", by family (an entry in two families counts in both): " + totals.join(", ") + "."
        : "Empty chart: tick at least one family and one kind.";
      return { labels: labels, datasets: datasets, summary: summary, what: what, partial: partialAt !== -1 };
    }

    function colours(options) {
      var ink = cssColour("--md-default-fg-color", "#333");
      var grid = cssColour("--md-default-fg-color--lightest", "#ddd");
      options.color = ink;
      options.scales.x.ticks.color = ink;
      options.scales.y.ticks.color = ink;
      options.scales.y.title.color = ink;
      options.scales.y.grid.color = grid;
      options.plugins.legend.labels.color = ink;
    }

    function describe(view) {
      canvas.setAttribute("aria-label", view.summary + " The numbers of every year are in the table below.");
      canvas.dataset.summary = view.summary;
      var text = "Entries shown per year and family: " + view.what + " (an entry in two families counts in both).";
      if (view.partial) text += " " + data.partial + " is partial: entries released up to " + data.built + ", when the site was built.";
      caption.textContent = text;
    }

    var view = build();
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: {
          stacked: true,
          grid: { display: false },
          ticks: {
            maxRotation: 0,
            autoSkip: true,
            // At phone width a year is written '19 (the partial year keeps its note).
            callback: function (value) {
              var label = this.getLabelForValue(value);
              var narrow = this.chart.width < 480;
              if (!narrow) return label;
              return Array.isArray(label) ? ["\u2019" + label[0].slice(2), "(part)"] : "\u2019" + String(label).slice(2);
            }
          }
        },
        y: {
          stacked: true,
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: "Entries" },
          grid: {}
        }
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            title: function (items) {
              var label = items.length ? items[0].label : "";
              return String(label).replace(",", " ");
            },
            footer: function (items) {
              var total = items.reduce(function (sum, item) { return sum + item.parsed.y; }, 0);
              return "Together: " + total;
            }
          }
        }
      }
    };
    colours(options);
    var chart = new Chart(canvas, { type: "bar", data: { labels: view.labels, datasets: view.datasets }, options: options });
    describe(view);

    form.addEventListener("change", function () {
      var next = build();
      chart.data.labels = next.labels;
      chart.data.datasets = next.datasets;
      chart.update();
      describe(next);
    });
    // Material's palette toggle: redraw with the scheme's text colour.
    new MutationObserver(function () {
      colours(chart.options);
      chart.update();
    }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  };
})();
