// `hive logs api 2>&1 | grep ...` (the docs' recipe): out and error lines through one pipe whose reader is slower than
// the command. Written apart, an out line written in part (the pipe full) had an error line land in its middle.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hiveBin, tempHome, waitFor } from './helpers.js';

test('hive logs 2>&1 into a slow reader: every line whole, out and error lines alike', async () => {
  const hive = tempHome();
  const script = join(hive.dir, 'mixed.cjs');
  // 40,000 out lines and 400 error lines among them, about 100 bytes each, then idle.
  writeFileSync(
    script,
    `const pad = 'x'.repeat(80);
for (let i = 0; i < 40000; i++) {
  process.stdout.write('out ' + i + ' ' + pad + '\\n');
  if (i % 100 === 0) process.stderr.write('err ' + i + ' ' + pad + '\\n');
}
setInterval(() => {}, 1000);
`,
  );
  await hive.json(['start', script, '--name', 'mixed', '-x'], { env: { HIVE_LOG_MAX_SIZE: '1G' } });
  await waitFor(() => hive.readLog('mixed-out.log').includes('out 39999 '), 'every out line in the log');
  await waitFor(() => hive.readLog('mixed-error.log').includes('err 39900 '), 'every error line in the log');

  const command = `"${process.execPath}" "${hiveBin}" logs mixed --lines 50000 --app-only --raw 2>&1 | (sleep 1; cat)`;
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      'sh',
      ['-c', command],
      { env: { ...process.env, HIVE_HOME: hive.home }, maxBuffer: 64 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    ),
  );
  const lines = output.trimEnd().split('\n');
  // The two files' `==> file <==` headers aside.
  const broken = lines.filter((line) => !/^(out|err) \d+ x{80}$/.test(line) && !/^==> .* <==$/.test(line));
  assert.deepEqual(broken.slice(0, 3), [], `${broken.length} lines not whole`);
  assert.equal(lines.filter((line) => line.startsWith('==> ')).length, 2);
  assert.equal(lines.filter((line) => line.startsWith('out ')).length, 40000);
  assert.equal(lines.filter((line) => line.startsWith('err ')).length, 400);
});
