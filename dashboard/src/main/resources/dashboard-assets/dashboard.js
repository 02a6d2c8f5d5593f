// agentmeter dashboard: live figures and alerts over server-sent events, and the trend charts.
// No build step: plain browser JavaScript and uPlot from its WebJar.
(function () {
  "use strict";

  function setText(el, text) { if (el && el.textContent !== text) { el.textContent = text; } }

  function onSpend(data) {
    ["today", "month", "projection"].forEach(function (k) {
      var el = document.querySelector('[data-live="' + k + '"]');
      if (el && data[k]) { setText(el, data[k].text); if (data[k].usd !== null) { el.title = data[k].usd; } }
    });
    (data.budgets || []).forEach(function (b) {
      var li = document.querySelector('[data-budget="' + CSS.escape(b.id) + '"]');
      if (!li) { return; }
      var meter = li.querySelector("meter");
      if (meter) { meter.value = Math.min(1, parseFloat(b.usedRatio)); meter.textContent = b.usedPercent + " %"; }
      setText(li.querySelector('[data-field="usedPercent"]'), b.usedPercent + " %");
      var level = li.querySelector('[data-field="level"]');
      if (level) { setText(level, b.level); level.className = "level level-" + b.level; }
      var money = li.querySelector('[data-field="text"]');
      if (money) { setText(money, b.text); money.title = b.spendUsd + " of " + b.limitUsd; }
    });
  }

  function onAlert(a) {
    var feed = document.getElementById("alert-feed");
    if (!feed || feed.querySelector('[data-alert-id="' + CSS.escape(a.alertId) + '"]')) { return; }
    var empty = document.getElementById("alert-feed-empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.className = "new";
    li.dataset.alertId = a.alertId;
    var time = document.createElement("time");
    time.dateTime = a.raisedAt;
    time.textContent = new Date(a.raisedAt).toLocaleString();
    var level = document.createElement("span");
    level.className = "level level-" + a.level;
    level.textContent = a.level;
    li.append(time, " ", level, " " + a.text);
    feed.prepend(li);
    while (feed.children.length > 50) { feed.lastElementChild.remove(); }
  }

  function connect() {
    var status = document.getElementById("live-status");
    if (!window.EventSource) { setText(status, "not live (no EventSource)"); return; }
    var source = new EventSource("/live");
    source.addEventListener("open", function () { setText(status, "live"); status.className = "live on"; });
    source.addEventListener("error", function () { setText(status, "reconnecting…"); status.className = "live off"; });
    source.addEventListener("spend", function (e) {
      var data = JSON.parse(e.data);
      onSpend(data);
      setText(status, data.source === "processor" ? "live" : "live (from " + data.source + ")");
    });
    source.addEventListener("alert", function (e) { onAlert(JSON.parse(e.data)); });
  }

  function charts() {
    document.querySelectorAll("script[data-chart]").forEach(function (s) {
      var el = document.getElementById(s.dataset.chart);
      if (!el || !window.uPlot) { return; }
      var d = JSON.parse(s.textContent);
      var xs = d.x.map(function (day) { return Date.parse(day + "T00:00:00Z") / 1000; });
      var ys = d.y.map(parseFloat); // for drawing only: the table under the chart has the exact figures
      var width = Math.max(280, el.clientWidth || 600);
      var step = xs.length > 1 ? xs[1] - xs[0] : 86400; // a day, or a week
      var half = step / 2;
      new uPlot({
        width: width, height: 240, tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
        // Half a bucket either side, so that one day (or a few) is a bar, not a point lost in years of axis.
        scales: { x: { time: true, range: function (u, min, max) { return [min - half, max + half]; } } },
        legend: { show: true },
        series: [
          { label: "day", value: function (u, v, si, i) { return i == null ? "–" : d.x[i]; } },
          { label: "cost", stroke: "#0b5fff", fill: "rgba(11,95,255,0.25)",
            paths: uPlot.paths.bars({ size: [0.7, 60] }),
            value: function (u, v, si, i) { return i == null ? "–" : d.text[i]; } }
        ],
        axes: [{}, { values: function (u, vals) { return vals.map(function (v) { return "$" + v; }); }, size: 70 }]
      }, [xs, ys], el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { connect(); charts(); });
})();
