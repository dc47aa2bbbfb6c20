// With `time`, a line passed on unfinished (the app quiet for PARTIAL_LINE_DELAY) was stamped when its primary passed
// it on, not when it read it: 150 ms late, after a line the app wrote later on stderr. Its time is its read time, in
// fork mode (the fork primary's records) as in cluster mode (`hive run`'s).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Described, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
after(() => hive.cleanup());

// `B1` without its newline, a whole stderr line 50 ms later, the newline (`\r\n`) 300 ms after that; a server, for
// cluster mode's ready rule.
const script = join(hive.dir, 'partial.mjs');
writeFileSync(
  script,
  `#!/usr/bin/env node
import http from 'node:http';
process.stdout.write('B1');
setTimeout(() => console.error('E1'), 50);
setTimeout(() => process.stdout.write('\\r\\n'), 350);
http.createServer().listen(0, '127.0.0.1');
`,
  { mode: 0o755 },
);

for (const [mode, flags] of [
  ['fork mode', ['-x']],
  ['cluster mode', ['-i', '1']],
] as const) {
  test(`${mode}, time: a partial line is stamped when it was read, not after a later stderr line`, async () => {
    const name = mode.split(' ')[0]!;
    const [app] = await hive.json<Described[]>(['start', script, '--name', name, '--time', ...flags]);
    const stamp = async (file: string, line: string) => {
      const found = await waitFor(
        () =>
          readOrEmpty(file)
            .split('\n')
            .find((l) => l.endsWith(`] ${line}`)),
        `${line} in ${file}`,
      );
      return Date.parse(found.split(' ')[0]!);
    };
    const partial = await stamp(app!.outFile, 'B1');
    const stderr = await stamp(app!.errorFile, 'E1');
    assert.ok(partial <= stderr, `B1 at ${new Date(partial).toISOString()}, E1 at ${new Date(stderr).toISOString()}`);
    assert.equal(
      readOrEmpty(app!.outFile)
        .split('\n')
        .filter((l) => l.includes('] B1')).length,
      1,
    );
    await hive.json(['delete', name]);
  });
}
