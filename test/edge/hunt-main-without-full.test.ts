// A config file's `edge.main` (pid, error log, worker processes ...) is the main context of a whole nginx.conf, which
// only `--full` renders: without it the keys were dropped in silence, where the same settings as flags are refused.
// Now the command says so on stderr, naming the file and the keys, and still writes the conf.d file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-main-full-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, argv);

function writeConfig(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const apps = [{ name: 'api', script: 'server.js', port: 3000 }];

test('edge.main without --full is named on stderr as applying only with --full', () => {
  const file = writeConfig('hive.json', { edge: { main: { workerProcesses: 2, pid: 'nginx.pid' } }, apps });
  const result = hiveEdge('nginx', '--config', file);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^hive edge: warning: .*hive\.json: edge\.main \(workerProcesses, pid\) applies only with --full\b/m,
  );
  // The conf.d file is still written, without a main context.
  assert.match(result.stdout, /^upstream hive_api \{$/m);
  assert.doesNotMatch(result.stdout, /worker_processes|^pid /m);
});

test('with --full, or with no edge.main, there is nothing to say', () => {
  const file = writeConfig('full.json', { edge: { main: { workerProcesses: 2, pid: 'nginx.pid' } }, apps });
  const full = hiveEdge('nginx', '--config', file, '--full');
  assert.equal(full.code, 0, full.stderr);
  assert.equal(full.stderr, '');
  assert.match(full.stdout, /^worker_processes 2;$/m);

  for (const config of [{ apps }, { edge: { main: {} }, apps }]) {
    const plain = hiveEdge('nginx', '--config', writeConfig('plain.json', config));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '');
  }
});
