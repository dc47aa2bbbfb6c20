// The bench scripts themselves, run as child processes with tiny settings: bad input is a one-line usage error (exit
// 2), one failed measurement does not lose the others (exit 1), and an interrupted run leaves nothing behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { supportsReusePort } from '../../dist/cluster/index.js';
import { outputOf } from '../cluster/helpers.js';
import { poll } from '../poll.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function bench(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [join(root, 'bench', script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outputOf(child, 120_000);
}

/** A usage error: exit 2, a first line naming the problem, the usage after it, no stack trace. */
function assertUsageError(run: { code: number | null; stderr: string }, message: RegExp) {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr.split('\n')[0]!, message);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
}

test('a --from that cannot be read, is not JSON or is another bench output is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-test-from-'));
  try {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'hello\n');
    const cli = join(dir, 'cli.json');
    writeFileSync(cli, `${JSON.stringify({ bench: 'cli', node: 'v20', cpus: 2, results: [], ratios: {} })}\n`);
    const runs = await Promise.all([
      bench('cli.js', ['--from', join(dir, 'missing')]),
      bench('log-burst.js', ['--from', join(dir, 'missing')]),
      bench('pool.js', ['--from', notJson]),
      bench('pool.js', ['--from', cli]),
    ]);
    assertUsageError(runs[0]!, /^Cannot read --from .*missing`: no such file$/);
    assertUsageError(runs[1]!, /^Cannot read --from .*missing`: no such file$/);
    assertUsageError(runs[2]!, /^Expected --from .* to end with a --json output line, got `hello`$/);
    assertUsageError(runs[3]!, /^Expected --from .* to hold bench pool's output, got bench `cli`$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('log-burst: a --dist that is not a build is a usage error', async () => {
  assertUsageError(
    await bench('log-burst.js', ['--quick', '--dist', '/nonexistent']),
    /^Expected --dist to be a Hive build .*\/nonexistent\/cli\/hive\.js` does not exist$/,
  );
});

test('an --only that names no subject is a usage error in every bench', async () => {
  const runs = await Promise.all(
    ['cli.js', 'http.js', 'log-burst.js', 'pool.js', 'http-flags.js', 'http-cost.js'].map((script) =>
      bench(script, ['--quick', '--only', ',']),
    ),
  );
  for (const run of runs) assertUsageError(run, /^Expected --only to name at least one subject, got `,`$/);
});

test('http: an unknown name in --only is a usage error', async () => {
  assertUsageError(
    await bench('http.js', ['--quick', '--only', 'hive-reuseprot']),
    /^Unknown subject\(s\) in --only: hive-reuseprot$/,
  );
});

test('http: --only hive-reuseport on a Node.js without reusePort says why and exits 1', {
  skip: supportsReusePort() && 'this Node.js runs hive-reuseport',
}, async () => {
  const run = await bench('http.js', ['--quick', '--only', 'hive-reuseport']);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr,
    `Cannot run hive-reuseport here: --balance reuseport needs Node.js >= 22.12 (this is ${process.versions.node})\n`,
  );
});

test('http-flags: a --node that does not exist is a usage error, and leaves no temp dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-test-flags-'));
  try {
    const run = await bench('http-flags.js', ['--quick', '--node', '/nonexistent'], { TMPDIR: dir });
    assertUsageError(run, /^Expected --node to be a node binary that runs/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http-flags: a variant whose flag node refuses fails alone, the others still print, exit 1', async () => {
  const run = await bench('http-flags.js', ['--quick', '--json', '--flags', 'bad=--no-such-flag;ok=']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /bad: .* failed: .*--no-such-flag exited with/);
  const contract = JSON.parse(run.stdout.trimEnd().split('\n').pop()!);
  assert.deepEqual([...new Set(contract.results.map((r: { subject: string }) => r.subject))], ['ok']);
});

/** Pids of the processes whose command line or environment names `dir` (TMPDIR reaches all a bench starts). */
function processesNaming(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const seen = ['cmdline', 'environ'].map((f) => readFileSync(`/proc/${entry}/${f}`, 'latin1')).join('\0');
      if (seen.includes(dir)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

test('cli: SIGINT mid-run kills the detached daemon and its apps and removes the temp home, exit 130', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-test-interrupt-'));
  // Its own process group, as a terminal's job: the SIGINT goes to the group, as Ctrl-C's does.
  const child = spawn(process.execPath, [join(root, 'bench/cli.js'), '--quick', '--only', 'hive'], {
    cwd: root,
    env: { ...process.env, TMPDIR: dir },
    stdio: 'ignore',
    detached: true,
  });
  const closed = once(child, 'close');
  try {
    const home = await poll(() => {
      const name = readdirSync(dir).find((n) => n.startsWith('hive-bench-cli-hive-'));
      return name !== undefined && existsSync(join(dir, name, 'daemon.pid')) ? join(dir, name) : undefined;
    }, 'the bench daemon.pid');
    process.kill(-child.pid!, 'SIGINT');
    const [code, signal] = await closed;
    assert.deepEqual([code, signal], [130, null]);
    await poll(() => processesNaming(dir).length === 0, 'no process of the bench left', { timeoutMs: 15_000 });
    assert.equal(existsSync(home), false);
  } finally {
    for (const pid of processesNaming(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http-flags: SIGTERM to the bench alone mid-measurement kills the node it measures and removes its temp dir, exit 143', {
  skip: process.platform !== 'linux' && 'reads /proc',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-test-interrupt-'));
  const child = spawn(process.execPath, [join(root, 'bench/http-flags.js'), '--quick', '--only', 'default'], {
    cwd: root,
    env: { ...process.env, TMPDIR: dir },
    stdio: 'ignore',
  });
  const closed = once(child, 'close');
  try {
    // The measured node is up once its preload has written the collection counts' file.
    await poll(() => {
      const name = readdirSync(dir).find((n) => n.startsWith('hive-bench-flags-'));
      return name !== undefined && readdirSync(join(dir, name)).length > 0;
    }, 'the measured node');
    assert.ok(
      processesNaming(dir).some((pid) => pid !== child.pid),
      'the measured node runs',
    );
    child.kill('SIGTERM');
    const [code, signal] = await closed;
    assert.deepEqual([code, signal], [143, null]);
    assert.deepEqual(processesNaming(dir), []);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    child.kill('SIGKILL');
    for (const pid of processesNaming(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
