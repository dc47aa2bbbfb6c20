import type { AppBenchReport, ConfigurationResult } from './app-bench.js';
import { formatFigure, formatLatency } from './result-table.js';

// Hand-written SVG, no chart library: two panels of horizontal bars sharing one row per configuration, the light
// route's req/s (longer is better) and its p99 latency (shorter is better). Bars of configurations that run the heavy
// work on the event loop are coloured apart from those that use the pool.
const ROW = 30;
const BAR = 18;
const LABEL_WIDTH = 180;
const PANEL_WIDTH = 270;
const GAP = 40;
const VALUE_ROOM = 64;
const TOP = 58;
const WIDTH = 10 + LABEL_WIDTH + 2 * PANEL_WIDTH + GAP + 30;
const COLOURS = { inline: '#e76f51', pool: '#2a9d8f', nginx: '#264653' };

function colourOf(c: ConfigurationResult): string {
  if (c.nginx) return COLOURS.nginx;
  return c.heavyRoute.startsWith('/compute-inline') ? COLOURS.inline : COLOURS.pool;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[ch]};`);
}

function panel(
  configurations: readonly ConfigurationResult[],
  x: number,
  title: string,
  value: (c: ConfigurationResult) => number,
  label: (c: ConfigurationResult) => string,
): string[] {
  const max = Math.max(...configurations.map(value).filter(Number.isFinite), 0);
  const scale = max > 0 ? (PANEL_WIDTH - VALUE_ROOM) / max : 0;
  const out = [`<text x="${x}" y="${TOP - 12}" class="panel">${escapeXml(title)}</text>`];
  out.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${TOP + configurations.length * ROW}" class="axis"/>`);
  configurations.forEach((c, i) => {
    const v = value(c);
    const width = Number.isFinite(v) ? Math.max(1, v * scale) : 0;
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    out.push(`<rect x="${x}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${colourOf(c)}"/>`);
    out.push(`<text x="${(x + width + 4).toFixed(1)}" y="${y + BAR - 5}" class="value">${escapeXml(label(c))}</text>`);
  });
  return out;
}

/** The report's chart: light-route req/s and p99 per configuration, as an SVG document. */
export function renderChart(report: AppBenchReport): string {
  const configurations = report.configurations;
  const height = TOP + configurations.length * ROW + 44;
  const left = 10 + LABEL_WIDTH;
  const right = left + PANEL_WIDTH + GAP;
  const body = [
    `<text x="10" y="22" class="title">GET / while ${report.connections.heavy} connection(s) request fib(${report.heavyN}) (hive bench, ${report.duration} s each)</text>`,
    ...configurations.map(
      (c, i) =>
        `<text x="${left - 8}" y="${TOP + i * ROW + ROW / 2 + 4}" class="label" text-anchor="end">${escapeXml(c.label)}</text>`,
    ),
    ...panel(
      configurations,
      left,
      'light route req/s (longer is better)',
      (c) => c.light.okRps,
      (c) => formatFigure(c.light.okRps),
    ),
    // Labelled as the table's column: a p99 of 0 is under 1 ms (`<1`), and none without a response (`-`), not `0`.
    ...panel(
      configurations,
      right,
      'light route p99 ms (shorter is better)',
      (c) => c.light.p99,
      (c) => formatLatency(c.light, 'p99'),
    ),
  ];
  const legendY = height - 16;
  let legendX = left;
  for (const [name, colour] of [
    ['heavy work on the event loop', COLOURS.inline],
    ['heavy work on the pool', COLOURS.pool],
    ['nginx in front', COLOURS.nginx],
  ] as const) {
    body.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/>`);
    body.push(`<text x="${legendX + 16}" y="${legendY}" class="label">${name}</text>`);
    legendX += 30 + name.length * 6.5;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">`,
    `<title>hive bench: light route req/s and p99 per configuration</title>`,
    '<style>text{font-family:system-ui,sans-serif;font-size:12px;fill:#222}.title{font-size:14px;font-weight:600}' +
      '.panel{font-weight:600}.value{font-size:11px}.axis{stroke:#888;stroke-width:1}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
