// Charts of the admin workbench (core/workbench.py): data from the json_script block
// #workbench-charts, drawn with ECharts (served from our static files: the admin's
// Content-Security-Policy allows no other host). Each chart has a data table beside it for
// screen readers; the drawing itself is aria-hidden.
(function () {
  "use strict";

  function option(chart) {
    var hasPercent = chart.series.some(function (s) { return s.unit === "%"; });
    var yAxis = [{ type: "value", minInterval: 1 }];
    if (hasPercent) {
      yAxis.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } });
    }
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: hasPercent ? 56 : 24, top: 40, bottom: 32 },
      xAxis: { type: "category", data: chart.months },
      yAxis: yAxis,
      series: chart.series.map(function (s) {
        return {
          name: s.unit ? s.name + "（" + s.unit + "）" : s.name,
          type: s.kind === "line" ? "line" : "bar",
          yAxisIndex: s.unit === "%" ? 1 : 0,
          data: s.values,
          connectNulls: false
        };
      })
    };
  }

  function draw() {
    var data = document.getElementById("workbench-charts");
    if (!data || typeof window.echarts === "undefined") {
      return;
    }
    JSON.parse(data.textContent).forEach(function (chart) {
      var el = document.querySelector('[data-chart="' + chart.key + '"]');
      if (!el) {
        return;
      }
      var instance = window.echarts.init(el, null, { renderer: "svg" });
      instance.setOption(option(chart));
      window.addEventListener("resize", function () { instance.resize(); });
      el.setAttribute("data-drawn", "true");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
