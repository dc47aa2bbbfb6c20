// A fork-mode app with `sticky` or `balance` started with no word: both are the `hive run` primary's (it owns the
// port and routes the connections), which a fork-mode app runs without. config.md promises no key is ignored
// silently, and `kill_signal` on a cluster app already warned; these warn the same way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from 'hive/config';

const dir = mkdtempSync(join(tmpdir(), 'hive-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('sticky and balance on a fork-mode app are warned about as ignored; on a cluster app they are not', async () => {
  const file = join(dir, 'hive.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'f', script: 'f.js', execMode: 'fork', port: 3000, sticky: 'ip', balance: 'os' },
        { name: 'c', script: 'c.js', port: 3001, sticky: 'ip', balance: 'rr' },
      ],
    }),
  );
  const { warnings } = await loadConfig(file);
  assert.deepEqual(
    warnings.map((warning) => warning.replace(/: ignored: .*/, '')),
    [`${file}: apps[0] (f).sticky`, `${file}: apps[0] (f).balance`],
  );
  assert.match(warnings[0]!, /primary/);
});

test('in a PM2 ecosystem file the warning names the key as written', async () => {
  const file = join(dir, 'ecosystem.config.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'f', script: 'f.js', port: 3000, sticky: 'cookie:sid' }] }));
  const { warnings } = await loadConfig(file);
  assert.deepEqual(
    warnings.map((warning) => warning.replace(/: ignored: .*/, '')),
    [`${file}: apps[0] (f).sticky`],
  );
});
