// `hive reloadLogs` (logrotate's `postrotate`, as `pm2 reloadLogs` is) opens a new file at the path of a log that was
// moved, at once. By itself the daemon notices a moved log only within a second of the app's next line, and the lines
// before went to the moved file: logrotate compresses and removes that right after `postrotate` (`compress` without
// `delaycompress`), so those lines were lost.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { QUICK_REQUEST_TIMEOUT, requestTimeout } from '../../dist/daemon/client.js';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('hive reloadLogs opens a moved log again at its path at once, and the next lines go there', async () => {
  const out = join(hive.dir, 'out.log');
  // One line as it starts, then one each time it is sent SIGUSR2: none meanwhile, to notice the move by.
  const script = join(hive.dir, 'poked.sh');
  writeFileSync(script, "#!/bin/sh\ntrap 'echo poked' USR2\necho started\nwhile true; do sleep 0.1; done\n", {
    mode: 0o755,
  });
  await hive.json(['start', script, '--name', 'tick', '-o', out]);
  await waitFor(() => readOrEmpty(out).includes('started'), 'the first line');
  renameSync(out, `${out}.1`);
  assert.deepEqual(await hive.json(['reloadLogs']), { reopened: [out] });
  // Once the moved file's lines are all written, as logrotate compresses it right after.
  assert.equal(existsSync(out), true);
  await hive.json(['sendSignal', 'SIGUSR2', 'tick']);
  await waitFor(() => readOrEmpty(out).includes('poked'), 'the next line in the new file');
  assert.equal(readFileSync(`${out}.1`, 'utf8'), '[tick:0] started\n');
  // Nothing moved since: nothing to reopen.
  assert.deepEqual(await hive.json(['reloadLogs']), { reopened: [] });
});

// It answers once the moved files' ends are written, which a disk busy with the gzip of a large rotated copy can make
// longer than the quick commands' bound: `postrotate` would fail for a reload that happened.
test('hive reloadLogs waits for the moved files longer than a quick command does', () => {
  const timeout = requestTimeout('reloadLogs');
  assert.ok(timeout !== undefined && timeout > QUICK_REQUEST_TIMEOUT, `reloadLogs bound: ${timeout}`);
});
