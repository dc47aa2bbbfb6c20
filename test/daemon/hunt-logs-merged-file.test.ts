import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('an errorFile that is the outFile: one file, rotated once for both, and `hive logs` prints it once', async () => {
  const script = join(dir, 'big.sh');
  // Over 10 MB on stdout (a rotation), then one line on each stream.
  writeFileSync(
    script,
    "#!/bin/sh\necho first-err >&2\nhead -c 11000000 /dev/zero | tr '\\0' a | fold -w 1000\necho\necho last-err >&2\necho last-out\nexec sleep 1000\n",
    { mode: 0o755 },
  );
  const file = join(dir, 'app.log');
  writeFileSync(
    join(dir, 'ecosystem.config.cjs'),
    `module.exports = { apps: [{ name: 'm', script: ${JSON.stringify(script)}, out_file: ${JSON.stringify(file)}, error_file: ${JSON.stringify(file)} }] };\n`,
  );
  await hive.json(['start', join(dir, 'ecosystem.config.cjs')]);
  // Both lines written after the rotation come to the file at the path, not to the one rotated away; in either order
  // (two pipes: last-out may be read first).
  await waitFor(
    () => ['[m:0] last-out\n', '[m:0] last-err\n'].every((line) => readOrEmpty(file).includes(line)),
    'the last lines in the log file',
  );
  // Each line once in the one file, though both streams were given it.
  const written = readOrEmpty(file).trimEnd().split('\n');
  for (const line of ['[m:0] last-out', '[m:0] last-err']) {
    assert.equal(written.filter((w) => w === line).length, 1, line);
  }
  // `hive logs` prints the file's last lines once, not once for out and once for err. Which lines end the file is not
  // known: two pipes, so last-err may be read before the tail of the 11 MB on stdout and land above it.
  const printed = await hive.run(['logs', 'm', '--lines', '2', '--json', '--app-only']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(
    printed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { line: string }).line),
    written.slice(-2),
  );
});

test('an outFile two apps share: `hive logs <app> --json` labels each line with the app that wrote it', async () => {
  const file = join(dir, 'shared.log');
  const script = (word: string) => {
    const path = join(dir, `${word}.sh`);
    writeFileSync(path, `#!/bin/sh\necho from-${word}\nexec sleep 1000\n`, { mode: 0o755 });
    return path;
  };
  for (const name of ['sh1', 'sh2']) {
    await hive.json(['start', script(name), '--name', name, '-o', file]);
  }
  await waitFor(() => ['from-sh1\n', 'from-sh2\n'].every((line) => readOrEmpty(file).includes(line)), 'both lines');
  const printed = await hive.run(['logs', 'sh1', '--json', '--app-only', '--out']);
  assert.equal(printed.code, 0, printed.stderr);
  const records = printed.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { app: string; instance: number | null; line: string });
  const byLine = Object.fromEntries(records.map((record) => [record.line, [record.app, record.instance]]));
  assert.deepEqual(byLine['[sh1:0] from-sh1'], ['sh1', 0]);
  assert.deepEqual(byLine['[sh2:0] from-sh2'], ['sh2', 0]);
});
