// A whole nginx.conf (`--full`) had worker_connections 1024: a proxied WebSocket holds two connections (the client's
// and the upstream's), so 512 open WebSockets filled a worker and the next client was refused. The default is now
// 4096, with worker_rlimit_nofile twice that, so a worker started from a shell's 1024 files can hold them. Real nginx.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxSkip, startProxy } from './nginx-harness.js';

const skip = nginxSkip();

// The soft and hard "Max open files" of a process.
async function openFileLimits(pid: number | 'self'): Promise<[number, number]> {
  const line = (await readFile(`/proc/${pid}/limits`, 'utf8')).split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').split(/\s{2,}/).slice(1, 3);
  return [Number(soft), hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard)];
}

test('the full config holds 4096 connections a worker, with files for twice that', () => {
  const full = generateNginxConfig({ sites: [{ app: 'api', upstream: { port: 3000 } }] }, { shape: 'full' });
  assert.match(full, /^worker_rlimit_nofile 8192;$/m);
  assert.match(full, /^\s+worker_connections 4096;$/m);
  const own = generateNginxConfig(
    { main: { workerConnections: 10000 }, sites: [{ app: 'api', upstream: { port: 3000 } }] },
    { shape: 'full' },
  );
  assert.match(own, /^worker_rlimit_nofile 20000;$/m);
});

test("nginx's workers run with worker_rlimit_nofile as their open-file limit", { skip }, async (t) => {
  if ((await openFileLimits('self'))[1] < 8192) {
    t.skip('this process may not open 8192 files (hard limit), so neither may nginx');
    return;
  }
  const site = await startProxy({ upstream: { port: 3000 } });
  try {
    const children = (await readFile(`/proc/${site.nginx.pid}/task/${site.nginx.pid}/children`, 'utf8'))
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    assert.ok(children.length > 0, 'nginx has workers');
    for (const worker of children) assert.deepEqual(await openFileLimits(Number(worker)), [8192, 8192]);
  } finally {
    await site.stop();
  }
});
