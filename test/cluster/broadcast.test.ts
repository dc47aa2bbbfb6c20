import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { request } from 'undici';
import WebSocket from 'ws';
import { poll } from '../poll.js';
import { fixture, freePort, type HiveRecord, isEvent, killAll, outputOf, startDriver, startHive } from './helpers.js';

after(killAll);

const isResult = (command: string) => (r: HiveRecord) => r.kind === 'result' && r.command === command;

interface Reply {
  instance: number;
  pid: number;
  sent: boolean;
  code?: string;
}

interface Received {
  instance: number;
  pid: number;
  from: number;
  text: string;
}

async function get(port: number, query: string): Promise<Reply> {
  const { body } = await request(`http://127.0.0.1:${port}/?${query}`, { reset: true });
  return (await body.json()) as Reply;
}

// The balancer picks the process: ask until the one wanted has sent it.
async function sendFrom(port: number, from: number, text: string): Promise<Reply> {
  return poll(async () => {
    const reply = await get(port, `from=${from}&text=${text}`);
    return reply.sent ? reply : undefined;
  }, `instance ${from} to broadcast ${text}`);
}

function received(records: HiveRecord[]): Received[] {
  return records
    .filter((r) => r.kind === 'log' && String(r.line).startsWith('received '))
    .map((r) => {
      const { from, data } = JSON.parse(String(r.line).slice('received '.length)) as {
        from: number;
        data: { text: string };
      };
      return { instance: r.instance as number, pid: r.pid as number, from, text: data.text };
    });
}

test('broadcast(): each other process gets a message once, the sender does not, a restarted process gets later ones', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('broadcast-app.mjs'), instances: 2, port });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  const got = (instance: number, text: string, pid?: number) =>
    received(hive.records).filter(
      (r) => r.instance === instance && r.text === text && (pid === undefined || r.pid === pid),
    );

  await sendFrom(port, 0, 'a1');
  await poll(() => got(1, 'a1').length > 0, 'instance 1 to get a1');
  // Sent once the primary has relayed a1: a copy of a1 to its sender would have arrived before b1 does.
  await sendFrom(port, 1, 'b1');
  await poll(() => got(0, 'b1').length > 0, 'instance 0 to get b1');
  assert.deepEqual(got(0, 'a1'), [], 'the sender does not get its own message');
  await sendFrom(port, 0, 'a2');
  await poll(() => got(1, 'a2').length > 0, 'instance 1 to get a2');
  assert.equal(got(1, 'a1').length, 1, 'a1 arrived once');
  assert.deepEqual(got(1, 'b1'), [], 'the sender does not get its own message');
  assert.deepEqual(
    got(0, 'b1').map((r) => r.from),
    [1],
    'the handler is told the sender',
  );

  assert.equal((await get(port, 'bad=1')).code, 'ERR_HIVE_INVALID_ARGUMENT');

  // A crash restart: the new process of slot 1 gets what is broadcast after it started.
  const old = hive.readyPids().get(1)!;
  process.kill(old, 'SIGKILL');
  const restarted = await hive.waitFor(
    (r) => isEvent('worker', { instance: 1, state: 'ready' })(r) && r.pid !== old,
    'slot 1 restarted',
  );
  await sendFrom(port, 0, 'a3');
  await poll(() => got(1, 'a3', restarted.pid as number).length > 0, 'the restarted process to get a3');
  assert.equal(got(1, 'a3').length, 1);

  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});

test('broadcast() without a Hive primary: data is checked, nothing is sent, onBroadcast returns an unsubscribe', async () => {
  const runtime = new URL('../../dist/runtime/index.js', import.meta.url).href;
  const script = `
    const { broadcast, onBroadcast } = await import(${JSON.stringify(runtime)});
    const out = {};
    broadcast({ text: 'nobody' });
    out.unsubscribe = typeof onBroadcast(() => {});
    for (const [name, data] of [['bigint', 1n], ['undefined', undefined], ['cycle', (() => { const o = {}; o.o = o; return o; })()]]) {
      try { broadcast(data); out[name] = 'sent'; } catch (error) { out[name] = error.code; }
    }
    try { onBroadcast('nope'); } catch (error) { out.handler = error.code; }
    console.log(JSON.stringify(out));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { code, stdout, stderr } = await outputOf(child, 30_000);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), {
    unsubscribe: 'function',
    bigint: 'ERR_HIVE_INVALID_ARGUMENT',
    undefined: 'ERR_HIVE_INVALID_ARGUMENT',
    cycle: 'ERR_HIVE_INVALID_ARGUMENT',
    handler: 'ERR_HIVE_INVALID_ARGUMENT',
  });
});

test('examples/ws: a chat message reaches the clients of every process', async () => {
  const wsExample = new URL('../../examples/ws/server.ts', import.meta.url).pathname;
  const port = await freePort();
  const hive = startHive([wsExample, '-i', '2', '--port', String(port), '--sticky', 'header:x-client']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

  // Clients until both processes have one (sticky by name: each name stays on its process).
  const clients: { socket: WebSocket; messages: { type: string; instance: number; text?: string; from?: number }[] }[] =
    [];
  const byInstance = new Map<number, (typeof clients)[number]>();
  for (let i = 0; byInstance.size < 2; i++) {
    assert.ok(i < 20, 'clients on both processes');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { 'x-client': `chat-${i}` } });
    const client = { socket, messages: [] as (typeof clients)[number]['messages'] };
    socket.on('message', (data) => client.messages.push(JSON.parse(data.toString())));
    clients.push(client);
    const hello = await poll(() => client.messages.find((m) => m.type === 'hello'), 'the greeting');
    if (!byInstance.has(hello.instance)) byInstance.set(hello.instance, client);
  }
  byInstance.get(0)!.socket.send('/all hello everyone');
  for (const [instance, client] of byInstance) {
    const chat = await poll(() => client.messages.find((m) => m.type === 'chat'), `the chat on process ${instance}`);
    assert.deepEqual([chat.instance, chat.from, chat.text], [instance, 0, 'hello everyone']);
  }
  for (const client of clients) client.socket.terminate();
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('broadcasts to a process that stopped reading are bounded: past 1024 pending, dropped with a warning', async () => {
  const port = await freePort();
  const hive = startDriver({ script: fixture('broadcast-app.mjs'), instances: 2, port });
  assert.equal((await hive.waitFor(isResult('start'), 'start')).ok, true);
  const stalled = hive.readyPids().get(1)!;
  // Armed while every process answers (a request balanced to a stopped one would hang), fired by SIGUSR2.
  const sender = (await sendFrom(port, 0, 'bulk&count=3000&size=1000')).pid;
  // Stopped, it reads nothing: the primary's sends to it queue in the primary's memory.
  process.kill(stalled, 'SIGSTOP');
  try {
    process.kill(sender, 'SIGUSR2');
    const dropping = await hive.waitFor(
      (r) => isEvent('warning')(r) && /not reading its broadcasts/.test(String(r.message)),
      'the warning that broadcasts are dropped',
    );
    assert.match(String(dropping.message), new RegExp(`worker 1 \\(pid ${stalled}\\).*1024 messages`));
  } finally {
    process.kill(stalled, 'SIGCONT');
  }
  const caughtUp = await hive.waitFor(
    (r) => isEvent('warning')(r) && /caught up/.test(String(r.message)),
    'the warning that it caught up',
  );
  const dropped = Number(/(\d+) were dropped/.exec(String(caughtUp.message))?.[1]);
  const bulk = () => received(hive.records).filter((r) => r.instance === 1 && r.text.startsWith('bulk-'));
  await poll(() => bulk().length + dropped === 3000, 'every bulk message delivered or counted as dropped');
  assert.ok(dropped > 0 && dropped < 3000);
  // It gets broadcasts again once it has caught up.
  await sendFrom(port, 0, 'after');
  await poll(() => received(hive.records).some((r) => r.instance === 1 && r.text === 'after'), 'the later broadcast');
  hive.command('stop');
  assert.equal((await hive.exited).code, 0);
});
