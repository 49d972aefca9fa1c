/* Charts of the summary pages, drawn with the vendored Chart.js (static/web/vendor, no CDN).
 * Data comes from <script type="application/json"> blocks rendered by the server:
 *   #growth-data  (Anak): WHO -3..+3 SD curves and the child's points, weight and length.
 *   #trend-data   (Tren): 12 months of SKDN ratios and stunting.
 */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.animation = false;
  Chart.defaults.font.family = '"DejaVu Sans", system-ui, sans-serif';

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // SD lines: -3 and +3 red, -2 and +2 orange, -1 and +1 light green, median green.
  var SD_COLOURS = ["#b3261e", "#e67e22", "#9ccc65", "#1e7b3a", "#9ccc65", "#e67e22", "#b3261e"];

  function growthChart(canvasId, series, labels) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !series) { return; }
    var datasets = series.curves.map(function (curve, i) {
      return {label: labels.sd[i], data: curve, borderColor: SD_COLOURS[i], borderWidth: i === 3 ? 2 : 1,
              pointRadius: 0, fill: false, tension: 0.2};
    });
    datasets.push({label: labels.child, data: series.points, borderColor: "#0f6e6e", backgroundColor: "#0f6e6e",
                   borderWidth: 2, pointRadius: 4, showLine: true});
    canvas.dataset.points = String(series.points.length);
    new Chart(canvas, {
      type: "line",
      data: {datasets: datasets},
      options: {maintainAspectRatio: false, parsing: false,
                scales: {x: {type: "linear", title: {display: true, text: labels.x}}},
                plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}}
    });
  }

  var growth = readJson("growth-data");
  if (growth) {
    growthChart("chart-weight", growth.weight, growth.labels);
    growthChart("chart-length", growth.length, growth.labels);
  }

  var trend = readJson("trend-data");
  if (trend) {
    var colours = ["#0f6e6e", "#e67e22", "#5b6472", "#b3261e"];
    trend.charts.forEach(function (chart) {
      var canvas = document.getElementById(chart.canvas);
      if (!canvas) { return; }
      canvas.dataset.points = String(trend.periods.length);
      new Chart(canvas, {
        type: chart.type || "line",
        data: {labels: trend.labels || trend.periods, datasets: chart.series.map(function (s, i) {
          return {label: s.label, data: s.values, borderColor: colours[i % colours.length],
                  backgroundColor: colours[i % colours.length], spanGaps: true, tension: 0.2};
        })},
        options: {maintainAspectRatio: false,
                  scales: {y: {beginAtZero: true, ticks: chart.yLabel ? {precision: 0} : {},
                               title: {display: true, text: chart.yLabel || trend.yLabel}}},
                  plugins: {legend: {position: "bottom"}}}
      });
    });
  }
}());
