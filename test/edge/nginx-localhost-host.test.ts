// A host written `localhost:<port>` went into the upstream as `server localhost:<port>`, which nginx resolves at load
// to every address /etc/hosts gives (127.0.0.1 and, on most machines, ::1): two servers where one was listed, two
// shares of the traffic, and a refused ::1 try (an error in the log, a retry) for an app listening on 127.0.0.1 only.
// It is now written as 127.0.0.1, one server, and real nginx serves an app on 127.0.0.1 through it without an error.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { getOnce, nginxSkip, startProxy, startUpstream } from './nginx-harness.js';

const skip = nginxSkip();

function serverLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\s+server /.test(line));
}

test('localhost, in any case, as a host or as the local address, is one server line for 127.0.0.1', () => {
  for (const upstream of [
    { hosts: 'localhost:3001' },
    { hosts: ['LocalHost:3001'] },
    { hosts: [{ host: 'localhost', port: 3001 }] },
    { port: 3001, address: 'localhost' },
  ]) {
    const lines = serverLines(generateNginxConfig({ sites: [{ app: 'api', upstream }] }));
    assert.equal(lines.length, 1, `${JSON.stringify(upstream)}: ${lines.join('\n')}`);
    assert.match(lines[0]!, /^\s+server 127\.0\.0\.1:3001 max_fails=/, JSON.stringify(upstream));
  }
  // The other loopback spellings and names stay as written: [::1] is an app bound to ::1 only.
  const output = generateNginxConfig({
    sites: [{ app: 'api', upstream: { hosts: '[::1]:3001,127.0.0.2:3001,app-2.internal:3001' } }],
  });
  assert.deepEqual(
    serverLines(output).map((line) => line.trim().split(' ')[1]),
    ['[::1]:3001', '127.0.0.2:3001', 'app-2.internal:3001'],
  );
});

test('real nginx: localhost:<port> beside another host is one share of the traffic, no error logged', {
  skip,
}, async () => {
  // h1 listens on 127.0.0.1 only, as an app given `listen(port, '127.0.0.1')`: a ::1 peer would be refused.
  const h1 = await startUpstream('h1', '127.0.0.1');
  const h2 = await startUpstream('h2', '127.0.0.2');
  const proxy = await startProxy({ upstream: { hosts: `localhost:${h1.port},127.0.0.2:${h2.port}` } }).catch(
    async (error: unknown) => {
      await Promise.all([h1.stop(), h2.stop()]);
      throw error;
    },
  );
  try {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await getOnce('127.0.0.1', proxy.port);
      assert.equal(response.status, '200');
      names.push(response.seen?.name ?? '');
    }
    // Round robin over two servers, one each: h1 and h2 take turns.
    assert.equal(names.filter((name) => name === 'h1').length, 3, names.join(' '));
    assert.equal(names.filter((name) => name === 'h2').length, 3, names.join(' '));
    const errorLog = await readFile(join(proxy.nginx.prefix, 'error.log'), 'utf8').catch(() => '');
    assert.doesNotMatch(`${errorLog}${proxy.nginx.output()}`, /\[(error|crit|alert|emerg)\]/);
  } finally {
    await proxy.stop();
    await Promise.all([h1.stop(), h2.stop()]);
  }
});
