import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appFixture, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

// One line on each stream, then nothing: the lines are known, their order between the two pipes is not.
const shScript = join(dir, 'both.sh');
writeFileSync(shScript, '#!/bin/sh\necho "sh-out"\necho "sh-err" >&2\nexec sleep 1000\n', { mode: 0o755 });
const nodeScript = join(dir, 'both.mjs');
writeFileSync(
  nodeScript,
  "import http from 'node:http';\nhttp.createServer().listen(0, '127.0.0.1', () => { console.log('node-out'); console.error('node-err'); });\n",
);

interface Info {
  name: string;
  outFile: string;
  errorFile: string;
  logFile: string | null;
}

const lines = (file: string) => readOrEmpty(file).split('\n').filter(Boolean);
// PM2's `YYYY-MM-DD HH:mm Z` as a pattern: the format is checked, not the wall clock.
const pm2Stamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d: `;

test('an ecosystem file with log_date_format and log_file: prefixed lines, a combined file, no warning', async () => {
  const combined = join(dir, 'logs', 'all.log');
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [
  { name: 'f', script: ${JSON.stringify(shScript)}, log_date_format: 'YYYY-MM-DD HH:mm Z', log_file: 'logs/all.log' },
  { name: 'c', script: ${JSON.stringify(nodeScript)}, instances: 1, exec_mode: 'cluster', log_date_format: 'YYYY-MM-DD HH:mm Z', log: true },
] };\n`,
  );
  const started = await hive.run(['start', join(dir, 'ecosystem.config.cjs'), '--json']);
  assert.equal(started.code, 0, started.stderr);
  assert.doesNotMatch(started.stderr, /log_date_format|log_file|log:|ignored/);
  const [fork, cluster] = JSON.parse(started.stdout.trim().split('\n').at(-1)!) as Info[];
  assert.equal(fork!.logFile, combined);
  assert.equal(cluster!.logFile, join(hive.home, 'logs', 'c.log'));

  // Fork mode: each stream's file has its line, prefixed; the combined file both.
  await waitFor(
    () => lines(combined).length === 2 && lines(fork!.outFile).length === 1 && lines(fork!.errorFile).length === 1,
    'the lines in the three files',
  );
  assert.match(lines(fork!.outFile).join('\n'), new RegExp(`^${pm2Stamp}\\[f:0\\] sh-out$`));
  assert.match(lines(fork!.errorFile).join('\n'), new RegExp(`^${pm2Stamp}\\[f:0\\] sh-err$`));
  assert.deepEqual(
    lines(combined)
      .map((line) => line.replace(new RegExp(`^${pm2Stamp}`), ''))
      .sort(),
    ['[f:0] sh-err', '[f:0] sh-out'],
  );

  // Cluster mode (lines through the `hive run` primary): the same, in `<logs>/<name>.log` for `log: true`.
  await waitFor(() => lines(cluster!.logFile!).some((line) => line.endsWith('node-err')), 'node-err in c.log');
  await waitFor(() => lines(cluster!.logFile!).some((line) => line.endsWith('node-out')), 'node-out in c.log');
  for (const line of lines(cluster!.logFile!)) assert.match(line, new RegExp(`^${pm2Stamp}\\[c(:\\d+)?\\] `));
  const nodeOut = new RegExp(`^${pm2Stamp}\\[c:0\\] node-out$`);
  await waitFor(() => lines(cluster!.outFile).some((line) => nodeOut.test(line)), 'node-out in the out file');
  assert.ok(!readOrEmpty(cluster!.outFile).includes('node-err'), 'the out file has no err line');

  // `hive logs --raw` keeps the time (as PM2's file has it) and drops `[f:0]`.
  const raw = await hive.run(['logs', 'f', '--raw', '--out', '--lines', '1']);
  assert.equal(raw.code, 0, raw.stderr);
  assert.match(raw.stdout, new RegExp(`^${pm2Stamp}sh-out$`, 'm'));

  // `hive flush` empties the combined file too.
  const flushed = await hive.json<{ apps: { name: string; files: string[] }[] }>(['flush', 'f']);
  assert.deepEqual(flushed.apps, [{ name: 'f', files: [fork!.outFile, fork!.errorFile, combined] }]);
  assert.equal(readOrEmpty(combined), '');
});

test('a logFile that is the outFile is one file: each line once', async () => {
  const file = join(dir, 'same.log');
  // A second err line after the first: once it is in the file, a second copy of the first would be there before it.
  const script = join(dir, 'three.sh');
  writeFileSync(script, '#!/bin/sh\necho "sh-out"\necho "sh-err" >&2\necho "sh-end" >&2\nexec sleep 1000\n', {
    mode: 0o755,
  });
  const config = hive.writeConfig(
    [{ name: 's', script, execMode: 'fork', outFile: file, logFile: file }],
    'hive.config.json',
  );
  const [app] = await hive.json<Info[]>(['start', config]);
  await waitFor(
    () =>
      readOrEmpty(file).includes('sh-end') &&
      readOrEmpty(file).includes('sh-out') &&
      lines(app!.errorFile).length === 2,
    'the lines',
  );
  assert.deepEqual(lines(file).sort(), ['[s:0] sh-end', '[s:0] sh-err', '[s:0] sh-out']);
  assert.deepEqual(lines(app!.errorFile), ['[s:0] sh-err', '[s:0] sh-end']);
  const flushed = await hive.json<{ apps: { name: string; files: string[] }[] }>(['flush', 's']);
  assert.deepEqual(flushed.apps, [{ name: 's', files: [file, app!.errorFile] }]);
});

test('hive start --log-date-format and -l: the format over --time, a combined file; an empty format is refused', async () => {
  const combined = join(dir, 'cli.log');
  const [app] = await hive.json<Info[]>([
    'start',
    shScript,
    '--name',
    'k',
    '--time',
    '--log-date-format',
    '[at] HH:mm:ss.SSS',
    '-l',
    combined,
  ]);
  assert.equal(app!.logFile, combined);
  await waitFor(() => lines(combined).length === 2 && lines(app!.outFile).length === 1, 'the lines');
  for (const line of lines(combined)) assert.match(line, /^at \d\d:\d\d:\d\d\.\d{3}: \[k:0\] sh-(out|err)$/);
  assert.match(lines(app!.outFile).join('\n'), /^at \d\d:\d\d:\d\d\.\d{3}: \[k:0\] sh-out$/);

  const described = await hive.run(['describe', 'k']);
  assert.match(described.stdout, new RegExp(`^combined log +${combined.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));

  // JSON lines carry the format in their `time`, as PM2's `timestamp`.
  const [json] = await hive.json<Info[]>([
    'start',
    shScript,
    '--name',
    'j',
    '--log-format',
    'json',
    '--log-date-format',
    'YYYY/MM',
  ]);
  await waitFor(() => lines(json!.outFile).length === 1, 'the JSON line');
  const record = JSON.parse(lines(json!.outFile)[0]!) as { time: string; line: string };
  assert.match(record.time, /^\d{4}\/\d\d$/);
  assert.equal(record.line, 'sh-out');

  const empty = await hive.run(['start', shScript, '--name', 'e', '--log-date-format', '']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /--log-date-format/);
  const config = await hive.run(['start', join(dir, 'hive.config.json'), '-l', combined]);
  assert.equal(config.code, 2);
  assert.match(config.stderr, /--log applies to a script/);
});

// PM2's `-l [path]`: alone, the combined log at its default path. Hive's took a path only, and read the next flag as
// it (`-l --name x`: refused) or, last, said its argument was missing.
test('hive start -l with no path (last, or before another flag) writes the combined log to logs/<name>.log', async () => {
  for (const [name, args] of [
    ['l1', ['-l']],
    ['l2', ['-l', '--time']],
    ['l3', ['--log', '--', 'an-arg']],
  ] as const) {
    const started = await hive.run(['start', shScript, '--json', '--name', name, ...args]);
    assert.equal(started.code, 0, started.stderr);
    const [app] = JSON.parse(started.stdout) as Info[];
    assert.equal(app!.logFile, join(hive.home, 'logs', `${name}.log`));
    await waitFor(() => lines(app!.logFile!).length === 2, `${name}'s combined lines`);
    for (const stream of ['out', 'err']) {
      assert.ok(
        lines(app!.logFile!).some((line) => line.endsWith(`[${name}:0] sh-${stream}`)),
        `${name}: sh-${stream}`,
      );
    }
  }
  const empty = await hive.run(['start', shScript, '--name', 'l4', '-l', '']);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /expected --log to be a file path, got ""/);
  // As --socket's: resolved, it named the current folder, which the primary then failed to listen on.
  const socket = await hive.run(['start', appFixture, '--name', 'l5', '--socket=']);
  assert.equal(socket.code, 2, socket.stderr);
  assert.match(socket.stderr, /ERR_HIVE_INVALID_ARGUMENT: expected --socket to be a path, got ""/);
});
