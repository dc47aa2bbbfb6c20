import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('file changes while a watch reload waits in the queue add no reload of their own', async () => {
  const base = join(hive.home, '..');
  const watched = join(base, 'src');
  mkdirSync(watched);
  // The app listens only while the gate file exists: with the gate shut, a reload waits for its new process.
  const gate = join(base, 'gate');
  writeFileSync(gate, '');
  const app = join(base, 'app.mjs');
  writeFileSync(
    app,
    `import http from 'node:http';
import { existsSync } from 'node:fs';
const listen = () => http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', () => console.log('listening ' + process.pid));
const wait = () => (existsSync(process.env.GATE) ? listen() : setTimeout(wait, 50));
wait();
`,
  );
  const entry = { name: 'w', script: app, instances: 1, watch: [watched], listenTimeout: '5m', env: { GATE: gate } };
  const config = hive.writeConfig([entry], 'hive.config.json');
  await hive.json(['start', config]);
  const daemonLog = () => hive.readLog('../daemon.log');
  const starts = () => hive.readLog('w-out.log').match(/listening \d+/g)?.length ?? 0;
  // The daemon writes the app's lines asynchronously: `hive start` can return before the first one is in the file.
  await waitFor(() => starts() === 1, 'the first start line');

  rmSync(gate);
  writeFileSync(join(watched, 'a.js'), '1');
  await waitFor(() => daemonLog().includes('a.js changed'), 'the first reload (it waits for the gate)');
  writeFileSync(join(watched, 'b.js'), '1');
  await waitFor(() => daemonLog().includes('b.js changed'), 'a second change, queued behind the first reload');
  writeFileSync(join(watched, 'c.js'), '1');
  await waitFor(() => daemonLog().includes('c.js changed'), 'a third change while the second waits');

  writeFileSync(gate, '');
  // Queued behind every watch reload: once it is done, so are they.
  await hive.json(['reload', 'w']);
  // The start, the first reload, one reload for b.js and c.js together, and the explicit one (whose line may still be
  // on its way to the file when the reload answers).
  await waitFor(() => starts() >= 4, 'the explicit reload line');
  assert.equal(starts(), 4, hive.readLog('w-out.log'));
});
