#include "reports/html_report.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/error.hpp"

namespace retailsim {

namespace {

// The page: styles, Chart.js, the data, and the script that draws from it.
// Everything shown is set with textContent or drawn on canvases: nothing
// in the data is ever parsed as HTML.
constexpr const char* page_head = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>retailsim report</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;color:#222;max-width:1180px;padding:0 16px}
h1{font-size:21px;margin-bottom:4px}h2{font-size:16px;margin:30px 0 6px;border-bottom:1px solid #ddd}
.meta{color:#555;margin:2px 0}.ok{color:#176e2c;font-weight:600}.fail{color:#b00020;font-weight:600}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
td,th{border:1px solid #d4d4d4;padding:3px 9px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}
.chart{position:relative;height:330px;margin:6px 0 20px}.note{color:#666;font-size:12px}
#selfcheck{display:none}
</style>
<script>
)";

constexpr const char* page_middle = R"(
</script>
</head><body>
<div id="report"></div>
<div id="selfcheck" data-done="0" data-charts="0" data-drawn="0" data-errors="0"></div>
<script type="application/json" id="data">)";

constexpr const char* page_script = R"(</script>
<script>
(function () {
  'use strict';
  var errors = 0;
  var charts = [];
  var check = document.getElementById('selfcheck');
  window.addEventListener('error', function () {
    errors++;
    check.setAttribute('data-errors', String(errors));
  });
  var D = JSON.parse(document.getElementById('data').textContent);
  var root = document.getElementById('report');
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd',
                 '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 12;

  function add(parent, tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  function num(x, digits) {
    if (x === null || x === undefined || (typeof x === 'number' && isNaN(x))) return '-';
    if (typeof x !== 'number') return String(x);
    var d = digits === undefined ? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2) : digits;
    return x.toLocaleString('en-US', {maximumFractionDigits: d, minimumFractionDigits: 0});
  }
  function table(parent, head, rows) {
    var t = add(parent, 'table');
    var tr = add(t, 'tr');
    head.forEach(function (h) { add(tr, 'th', h); });
    rows.forEach(function (r) {
      var row = add(t, 'tr');
      r.forEach(function (c) {
        var td = add(row, 'td', typeof c === 'object' && c !== null ? c.text : num(c));
        if (typeof c === 'object' && c !== null && c.cls) td.className = c.cls;
      });
    });
    return t;
  }
  function hhmm(hours) {
    var m = Math.round(hours * 60);
    return Math.floor(m / 60) + ':' + ('0' + (m % 60)).slice(-2);
  }

  // Shades x ranges (in the x axis's units) behind the datasets.
  var shade = {
    id: 'shade',
    beforeDatasetsDraw: function (chart, args, opts) {
      if (!opts || !opts.ranges || !opts.ranges.length) return;
      var x = chart.scales.x, a = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = 'rgba(255, 152, 0, 0.16)';
      opts.ranges.forEach(function (r) {
        var x0 = Math.max(a.left, x.getPixelForValue(r[0]));
        var x1 = Math.min(a.right, x.getPixelForValue(r[1]));
        if (x1 > x0) ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
      });
      ctx.restore();
    }
  };
  // A vertical line with a label at x (the knee of a sweep).
  var marker = {
    id: 'marker',
    afterDatasetsDraw: function (chart, args, opts) {
      if (!opts || opts.at === undefined || opts.at === null) return;
      var x = chart.scales.x.getPixelForValue(opts.at), a = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#b00020';
      ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(x, a.top); ctx.lineTo(x, a.bottom); ctx.stroke();
      ctx.fillStyle = '#b00020';
      ctx.fillText(opts.label || 'knee', x + 4, a.top + 12);
      ctx.restore();
    }
  };

  function hasData(datasets) {
    return datasets.some(function (d) {
      return d.data.some(function (p) {
        var y = p !== null && typeof p === 'object' ? p.y : p;
        return y !== null && y !== undefined && !isNaN(y);
      });
    });
  }

  // A chart, or a note when none of its series has a value.
  function chart(parent, title, cfg, note) {
    add(parent, 'h2', title);
    if (note) add(parent, 'div', note, 'note');
    if (!hasData(cfg.data.datasets)) {
      add(parent, 'div', 'Nothing to draw: no samples in this run.', 'note');
      return;
    }
    var box = add(parent, 'div', null, 'chart');
    var canvas = add(box, 'canvas');
    cfg.options = cfg.options || {};
    cfg.options.maintainAspectRatio = false;
    cfg.options.responsive = true;
    cfg.options.interaction = {mode: 'nearest', intersect: false};
    cfg.options.plugins = cfg.options.plugins || {};
    cfg.plugins = [shade, marker];
    charts.push(new Chart(canvas, cfg));
  }

  function line(label, points, i, extra) {
    var d = {label: label, data: points, borderColor: palette[i % palette.length],
             backgroundColor: palette[i % palette.length], borderWidth: 1.6,
             pointRadius: 0, spanGaps: false, tension: 0};
    for (var k in extra || {}) d[k] = extra[k];
    return d;
  }

  // -- one run or several, from their results.json ----------------------------------
  function points(run, column, scale) {
    var s = run.results.series;
    return s.rows.map(function (r) {
      var y = r[column];
      return {x: r.start_s / 3600, y: y === null ? null : y * (scale || 1)};
    });
  }
  function offlineRanges(run) {
    var s = run.results.series, out = [];
    s.rows.forEach(function (r) {
      if (r.terminals_offline > 0 || r.went_offline > 0) {
        var a = r.start_s / 3600, b = (r.start_s + s.interval_s) / 3600;
        if (out.length && Math.abs(out[out.length - 1][1] - a) < 1e-9) out[out.length - 1][1] = b;
        else out.push([a, b]);
      }
    });
    return out;
  }
  function timeOptions(yTitle, run, extraScales) {
    var scales = {
      x: {type: 'linear', title: {display: true, text: 'simulated time (h:mm)'},
          ticks: {callback: function (v) { return hhmm(v); }}},
      y: {beginAtZero: true, title: {display: true, text: yTitle}}
    };
    for (var k in extraScales || {}) scales[k] = extraScales[k];
    return {scales: scales,
            plugins: {shade: {ranges: run ? offlineRanges(run) : []},
                      tooltip: {callbacks: {title: function (items) {
                        return items.length ? hhmm(items[0].parsed.x) : ''; }}}}};
  }

  function header(run) {
    var r = run.results;
    add(root, 'h1', 'retailsim: ' + r.scenario);
    if (r.question) add(root, 'p', r.question, 'meta');
    add(root, 'p', 'run ' + r.run_id + ' · seed ' + r.seed + ' · ' + r.runtime + ' · ' +
        r.stores + ' stores, ' + r.terminals + ' terminals (' + r.async_stores.length +
        ' Async) · ' + num(r.simulated_hours) + ' h simulated in ' + num(r.wall_seconds) +
        ' s wall', 'meta');
    add(root, 'p', r.build + ' · configuration ' + r.config_hash + ' · fingerprint ' +
        r.fingerprint, 'meta');
    var inv = add(root, 'p');
    add(inv, 'span', 'Invariants: ');
    add(inv, 'span', r.invariants.ok ? 'ok' : 'FAILED', r.invariants.ok ? 'ok' : 'fail');
    add(inv, 'span', r.invariants.ok
        ? ' (every acknowledged customer and sale at HQ and at its store exactly once; nothing pending)'
        : '');
    (r.invariants.failures || []).forEach(function (f) { add(root, 'div', f, 'fail'); });
  }

  function thresholds(run) {
    var t = run.results.thresholds || [];
    add(root, 'h2', 'Thresholds');
    if (!t.length) { add(root, 'div', 'The scenario sets none.', 'note'); return; }
    table(root, ['metric', 'condition', 'actual', 'result'], t.map(function (x) {
      return [{text: x.metric}, {text: x.condition}, x.actual,
              {text: x.ok ? 'pass' : 'FAIL', cls: x.ok ? 'ok' : 'fail'}];
    }));
  }

  function latencyTable(runs) {
    var rows = [['Sync creation', 'sync_create'], ['Async creation', 'async_create'],
                ['offline creation', 'offline_create'], ['HQ service', 'hq_service'],
                ['search', 'search'], ['wait in line', 'line_wait'],
                ['cashier creation from its start', 'create'],
                ['... from its intended start', 'create_intended']];
    add(root, 'h2', 'Latency (ms, simulated time; within ' +
        num(100 * (runs[0].results.histogram_relative_error || 0), 2) + '% of exact)');
    var head = ['', 'run', 'count', 'p50', 'p95', 'p99', 'p99.9', 'max'];
    var body = [];
    rows.forEach(function (r) {
      runs.forEach(function (run) {
        var l = run.results.latency[r[1]];
        if (!l || !l.count) return;
        body.push([{text: r[0]}, {text: run.name}, l.count, l.p50_ms, l.p95_ms, l.p99_ms,
                   l.p999_ms, l.max_ms]);
      });
    });
    runs.forEach(function (run) {
      var l = run.results.conversion.lag;
      if (l && l.count) body.push([{text: 'conversion lag'}, {text: run.name}, l.count,
                                   l.p50_ms, l.p95_ms, l.p99_ms, l.p999_ms, l.max_ms]);
    });
    table(root, head, body);
  }

  function oneRun(run) {
    header(run);
    add(root, 'p', 'Shaded: intervals with a terminal offline.', 'note');
    var created = run.results.created;
    table(root, ['created (acknowledged)', 'Sync', 'Async', 'offline', 'RTS fallbacks'],
          [[{text: run.name}, created.sync, created.async, created.offline, created.rts_fallback]]);
    var groups = run.results.by_group || [];
    if (groups.length > 1) {
      add(root, 'h2', 'By store group');
      table(root, ['group', 'Sync', 'Async', 'offline', 'Sync p99 (ms)', 'Async p99 (ms)'],
            groups.map(function (g) {
              return [{text: g.group}, g.created.sync, g.created.async, g.created.offline,
                      g.latency.sync_create.count ? g.latency.sync_create.p99_ms : null,
                      g.latency.async_create.count ? g.latency.async_create.p99_ms : null];
            }));
    }
    thresholds(run);
    latencyTable([run]);
    chart(root, 'Creation latency over time', {
      type: 'line',
      data: {datasets: [
        line('Sync p50', points(run, 'sync_p50_ms'), 0),
        line('Sync p99', points(run, 'sync_p99_ms'), 1),
        line('Async p99', points(run, 'async_p99_ms'), 2),
        line('offline p99', points(run, 'offline_p99_ms'), 3),
        line('p99 from intended start (line wait included)', points(run, 'create_intended_p99_ms'), 4,
             {borderDash: [5, 3]})]},
      options: timeOptions('ms', run)},
      'Per interval of ' + num(run.results.series.interval_s) + ' s.');
    chart(root, 'Throughput', {
      type: 'line',
      data: {datasets: [
        line('Sync', points(run, 'sync_per_s'), 0),
        line('Async', points(run, 'async_per_s'), 2),
        line('offline', points(run, 'offline_per_s'), 3),
        line('RTS fallbacks (per interval)', points(run, 'fallbacks'), 1, {yAxisID: 'y2'})]},
      options: timeOptions('creations per second', run,
                           {y2: {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
                                 title: {display: true, text: 'fallbacks'}}})});
    chart(root, 'Async backlog and conversion lag against the job runs', {
      type: 'line',
      data: {datasets: [
        line('at stores (not staged)', points(run, 'backlog_at_stores'), 0),
        line('staged at HQ', points(run, 'backlog_staged'), 1),
        line('converted, not at channels', points(run, 'backlog_converted'), 2),
        line('conversion lag p99 (s)', points(run, 'conversion_lag_p99_s'), 4,
             {yAxisID: 'y2', borderDash: [5, 3]}),
        {type: 'bar', label: 'job runs ended', data: run.results.series.rows.map(function (r) {
          var n = r.p_job_runs + r.async_sync_runs + r.dist_1010_runs;
          return {x: r.start_s / 3600, y: n ? n : null};
        }), backgroundColor: 'rgba(120,120,120,0.45)', yAxisID: 'y3', barThickness: 2}]},
      options: timeOptions('customers', run, {
        y2: {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
             title: {display: true, text: 'lag (s)'}},
        y3: {display: false, beginAtZero: true}})});
    chart(root, 'HQ: queue depth and busy workers', {
      type: 'line',
      data: {datasets: [
        line('queue depth (most in the interval)', points(run, 'hq_queue_max'), 1),
        line('busy workers (most in the interval)', points(run, 'hq_busy_max'), 0),
        line('refusals', points(run, 'hq_refused'), 3),
        line('HQ service p99 (ms)', points(run, 'hq_service_p99_ms'), 4,
             {yAxisID: 'y2', borderDash: [5, 3]})]},
      options: timeOptions('calls', run, {
        y2: {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
             title: {display: true, text: 'ms'}}})});
    chart(root, 'Terminals offline', {
      type: 'line',
      data: {datasets: [line('terminals offline', points(run, 'terminals_offline'), 3,
                             {fill: true, backgroundColor: 'rgba(255,127,14,0.25)'})]},
      options: timeOptions('terminals', run)});
  }

  function compare(runs) {
    add(root, 'h1', 'retailsim: ' + runs.length + ' runs side by side');
    var names = runs.map(function (r) { return r.name; });
    var t = add(root, 'table');
    var head = add(t, 'tr');
    add(head, 'th', '');
    names.forEach(function (n) { add(head, 'th', n); });
    var fields = [['scenario', function (r) { return r.scenario; }],
                  ['seed', function (r) { return r.seed; }],
                  ['runtime', function (r) { return r.runtime; }],
                  ['configuration', function (r) { return r.config_hash; }],
                  ['invariants', function (r) { return r.invariants.ok ? 'ok' : 'FAILED'; }],
                  ['thresholds', function (r) {
                    var t = r.thresholds || [], ok = t.filter(function (x) { return x.ok; }).length;
                    return t.length ? ok + ' of ' + t.length + ' pass' : '-'; }]];
    fields.forEach(function (f) {
      var tr = add(t, 'tr');
      add(tr, 'td', f[0]);
      runs.forEach(function (r) { add(tr, 'td', f[1](r.results)); });
    });
    var metrics = Object.keys(runs[0].results.metrics || {});
    metrics.forEach(function (m) {
      var tr = add(t, 'tr');
      add(tr, 'td', m);
      runs.forEach(function (r) { add(tr, 'td', num((r.results.metrics || {})[m])); });
    });
    latencyTable(runs);
    function overlay(title, column, yTitle) {
      chart(root, title, {
        type: 'line',
        data: {datasets: runs.map(function (r, i) { return line(r.name, points(r, column), i); })},
        options: timeOptions(yTitle, null)});
    }
    overlay('Sync creation p99 over time', 'sync_p99_ms', 'ms');
    overlay('Async creation p99 over time', 'async_p99_ms', 'ms');
    overlay('Sync creations per second', 'sync_per_s', 'per second');
    overlay('Async backlog at stores', 'backlog_at_stores', 'customers');
    overlay('HQ queue depth', 'hq_queue_max', 'calls');
  }

  // -- a sweep, from its sweep.json -------------------------------------------------
  function sweep(s) {
    add(root, 'h1', 'retailsim sweep: ' + s.scenario);
    var keys = (s.params || []).map(function (p) { return p.key; });
    add(root, 'p', 'Swept: ' + keys.join(', ') + ' · ' + s.seeds + ' seeds per cell from seed ' +
        s.first_seed + ' · bands: 95% confidence interval of the mean (Student t)', 'meta');
    var cells = s.cells || [];
    var labels = cells.map(function (c) {
      return keys.map(function (k) { return JSON.stringify(c.settings[k]); }).join(', ');
    });
    var knee = null, kneeLabel = '';
    if (s.broke_at) {
      cells.forEach(function (c, i) { if (c.cell === s.broke_at) knee = i; });
      kneeLabel = 'knee: ' + s.until;
    } else {
      // Without --until: the first cell whose Sync p99 is twice the lowest before it.
      var lowest = Infinity;
      cells.forEach(function (c, i) {
        var m = c.metrics.sync_p99;
        if (!m || knee !== null) return;
        if (m.mean > 2 * lowest && lowest > 0) knee = i;
        lowest = Math.min(lowest, m.mean);
      });
      kneeLabel = 'knee: Sync p99 doubled';
    }
    if (knee !== null) add(root, 'p', kneeLabel + ' at ' + keys.join(', ') + ' = ' + labels[knee], 'fail');
    var units = s.units || {};
    var latencies = Object.keys(units).filter(function (m) { return units[m] === 'ms'; });
    var counts = Object.keys(units).filter(function (m) { return units[m] !== 'ms'; });
    function banded(metrics, yTitle, title) {
      var datasets = [];
      metrics.forEach(function (m, i) {
        var mean = cells.map(function (c) { return c.metrics[m] ? c.metrics[m].mean : null; });
        var low = cells.map(function (c) { return c.metrics[m] ? c.metrics[m].ci95_low : null; });
        var high = cells.map(function (c) { return c.metrics[m] ? c.metrics[m].ci95_high : null; });
        var color = palette[i % palette.length];
        datasets.push({label: m + ' (95% low)', data: low, borderWidth: 0, pointRadius: 0,
                       borderColor: 'transparent', fill: false});
        datasets.push({label: m + ' (95% high)', data: high, borderWidth: 0, pointRadius: 0,
                       borderColor: 'transparent', backgroundColor: color + '33', fill: '-1'});
        datasets.push(line(m, mean, i, {pointRadius: 3}));
      });
      chart(root, title, {type: 'line', data: {labels: labels, datasets: datasets},
        options: {scales: {x: {title: {display: true, text: keys.join(', ')}},
                           y: {beginAtZero: true, title: {display: true, text: yTitle}}},
                  plugins: {marker: {at: knee, label: kneeLabel},
                            legend: {labels: {filter: function (item) {
                              return item.text.indexOf('(95%') < 0; }}}}}});
    }
    banded(latencies.filter(function (m) { return /^(sync|async|offline)_p99$/.test(m); }),
           'ms', 'Creation p99 against load, by mode');
    banded(latencies.filter(function (m) { return !/^(sync|async|offline)_p99$/.test(m); }),
           'ms', 'Other latencies against load');
    banded(counts, 'count or share', 'Counts against load');
    add(root, 'h2', 'Cells');
    var metricNames = Object.keys(units);
    table(root, ['cell', 'settings', 'exit codes'].concat(metricNames), cells.map(function (c, i) {
      return [c.cell, {text: labels[i]}, {text: c.exit_codes.join(' ')}].concat(
        metricNames.map(function (m) { return c.metrics[m] ? c.metrics[m].mean : null; }));
    }));
  }

  if (D.kind === 'sweep') sweep(D.sweep);
  else if (D.runs.length === 1) oneRun(D.runs[0]);
  else compare(D.runs);

  // Whether each chart drew its data: opaque coloured pixels in its plot
  // area (the axes and grid are grey, shading and bands translucent).
  function drew(c) {
    // A line at zero lies on the bottom edge: 3 pixels more below.
    var a = c.chartArea, ctx = c.ctx, ratio = c.currentDevicePixelRatio || 1;
    var w = Math.floor((a.right - a.left) * ratio);
    var h = Math.floor((a.bottom - a.top + 3) * ratio);
    if (w <= 0 || h <= 0) return false;
    var px = ctx.getImageData(Math.floor(a.left * ratio), Math.floor(a.top * ratio), w, h).data;
    for (var i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 200 && (Math.abs(px[i] - px[i + 1]) > 40 || Math.abs(px[i + 1] - px[i + 2]) > 40))
        return true;
    }
    return false;
  }
  check.setAttribute('data-charts', String(charts.length));
  check.setAttribute('data-drawn', String(charts.filter(drew).length));
  check.setAttribute('data-each', charts.map(function (c) { return drew(c) ? 1 : 0; }).join(''));
  check.setAttribute('data-done', '1');
})();
</script>
</body></html>
)";

caf::expected<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(ec::storage_failure, path, "cannot read");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

caf::expected<nlohmann::json> read_json(const std::string& path) {
  auto text = read_file(path);
  if (!text)
    return text.error();
  try {
    return nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    return make_error(ec::malformed_file, path, e.what());
  }
}

/// JSON safe inside a <script> element: no '<' anywhere, so neither
/// "</script>" nor "<!--" can appear.
std::string script_json(const nlohmann::json& j) {
  auto text = j.dump();
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

caf::expected<std::string> page(const nlohmann::json& data) {
  auto chart_js = read_file(chart_js_path());
  if (!chart_js)
    return make_error(ec::storage_failure, chart_js_path(),
                      "Chart.js is missing: install libjs-chart.js "
                      "(scripts/setup.sh)");
  return std::string{page_head} + *chart_js + page_middle
         + script_json(data) + page_script;
}

} // namespace

std::string chart_js_path() {
  return RETAILSIM_CHARTJS;
}

caf::expected<std::string>
runs_report(const std::vector<std::string>& run_dirs) {
  auto runs = nlohmann::json::array();
  for (const auto& dir : run_dirs) {
    auto path = (std::filesystem::path{dir} / "results.json").string();
    auto results = read_json(path);
    if (!results)
      return results.error();
    if (!results->is_object() || !results->contains("series"))
      return make_error(ec::malformed_file, path,
                        "not the results.json of a run");
    auto name = std::filesystem::path{dir}.lexically_normal().filename().string();
    if (name.empty())
      name = std::filesystem::path{dir}.lexically_normal().parent_path()
               .filename()
               .string();
    runs.push_back({{"name", name}, {"results", *results}});
  }
  return page({{"kind", "runs"}, {"runs", runs}});
}

caf::expected<std::string> sweep_report(const std::string& sweep_dir) {
  auto path = (std::filesystem::path{sweep_dir} / "sweep.json").string();
  auto sweep = read_json(path);
  if (!sweep)
    return sweep.error();
  if (!sweep->is_object() || !sweep->contains("cells"))
    return make_error(ec::malformed_file, path, "not the sweep.json of a sweep");
  return page({{"kind", "sweep"}, {"sweep", *sweep}});
}

} // namespace retailsim
