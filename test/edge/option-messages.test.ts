// Every refused edge or deploy option says, in words, what it expects, next to the key (or flag) and the value given:
// no zod default ("Too small: expected number to be >=1", "Invalid input", "must match pattern /^...$/") reaches
// the user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type DeployInput, resolveDeployOptions, resolveEdgeSite, type SiteInput } from '../../dist/edge/index.js';
import { hiveErrorMessage } from '../hive-error-message.js';
import { hiveDeploy } from './deploy-command.js';

const kZodWords = /Too small|Too big|Invalid input|Invalid string|must match pattern|received|\/\^/;

function assertWords(message: string, key: string): void {
  assert.doesNotMatch(message, kZodWords, message);
  assert.ok(message.startsWith(`${key}: expected `), message);
  assert.match(message, /, got /, message);
}

test('edge options: ranges, types, unions and formats are said in words', () => {
  const cases: [Partial<SiteInput>, string][] = [
    [{ listen: { port: 0 } }, 'listen.port'],
    [{ upstream: { port: 3000, keepalive: -1 } }, 'upstream.keepalive'],
    [{ upstream: { port: 3000, keepaliveRequests: 0 } }, 'upstream.keepaliveRequests'],
    [{ upstream: { port: 3000, keepalive: 1.5 } }, 'upstream.keepalive'],
    [{ upstream: { port: 3000, hosts: 5 as unknown as string } }, 'upstream.hosts'],
    [{ upstream: { port: 3000, address: '' } }, 'upstream.address'],
    [{ rateLimit: true as unknown as false }, 'rateLimit'],
    [{ rateLimit: { rate: '1r/s', status: 200 } }, 'rateLimit.status'],
    // A bad value inside a union's object is named by its own key, not the union's (`rateLimit`).
    [{ rateLimit: { rate: '1r/s', retryAfter: 'abc' } }, 'rateLimit.retryAfter'],
    [{ rateLimit: { rate: '1r/s', retryAfter: '5ms' } }, 'rateLimit.retryAfter'],
    // Retry-After: 0 tells a limited client to come back at once.
    [{ rateLimit: { rate: '1r/s', retryAfter: 0 } }, 'rateLimit.retryAfter'],
    [{ rateLimit: { rate: '1r/s', retryAfter: '0s' } }, 'rateLimit.retryAfter'],
    [{ retries: { tries: 2, timeout: 'soon' } }, 'retries.timeout'],
    [{ retries: { tries: 21 } }, 'retries.tries'],
    [{ retries: true as unknown as false }, 'retries'],
    [{ acme: true as unknown as false }, 'acme'],
    [{ gzip: 'yes' as unknown as boolean }, 'gzip'],
    [{ serverName: [] }, 'serverName'],
    [{ accessLog: true as unknown as false }, 'accessLog'],
    [{ sticky: 5 as unknown as string }, 'sticky'],
    [{ timeouts: { read: true as unknown as string } }, 'timeouts.read'],
  ];
  for (const [input, key] of cases) {
    const message = hiveErrorMessage(() =>
      resolveEdgeSite({ app: 'api', upstream: { port: 3000 }, ...input }, { checkFiles: false }),
    );
    assertWords(message, `sites[0].${key}`);
  }
});

test('hive edge nginx --retry-after names the flag, for a bad value and for 0', () => {
  const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  for (const value of ['abc', '0']) {
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script,
        '--',
        'nginx',
        '--port',
        '3000',
        '--rate-limit',
        '10r/s',
        '--retry-after',
        value,
      ],
      { encoding: 'utf8', env: { ...process.env, HIVE_HOME: join(tmpdir(), 'hive-no-home') } },
    );
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --retry-after \(rateLimit\.retryAfter\): expected /);
    assert.match(result.stderr, new RegExp(`, got "${value}"`));
  }
});

test('deploy options: ranges, types and formats are said in words', () => {
  const cases: [Partial<DeployInput>, string][] = [
    [{ resources: { memoryLimit: '1m' } }, 'resources.memoryLimit'],
    [{ resources: { cpuLimit: 'x' } }, 'resources.cpuLimit'],
    [{ port: 0 }, 'port'],
    [{ replicas: 0 }, 'replicas'],
    [{ replicas: 101 }, 'replicas'],
    [{ node: 18 }, 'node'],
    [{ instances: 'x' as unknown as number }, 'instances'],
    [{ health: { readiness: 'x' } }, 'health.readiness'],
    [{ autoscale: { cpuUtilization: 101 } }, 'autoscale.cpuUtilization'],
    [{ namespace: 'A' }, 'namespace'],
    [{ build: 'x' as unknown as boolean }, 'build'],
  ];
  for (const [input, key] of cases)
    assertWords(
      hiveErrorMessage(() => resolveDeployOptions({ app: 'api', ...input })),
      key,
    );
});

test('hive deploy --memory-limit 1m names the flag and the suffixes, not a regex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-messages-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--memory-limit', '1m');
  assert.equal(result.status, 2);
  assert.match(
    result.stderr,
    /ERR_HIVE_DEPLOY_INVALID_OPTION: --memory-limit \(resources\.memoryLimit\): expected bytes or a number with a suffix .*Mi.*, got "1m"/,
  );
  assert.doesNotMatch(result.stderr, kZodWords);
});
