// An app process that crashed in the middle of a hive bench run (restarted by hive run) was reported as measured, with
// its failed requests among the errors and nothing said (QA): the JSON counts `crashes`, the table says so.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatReportText } from '../../dist/cli/bench/result-table.js';
import { runHive, tempDir } from '../cluster/helpers.js';

const preload = new URL('../fixtures/cli/crash-once.mjs', import.meta.url).href;

test('a process that crashes mid-run is counted in `crashes` and said under the table', async () => {
  const dir = tempDir('hive-bench-crash-');
  const env = { NODE_OPTIONS: `--import=${preload}`, CRASH_ONCE_DIR: dir };
  const { code, stdout, stderr } = await runHive(
    ['bench', '--only', 'single-inline', '-d', '3', '-c', '4', '--heavy-n', '5', '--json'],
    env,
    120_000,
  );
  assert.equal(code, 0, stderr);
  assert.ok(existsSync(join(dir, 'crashed')), 'the fixture crashed a process');
  const report = JSON.parse(stdout);
  const [measured] = report.configurations;
  assert.equal(measured.name, 'single-inline');
  assert.equal(measured.crashes, 1);
  assert.match(
    formatReportText(report),
    /^crashed single-inline: the app's processes crashed 1 time during the run \(restarted by hive run\)/m,
  );
  assert.doesNotMatch(formatReportText({ ...report, configurations: [{ ...measured, crashes: 0 }] }), /^crashed/m);
});
