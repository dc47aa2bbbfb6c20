// `hive run` on a port in use said `bind EADDRINUSE null:42081`: in cluster mode node's error for an app that listens
// with no host carries address null, which went into ERR_HIVE_PORT_IN_USE as is. It now says where: every address
// for no host, the host itself when the app gave one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killAll, runHive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-port-in-use-'));
after(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

// As most apps listen: the port alone, so every address.
const app = join(dir, 'app.js');
writeFileSync(app, "require('node:http').createServer((req, res) => res.end()).listen(Number(process.env.PORT));\n");

test('a port in use by another process: the error names the address, not null', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    // Every address clashes with the blocker's 127.0.0.1.
    const { code, stderr } = await runHive(['run', app, '-i', '2', '--port', String(port)]);
    assert.equal(code, 1, stderr);
    // Hive's own line; the app's crash report above it is node's, left as node prints it.
    const line = stderr.split('\n').find((text) => text.startsWith('hive run: ERR_HIVE_PORT_IN_USE')) ?? '';
    assert.ok(line, stderr);
    assert.doesNotMatch(line, /null:/);
    assert.match(line, new RegExp(`EADDRINUSE \\*:${port} \\(every address\\)`));
  } finally {
    blocker.close();
  }
});
