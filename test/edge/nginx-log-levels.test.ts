// The error log's level and the rate limit's: nginx logs a rejected request at `error` by default
// (limit_req_log_level), beside the server's real failures, and `--error-log` took no level. A rejection is now logged
// at `warn` (rateLimit.logLevel, --rate-limit-log-level), and the error log takes one of nginx's levels
// (main.errorLogLevel, --error-log-level); a bad value of either is refused naming its key or flag.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxChecker, rejects, site } from './config-checks.js';
import { runHiveEdge } from './edge-command.js';
import { freePorts, nginxSkip, type RunningNginx, startNginx, startUpstream, testMain } from './nginx-harness.js';

const skip = nginxSkip();
const passesNginx = nginxChecker();
const dir = mkdtempSync(join(tmpdir(), 'hive-edge-log-levels-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hiveEdge = (...argv: string[]) => runHiveEdge(dir, argv);

const kErrorLogLevels = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
const kLimitLogLevels = ['info', 'notice', 'warn', 'error'] as const;

test('a rejected request is logged at warn by default, or at rateLimit.logLevel; each level passes nginx -t', () => {
  const limited = (rateLimit: Record<string, unknown>) => ({
    sites: [site({ rateLimit: { rate: '10r/s', ...rateLimit } })],
  });
  assert.match(passesNginx(limited({})), /^\s+limit_req_log_level warn;$/m);
  for (const logLevel of kLimitLogLevels) {
    assert.match(passesNginx(limited({ logLevel })), new RegExp(`^\\s+limit_req_log_level ${logLevel};$`, 'm'));
  }
  assert.doesNotMatch(passesNginx({ sites: [site()] }), /limit_req/);
  for (const logLevel of ['debug', 'crit', 'WARN', 'warning', '', 3]) {
    rejects(limited({ logLevel }), 'sites[0].rateLimit.logLevel', /expected one of info, notice, warn, error/);
  }
});

test('main.errorLogLevel follows the error log path; unset, nginx keeps its own (error); each level passes nginx -t', () => {
  assert.match(passesNginx({ sites: [site()] }), /^error_log error\.log;$/m);
  for (const errorLogLevel of kErrorLogLevels) {
    const output = passesNginx({ main: { ...testMain, errorLogLevel }, sites: [site()] });
    assert.match(output, new RegExp(`^error_log error\\.log ${errorLogLevel};$`, 'm'));
  }
  for (const errorLogLevel of ['warning', 'Warn', 'all', '', 4]) {
    rejects(
      // Values the types refuse too: a config file's JSON has no types.
      { main: { ...testMain, errorLogLevel: errorLogLevel as never }, sites: [site()] },
      'main.errorLogLevel',
      /expected an nginx log level: debug, info, notice, warn, error, crit, alert, emerg/,
    );
  }
});

test('--rate-limit-log-level and --error-log-level render their directives; bad or lone values name the flag', () => {
  const ok = hiveEdge(
    'nginx',
    '--full',
    '--port',
    '3000',
    '--rate-limit',
    '10r/s',
    '--rate-limit-log-level',
    'notice',
    '--error-log',
    'stderr',
    '--error-log-level',
    'warn',
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^\s+limit_req_log_level notice;$/m);
  assert.match(ok.stdout, /^error_log stderr warn;$/m);
  const cases: [string[], RegExp][] = [
    [['--rate-limit-log-level', 'warn'], /ERR_HIVE_EDGE_INVALID_OPTION: --rate-limit-log-level needs --rate-limit/],
    [
      ['--rate-limit', '10r/s', '--rate-limit-log-level', 'loud'],
      /ERR_HIVE_EDGE_INVALID_OPTION: --rate-limit-log-level \(rateLimit\.logLevel\): expected one of info, notice/,
    ],
    [
      ['--full', '--error-log-level', 'loud'],
      /ERR_HIVE_EDGE_INVALID_OPTION: --error-log-level \(main\.errorLogLevel\): expected an nginx log level: debug/,
    ],
    [['--error-log-level', 'warn'], /ERR_HIVE_EDGE_INVALID_OPTION: --error-log-level sets the main context .* --full/],
  ];
  for (const [flags, message] of cases) {
    const result = hiveEdge('nginx', '--port', '3000', ...flags);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stdout}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
});

test('real nginx: a rejection is a [warn] line in an error log at warn, and left out at info under notice', {
  skip,
}, async () => {
  const host = await startUpstream('h1', '127.0.0.2');
  const agent = new Agent();
  let nginx: RunningNginx | undefined;
  try {
    const ports = await freePorts(2);
    // 1 request a minute and no burst: the second request of a quick series is over the limit, however slow the
    // machine.
    const limited = (app: string, port: number, logLevel: 'warn' | 'info') => ({
      app,
      accessLog: false as const,
      listen: { address: '127.0.0.1', port },
      upstream: { hosts: `127.0.0.2:${host.port}` },
      rateLimit: { rate: '1r/m', burst: 0, logLevel },
    });
    const config = generateNginxConfig(
      {
        main: { ...testMain, errorLogLevel: 'notice' },
        sites: [limited('a', ports[0]!, 'warn'), limited('b', ports[1]!, 'info')],
      },
      { shape: 'full' },
    );
    nginx = await startNginx(config, ports);
    for (const port of ports) {
      const statuses: number[] = [];
      for (let i = 0; i < 5 && !statuses.includes(429); i++) {
        const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
        await response.body.dump();
        statuses.push(response.statusCode);
      }
      assert.ok(statuses.includes(429), `port ${port}: ${statuses.join(' ')}`);
    }
    const errorLog = await readFile(join(nginx.prefix, 'error.log'), 'utf8');
    assert.match(errorLog, /\[warn\] .*limiting requests, excess: [\d.]+ by zone "hive_a"/);
    // Logged at info, under the log's notice: not written.
    assert.doesNotMatch(errorLog, /zone "hive_b"/);
    assert.doesNotMatch(errorLog, /\[error\]/);
    // The test's own stderr log (-g 'error_log stderr', nginx's default level error) has no rejection either.
    assert.doesNotMatch(nginx.output(), /limiting requests/);
  } finally {
    await agent.close();
    await nginx?.stop();
    await host.stop();
  }
});
