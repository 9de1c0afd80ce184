// Draws the cockpit's charts with Apache ECharts from the JSON the page embeds.
(function () {
  if (!window.echarts) return;
  var dark = document.body.classList.contains("screen");
  var text = dark ? "#e8eef7" : "#1f2328";
  var elder = document.documentElement.classList.contains("elder");
  var size = elder ? 18 : 12;
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var builders = {
    radar: function (d) {
      var max = d.labels.map(function (l) { return { name: l, max: 100 }; });
      return { radar: { indicator: max, axisName: { color: text, fontSize: size } },
               series: [{ type: "radar", data: [{ value: d.values, areaStyle: { opacity: 0.3 } }] }], color: ["#ff7a59"] };
    },
    bar: function (d) {
      // counts (people, communities) get whole-number ticks
      var whole = d.values.every(function (v) { return v === Math.round(v); });
      return { grid: { left: 48, right: 16, bottom: 48 }, tooltip: {},
               xAxis: { type: "category", data: d.labels, axisLabel: { color: text, fontSize: size, rotate: d.labels.length > 6 ? 30 : 0 } },
               yAxis: { type: "value", minInterval: whole ? 1 : 0, axisLabel: { color: text, fontSize: size } },
               series: [{ type: "bar", data: d.values, label: { show: true, position: "top", color: text, fontSize: size } }], color: ["#ff7a59"] };
    },
    hbar: function (d) {
      return { grid: { left: 150, right: 40, top: 8, bottom: 24 }, tooltip: {},
               xAxis: { type: "value", max: 100, axisLabel: { color: text, fontSize: size } },
               yAxis: { type: "category", data: d.labels, axisLabel: { color: text, fontSize: size } },
               series: [{ type: "bar", data: d.values, label: { show: true, position: "right", color: text, fontSize: size } }], color: ["#4fc3f7"] };
    },
    line: function (d) {
      return { grid: { left: 40, right: 16, bottom: 32 }, tooltip: { trigger: "axis" },
               xAxis: { type: "category", data: d.labels, axisLabel: { color: text, fontSize: size } },
               yAxis: { type: "value", min: 0, max: 100, axisLabel: { color: text, fontSize: size } },
               series: [{ type: "line", data: d.values, smooth: true, areaStyle: { opacity: 0.2 } }], color: ["#ffd54f"] };
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data(el.getAttribute("data-source"));
    var build = builders[el.getAttribute("data-chart")];
    if (!d || !build) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(build(d));
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
