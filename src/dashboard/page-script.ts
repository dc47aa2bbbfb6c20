/**
 * The dashboard page's script, served as /assets/dashboard.js: plain browser JavaScript kept in a string so that
 * `tsc` ships it in dist/ with the rest (the build copies no other files) and it needs no bundler. It is exercised by
 * test/dashboard/dashboard-browser.test.ts in a real Chromium.
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  // The page's whole client: keeps a rolling window of snapshots, draws them with uPlot, lists instances, events and
  // sampled requests. Plain DOM, no framework: it ships inside the package and loads with no network but the dashboard.
  var WINDOW_S = 300;
  var COLORS = ['#4fc3f7', '#f48fb1', '#aed581', '#ffb74d', '#ba68c8', '#4db6ac', '#e57373', '#fff176', '#90a4ae', '#7986cb'];
  var EVENT_COLORS = { restart: '#e57373', exit: '#b0bec5', errored: '#ff1744', killed: '#ff1744', 'memory-limit': '#ffb74d', unresponsive: '#ff1744', primary: '#ff1744', reload: '#4fc3f7', scale: '#aed581', state: '#90a4ae', warning: '#fff176' };
  // An unresponsive event is an alarm when it marks a process; its clear (a report again) is not.
  function eventColor(e) {
    if (e.type === 'unresponsive' && e.unresponsive !== true) return '#aed581';
    return EVENT_COLORS[e.type] || '#fff176';
  }
  // The token as written in the address: percent-decoded only, as the server reads it. URLSearchParams would turn the
  // '+' of a base64 token (/?token=ab+cd/ef==) into a space, and the server would refuse it.
  function queryToken(search) {
    var parts = search.replace(/^\?/, '').split('&');
    for (var n = 0; n < parts.length; n += 1) {
      if (parts[n].indexOf('token=') !== 0) continue;
      try { return decodeURIComponent(parts[n].slice(6)); } catch (error) { return null; }
    }
    return null;
  }
  var token = queryToken(location.search);
  var query = token ? '?token=' + encodeURIComponent(token) : '';

  function perInstance(value) {
    return function (snap, put) {
      snap.apps.forEach(function (app) {
        app.instances.forEach(function (i) { put(app.name + '#' + i.instance, value(i)); });
      });
    };
  }
  function poolSum(i, field) {
    return i.pools.length === 0 ? null : i.pools.reduce(function (sum, p) { return sum + p[field]; }, 0);
  }
  var CHARTS = [
    { id: 'req', title: 'Requests per second', pick: function (snap, put) {
      snap.apps.forEach(function (app) { put(app.name, app.reqRate); put(app.name + ' errors', app.errorRate); });
    } },
    { id: 'latency', title: 'Latency p50 / p99 (ms)', pick: function (snap, put) {
      snap.apps.forEach(function (app) {
        app.instances.forEach(function (i) {
          put(app.name + '#' + i.instance + ' p50', i.latencyP50);
          put(app.name + '#' + i.instance + ' p99', i.latencyP99);
        });
      });
    } },
    { id: 'loop', title: 'Event-loop delay p99 (ms)', pick: perInstance(function (i) { return i.loopDelayP99; }) },
    { id: 'cpu', title: 'CPU (% of one core)', pick: perInstance(function (i) { return i.cpu; }) },
    { id: 'memory', title: 'Memory, resident (MiB)', pick: perInstance(function (i) { return i.rss === null ? null : i.rss / 1048576; }) },
    { id: 'inflight', title: 'Requests in flight', pick: perInstance(function (i) { return i.inFlight; }) },
    { id: 'pool-queued', title: 'Pool tasks queued', pick: perInstance(function (i) { return poolSum(i, 'queued'); }) },
    { id: 'pool-util', title: 'Pool utilization (%)', pick: perInstance(function (i) {
      return i.pools.length === 0 ? null : Math.max.apply(null, i.pools.map(function (p) { return p.utilization * 100; }));
    }) }
  ];

  // Maps keyed by app names (and series keys made of them) have no prototype: an app may be called \`constructor\` or
  // \`toString\`, which a {} would answer with Object.prototype's members (the page threw on every snapshot).
  function dict() { return Object.create(null); }

  var times = [];
  var data = dict();
  var charts = {};
  var events = [];
  var seenEvents = dict();
  var peaks = dict();
  // Per chart, the series the last snapshot had.
  var lastSeen = dict();
  var MAX_SERIES = 80;
  // What the page has drawn, for tests and scripts that drive it: how many snapshots it had at its last draw, the last
  // one's time, how many draws, the peaks.
  window.hiveDashboard = { snapshots: 0, time: null, draws: 0, peaks: peaks };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'style') node.style.cssText = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return '–';
    return Number(value).toFixed(digits === undefined ? 1 : digits);
  }
  // A percentage, or '–' alone for none (a fork-mode process has no event-loop utilization): never '–%'.
  function percent(value, digits) { return value === null || value === undefined ? '–' : fmt(value, digits) + '%'; }
  function mib(bytes) { return bytes === null ? '–' : fmt(bytes / 1048576, 0) + ' MiB'; }
  function duration(ms) {
    if (!ms) return '–';
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm';
  }
  function clock(ms) { return new Date(ms).toLocaleTimeString(); }

  // Keeps the window: one timestamp per snapshot, one value per series (null where a series had none).
  function record(snap) {
    var t = snap.time / 1000;
    times.push(t);
    var seenNow = (lastSeen = dict());
    CHARTS.forEach(function (chart) {
      var series = data[chart.id] || (data[chart.id] = dict());
      var seen = (seenNow[chart.id] = dict());
      chart.pick(snap, function (key, value) {
        seen[key] = true;
        if (!series[key]) series[key] = new Array(times.length - 1).fill(null);
        series[key].push(value === undefined ? null : value);
      });
      Object.keys(series).forEach(function (key) { if (!seen[key]) series[key].push(null); });
    });
    while (times.length > 0 && times[0] < t - WINDOW_S) {
      times.shift();
      CHARTS.forEach(function (chart) {
        var series = data[chart.id];
        Object.keys(series).forEach(function (key) { series[key].shift(); });
      });
    }
    // A series of an app deleted (or a slot scaled away) leaves the chart and its legend once it has no value left in
    // the window: the page keeps no series per app it ever saw.
    CHARTS.forEach(function (chart) {
      var series = data[chart.id];
      Object.keys(series).forEach(function (key) {
        if (!seenNow[chart.id][key] && series[key].every(function (value) { return value === null; })) delete series[key];
      });
    });
    // A snapshot lists every app the source has, stopped ones included: one it no longer lists was deleted, and its
    // peak goes with it (the page keeps no number per app it ever saw; one created again under that name starts anew).
    var listed = dict();
    snap.apps.forEach(function (app) { listed[app.name] = true; });
    Object.keys(peaks).forEach(function (name) { if (!listed[name]) delete peaks[name]; });
    snap.apps.forEach(function (app) {
      // null: the app counts no HTTP requests (--no-http-metrics); shown as '–', never as 0 req/s.
      if (app.reqRate !== null) peaks[app.name] = Math.max(peaks[app.name] || 0, app.reqRate);
      app.events.forEach(function (e) {
        var id = app.name + '|' + e.time + '|' + e.type + '|' + e.instance + '|' + e.text;
        if (seenEvents[id]) return;
        seenEvents[id] = true;
        events.push({ id: id, app: app.name, time: e.time, type: e.type, instance: e.instance, text: e.text });
      });
    });
    events.sort(function (a, b) { return a.time - b.time; });
    // Events older than the window leave the list; their ids stay known while the source still sends them.
    while (events.length > 0 && events[0].time < (t - WINDOW_S) * 1000) events.shift();
    if (Object.keys(seenEvents).length > 4 * events.length + 1000) {
      var keep = dict();
      snap.apps.forEach(function (app) {
        app.events.forEach(function (e) { keep[app.name + '|' + e.time + '|' + e.type + '|' + e.instance + '|' + e.text] = true; });
      });
      seenEvents = keep;
    }
  }

  // Restarts, reloads, exits and scaling as vertical lines across every chart, at the time they happened.
  var eventLines = {
    hooks: {
      draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = Math.max(1, devicePixelRatio);
        ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
        events.forEach(function (e) {
          if (e.type === 'state') return;
          var x = u.valToPos(e.time / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.strokeStyle = eventColor(e);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        });
        ctx.restore();
      }]
    }
  };

  // The series a chart draws, by name: at most MAX_SERIES, those with a value in the last snapshot first, then the
  // others by their most recent value (newest first). A series the last snapshot has as null (an app with no figure
  // for the chart: a fork-mode one has no pools) ranks as one it no longer has: 90 such apps must not crowd out the
  // one with data. A page on a source whose apps come and go (a CI that creates one a minute) would otherwise draw a
  // series for each one still in the window, and rebuild each chart for each that comes or goes: past a few dozen
  // series a chart is unreadable, and its rebuilds outgrow the interval until the page stops keeping up.
  function drawnKeys(chart) {
    var series = data[chart.id] || dict();
    var keys = Object.keys(series);
    if (keys.length <= MAX_SERIES) return { keys: keys.sort(), left: 0 };
    var rank = dict();
    keys.forEach(function (key) {
      var values = series[key];
      var at = values.length - 1;
      while (at >= 0 && values[at] === null) at -= 1;
      rank[key] = lastSeen[chart.id][key] && at === values.length - 1 ? Infinity : at;
    });
    keys.sort(function (a, b) { return rank[b] - rank[a]; });
    return { keys: keys.slice(0, MAX_SERIES).sort(), left: keys.length - MAX_SERIES };
  }

  function drawCharts() {
    // Every box's width before any chart is rebuilt: one layout of the page, not one per chart.
    var widths = CHARTS.map(function (chart) { return document.getElementById('chart-' + chart.id).clientWidth; });
    CHARTS.forEach(function (chart, n) {
      var box = document.getElementById('chart-' + chart.id);
      var series = data[chart.id] || dict();
      var drawn = drawnKeys(chart);
      var keys = drawn.keys;
      var more = document.getElementById('more-' + chart.id);
      var note = drawn.left > 0 ? ' · ' + drawn.left + ' more series not drawn' : '';
      if (more.textContent !== note) more.textContent = note;
      var rows = [times].concat(keys.map(function (key) { return series[key]; }));
      var current = charts[chart.id];
      if (current && current.keys.join('\n') === keys.join('\n')) {
        current.plot.setData(rows);
        return;
      }
      if (current) current.plot.destroy();
      box.textContent = '';
      var plot = new uPlot({
        width: Math.max(200, widths[n]),
        height: 190,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } } },
        axes: [
          { stroke: '#9aa5b1', grid: { stroke: '#263241', width: 1 }, ticks: { stroke: '#263241' } },
          { stroke: '#9aa5b1', grid: { stroke: '#263241', width: 1 }, ticks: { stroke: '#263241' }, size: 56 }
        ],
        series: [{}].concat(keys.map(function (key, n) {
          return { label: key, stroke: COLORS[n % COLORS.length], width: 1.6, points: { show: false },
            dash: / (errors|p50)$/.test(key) ? [6, 4] : undefined };
        })),
        plugins: [eventLines]
      }, rows, box);
      // Legend labels are cut (CSS): the whole series name shows on hover. Taken from each row's own label: the legend
      // has no row for the time axis (not live), so rows and keys do not line up by index.
      box.querySelectorAll('.u-legend .u-series').forEach(function (row) {
        var label = row.querySelector('.u-label');
        if (label) row.setAttribute('title', label.textContent);
      });
      charts[chart.id] = { plot: plot, keys: keys };
    });
  }

  // Why an app is errored (or starting again after a failed start), or why its last reload failed (it runs older code
  // than its files): the daemon's last error, null elsewhere. An app whose start failed has no process to show it on.
  function failure(app) {
    return app.lastError && (app.reloadFailed || app.state === 'errored' || app.state === 'starting') ? app.lastError : null;
  }

  function drawApps(snap) {
    var box = document.getElementById('apps');
    box.textContent = '';
    if (snap.apps.length === 0) box.appendChild(el('p', { class: 'empty', text: 'no apps' }));
    snap.apps.forEach(function (app) {
      box.appendChild(el('div', { class: 'app-card', 'data-app': app.name, 'data-req-rate': String(app.reqRate), 'data-peak-req-rate': String(peaks[app.name] || 0) }, [
        el('div', { class: 'app-name', text: app.name, title: app.name }),
        el('div', { class: 'app-state state-' + app.state + (app.primaryUnresponsive ? ' primary-unresponsive' : ''),
          text: app.state + (app.primaryUnresponsive ? ' · primary unresponsive' : '') + ' · ' + app.ready + '/' + app.size + ' ready' }),
        el('div', { class: 'app-rate', text: fmt(app.reqRate) + ' req/s' }),
        el('div', { class: 'app-sub', text: fmt(app.errorRate) + ' err/s · peak ' + fmt(app.reqRate === null ? null : peaks[app.name] || 0) + ' req/s · ' +
          (app.restarts === undefined ? '' : app.restarts + ' restarts') }),
        failure(app) ? el('div', { class: 'app-error', text: 'last error: ' + failure(app) }) : null
      ]));
    });
  }

  // A slot with no process (errored, restarting) says how its last one ended. A process marked unresponsive (a
  // blocked event loop) is 'hung', though still 'ready': its figures are stale.
  function stateText(i) {
    if (i.unresponsive) return 'hung';
    if (i.pid !== null || !i.lastExit) return i.state;
    if (i.lastExit.notReady) return i.state + ' (killed: not ready)';
    return i.state + ' (exit ' + (i.lastExit.signal || 'code ' + i.lastExit.code) + ')';
  }

  function drawInstances(snap) {
    var body = document.querySelector('#instances tbody');
    body.textContent = '';
    var columns = document.querySelectorAll('#instances thead th').length;
    snap.apps.forEach(function (app) {
      // An app with no process (stopped, or errored at its start) keeps a row: its state, and why it failed.
      if (app.instances.length === 0) {
        var why = failure(app);
        body.appendChild(el('tr', { 'data-app': app.name, 'data-state': app.state }, [
          el('td', { text: app.name, title: app.name, class: 'name' }),
          el('td', { colspan: String(columns - 1), class: why ? 'app-error' : '',
            text: app.state + ' · no processes' + (why ? ' · last error: ' + why : '') })
        ]));
      }
      app.instances.forEach(function (i) {
        var pools = i.pools.map(function (p) {
          return p.name + ' ' + p.busy + '/' + p.threads + ' busy, ' + p.queued + ' queued';
        }).join('; ');
        var cells = [app.name, String(i.instance), i.pid === null ? '–' : String(i.pid), stateText(i), duration(i.uptime),
          percent(i.cpu), mib(i.rss), mib(i.heapUsed), percent(i.elu === null ? null : i.elu * 100, 0),
          fmt(i.loopDelayP99), fmt(i.reqRate), fmt(i.latencyP50), fmt(i.latencyP99), i.inFlight === null ? '–' : String(i.inFlight),
          i.upgradedConnections === undefined ? '–' : String(i.upgradedConnections), String(i.restarts), pools || '–'];
        var attrs = { 'data-app': app.name, 'data-instance': String(i.instance), 'data-state': i.state };
        if (i.unresponsive) attrs['data-unresponsive'] = '';
        body.appendChild(el('tr', attrs,
          cells.map(function (text, n) {
            // The name and the pools may be long: cut, and whole in the title.
            if (n === 0) return el('td', { text: text, title: text, class: 'name' });
            if (n === cells.length - 1) return el('td', { text: text, title: text, class: 'pools' });
            return el('td', { text: text });
          })));
      });
    });
  }

  function drawEvents() {
    var list = document.getElementById('events');
    list.textContent = '';
    var recent = events.slice(-15).reverse();
    if (recent.length === 0) list.appendChild(el('li', { class: 'empty', text: 'no events in the last 5 minutes' }));
    recent.forEach(function (e) {
      list.appendChild(el('li', {}, [
        el('span', { class: 'swatch', style: 'background:' + eventColor(e) }),
        el('span', { class: 'when', text: clock(e.time) }),
        el('span', { text: e.app + ': ' + e.text })
      ]));
    });
  }

  // Each sampled request: how the primary routed it (app, slot, pid), its time in the process, and its pool tasks
  // (queue wait, then run on a thread) on the same scale.
  function drawWaterfall(snap) {
    var box = document.getElementById('waterfall');
    box.textContent = '';
    var requests = [];
    snap.apps.forEach(function (app) {
      app.requests.forEach(function (r) { requests.push({ app: app.name, r: r }); });
    });
    requests.sort(function (a, b) { return b.r.start - a.r.start; });
    requests = requests.slice(0, 12);
    if (requests.length === 0) {
      box.appendChild(el('p', { class: 'empty', text: 'no sampled requests yet' }));
      return;
    }
    var scale = Math.max.apply(null, requests.map(function (x) {
      return Math.max.apply(null, [x.r.totalMs].concat(x.r.tasks.map(function (t) { return t.endAt; })));
    })) || 1;
    function pct(ms) { return Math.max(0, Math.min(100, (ms / scale) * 100)); }
    requests.forEach(function (x) {
      var r = x.r;
      var lanes = [el('div', { class: 'wf-bar wf-process', title: 'process: ' + fmt(r.totalMs) + ' ms',
        style: 'left:0;width:' + Math.max(0.5, pct(r.totalMs)) + '%' })];
      r.tasks.forEach(function (t) {
        var lane = el('div', { class: 'wf-lane' }, [
          el('div', { class: 'wf-bar wf-wait', title: 'queued ' + fmt(t.startAt - t.queuedAt) + ' ms',
            style: 'left:' + pct(t.queuedAt) + '%;width:' + pct(t.startAt - t.queuedAt) + '%' }),
          el('div', { class: 'wf-bar wf-run', title: 'thread ' + t.thread + ': ' + fmt(t.endAt - t.startAt) + ' ms',
            style: 'left:' + pct(t.startAt) + '%;width:' + Math.max(0.5, pct(t.endAt - t.startAt)) + '%' }),
          // Inside a wide bar, else just after it: the label never runs over the bar's end.
          pct(t.endAt - t.startAt) >= 12
            ? el('span', { class: 'wf-thread wf-inside', text: 'thread ' + t.thread, style: 'left:' + pct(t.startAt) + '%' })
            : el('span', { class: 'wf-thread', text: 'thread ' + t.thread, style: 'left:' + Math.min(90, pct(t.endAt)) + '%' })
        ]);
        lanes.push(lane);
      });
      box.appendChild(el('div', { class: 'wf-row', 'data-request': r.id }, [
        el('div', { class: 'wf-label' }, [
          el('strong', { text: r.method + ' ' + r.path }),
          el('span', { text: ' ' + r.status + ' · ' + fmt(r.totalMs) + ' ms' }),
          el('div', { class: 'wf-route', text: 'primary → ' + x.app + '#' + r.instance + ' (pid ' + r.pid + ')' +
            (r.tasks.length ? ' → ' + r.tasks.length + ' pool task' + (r.tasks.length > 1 ? 's' : '') : '') })
        ]),
        el('div', { class: 'wf-track' }, [el('div', { class: 'wf-lane' }, lanes.slice(0, 1))].concat(lanes.slice(1)))
      ]));
    });
    box.appendChild(el('div', { class: 'wf-scale', text: '0 — ' + fmt(scale) + ' ms' }));
  }

  function setStatus(text, kind) {
    var status = document.getElementById('status');
    status.textContent = text;
    status.className = 'status status-' + kind;
    status.setAttribute('data-kind', kind);
  }

  // A snapshot is recorded as it comes, and drawn at the next frame: snapshots that come faster than the page can draw
  // them (a busy machine, a short interval) are drawn as one, the last, so the page never falls behind its stream. A
  // hidden tab draws nothing until it shows again.
  var received = 0;
  var undrawn = null;
  function onSnapshot(snap) {
    record(snap);
    received += 1;
    document.getElementById('host').textContent = snap.host;
    setStatus('live · ' + clock(snap.time), 'live');
    if (undrawn === null) requestAnimationFrame(draw);
    undrawn = snap;
  }
  function draw() {
    var snap = undrawn;
    undrawn = null;
    // The charts first: they read the boxes' widths, before the other parts change the page (no layout forced).
    drawCharts();
    drawApps(snap);
    drawInstances(snap);
    drawEvents();
    drawWaterfall(snap);
    window.hiveDashboard.snapshots = received;
    window.hiveDashboard.time = snap.time;
    window.hiveDashboard.draws += 1;
  }

  var panels = document.getElementById('charts');
  CHARTS.forEach(function (chart) {
    panels.appendChild(el('section', { class: 'panel chart' }, [
      el('h2', {}, [document.createTextNode(chart.title), el('span', { id: 'more-' + chart.id, class: 'more' })]),
      el('div', { id: 'chart-' + chart.id, class: 'plot' }, [el('p', { class: 'empty', text: 'waiting for data…' })])
    ]));
  });

  var source = null;
  function connect() {
    source = new EventSource('/events' + query);
    source.addEventListener('snapshot', function (message) { onSnapshot(JSON.parse(message.data)); });
    source.addEventListener('failure', function (message) {
      var failure = JSON.parse(message.data);
      setStatus((failure.code ? failure.code + ': ' : '') + failure.message, 'error');
    });
    source.onerror = onStreamError;
  }
  // A stream cut (a primary that stopped, a network that dropped) is opened again by EventSource itself, but one
  // answered with any status but 200 is closed for good, and EventSource cannot read that status: ask once. A 401
  // (no or a wrong token) or a 403 (a tokenless dashboard opened under another name, or from another site) will not
  // change by retrying, and says why; anything else (a proxy's 502) opens a new stream 2 s later, as EventSource would.
  function onStreamError() {
    var failed = source;
    var closed = failed.readyState === EventSource.CLOSED;
    function retry(text) {
      setStatus(text, 'error');
      if (closed) setTimeout(connect, 2000);
    }
    fetch('/api/snapshot' + query, { cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        failed.close();
        setStatus('a token is required: open this page as /?token=<token>', 'error');
      } else if (res.status === 403) {
        failed.close();
        return res.json().then(function (body) { return body.message; }, function () { return ''; }).then(function (why) {
          setStatus('refused (403)' + (why ? ': ' + why : ''), 'error');
        });
      } else {
        retry('reconnecting…');
      }
    }, function () { retry('disconnected: reconnecting…'); });
  }
  connect();
  window.addEventListener('resize', function () {
    CHARTS.forEach(function (chart) {
      var current = charts[chart.id];
      var box = document.getElementById('chart-' + chart.id);
      if (current) current.plot.setSize({ width: Math.max(200, box.clientWidth), height: 190 });
    });
  });
})();
`;
