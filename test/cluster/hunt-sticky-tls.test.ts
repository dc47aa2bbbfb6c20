import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connect } from 'node:tls';
import { makeCertificate } from '../tls-certificate.js';
import { freePort, isEvent, killAll, startHive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-sticky-tls-'));
after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

test('sticky by header in front of an HTTPS app: a TLS client is refused at once, with a warning saying why', async () => {
  const { cert, key } = makeCertificate(dir);
  const app = join(dir, 'app.mjs');
  writeFileSync(
    app,
    `import https from 'node:https';
import { readFileSync } from 'node:fs';
https.createServer({ cert: readFileSync(${JSON.stringify(cert)}), key: readFileSync(${JSON.stringify(key)}) }, (req, res) => res.end('ok'))
  .listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  const port = await freePort();
  const hive = startHive([app, '-i', '1', '--port', String(port), '--sticky', 'header:x-client']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);

  // Before, the primary waited for an HTTP head that never comes, and the client for its ServerHello.
  const outcome = await new Promise<string>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    socket.on('secureConnect', () => resolve('handshake'));
    socket.on('error', (error) => resolve(`error: ${error.message}`));
    socket.on('close', () => resolve('closed'));
  });
  assert.notEqual(outcome, 'handshake');
  const warning = await hive.waitFor(isEvent('warning'), 'a warning');
  assert.match(String(warning.message), /--sticky header:x-client .* TLS handshake.*--sticky ip/);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
