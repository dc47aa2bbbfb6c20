// The CLI spawns the daemon with its own Node (process.execPath). A spawn that fails (the binary gone, as after an
// upgrade that replaced it under a running shell, or EMFILE) emitted an 'error' that no one heard: the CLI died of an
// unhandled 'error' event and its stack. It counts as a daemon that exited at its start, said with the spawn's error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { hiveBin, tempHome } from './helpers.js';

const hive = tempHome();

test('a daemon that cannot be spawned fails the command with ERR_HIVE_DAEMON_UNREACHABLE naming the error', async () => {
  // A Node of its own that the CLI removes as it starts: its process.execPath names no file by the time it spawns.
  const node = join(hive.dir, 'node');
  copyFileSync(process.execPath, node);
  const wrapper = join(hive.dir, 'gone-node.mjs');
  writeFileSync(
    wrapper,
    [
      "import { unlinkSync } from 'node:fs';",
      'unlinkSync(process.execPath);',
      `process.argv.splice(1, 1, ${JSON.stringify(hiveBin)});`,
      `await import(${JSON.stringify(hiveBin)});`,
      '',
    ].join('\n'),
  );
  const child = spawn(node, [wrapper, 'ls'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await outputOf(child, 60_000);
  assert.equal(existsSync(node), false, 'the Node the CLI runs is gone');
  assert.equal(result.code, 1, `exit code (null: hung); stderr: ${result.stderr}`);
  assert.match(
    result.stderr,
    new RegExp(
      `^hive ls: ERR_HIVE_DAEMON_UNREACHABLE: the daemon could not be spawned 3 times: spawn ${node} ENOENT$`,
      'm',
    ),
  );
  assert.doesNotMatch(result.stderr, /Unhandled 'error' event|\n\s+at /);
});
