// The commands that report their own errors (hive run, edge; deploy's and bench's quote their values) print them as every
// daemon command does (error-line.ts): a path given with an escape sequence in it shows as `\x1b` text, and
// cannot recolour, clear or retitle the terminal.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { HiveHome } from '../daemon/helpers.js';

test('hive run and edge print a given path escaped in their error line', async () => {
  const hive = new HiveHome();
  try {
    const red = '\u001b[31m';
    const cases = [
      [
        'run',
        // A --name: the script's base name, the default one, would be refused first (an app name takes no escape).
        ['run', join(hive.dir, `no${red}file.js`), '--name', 'nofile'],
        /^hive run: ERR_HIVE_SCRIPT_NOT_FOUND: .*no\\x1b\[31mfile\.js/m,
      ],
      [
        'edge',
        ['edge', 'nginx', '--config', join(hive.dir, `x${red}.json`)],
        /^hive edge: ERR_HIVE_CONFIG: .*x\\x1b\[31m\.json/m,
      ],
    ] as const;
    for (const [command, args, line] of cases) {
      const result = await hive.run([...args]);
      assert.notEqual(result.code, 0, command);
      assert.ok(!result.stderr.includes('\u001b'), `${command}: ${JSON.stringify(result.stderr)}`);
      assert.match(result.stderr, line, command);
    }
  } finally {
    await hive.cleanup();
  }
});
