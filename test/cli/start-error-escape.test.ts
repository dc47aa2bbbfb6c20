// A failed start's message ends with the app's own stderr: `hive start` (and restart, reload, which report it through
// daemon-command.ts) print it as `hive describe` shows the last error, its escape sequences as `\x1b` text that cannot
// recolour, clear or retitle the terminal, and its lines still as lines.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HiveHome } from '../daemon/helpers.js';

test("hive start, restart and reload print a failed app's stderr escaped, as hive describe does", async () => {
  const hive = new HiveHome();
  try {
    const script = join(hive.dir, 'bad.js');
    writeFileSync(script, 'console.error("boom \\u001b[31mred"); process.exit(3)\n');
    const started = await hive.run(['start', script, '--name', 'bad']);
    const restarted = await hive.run(['restart', 'bad']);
    const reloaded = await hive.run(['reload', 'bad']);
    const described = await hive.run(['describe', 'bad']);
    for (const [command, result] of [
      ['start', started],
      ['restart', restarted],
      ['reload', reloaded],
    ] as const) {
      assert.equal(result.code, 1, `${command}: ${result.stderr}`);
      for (const output of [result.stdout, result.stderr]) assert.ok(!output.includes('\u001b'), command);
      // The message's first line, then the app's tail on a line of its own, escaped.
      assert.match(
        result.stderr,
        new RegExp(
          `^hive ${command}: ERR_HIVE_APP_OPERATION: app "bad": did not start: .*\\n {2}boom \\\\x1b\\[31mred$`,
          'm',
        ),
        command,
      );
    }
    assert.match(described.stdout, /last error .*boom \\x1b\[31mred/);
  } finally {
    await hive.cleanup();
  }
});
