// The recipes ran `hive run ... --metrics-host 0.0.0.0`: the probes' port listened on IPv4 only. In an IPv6 (single
// stack, or IPv6-first dual stack) Kubernetes cluster the pod's IP is an IPv6 address, and the kubelet's probes to it
// were refused: the pods never became ready, while the app's own port (Node's default listen, `::`) answered. The
// recipes now bind `--metrics-host ::` (dual stack). The test runs `hive run` with the Deployment's args and env as the
// container would, then fetches both probes' paths over IPv6 and IPv4 loopback (the pod IP of either family).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { renderDeployRecipe } from '../../src/edge/index.js';

const hive = new URL('../../dist/cli/hive.js', import.meta.url).pathname;

// A free port of this machine, on both families.
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '::');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ipv6Loopback(): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

const skip = (await ipv6Loopback()) ? false : 'no IPv6 on loopback (::1)';
const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-probe-ipv6-'));
let child: ChildProcess | undefined;
after(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Container {
  args: string[];
  env: { name: string; value: string }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
}

async function status(url: string): Promise<number | string> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return String((error as { cause?: { code?: string } }).cause?.code ?? error);
  }
}

test("the Deployment's probes answer on the pod's IPv6 address as on its IPv4 one", { skip }, async () => {
  const port = await freePort();
  const metricsPort = await freePort();
  const files = renderDeployRecipe('k8s', { app: 'api', port, health: { port: metricsPort } });
  const manifests = parseAllDocuments(files.find((file) => file.path === 'k8s.yaml')!.content).map((doc) => doc.toJS());
  const deployment = manifests.find((manifest) => manifest.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0] as Container;
  writeFileSync(
    join(dir, 'server.js'),
    "require('node:http').createServer((req, res) => res.end('app')).listen(Number(process.env.PORT));\n",
  );
  // The image's ENV (the Dockerfile's) under the Deployment's env, as the container gets them.
  const dockerfile = files.find((file) => file.path === 'Dockerfile')!.content;
  const imageEnv = Object.fromEntries(
    /^ENV (.*)$/m
      .exec(dockerfile)![1]!
      .split(' ')
      .map((pair) => pair.split('=')),
  );
  const env = {
    PATH: process.env.PATH,
    ...imageEnv,
    ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
  };
  child = spawn(process.execPath, [hive, 'run', ...container.args], { cwd: dir, env, stdio: 'ignore' });

  const probePort = (name: string) => container.ports.find((p) => p.name === name)!.containerPort;
  const readiness = container.readinessProbe.httpGet;
  const liveness = container.livenessProbe.httpGet;
  // Ready on IPv4 first (the recipe always answered there), however long the start takes.
  while ((await status(`http://127.0.0.1:${probePort(readiness.port)}${readiness.path}`)) !== 200) {
    assert.equal(child.exitCode, null, 'hive run exited');
    await sleep(100);
  }
  for (const host of ['127.0.0.1', '[::1]']) {
    assert.equal(
      await status(`http://${host}:${probePort(readiness.port)}${readiness.path}`),
      200,
      `readiness ${host}`,
    );
    assert.equal(await status(`http://${host}:${probePort(liveness.port)}${liveness.path}`), 200, `liveness ${host}`);
  }
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
