// `pm2 logs` shows the apps started after it began: so does `hive logs -f` with no target (or `all`, or a
// namespace), from their first line; an app deleted meanwhile does not end the follow.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { FollowedLine } from './follow-logs.js';
import { hiveBin, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// A fork-mode app that says its name once as it starts, then idles.
function startApp(name: string, extra: string[] = []): Promise<unknown> {
  const script = join(hive.dir, `${name}.sh`);
  writeFileSync(script, `#!/bin/sh\necho "hello from ${name}"\nexec sleep 1000\n`, { mode: 0o755 });
  return hive.json(['start', script, '--name', name, ...extra]);
}

// `hive logs [target] -f --lines 0 --json`, once it is reading `app`'s out log (a probe line appended there printed).
async function follow(t: TestContext, target: string[], app: string): Promise<() => FollowedLine[]> {
  const child = spawn(process.execPath, [hiveBin, 'logs', ...target, '-f', '--lines', '0', '--json'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill('SIGKILL');
  });
  let printed = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    printed += chunk;
  });
  const lines = () =>
    printed
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FollowedLine);
  await waitFor(
    () => {
      appendFileSync(join(hive.home, 'logs', `${app}-out.log`), 'probe\n');
      return lines().some((line) => line.line === 'probe');
    },
    `hive logs ${target.join(' ')} -f to read ${app}'s log`,
  );
  return lines;
}

test('hive logs -f with no target prints the lines of an app started after it began, and outlives a delete', async (t) => {
  await startApp('first');
  const lines = await follow(t, [], 'first');
  await startApp('newcomer');
  await waitFor(
    () => lines().some((line) => line.app === 'newcomer' && line.line === '[newcomer:0] hello from newcomer'),
    'the newcomer line',
  );
  await hive.json(['delete', 'first']);
  await startApp('late');
  await waitFor(
    () => lines().some((line) => line.app === 'late' && line.line === '[late:0] hello from late'),
    'the line of an app started after a delete',
  );
  // Only the lines written while following: `first`'s (before it began) are not printed.
  assert.equal(lines().filter((line) => line.line.includes('hello from first')).length, 0);
  await hive.json(['delete', 'all']);
});

test('hive logs <namespace> -f prints the lines of an app started in the namespace after it began', async (t) => {
  await startApp('ns-a', ['--namespace', 'batch']);
  await startApp('other');
  const lines = await follow(t, ['batch'], 'ns-a');
  await startApp('ns-b', ['--namespace', 'batch']);
  await startApp('outside');
  await waitFor(
    () => lines().some((line) => line.app === 'ns-b' && line.line === '[ns-b:0] hello from ns-b'),
    'the line of the namespace newcomer',
  );
  // `outside` started before ns-b: its line was written before ns-b's was printed.
  assert.equal(lines().filter((line) => line.app === 'outside' || line.app === 'other').length, 0);
  await hive.json(['delete', 'all']);
});
