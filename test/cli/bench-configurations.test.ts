// `hive bench` without a URL: a short real run of every configuration (examples/api under hive run, nginx in front
// where it is installed), the JSON shape, the --report Markdown and SVG, and a configuration that fails or is skipped.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatReportText } from '../../dist/cli/bench/result-table.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hive-bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function bench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli/hive.js', 'bench', ...args],
      { cwd: root, timeout: 120_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('hive bench --json runs each configuration under mixed load and writes the report', async () => {
  const reportFile = join(dir, 'report.md');
  const { code, stdout, stderr } = await bench([
    '--duration',
    '1',
    '--connections',
    '4',
    '--json',
    '--report',
    reportFile,
  ]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.bench, 'hive-bench');
  assert.equal(report.duration, 1);
  assert.deepEqual(report.connections, { light: 3, heavy: 1 });
  assert.deepEqual(report.failed, []);
  assert.equal(report.interrupted, false);
  const nginx = existsSync(process.env.HIVE_NGINX ?? '/usr/sbin/nginx');
  const expected = [
    'single-inline',
    'single-pool',
    'cluster-inline',
    'cluster-pool',
    ...(nginx ? ['nginx-cluster-pool'] : []),
  ];
  assert.deepEqual(
    report.configurations.map((c: any) => c.name),
    expected,
  );
  assert.deepEqual(
    report.skipped.map((s: any) => s.name),
    nginx ? [] : ['nginx-cluster-pool'],
  );
  for (const c of report.configurations) {
    if (c.instances === '1') assert.equal(c.processes, 1, c.name);
    else assert.ok(c.processes >= 1, `${c.name}: processes ${c.processes}`);
    assert.match(c.heavyRoute, c.name.endsWith('inline') ? /^\/compute-inline\?n=30$/ : /^\/compute\?n=30$/);
    for (const route of ['light', 'heavy']) {
      const figures = c[route];
      assert.ok(figures.requests > 0, `${c.name} ${route} served no requests`);
      for (const key of ['rps', 'p50', 'p99', 'errors', 'non2xx'])
        assert.equal(typeof figures[key], 'number', `${c.name} ${route}.${key}`);
      assert.equal(figures.non2xx, 0, `${c.name} ${route}: non-2xx responses`);
    }
  }
  const markdown = readFileSync(reportFile, 'utf8');
  assert.match(markdown, /!\[[^\]]*\]\(report\.svg\)/);
  assert.match(markdown, /\| configuration \| light req\/s \|/);
  assert.match(markdown, /\| single process \+ pool \|/);
  assert.match(markdown, /hive bench --duration 1 --connections 4 --report /);
  const svg = readFileSync(join(dir, 'report.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /cluster \+ pool/);
  assert.equal((svg.match(/<rect [^>]*fill="#(?:e76f51|2a9d8f|264653)"\/>/g) ?? []).length, 2 * expected.length + 3);
});

test('a configuration whose server does not come up is listed under failed (ERR_HIVE_BENCH_SERVER), the others run', async () => {
  // /bin/false as nginx: it exits at once, as a broken nginx install would.
  const { code, stdout } = await bench(
    ['--duration', '1', '--connections', '2', '--json', '--only', 'cluster-pool,nginx-cluster-pool'],
    { HIVE_NGINX: '/bin/false' },
  );
  assert.equal(code, 1);
  const report = JSON.parse(stdout);
  assert.deepEqual(
    report.configurations.map((c: any) => c.name),
    ['cluster-pool'],
  );
  assert.equal(report.failed.length, 1);
  assert.equal(report.failed[0].name, 'nginx-cluster-pool');
  assert.equal(report.failed[0].code, 'ERR_HIVE_BENCH_SERVER');
  assert.match(report.failed[0].message, /^nginx-cluster-pool: exited \(1\) before serving/);
});

// With every worker thread failing at its start, examples/api answers /compute 500 while /compute-inline works. The
// bench measured it all the same: heavy req/s of the 500s, exit 0, with only the errors column to tell.
test('a heavy route that answers errors in the warm-up fails its configuration, the others run', async () => {
  const noThreads = fileURLToPath(new URL('../fixtures/cli/no-worker-threads.cjs', import.meta.url));
  const { code, stdout } = await bench(
    ['--duration', '1', '--connections', '2', '--json', '--only', 'single-inline,single-pool'],
    { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${noThreads}`.trim() },
  );
  assert.equal(code, 1, stdout);
  const report = JSON.parse(stdout);
  assert.deepEqual(
    report.configurations.map((c: any) => c.name),
    ['single-inline'],
  );
  assert.equal(report.failed.length, 1, stdout);
  assert.equal(report.failed[0].name, 'single-pool');
  assert.equal(report.failed[0].code, 'ERR_HIVE_BENCH_SERVER');
  assert.match(
    report.failed[0].message,
    /^single-pool: GET \/compute\?n=20 answered 500 in the warm-up: .*no worker threads here/,
  );
});

// It exited 0 with nothing measured: a CI job that asked for exactly that configuration passed without nginx.
test('--only naming configurations that are all skipped fails (exit 1, ERR_HIVE_BENCH_SKIPPED), the JSON kept', async () => {
  const reason = `${join(dir, 'no-nginx')} not found (install nginx, or set HIVE_NGINX to its path)`;
  const { code, stdout, stderr } = await bench(['--json', '--only', 'nginx-cluster-pool'], {
    HIVE_NGINX: join(dir, 'no-nginx'),
  });
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.configurations, []);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.skipped, [{ name: 'nginx-cluster-pool', reason }]);
  assert.equal(
    stderr,
    `hive bench: ERR_HIVE_BENCH_SKIPPED: nothing measured: every configuration --only asked for was skipped (nginx-cluster-pool: ${reason})\n`,
  );
});

test('--only with some of its configurations skipped measures the others, exit 0, the skip listed', async () => {
  const { code, stdout, stderr } = await bench(
    ['-d', '1', '-c', '2', '--heavy-n', '5', '--only', 'single-inline,nginx-cluster-pool'],
    { HIVE_NGINX: join(dir, 'no-nginx') },
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^single process, inline {2}/m);
  assert.match(stdout, /^skipped nginx-cluster-pool: .*no-nginx not found/m);
  assert.doesNotMatch(stderr, /ERR_HIVE_BENCH_SKIPPED/);
});

// The report's rerun line joined the arguments as they came: a path with a space split in two when pasted.
// The report is written for a run of skipped configurations too (which then exits 1): no server need start for its
// rerun line.
test('the report rerun line is shell-quoted', async () => {
  const reportFile = join(dir, 'my report.md');
  const args = ['--only', 'nginx-cluster-pool', '-d', '1', '-c', '2', '--heavy-n', '5', '--report', reportFile];
  const { code, stderr } = await bench([...args, '--json'], { HIVE_NGINX: join(dir, 'no-nginx') });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /ERR_HIVE_BENCH_SKIPPED/);
  const markdown = readFileSync(reportFile, 'utf8');
  assert.ok(markdown.includes(`\nhive bench ${args.slice(0, -1).join(' ')} '${reportFile}'\n`), markdown);
});

// A folder as --report was found out after the whole run (EISDIR, exit 1), with the chart written beside the folder.
test('--report naming a folder is refused before the run (exit 2)', async () => {
  const folder = mkdtempSync(join(dir, 'reports-'));
  for (const report of [folder, `${folder}/`]) {
    const { code, stdout, stderr } = await bench(['--only', 'nginx-cluster-pool', '--report', report], {
      HIVE_NGINX: join(dir, 'no-nginx'),
    });
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --report to be a file, got the folder /);
  }
  assert.equal(existsSync(`${folder}.svg`), false);
});

// `--report x.svg` is the chart's own path (the chart goes beside the report as x.svg): the Markdown was written over
// the chart, and the bench said it wrote x.svg and x.svg.
test('--report naming the chart (.svg) is refused before the run (exit 2)', async () => {
  for (const name of ['chart.svg', 'CHART.SVG']) {
    const report = join(dir, name);
    const { code, stdout, stderr } = await bench(['--only', 'nginx-cluster-pool', '--report', report], {
      HIVE_NGINX: join(dir, 'no-nginx'),
    });
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --report to be the Markdown file, .* got ".*\.svg"/i);
    assert.equal(existsSync(report), false);
  }
});

// A --report that cannot be written (its parent a file here; a read-only folder is the same for a user other than
// root) was found out after the whole run (ENOTDIR, exit 1). A parent folder not there yet is created, as before.
test('--report that cannot be written is refused before the run (exit 2); a missing parent folder is made', async () => {
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, '');
  const env = { HIVE_NGINX: join(dir, 'no-nginx') };
  const refused = await bench(['--only', 'nginx-cluster-pool', '--report', join(file, 'report.md')], env);
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(refused.stdout, '');
  assert.match(
    refused.stderr,
    /ERR_HIVE_INVALID_ARGUMENT: Expected --report to be a file that can be written, got ".*not-a-folder\/report\.md" \(string\) \(ENOTDIR\)/,
  );
  // The chart's path a folder: EISDIR after the run, before.
  const charts = mkdtempSync(join(dir, 'charts-'));
  mkdirSync(join(charts, 'report.svg'));
  const chart = await bench(['--only', 'nginx-cluster-pool', '--report', join(charts, 'report.md')], env);
  assert.equal(chart.code, 2, chart.stderr);
  assert.match(
    chart.stderr,
    /ERR_HIVE_INVALID_ARGUMENT: Expected --report to be a file that can be written, .*\(EISDIR\)/,
  );
  assert.equal(existsSync(join(charts, 'report.md')), false);
  if (process.getuid?.() !== 0) {
    const readOnly = mkdtempSync(join(dir, 'read-only-'));
    chmodSync(readOnly, 0o555);
    const denied = await bench(['--only', 'nginx-cluster-pool', '--report', join(readOnly, 'report.md')], env);
    assert.equal(denied.code, 2, denied.stderr);
    assert.match(denied.stderr, /Expected --report to be a file that can be written, .*\(EACCES\)/);
  }
  const nested = join(dir, 'new', 'deeper', 'report.md');
  // Written though nothing was measured (exit 1, ERR_HIVE_BENCH_SKIPPED): no server need start for the folder.
  const made = await bench(['--only', 'nginx-cluster-pool', '--report', nested, '--json'], env);
  assert.equal(made.code, 1, made.stderr);
  assert.match(made.stderr, /ERR_HIVE_BENCH_SKIPPED/);
  assert.ok(existsSync(nested) && existsSync(join(dir, 'new', 'deeper', 'report.svg')));
});

// The report's missing folder was made while the arguments were read: a run refused for another one left it behind,
// empty. It is checked without being made (the report makes it), a file on the way still ENOTDIR.
test('--report makes no folder while the arguments are checked: a refused run leaves none', async () => {
  const env = { HIVE_NGINX: join(dir, 'no-nginx') };
  const later = join(dir, 'later');
  const refused = await bench(
    ['--only', 'nginx-cluster-pool', '--report', join(later, 'deeper', 'r.md'), '--port', '0'],
    env,
  );
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /Expected --port to be an integer 1-65534, got "0"/);
  assert.equal(existsSync(later), false, `${later} was made`);
  const helped = await bench(['--report', join(later, 'r.md'), '--help']);
  assert.equal(helped.code, 0, helped.stderr);
  assert.equal(existsSync(later), false, `${later} was made by --help`);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const under = await bench(['--only', 'nginx-cluster-pool', '--report', join(file, 'sub', 'r.md')], env);
  assert.equal(under.code, 2, under.stderr);
  assert.match(under.stderr, /Expected --report to be a file that can be written, .*\(ENOTDIR\)/);
  if (process.getuid?.() !== 0) {
    const readOnly = mkdtempSync(join(dir, 'read-only-'));
    chmodSync(readOnly, 0o555);
    const denied = await bench(['--only', 'nginx-cluster-pool', '--report', join(readOnly, 'new', 'r.md')], env);
    assert.equal(denied.code, 2, denied.stderr);
    assert.match(denied.stderr, /Expected --report to be a file that can be written, .*\(EACCES\)/);
  }
});

// On one core `hive run -i max` is one process: the "cluster" rows measured a single process, and neither the table
// nor the JSON (instances "max") said so (QA). The JSON has the process count, the table a line on it.
test('cluster rows on one core: the JSON counts 1 process, the table says the row is a single process', {
  skip: existsSync('/usr/bin/taskset') ? false : 'taskset not installed',
}, async () => {
  const args = ['dist/cli/hive.js', 'bench', '--only', 'cluster-inline', '-d', '1', '-c', '2', '--heavy-n', '5'];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      '/usr/bin/taskset',
      ['-c', '0', process.execPath, ...args, '--json'],
      { cwd: root, timeout: 120_000 },
      (error, out, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  const [cluster] = report.configurations;
  assert.equal(cluster.name, 'cluster-inline');
  assert.equal(cluster.processes, 1);
  assert.match(
    formatReportText(report),
    /^one process cluster-inline: hive run -i max started 1 process \(1 core available to the bench\)/m,
  );
});

// `HIVE_NGINX=` (empty) was taken as a path, "" not found: empty counts as unset, as for the other variables.
test('an empty HIVE_NGINX is unset: the bench looks for nginx where it would without it', async () => {
  const { nginxBinary } = await import('../../dist/cli/bench/nginx-front.js');
  const saved = process.env.HIVE_NGINX;
  try {
    process.env.HIVE_NGINX = '';
    assert.equal(nginxBinary(), '/usr/sbin/nginx');
    process.env.HIVE_NGINX = '/opt/nginx/sbin/nginx';
    assert.equal(nginxBinary(), '/opt/nginx/sbin/nginx');
  } finally {
    if (saved === undefined) delete process.env.HIVE_NGINX;
    else process.env.HIVE_NGINX = saved;
  }
});
