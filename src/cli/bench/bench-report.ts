import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { AppBenchReport } from './app-bench.js';
import { renderChart } from './bench-chart.js';
import { describeRun, formatReportMarkdown, singleProcessClusters, unansweredLines } from './result-table.js';

/** The two files `--report <file>` writes, absolute: the Markdown and the SVG chart beside it. */
export function reportPaths(file: string): [markdown: string, svg: string] {
  const markdown = resolve(file);
  return [markdown, join(dirname(markdown), `${basename(markdown, extname(markdown))}.svg`)];
}

/**
 * Writes `--report <file>`: Markdown with the table and a link to the chart, and the chart as an SVG beside it
 * (`benchmarks-report.md` -> `benchmarks-report.svg`). Resolves to the two paths written.
 */
export async function writeReport(file: string, report: AppBenchReport, command: string): Promise<[string, string]> {
  const [markdownPath, svgPath] = reportPaths(file);
  const notes = [
    ...report.skipped.map((s) => `- skipped ${s.name}: ${s.reason}`),
    ...report.failed.map((f) => `- failed ${f.name}: ${f.code}: ${f.message.split('\n')[0]}`),
    ...singleProcessClusters(report).map((line) => `- ${line}`),
    ...unansweredLines(report).map((line) => `- ${line}`),
    // As the table on stdout says: without it, the rows missing read as configurations never asked for.
    ...(report.interrupted ? ['- interrupted: the configurations not listed were not run or not finished'] : []),
  ];
  const markdown = [
    '# hive bench report',
    '',
    `Run at ${report.startedAt}: ${describeRun(report)}.`,
    '',
    `![light route req/s and p99 per configuration](${basename(svgPath)})`,
    '',
    formatReportMarkdown(report),
    '',
    ...(notes.length > 0 ? [...notes, ''] : []),
    'Latencies in milliseconds; req/s counts the 2xx answers per second of the time the load ran (errors apart). Rerun with:',
    '',
    '```sh',
    command,
    '```',
    '',
  ].join('\n');
  await mkdir(dirname(markdownPath), { recursive: true });
  await writeFile(svgPath, renderChart(report));
  await writeFile(markdownPath, markdown);
  return [markdownPath, svgPath];
}
