// `hive deploy --upstream-tls`: an app that serves HTTPS itself behind the recipes' proxies. compose's nginx proxied
// plain HTTP to it, and every request was a 502 (its TLS server closes the connection). With the flag: compose's
// nginx.conf, run by real nginx in front of a real HTTPS server, answers 200 with the --host name as SNI; compose's
// health check, run as compose runs it, passes against the app's own HTTPS port; the Ingress asks ingress-nginx for
// HTTPS to the pods, the kubelet probes the app's port over HTTPS. Sticky is refused with it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { tempHome } from '../daemon/helpers.js';
import { hiveDeploy, writeApp } from './deploy-command.js';
import {
  freePort,
  getHttpsAppReply,
  makeCertificate,
  nginxSkip,
  type RunningNginx,
  startNginx,
  stopChild,
} from './nginx-harness.js';

const skip = nginxSkip();
const httpsApp = fileURLToPath(new URL('../fixtures/edge/https-app.js', import.meta.url));
const hive = tempHome();
const appDir = writeApp(join(hive.dir, 'app'), { name: 'api', dependencies: { hive: '*' } });
const nginxes: RunningNginx[] = [];
let app: ChildProcess | undefined;
let appPort = 0;

before(async () => {
  mkdirSync(join(hive.dir, 'cert'));
  const cert = makeCertificate(join(hive.dir, 'cert'));
  appPort = await freePort();
  app = spawn(process.execPath, [httpsApp], {
    env: { ...process.env, TLS_CERT: cert.cert, TLS_KEY: cert.key, PORT: String(appPort), PRINT_PORT: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // It prints its port once it listens.
  await once(app.stdout!, 'data');
});

after(async () => {
  await Promise.all(nginxes.map((nginx) => nginx.stop()));
  if (app) await stopChild(app, 'SIGTERM');
});

function recipe(out: string, ...flags: string[]): string {
  const result = hiveDeploy(appDir, ...flags, '--app', 'api', '--out', join(appDir, out));
  assert.equal(result.status, 0, result.stderr);
  return join(appDir, out);
}

/** The compose recipe's nginx.conf on this machine: nginx on 127.0.0.1:`port`, the upstream `app` the HTTPS app. */
async function composeNginx(out: string): Promise<number> {
  const port = await freePort();
  const conf = readFileSync(join(out, 'nginx.conf'), 'utf8')
    .replace('pid /var/run/nginx.pid;', 'pid nginx.pid;')
    .replace('worker_processes auto;', 'worker_processes 1;')
    .replace('listen 80 default_server;', `listen 127.0.0.1:${port} default_server;`)
    .replace(/access_log \/var\/log\/nginx\/access\.log [^;]*;/, 'access_log off;')
    .replace(/server app:\d+ /, `server 127.0.0.1:${appPort} `);
  nginxes.push(await startNginx(conf, [port]));
  return port;
}

test("compose's nginx speaks TLS to an app serving HTTPS with --upstream-tls; without, 502", { skip }, async () => {
  const plain = await composeNginx(recipe('plain', 'compose', '--host', 'localhost'));
  assert.equal((await getHttpsAppReply(plain, 'localhost')).status, 502);
  const tls = await composeNginx(recipe('tls', 'compose', '--host', 'localhost', '--upstream-tls'));
  for (let i = 0; i < 3; i++) {
    const reply = await getHttpsAppReply(tls, 'localhost');
    assert.equal(reply.status, 200);
    assert.equal(reply.body?.sni, 'localhost');
  }
});

test("compose's health check of the app's own HTTPS port passes with --upstream-tls", async () => {
  const port = String(appPort);
  const probe = ['compose', '--port', port, '--health-port', port, '--readiness-path', '/ready'];
  const check = async (out: string): Promise<number | null> => {
    const compose = parse(readFileSync(join(out, 'compose.yaml'), 'utf8'));
    const command: string[] = compose.services.app.healthcheck.test;
    assert.equal(command[0], 'CMD');
    // As compose runs it (exec form); `node` is the one running this test.
    const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;
    const child = spawn(command[1]!, command.slice(2), { env: { PATH: path }, stdio: 'ignore' });
    const [status] = await once(child, 'exit');
    return status as number | null;
  };
  assert.equal(await check(recipe('probe-tls', ...probe, '--upstream-tls')), 0);
  // The plain check fetches http:// from the TLS port: it fails, as it did for such an app before.
  assert.equal(await check(recipe('probe-plain', ...probe)), 1);
});

test('k8s: the Ingress asks for HTTPS to the pods, the probes of the app port use HTTPS, the metrics port not', () => {
  const manifests = (out: string) =>
    parseAllDocuments(readFileSync(join(out, 'k8s.yaml'), 'utf8')).map((d) => d.toJSON());
  const backend = 'nginx.ingress.kubernetes.io/backend-protocol';
  const own = manifests(recipe('k8s-own', 'k8s', '--upstream-tls', '--port', '3000', '--health-port', '3000'));
  const ingress = own.find((m) => m.kind === 'Ingress');
  assert.equal(ingress.metadata.annotations[backend], 'HTTPS');
  const container = own.find((m) => m.kind === 'Deployment').spec.template.spec.containers[0];
  assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http', scheme: 'HTTPS' });
  assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http', scheme: 'HTTPS' });

  const metrics = manifests(recipe('k8s-metrics', 'k8s', '--upstream-tls'));
  assert.equal(metrics.find((m) => m.kind === 'Ingress').metadata.annotations[backend], 'HTTPS');
  const probe = metrics.find((m) => m.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe.httpGet;
  assert.deepEqual(probe, { path: '/readyz', port: 'metrics' });

  const plain = manifests(recipe('k8s-plain', 'k8s'));
  assert.equal(plain.find((m) => m.kind === 'Ingress').metadata.annotations[backend], undefined);
});

test('--upstream-tls with --sticky is refused, naming the flag, and writes nothing', () => {
  for (const target of ['compose', 'k8s']) {
    const out = join(appDir, `sticky-${target}`);
    const result = hiveDeploy(appDir, target, '--app', 'api', '--upstream-tls', '--sticky', 'ip', '--out', out);
    assert.equal(result.status, 2, result.stderr);
    assert.match(
      result.stderr,
      /ERR_HIVE_DEPLOY_INVALID_OPTION: --upstream-tls \(upstreamTls\): an app that serves HTTPS itself cannot be sticky \(ip\)/,
    );
    assert.equal(existsSync(out), false, 'nothing written');
  }
});
