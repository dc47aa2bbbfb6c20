// The deploy recipes' probes reach what answers them: Hive serves /readyz and /healthz on `hive run --metrics-port`,
// not on the app's port (the app answers there only what it routes). Read from the generated YAML, the probe's port
// and path must match the `hive run` arguments in the same file; and that exact command line, run here, must
// answer the probe with 200 (no docker or kubelet runs in the tests).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { type DeployInput, DeployOptionError, renderDeployRecipe } from '../../dist/edge/index.js';
import { poll } from '../poll.js';
import { freePorts, stopChild } from './nginx-harness.js';

const hiveBin = fileURLToPath(new URL('../../dist/cli/hive.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-health-'));
const children: ChildProcess[] = [];
after(async () => {
  await Promise.all(children.map((child) => stopChild(child, 'SIGTERM')));
  rmSync(dir, { recursive: true, force: true });
});

// An app as users write them: it routes `/` and answers 404 to anything else, /healthz and /readyz included.
writeFileSync(
  join(dir, 'server.js'),
  `require('node:http').createServer((req, res) => { res.statusCode = req.url === '/' ? 200 : 404; res.end(); })
    .listen(Number(process.env.PORT));\n`,
);

function k8sDeployment(input: DeployInput) {
  const file = renderDeployRecipe('k8s', input).find((f) => f.path === 'k8s.yaml')!;
  const docs = parseAllDocuments(file.content).map((doc) => doc.toJSON());
  return { deployment: docs.find((d) => d.kind === 'Deployment'), service: docs.find((d) => d.kind === 'Service') };
}

/** The value after `flag` in `args`. */
function argAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

for (const input of [{ app: 'api' }, { app: 'chat', sticky: 'cookie:sid' }] as DeployInput[]) {
  test(`k8s (${input.app}): the probes fetch the port hive run serves them on, which the Service does not expose`, () => {
    const { deployment, service } = k8sDeployment(input);
    const container = deployment.spec.template.spec.containers[0];
    const metricsPort = Number(argAfter(container.args, '--metrics-port'));
    assert.ok(metricsPort > 0, `hive run ${container.args.join(' ')}`);
    // The kubelet probes the pod's IP, not loopback: every address, IPv6 (an IPv6 cluster's pod IP) and IPv4.
    assert.equal(argAfter(container.args, '--metrics-host'), '::');
    assert.notEqual(metricsPort, Number(argAfter(container.args, '--port')));
    const named = new Map<string, number>(container.ports.map((p: any) => [p.name, p.containerPort]));
    for (const [probe, path] of [
      ['readinessProbe', '/readyz'],
      ['livenessProbe', '/healthz'],
    ] as const) {
      const { port, path: probed } = container[probe].httpGet;
      assert.equal(typeof port === 'string' ? named.get(port) : port, metricsPort, probe);
      assert.equal(probed, path, probe);
    }
    assert.deepEqual(
      service.spec.ports.map((p: any) => p.targetPort),
      ['http'],
    );
  });
}

test("compose: the app's health check fetches the metrics port the Dockerfile's hive run opens", () => {
  const files = renderDeployRecipe('compose', { app: 'api' });
  const dockerfile = files.find((f) => f.path === 'Dockerfile')!.content;
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
  const metricsPort = argAfter(cmd, '--metrics-port');
  assert.ok(metricsPort);
  const compose = parse(files.find((f) => f.path === 'compose.yaml')!.content);
  const check = compose.services.app.healthcheck.test.join(' ');
  assert.match(check, new RegExp(`http://127\\.0\\.0\\.1:${metricsPort}/readyz`));
  assert.doesNotMatch(compose.services.nginx.healthcheck.test.join(' '), /healthz|readyz/);
});

test('health.port = the app port: the app answers its own paths, and no metrics port is opened', () => {
  const { deployment } = k8sDeployment({
    app: 'api',
    health: { port: 3000, readiness: '/health', liveness: '/health' },
  });
  const container = deployment.spec.template.spec.containers[0];
  assert.equal(argAfter(container.args, '--metrics-port'), undefined);
  assert.deepEqual(container.readinessProbe.httpGet, { path: '/health', port: 'http' });
  // Another path on the metrics port would fail every probe.
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'api', health: { liveness: '/health' } }),
    (error: unknown) => error instanceof DeployOptionError && error.key === 'health.liveness',
  );
});

test("the k8s manifest's exact hive run command answers its probes with 200", async () => {
  const [appPort, metricsPort] = (await freePorts(2)) as [number, number];
  const { deployment } = k8sDeployment({
    app: 'api',
    script: 'server.js',
    port: appPort,
    health: { port: metricsPort },
  });
  const container = deployment.spec.template.spec.containers[0];
  const named = new Map<string, number>(container.ports.map((p: any) => [p.name, p.containerPort]));
  const child = spawn(process.execPath, [hiveBin, 'run', ...container.args], { cwd: dir, stdio: 'ignore' });
  children.push(child);
  for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
    const { port, path } = container[probe].httpGet;
    const url = `http://127.0.0.1:${typeof port === 'string' ? named.get(port) : port}${path}`;
    await poll(async () => (await fetch(url).catch(() => undefined))?.status === 200, `${probe} ${url} 200`, {
      timeoutMs: 60_000,
    });
  }
  assert.equal((await fetch(`http://127.0.0.1:${appPort}/`)).status, 200);
});
