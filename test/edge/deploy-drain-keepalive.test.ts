// The compose recipe's nginx must close an idle upstream connection before a draining app process does (after its
// --drain-idle-grace): a request nginx sends on one the process is closing fails, a POST with a 502. nginx's upstream
// keepalive_timeout was 500ms whatever the grace, so a grace of 500ms or less lost that race in every drain; it is now
// at most half the grace, and a grace under 100ms (0: idle connections closed at once) leaves no upstream keep-alive,
// said as a warning. Through `hive deploy`, the config checked by real nginx, and nginx really opening a connection per
// request when there is none.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import { deployWarnings, renderComposeNginx, resolveDeployOptions } from '../../dist/edge/index.js';
import { hiveDeploy } from './deploy-command.js';
import {
  freePort,
  makePrefix,
  nginxSkip,
  nginxTest,
  startNginx,
  startUpstream,
  withLocalLogs,
} from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-drain-keepalive-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const upstreamBlock = (conf: string) => /upstream hive_api \{[^}]*\}/.exec(conf)?.[0] ?? '';
const composeNginx = (input: object) => renderComposeNginx(resolveDeployOptions({ app: 'api', ...input }, 'compose'));
const noKeepalive = /leaves nginx no time to keep an idle connection to the app/;

// The recipe's nginx.conf on this machine: on loopback, the upstream `app` at `upstream`, logs and pid in the prefix.
function onLoopback(conf: string, port: number, upstream: number): string {
  return conf
    .replace('pid /var/run/nginx.pid;', 'pid nginx.pid;')
    .replace('listen 80 default_server;', `listen 127.0.0.1:${port} default_server;`)
    .replace(/server app:3000 /, `server 127.0.0.1:${upstream} `);
}

test('hive deploy compose --drain-idle-grace: nginx keeps an idle upstream connection for half of it', async () => {
  const out = join(dir, 'grace');
  const result = hiveDeploy(dir, 'compose', '--app', 'api', '--drain-idle-grace', '300ms', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, noKeepalive);
  const conf = readFileSync(join(out, 'nginx.conf'), 'utf8');
  assert.match(upstreamBlock(conf), /^\s*keepalive 32;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 150ms;$/m);
  if (nginxSkip() === false) {
    const prefix = await makePrefix();
    after(() => rmSync(prefix, { recursive: true, force: true }));
    const path = join(prefix, 'nginx.conf');
    writeFileSync(path, withLocalLogs(onLoopback(conf, 18080, 3000), prefix));
    const check = nginxTest(prefix, path);
    assert.equal(check.status, 0, check.output);
  }
});

test("the default grace, or one whose half is 500ms or more, keeps nginx's 500ms", () => {
  for (const input of [{}, { drainIdleGrace: '1s' }, { drainIdleGrace: '2s' }]) {
    assert.match(composeNginx(input), /^\s*keepalive_timeout 500ms;$/m, JSON.stringify(input));
  }
  assert.match(composeNginx({ drainIdleGrace: '999ms' }), /^\s*keepalive_timeout 499ms;$/m);
  assert.match(composeNginx({ drainIdleGrace: '100ms' }), /^\s*keepalive_timeout 50ms;$/m);
});

test('a grace under 100ms leaves no upstream keep-alive, said for compose only, and not for a sticky app', () => {
  for (const drainIdleGrace of ['0', '99ms', '10ms']) {
    const block = upstreamBlock(composeNginx({ drainIdleGrace }));
    assert.doesNotMatch(block, /^\s*keepalive(_timeout)? /m, drainIdleGrace);
    assert.match(block, /^\s*keepalive_requests 1;$/m, drainIdleGrace);
    const said = deployWarnings('compose', { app: 'api', drainIdleGrace }).join('\n');
    assert.match(said, noKeepalive, drainIdleGrace);
  }
  assert.match(
    deployWarnings('compose', { app: 'api', drainIdleGrace: '0' }).join('\n'),
    /--drain-idle-grace \(drainIdleGrace\) 0s leaves nginx/,
  );
  assert.doesNotMatch(deployWarnings('k8s', { app: 'api', drainIdleGrace: '0' }).join('\n'), noKeepalive);
  const sticky = { app: 'api', drainIdleGrace: '0', sticky: 'cookie:sid' };
  assert.doesNotMatch(deployWarnings('compose', sticky).join('\n'), noKeepalive);
});

// Real nginx with the recipe's config in front of a stand-in app that says which of nginx's ports each request came
// from: with a grace of 0, each request has a connection of its own (the 500ms keep-alive before reused one).
test('with a grace of 0, the recipe nginx sends each request on a new connection', { skip: nginxSkip() }, async () => {
  const upstream = await startUpstream('app', '127.0.0.1');
  after(() => upstream.stop());
  const out = join(dir, 'zero');
  const result = hiveDeploy(dir, 'compose', '--app', 'api', '--drain-idle-grace', '0', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, noKeepalive);
  const port = await freePort();
  let conf = onLoopback(readFileSync(join(out, 'nginx.conf'), 'utf8'), port, upstream.port);
  conf = conf.replace(/access_log \/var\/log\/nginx\/access\.log[^;]*;/, 'access_log off;');
  const nginx = await startNginx(conf, [port]);
  after(() => nginx.stop());
  const ports = new Set<number>();
  for (let i = 0; i < 8; i++) {
    const response = await request(`http://127.0.0.1:${port}/orders/${i}`);
    assert.equal(response.statusCode, 200, nginx.output());
    ports.add(((await response.body.json()) as { remotePort: number }).remotePort);
  }
  assert.equal(ports.size, 8, `upstream connections for 8 requests: ${[...ports].join(', ')}`);
});
