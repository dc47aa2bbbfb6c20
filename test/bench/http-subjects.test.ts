// The HTTP bench's hive-bare subject: `hive run --no-http-metrics`, which serves and is opt-in (never in a default run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { startSubject, subjectCommand } from '../../bench/http/subjects.js';

test('hive-bare is hive with --no-http-metrics, and it serves the hello app', async () => {
  const { argv } = subjectCommand('hive-bare', 4000, 1);
  assert.deepEqual(argv, [...subjectCommand('hive', 4000, 1).argv, '--no-http-metrics']);
  const server = await startSubject('hive-bare', { processes: 1 });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.deepEqual(await response.json(), { hello: 'world' });
  } finally {
    await server.stop();
  }
});

test("the benches' --only lists hive-bare, as run only when named", () => {
  for (const bench of ['http.js', 'http-cost.js']) {
    const path = new URL(`../../bench/${bench}`, import.meta.url).pathname;
    const help = execFileSync(process.execPath, [path, '--help'], { encoding: 'utf8' });
    assert.match(help, /hive-bare only when named/, bench);
  }
});
