// Draws each choice question's counts as a horizontal bar chart (Apache ECharts, served from this site).
(function () {
  if (!window.echarts) return;
  var elder = document.documentElement.classList.contains("elder") || document.body.classList.contains("elder");
  var size = elder ? 18 : 13;
  document.querySelectorAll("[data-survey-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) return;
    var d = JSON.parse(source.textContent);
    el.style.height = Math.max(160, d.labels.length * (elder ? 56 : 40) + 40) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: elder ? 110 : 80, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: size } },
      yAxis: { type: "category", inverse: true, data: d.labels, axisLabel: { fontSize: size, width: elder ? 140 : 180, overflow: "break" } },
      series: [{
        type: "bar", data: d.values, barMaxWidth: elder ? 36 : 24,
        label: { show: true, position: "right", fontSize: size,
                 formatter: function (p) { return p.value + " · " + d.shares[p.dataIndex] + "%"; } }
      }],
      color: ["#ff7a59"]
    });
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
