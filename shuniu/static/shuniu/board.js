// The office board's charts (board/_office_figures.html), drawn with ECharts from the numbers the tables show.
(function () {
  "use strict";
  var source = document.getElementById("board-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var large = document.body.classList.contains("board-wall");
  var font = { fontSize: large ? 18 : 12 };
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    option.animation = false;
    option.textStyle = font;
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-circulation", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["平均", "最长"], textStyle: font },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.circulation.urgency, axisLabel: font },
    yAxis: { type: "value", name: "小时", axisLabel: font },
    series: [
      { name: "平均", type: "bar", data: data.circulation.mean, itemStyle: { color: "#0d6efd" } },
      { name: "最长", type: "bar", data: data.circulation.worst, itemStyle: { color: "#adb5bd" } }
    ]
  });
  draw("chart-lights", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: ["红灯", "黄灯", "绿灯"], textStyle: font },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: font },
    yAxis: { type: "category", inverse: true, data: data.lights.units, axisLabel: font },
    series: [
      { name: "红灯", type: "bar", stack: "lights", data: data.lights.red, itemStyle: { color: "#dc3545" } },
      { name: "黄灯", type: "bar", stack: "lights", data: data.lights.yellow, itemStyle: { color: "#ffc107" } },
      { name: "绿灯", type: "bar", stack: "lights", data: data.lights.green, itemStyle: { color: "#198754" } }
    ]
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["收文", "督办事项", "信访"], textStyle: font },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.trend.weeks, axisLabel: font },
    yAxis: { type: "value", minInterval: 1, axisLabel: font },
    series: [
      { name: "收文", type: "line", data: data.trend.documents, itemStyle: { color: "#0d6efd" } },
      { name: "督办事项", type: "line", data: data.trend.matters, itemStyle: { color: "#dc3545" } },
      { name: "信访", type: "line", data: data.trend.petitions, itemStyle: { color: "#6f42c1" } }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  // The wall display (大屏) reads the figures again every so often: nobody is there to press F5. Such a
  // reload (?auto=1) does not count as someone working, so an unattended screen still logs out when idle;
  // a screen opened with its wall token (?token=) keeps it.
  var refresh = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  if (refresh > 0) {
    window.setTimeout(function () {
      var params = new URLSearchParams(window.location.search);
      params.set("auto", "1");
      window.location.replace(window.location.pathname + "?" + params.toString());
    }, refresh * 1000);
  }
}());
