import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';

const folder = mkdtempSync(join(tmpdir(), 'ss-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

const staleSocketModule = new URL('../../dist/cluster/stale-socket.js', import.meta.url).href;
// Holds each process between finding the socket stale and deleting it, so that all get there before one binds.
const slowUnlink = new URL('../fixtures/slow-socket-unlink.mjs', import.meta.url).pathname;
// A primary's first steps on its --socket: says `ready`, on `go` claims the path (keeping its lock) and listens on it
// (answering each connection with its pid), prints the outcome, and serves until killed.
const primary = `
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
const { claimSocket } = await import(${JSON.stringify(staleSocketModule)});
const path = process.argv[1];
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  try {
    await claimSocket(path);
    const server = createServer((socket) => socket.end(String(process.pid)));
    await new Promise((resolve, reject) => server.once('error', reject).listen(path, resolve));
    console.log(JSON.stringify({ listening: true }));
  } catch (error) {
    console.log(JSON.stringify({ listening: false, code: error.code }));
  }
}
`;

/** A socket file nobody listens on, as a SIGKILLed primary leaves it (only a clean close removes the file). */
async function staleSocket(path: string): Promise<void> {
  const listenAndDie = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  const child = spawn(process.execPath, ['-e', listenAndDie], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  assert.ok(lstatSync(path).isSocket());
}

function answerOf(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    connect(path)
      .on('data', (chunk) => {
        text += chunk;
      })
      .on('end', () => resolve(text))
      .on('error', reject);
  });
}

test('primaries started at once on one stale --socket path: one serves on it, the others are refused', async () => {
  const path = join(folder, 'app.sock');
  await staleSocket(path);
  const primaries = Array.from({ length: 4 }, () => {
    const child = spawn(process.execPath, ['--import', slowUnlink, '--input-type=module', '-e', primary, path], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.add(child);
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
  });
  const next = async (lines: AsyncIterator<string>) => {
    const line = await lines.next();
    if (line.done) throw new Error('a primary exited before answering');
    return line.value;
  };
  for (const { lines } of primaries) assert.equal(await next(lines), 'ready');
  for (const { child } of primaries) child.stdin!.write('go\n');
  const outcomes = await Promise.all(
    primaries.map(async ({ child, lines }) => ({ pid: child.pid, ...JSON.parse(await next(lines)) })),
  );
  const serving = outcomes.filter((outcome) => outcome.listening);
  assert.equal(serving.length, 1, JSON.stringify(outcomes));
  for (const outcome of outcomes) {
    if (!outcome.listening) assert.ok(['ERR_HIVE_SOCKET_IN_USE', 'EADDRINUSE'].includes(outcome.code), outcome.code);
  }
  // The one that listens still owns the file: no other deleted it and bound its own.
  assert.equal(await answerOf(path), String(serving[0].pid));
});
