/* Draws every chart of the page with Apache ECharts (vendored, served by the app). A chart is an
   element .chart with data-spec naming a JSON script element: {kind: bar|stack|pie, unit,
   categories, series: [{name, values}], links}. The numbers are also in the table under it. */
(function () {
  "use strict";

  function option(spec) {
    if (spec.kind === "pie") {
      var first = spec.series[0] || { values: [] };
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          data: spec.categories.map(function (c, i) { return { name: c, value: first.values[i] }; })
        }]
      };
    }
    var many = spec.categories.length > 6;
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 36, bottom: many ? 88 : 40, containLabel: false },
      xAxis: {
        type: "category",
        data: spec.categories,
        axisLabel: { rotate: many ? 40 : 0, interval: 0, fontSize: 11 }
      },
      yAxis: { type: "value", name: spec.unit },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: spec.kind === "stack" ? "all" : undefined, data: s.values };
      })
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.spec);
    if (!source || !window.echarts) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec));
    chart.on("click", function (event) {
      var link = (spec.links || [])[event.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.drawn = "true";
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-spec]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
