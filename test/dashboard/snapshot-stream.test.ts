import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import { type HiveSnapshot, type SnapshotSource, startDashboard } from '../../dist/dashboard/index.js';
import { SnapshotStream, stalledFrames } from '../../dist/dashboard/snapshot-stream.js';

// Every wait below is bounded so that a stalled stream fails the test instead of hanging it; none is an assertion.
const BOUND_MS = 20_000;

/** An open `/events` stream read frame by frame ([event, data]); `ended` resolves when the server ends it. */
async function openEvents(url: string) {
  const { statusCode, headers, body } = await request(url, { signal: AbortSignal.timeout(BOUND_MS), reset: true });
  assert.equal(statusCode, 200);
  assert.match(String(headers['content-type']), /^text\/event-stream/);
  const chunks = body[Symbol.asyncIterator]();
  let buffer = '';
  return {
    /** The next frame with an event; rejects when the stream ends first or the bound passes. */
    async next(): Promise<[string, string]> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined && data !== undefined) return [event, data];
          continue;
        }
        const chunk = await chunks.next();
        if (chunk.done) throw new Error('the stream ended');
        buffer += chunk.value.toString();
      }
    },
    /** Resolves once the server has ended the stream (the rest is read and dropped). */
    async ended(): Promise<void> {
      while (!(await chunks.next()).done) {}
    },
    close: () => body.destroy(),
  };
}

const never = () => new Promise<HiveSnapshot>(() => {});

test('a read that never settles is abandoned: the page is told, and the next read brings data again', async (t) => {
  let reads = 0;
  let settleLate: ((snapshot: HiveSnapshot) => void) | undefined;
  const source: SnapshotSource = {
    snapshot() {
      reads += 1;
      // A primary that does not answer, then one that fails outright, then answers.
      if (reads === 1) return new Promise((resolve) => (settleLate = resolve));
      if (reads === 2) return Promise.reject(new Error('primary went away'));
      return Promise.resolve({ time: reads, host: 'test', apps: [] });
    },
  };
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const events = await openEvents(`${dashboard.url}events`);
  t.after(() => events.close());

  const [stale, staleData] = await events.next();
  assert.equal(stale, 'failure');
  assert.equal(JSON.parse(staleData).code, 'ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT');
  assert.match(JSON.parse(staleData).message, /stale/);
  const [failed, failedData] = await events.next();
  assert.equal(failed, 'failure');
  assert.deepEqual(JSON.parse(failedData), { code: null, message: 'primary went away' });
  const [event, data] = await events.next();
  assert.equal(event, 'snapshot');
  assert.equal((JSON.parse(data) as HiveSnapshot).time, 3);

  // The abandoned read answers at last: too late, it is dropped, and the stream goes on with fresh reads.
  settleLate?.({ time: -1, host: 'late', apps: [] });
  for (let i = 0; i < 3; i++) {
    const [next, nextData] = await events.next();
    assert.equal(next, 'snapshot');
    assert.notEqual((JSON.parse(nextData) as HiveSnapshot).host, 'late');
  }
});

test('a client that does not read is skipped, not buffered for: it gets a few old frames, then a fresh one', async (t) => {
  // Frames of 1 MB, far more than the socket buffers hold: the server used to queue every one of them for the stalled
  // client (40 MB here, and growing by the frame each second on a real dashboard).
  const stalledReads = 40;
  const host = 'x'.repeat(1_000_000);
  let reads = 0;
  let reached: () => void = () => {};
  const stalled = new Promise<void>((resolve) => (reached = resolve));
  const source: SnapshotSource = {
    snapshot() {
      reads += 1;
      if (reads === stalledReads) reached();
      return Promise.resolve({ time: reads, host, apps: [] });
    },
  };
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const socket = connect(dashboard.port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.pause();
  socket.write('GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await stalled;
  // Now read: count the frames of the stalled reads that were still queued, up to the first of a later read.
  socket.setEncoding('latin1');
  let buffer = '';
  let old = 0;
  const bound = setTimeout(() => socket.destroy(new Error('no fresh frame within the bound')), BOUND_MS);
  t.after(() => clearTimeout(bound));
  for await (const chunk of socket.iterator({ destroyOnReturn: true })) {
    buffer += chunk as string;
    let end = buffer.indexOf('\n\n');
    let fresh = false;
    while (end !== -1 && !fresh) {
      const time = /^data: \{"time":(\d+)/m.exec(buffer.slice(0, end))?.[1];
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (time === undefined) continue;
      if (Number(time) <= stalledReads) old += 1;
      else fresh = true;
    }
    if (fresh) break;
  }
  assert.ok(old >= 1 && old < stalledReads / 2, `${old} frames of the ${stalledReads} stalled reads were queued`);
});

test('a client that stays stalled is dropped after the skipped frames allowed; the others keep receiving', async (t) => {
  // Frames of 256 kB fill the socket buffers of a client that does not read within a few frames; from then on each
  // frame is skipped for it, and the 5th skipped in a row drops it. It used to be held until TCP gave up (never, on
  // loopback, for a client that is alive but not reading).
  const host = 'x'.repeat(256_000);
  let reads = 0;
  const source: SnapshotSource = {
    snapshot() {
      reads += 1;
      return Promise.resolve({ time: reads, host, apps: [] });
    },
  };
  const stream = new SnapshotStream(source, 100, 5);
  t.after(() => stream.close());
  let droppedAt = 0;
  let dropped: () => void = () => {};
  const serverSaw = new Promise<void>((resolve) => (dropped = resolve));
  const server = createServer((req, res) => {
    if (req.url === '/stalled') {
      res.on('close', () => {
        droppedAt = reads;
        dropped();
      });
    }
    stream.add(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  const live = await openEvents(`http://127.0.0.1:${port}/`);
  t.after(() => live.close());
  const stalled = connect(port, '127.0.0.1');
  t.after(() => stalled.destroy());
  stalled.on('error', () => {});
  stalled.pause();
  stalled.write('GET /stalled HTTP/1.1\r\nHost: localhost\r\n\r\n');

  let bound: NodeJS.Timeout | undefined;
  const outlived = new Promise<never>((_resolve, reject) => {
    bound = setTimeout(() => reject(new Error('the stalled client was still held at the bound')), BOUND_MS);
  });
  t.after(() => clearTimeout(bound));
  // The live page reads on meanwhile (else it would stall too, and be dropped as well).
  let liveFrames = 0;
  const reading = (async () => {
    for (;;) {
      const [event, data] = await live.next();
      assert.equal(event, 'snapshot');
      liveFrames += 1;
      if (droppedAt > 0 && (JSON.parse(data) as HiveSnapshot).time > droppedAt + 2) return;
    }
  })();
  await Promise.race([serverSaw, outlived]);
  // The live page gets frames read after the drop: it was not dropped with the stalled one.
  await Promise.race([reading, outlived]);
  assert.ok(liveFrames > 5, `the live page got ${liveFrames} frames`);
  // The stalled client, reading at last, gets what was already in the socket buffers, then the end of the stream.
  const closed = once(stalled, 'close');
  stalled.resume();
  await Promise.race([closed, outlived]);
  // What a page gets by default: 30 s of frames, whatever the interval, and never fewer than 3.
  assert.deepEqual([stalledFrames(1000), stalledFrames(100), stalledFrames(60_000)], [30, 300, 3]);
});

test('/api/snapshot answers 503 with the timeout code when the source does not answer', async (t) => {
  const dashboard = await startDashboard({ snapshot: never }, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const { statusCode, body } = await request(`${dashboard.url}api/snapshot`, {
    signal: AbortSignal.timeout(BOUND_MS),
    reset: true,
  });
  assert.equal(statusCode, 503);
  assert.equal(((await body.json()) as { code: string }).code, 'ERR_HIVE_DASHBOARD_SNAPSHOT_TIMEOUT');
});

test('close() ends every stream, also while a read is pending', async (t) => {
  const stream = new SnapshotStream({ snapshot: never }, 100);
  const server = createServer((_req, res) => stream.add(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // The headers are written when the stream takes the client, so both are held once these resolve.
  const clients = [await openEvents(url), await openEvents(url)];
  stream.close();
  await Promise.all(clients.map((client) => client.ended()));
});

test('close() gives up the read in flight: its daemon connection is closed then, not at the read bound', {
  timeout: BOUND_MS,
}, async (t) => {
  // A daemon that takes the snapshot request and never answers it. With an interval of 60 s the read's own bound is
  // 180 s and the source has none (timeout 0): only close() can end the connection within this test's bound. `hive
  // monit` already gave its read up when it ended; the dashboard left the connection open until the bound.
  const home = mkdtempSync(join(tmpdir(), 'hd-'));
  const connections: Socket[] = [];
  const daemon = createNetServer((socket) => {
    connections.push(socket);
    socket.on('error', () => {});
    socket.resume();
  });
  t.after(() => {
    for (const socket of connections) socket.destroy();
    daemon.close();
    rmSync(home, { recursive: true, force: true });
  });
  const paths = hivePaths({ HIVE_HOME: home });
  daemon.listen(paths.socket);
  await once(daemon, 'listening');
  const stream = new SnapshotStream(daemonSnapshotSource({ paths, timeout: 0 }), 60_000);
  const server = createServer((_req, res) => stream.add(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const client = await openEvents(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  if (connections.length === 0) await once(daemon, 'connection');
  const [connection] = connections;
  assert.ok(connection);
  const closed = once(connection, 'close');
  stream.close();
  await client.ended();
  await closed;
});

test('a process whose dashboard is closed during a hung read exits by itself (no timer holds it)', async () => {
  // An interval of 10 s bounds the read at 30 s, past BOUND_MS: a read timer that held the process would fail this.
  const index = new URL('../../dist/dashboard/index.js', import.meta.url).href;
  const script = `
    import { get } from 'node:http';
    import { startDashboard } from ${JSON.stringify(index)};
    const dashboard = await startDashboard({ snapshot: () => new Promise(() => {}) }, { port: 0, interval: 10000 });
    get(dashboard.url + 'events', { agent: false }, (res) => {
      res.resume();
      res.on('close', () => console.log('stream closed'));
      dashboard.close().then(() => console.log('closed'));
    });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const bound = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(bound);
  assert.deepEqual([code, signal], [0, null], `the process was still alive (killed at the bound): ${output}`);
  assert.match(output, /closed/);
});
