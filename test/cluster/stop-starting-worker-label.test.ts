// A stop retires a worker still starting (a crash restart's replacement); one that does not exit in time is SIGKILLed
// when its listen timeout comes, and its exit was then logged as a crash, though the stop asked for it.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { freePort, killAll, startHiveText, tempApp, textReadyPid } from './helpers.js';

after(killAll);

// The first process serves; once `stuck` exists, a new one spins before it listens, its SIGTERM caught (by the
// runtime's handler and its own) but never run: it neither starts nor stops until a SIGKILL.
const { dir, app } = tempApp(
  'hive-stop-starting-',
  `import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The test's files are beside the app.
const dir = dirname(fileURLToPath(import.meta.url));
if (existsSync(join(dir, 'stuck'))) {
  process.on('SIGTERM', () => {});
  writeFileSync(join(dir, 'spinning'), String(process.pid));
  for (;;) {}
}
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`,
);

test('a starting worker a stop retires, SIGKILLed at its listen timeout, is not logged as a crash', async () => {
  const port = await freePort();
  // The listen timeout well before the kill timeout: the SIGKILL is the ready wait's, not the retirement's.
  const hive = startHiveText([
    app,
    '-i',
    '1',
    '--port',
    String(port),
    '--listen-timeout',
    '5s',
    '--kill-timeout',
    '2m',
  ]);
  const first = await poll(() => textReadyPid(hive.lines, 0), 'worker 0 ready', { timeoutMs: 60_000 });
  writeFileSync(join(dir, 'stuck'), '');
  process.kill(first, 'SIGKILL');
  await poll(() => existsSync(join(dir, 'spinning')), 'the replacement spinning', { timeoutMs: 30_000 });
  hive.child.kill('SIGTERM');
  assert.equal(await hive.exited, 0);
  const text = hive.lines.join('\n');
  // The first one did crash; the replacement's exit is the stop's.
  assert.match(text, new RegExp(`worker 0 \\(pid ${first}\\) exited with signal SIGKILL \\(crash\\)$`, 'm'));
  const exits = hive.lines.filter(
    (line) => /worker 0 \(pid \d+\) exited/.test(line) && !line.includes(`pid ${first})`),
  );
  assert.equal(exits.length, 1, text);
  assert.match(exits[0]!, /exited with signal SIGKILL$/);
});
