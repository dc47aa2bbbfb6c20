// `hive deploy k8s --port 9464` (or compose) with no --health-port took the defaulted metrics port, 9464, for "the app
// answers its own probes": no --metrics-port, probes of /readyz and /healthz on the app's port, which an ordinary app
// answers 404, so no pod ever became ready. Only a --health-port given equal to --port means that; the default moves.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { renderDeployRecipe } from '../../dist/edge/index.js';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-port-clash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function argAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

test('k8s --port 9464: the defaulted metrics port moves to 9465, and the probes go there', () => {
  const result = hiveDeploy(dir, 'k8s', '--app', 'api', '--port', '9464', '--out', 'k8s');
  assert.equal(result.status, 0, result.stderr);
  const docs = parseAllDocuments(readFileSync(join(dir, 'k8s', 'k8s.yaml'), 'utf8')).map((doc) => doc.toJSON());
  const container = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0];
  assert.equal(argAfter(container.args, '--port'), '9464');
  assert.equal(argAfter(container.args, '--metrics-port'), '9465');
  const named = new Map<string, number>(
    container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
  );
  for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
    assert.equal(named.get(container[probe].httpGet.port), 9465, probe);
  }
});

test("compose --port 9464: the health check fetches hive run's metrics port, not the app's", () => {
  const files = renderDeployRecipe('compose', { app: 'api', port: 9464 });
  const dockerfile = files.find((f) => f.path === 'Dockerfile')!.content;
  const cmd = JSON.parse(/^CMD (.*)$/m.exec(dockerfile)![1]!) as string[];
  assert.equal(argAfter(cmd, '--metrics-port'), '9465');
  const compose = parse(files.find((f) => f.path === 'compose.yaml')!.content);
  assert.match(compose.services.app.healthcheck.test.join(' '), /http:\/\/127\.0\.0\.1:9465\/readyz/);
});

test('an explicit --health-port equal to --port still means the app answers its own probes', () => {
  const files = renderDeployRecipe('k8s', { app: 'api', port: 9464, health: { port: 9464 } });
  const docs = parseAllDocuments(files.find((f) => f.path === 'k8s.yaml')!.content).map((doc) => doc.toJSON());
  const container = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0];
  assert.equal(argAfter(container.args, '--metrics-port'), undefined);
  assert.equal(container.readinessProbe.httpGet.port, 'http');
});
