// A value flag given twice is refused by every command, as hive run and hive start refuse it: logs, monit and bench
// took the last value silently (`hive logs --lines 1 --lines 3` printed 3 lines, `hive bench -d 1 -d 2` ran 2 s).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('logs, monit, bench, ls and deploy refuse a value flag given twice, with both values (exit 2)', async () => {
  const cwd = join(hive.dir, 'empty');
  mkdirSync(cwd);
  // Without the refusal, bench would run: nginx missing, only its configuration asked for, nothing starts.
  const noNginx = { HIVE_NGINX: join(hive.dir, 'no-nginx') };
  const cases: [string[], RegExp][] = [
    [['logs', '--lines', '1', '--lines', '3'], /--lines is given twice \("1", then "3"\)/],
    [['logs', '--lines=1', '--lines', '3'], /--lines is given twice \("1", then "3"\)/],
    [['logs', '--timestamp=HH:mm', '--timestamp=ss'], /--timestamp is given twice \("HH:mm", then "ss"\)/],
    [['monit', '--interval', '200', '--interval=300'], /--interval is given twice \("200", then "300"\)/],
    [['bench', '--only', 'nginx-cluster-pool', '-c', '2', '-c', '3'], /--connections is given twice \("2", then "3"\)/],
    [['bench', '--only', 'nginx-cluster-pool', '-d', '1', '-d', '2'], /--duration is given twice \("1", then "2"\)/],
    [
      ['bench', '--only', 'nginx-cluster-pool', '--only', 'cluster-pool'],
      /--only is given twice \("nginx-cluster-pool", then "cluster-pool"\)/,
    ],
    [['bench', 'http://127.0.0.1:46001/', '-m', 'GET', '-m', 'POST'], /--method is given twice \("GET", then "POST"\)/],
    [['ls', '--sort', 'name', '--sort', 'cpu'], /--sort is given twice \("name", then "cpu"\)/],
  ];
  for (const [args, message] of cases) {
    const result = await hive.run(args, { cwd, env: noNginx });
    const line = args.join(' ');
    assert.equal(result.code, 2, `hive ${line}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^hive ${args[0]}: ERR_HIVE_INVALID_ARGUMENT: `), line);
    assert.match(result.stderr, message, line);
    assert.match(result.stderr, /; give it once; see hive \w+ --help\n$/, line);
    assert.equal(result.stdout, '', line);
  }
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started for bad arguments');
});

test('hive deploy refuses a value flag given twice with its own code, and writes nothing', async () => {
  const cwd = join(hive.dir, 'deploy');
  mkdirSync(cwd);
  const result = await hive.run(['deploy', 'compose', '--app', 'a', '--port', '3000', '--port', '4000'], { cwd });
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^hive deploy: ERR_HIVE_DEPLOY_INVALID_OPTION: --port is given twice \("3000", then "4000"\); give it once/,
  );
  assert.deepEqual(readdirSync(cwd), []);
});

test('flags meant to repeat still do: bench -H, logs --timestamp alone', async () => {
  // Nothing listens there: parsed, the run is refused for the address, not for the headers.
  const bench = await hive.run(['bench', 'http://127.0.0.1:46001/', '-d', '1', '-H', 'a: 1', '-H', 'b: 2']);
  assert.equal(bench.code, 1, bench.stderr);
  assert.match(bench.stderr, /ERR_HIVE_BENCH_UNREACHABLE/);
  // `--timestamp --timestamp` asks for one thing twice: no guess to refuse. No daemon runs: nothing to print.
  const logs = await hive.run(['logs', 'nope', '--timestamp', '--timestamp']);
  assert.doesNotMatch(logs.stderr, /given twice/);
});
