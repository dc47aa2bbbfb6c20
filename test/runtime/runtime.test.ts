import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { availableCores } from '../../dist/pool/index.js';
import {
  decodePrimaryMessage,
  decodeWorkerMessage,
  isHiveInternal,
  PROTOCOL_VERSION,
  toWire,
} from '../../dist/runtime/protocol.js';
import { poll } from '../poll.js';

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

const standalone = new URL('../fixtures/cluster/standalone.js', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  info: Record<string, unknown> & { port: number };
  output: string[];
}

async function startStandalone(env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [standalone], {
    env: { ...process.env, HIVE_MANAGED: '', HIVE_INSTANCE: '', HIVE_CLUSTER_SIZE: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const output: string[] = [];
  const info = await new Promise<Started['info']>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        output.push(line);
        if (line.startsWith('{')) resolve(JSON.parse(line) as Started['info']);
      }
    });
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  return { child, info, output };
}

/** A raw keep-alive HTTP/1.1 connection: send a request, read one response. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  let ended = false;
  const waiters: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('end', () => {
    ended = true;
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => {});
  return {
    socket,
    get ended() {
      return ended;
    },
    async get(path: string): Promise<{ headers: string; body: string }> {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end !== -1) {
          const headers = buffer.slice(0, end).toLowerCase();
          const length = Number(/content-length: (\d+)/.exec(headers)?.[1] ?? 0);
          if (buffer.length >= end + 4 + length) {
            const body = buffer.slice(end + 4, end + 4 + length);
            buffer = buffer.slice(end + 4 + length);
            return { headers, body };
          }
        }
        if (ended) throw new Error('connection ended before a response');
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async whenEnded(): Promise<void> {
      while (!ended) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

test('protocol: Hive messages decode, an app’s own messages are ignored, another version is an error', () => {
  assert.equal(PROTOCOL_VERSION, 1);
  assert.deepEqual(decodeWorkerMessage({ hive: 1, type: 'ready' }), { hive: 1, type: 'ready' });
  assert.equal(decodeWorkerMessage({ hello: 'app' }), undefined);
  assert.equal(decodeWorkerMessage('text'), undefined);
  assert.equal(decodeWorkerMessage({ hive: 1, type: 'shutdown', idleGrace: 1 }), undefined);
  assert.deepEqual(decodePrimaryMessage({ hive: 1, type: 'cluster-size', size: 3 }), {
    hive: 1,
    type: 'cluster-size',
    size: 3,
  });
  assert.throws(() => decodePrimaryMessage({ hive: 2, type: 'shutdown' }), { code: 'ERR_HIVE_PROTOCOL' });
  // The wire form (node's internal messages); another internal message with a `hive` key is not Hive's.
  const wire = toWire({ hive: 1, type: 'cluster-size', size: 3 });
  assert.equal(wire.cmd, 'NODE_HIVE');
  assert.equal(isHiveInternal(wire), true);
  assert.deepEqual(decodePrimaryMessage(wire), wire);
  assert.equal(decodePrimaryMessage({ cmd: 'NODE_CLUSTER', hive: 1, type: 'cluster-size', size: 3 }), undefined);
  assert.equal(isHiveInternal({ cmd: 'NODE_CLUSTER', act: 'online' }), false);
});

test('without a primary: not managed, instance 0, ready() is a no-op, pool() is shared and sized for the cluster', async () => {
  const { child, info } = await startStandalone({ HIVE_CLUSTER_SIZE: '2' });
  assert.equal(info.isPrimaryManaged, false);
  assert.equal(info.instance, 0);
  assert.equal(info.clusterSize, 2);
  assert.equal(info.samePool, true);
  assert.equal(info.maxThreads, Math.max(1, Math.floor(availableCores() / 2)));
  assert.equal(info.doubled, 42);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('graceful drain: in-flight requests finish, kept-alive connections get Connection: close on their next request, idle ones close after the grace, hooks run, exit 0', async () => {
  const { child, info, output } = await startStandalone({ HIVE_DRAIN_IDLE_GRACE: '3000' });
  const reused = rawConnection(info.port);
  const idle = rawConnection(info.port);
  const busy = rawConnection(info.port);
  assert.equal((await reused.get('/')).body, 'served /');
  assert.doesNotMatch((await idle.get('/')).headers, /connection: close/);
  // In flight until the gate file exists (after the checks below), so it is surely in flight when the drain begins.
  const gate = join(mkdtempSync(join(tmpdir(), 'rt-')), 'gate');
  const inflight = busy.get(`/slow?gate=${encodeURIComponent(gate)}`);
  await poll(() => output.includes('slow request received'), 'the slow request to arrive');
  child.kill('SIGTERM');
  await poll(() => output.includes('stopped accepting'), 'the drain to begin');

  // The idle keep-alive connection is not closed at once: its next request is answered, with Connection: close.
  const next = await reused.get('/after');
  assert.equal(next.body, 'served /after');
  assert.match(next.headers, /connection: close/);
  await reused.whenEnded();

  writeFileSync(gate, '');
  const slow = await inflight;
  assert.equal(slow.body, 'served /slow');
  assert.match(slow.headers, /connection: close/);

  // The connection left idle is closed by the server once the grace has passed.
  await idle.whenEnded();
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.ok(output.includes('hook ran with closed server'), output.join('\n'));
  rmSync(dirname(gate), { recursive: true, force: true });
});
