// A path flag given an empty value (`--static "/s/=$STATIC_DIR"` with the variable unset) was resolved to the current
// directory before the schema could refuse it: `/s/` then served the project root, its `.env` included, and the TLS,
// pid and temp paths pointed at the folder. Refused now, naming the flag, as a config file's empty value is. And a
// directory given for a certificate, key or CA file passed the read check (access(2) takes a directory), for nginx
// to fail on at its start.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an empty value of a path flag is refused naming the flag, not taken as the current directory', () => {
  const out = join(dir, 'site.conf');
  const cases: [string[], string][] = [
    [['--static', '/s/='], '--static (static.root)'],
    [['--acme-root='], '--acme-root (acme.root)'],
    [['--upstream-ca='], '--upstream-ca (upstream.tls.ca)'],
    [['--tls-cert=', '--tls-key='], '--tls-cert (tls.cert)'],
    [['--full', '--pid='], '--pid (main.pid)'],
    [['--full', '--temp-dir='], '--temp-dir (main.tempDir)'],
    [['--full', '--mime-types='], '--mime-types (main.mimeTypes)'],
  ];
  for (const [flags, named] of cases) {
    const result = runHiveEdge(dir, ['nginx', '--port', '3000', ...flags, '--out', out]);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.ok(
      result.stderr.includes(`ERR_HIVE_EDGE_INVALID_OPTION: ${named}: expected a non-empty string`),
      `${flags.join(' ')}: ${result.stderr}`,
    );
    assert.equal(existsSync(out), false, `${flags.join(' ')} wrote ${out}`);
  }
});

test('a directory given as a certificate or key file is refused as one', () => {
  const result = runHiveEdge(dir, ['nginx', '--port', '3000', '--tls-cert', dir, '--tls-key', dir]);
  assert.equal(result.code, 2, result.stderr);
  assert.ok(
    result.stderr.includes(
      `ERR_HIVE_EDGE_TLS_FILE: --tls-cert (tls.cert): cannot read "${dir}" (a directory, not a file)`,
    ),
    result.stderr,
  );
  assert.equal(result.stdout, '');
});

test('no upstream: the error names the flags that give one, not the library keys', () => {
  const result = runHiveEdge(dir, ['nginx']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /ERR_HIVE_EDGE_NO_UPSTREAM: nothing to proxy to: give --port <port> .* or --socket <path> .*--hosts .*--app <name>.*; see hive edge --help$/m,
  );
  assert.doesNotMatch(result.stderr, /upstream\.port/);
});
