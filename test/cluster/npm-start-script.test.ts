// `npm start` runs its script in cmd.exe on Windows, which expands no `${PORT:-3000}`: hive got that text for --port and
// refused it. The script now names no port: the demo's processes take PORT from the environment they inherit (3000 when
// unset, examples/api/server.ts), which no shell has to expand.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { freePort, get } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const BUILD = 'npm run build && ';

test("npm start's script runs as typed, with no shell expansion (cmd.exe), and serves on PORT", async () => {
  const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { start: string } };
  // The build step aside (the suite has built): the command a shell that expands nothing passes on word by word.
  assert.ok(scripts.start.startsWith(BUILD), scripts.start);
  const [program, ...args] = scripts.start.slice(BUILD.length).split(/\s+/);
  assert.equal(program, 'node');
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  after(() => child.kill('SIGKILL'));
  const served = await poll(
    async () => (child.exitCode !== null ? `exited ${child.exitCode}: ${stderr}` : get(port).catch(() => undefined)),
    'the demo API on PORT',
    { timeoutMs: 90_000 },
  );
  assert.equal(typeof served, 'object', String(served));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
});
