/** The dashboard page's markup; the script (page-script.ts) and uPlot fill it from the event stream. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hive dashboard</title>
<!-- An icon of its own, inline: without one the browser asks for /favicon.ico and logs its 404 on every load. -->
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M8 1l6 3.5v7L8 15l-6-3.5v-7z' fill='%234fc3f7'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/assets/uPlot.min.css">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header>
  <h1>Hive</h1><span id="host"></span>
  <span id="status" class="status status-wait" data-kind="wait">connecting…</span>
</header>
<main>
  <div id="apps"></div>
  <div id="charts"></div>
  <section class="panel">
    <h2>Instances</h2>
    <div class="table-wrap"><table id="instances">
      <thead><tr><th>app</th><th>#</th><th>pid</th><th>state</th><th>uptime</th><th>cpu</th><th>rss</th><th>heap</th>
      <th>elu</th><th>loop p99 ms</th><th>req/s</th><th>p50 ms</th><th>p99 ms</th><th>in flight</th><th>ws</th><th>restarts</th>
      <th>pools</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <div class="lower">
    <section class="panel">
      <h2>Sampled requests: primary → process → thread
        <span class="legend-key wf-process"></span>in the process
        <span class="legend-key wf-wait"></span>pool queue
        <span class="legend-key wf-run"></span>on a thread</h2>
      <div id="waterfall"><p class="empty">no sampled requests yet</p></div>
    </section>
    <section class="panel">
      <h2>Events (dashed lines on the charts)</h2>
      <ul id="events"></ul>
    </section>
  </div>
</main>
<script src="/assets/uPlot.iife.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;

/**
 * The page's styles, served as /assets/dashboard.css rather than inline: the page's Content-Security-Policy allows only
 * the dashboard's own files (`style-src 'self'`), no inline `<style>`.
 */
export const pageStyle = `:root { color-scheme: dark; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; background: #0f1720; color: #d8dee6; }
header { display: flex; align-items: baseline; gap: 16px; padding: 12px 20px; border-bottom: 1px solid #263241; }
header h1 { margin: 0; font-size: 18px; }
#host { color: #9aa5b1; }
.status { margin-left: auto; padding: 2px 10px; border-radius: 10px; font-size: 12px; }
.status-live { background: #1b5e20; color: #c8e6c9; }
.status-error { background: #7f1d1d; color: #fecaca; }
.status-wait { background: #263241; }
main { padding: 14px 20px; }
#apps { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 14px; }
.app-card { background: #16212d; border: 1px solid #263241; border-radius: 6px; padding: 10px 14px; min-width: 200px; max-width: 320px; }
/* Long names are cut with an ellipsis, whole in their title (hover): the page never grows wider than the window. */
.app-name, td.name, td.pools { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.app-name { font-weight: 600; font-size: 15px; }
td.name { max-width: 220px; }
td.pools { max-width: 260px; }
.app-rate { font-size: 22px; font-weight: 600; color: #4fc3f7; }
.app-state, .app-sub { color: #9aa5b1; }
.app-state.state-errored, .app-state.primary-unresponsive, .app-error, td.app-error, tr[data-unresponsive] td { color: #ff8a80; }
.app-error { margin-top: 4px; overflow-wrap: anywhere; }
td.app-error { white-space: normal; }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 12px; }
.panel { background: #16212d; border: 1px solid #263241; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; min-width: 0; }
.table-wrap { overflow-x: auto; }
.panel h2 { margin: 2px 0 6px; font-size: 13px; font-weight: 600; color: #b8c4d0; }
.panel h2 .more { font-weight: 400; color: #7b8794; }
.plot { min-height: 190px; }
.uplot { font-family: inherit; }
/* Many series (17 apps of 2 slots): the legend scrolls within 3 rows, each label cut, rather than pushing the page. */
.u-legend { font-size: 11px; color: #b8c4d0; display: block; max-height: 4.2em; overflow-y: auto; }
.u-legend .u-label { display: inline-block; max-width: 160px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
.empty { color: #6b7785; font-style: italic; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid #223040; white-space: nowrap; }
th:first-child, td:first-child, th:last-child, td:last-child, td:nth-child(4), th:nth-child(4) { text-align: left; }
th { color: #9aa5b1; font-weight: 500; }
.lower { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; }
#events { list-style: none; margin: 0; padding: 0; }
#events li { padding: 2px 0; overflow-wrap: anywhere; }
.lower > * { min-width: 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.when { color: #9aa5b1; margin-right: 8px; }
.wf-row { display: grid; grid-template-columns: 320px 1fr; gap: 10px; padding: 4px 0; border-bottom: 1px solid #223040; }
.wf-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wf-route { color: #9aa5b1; font-size: 11px; }
.wf-track { position: relative; }
.wf-lane { position: relative; height: 14px; margin: 2px 0; }
.wf-bar { position: absolute; top: 2px; height: 10px; border-radius: 2px; }
.wf-process { background: #4fc3f7; }
.wf-wait { background: #5d6b7a; }
.wf-run { background: #f48fb1; }
.wf-thread { position: absolute; top: 0; margin-left: 4px; font-size: 10px; color: #b8c4d0; }
.wf-inside { color: #1a1020; font-weight: 600; }
.wf-scale { color: #6b7785; font-size: 11px; text-align: right; }
.legend-key { display: inline-block; width: 12px; height: 8px; border-radius: 2px; margin: 0 4px 0 10px; }
`;
