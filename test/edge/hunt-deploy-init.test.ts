// The image ran `hive run` as PID 1 with no init: node waits only for the children it started, so a process the app
// spawned and orphaned stayed a zombie for the container's life (compose had `init: true`, the Kubernetes pod had
// nothing). The image's ENTRYPOINT now starts tini, installed in the final stage, on both recipes; compose no longer
// adds Docker's own init on top of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { renderDeployRecipe } from '../../dist/edge/index.js';

/** The instructions of the Dockerfile's last stage, continuation lines joined. */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const from = lines.findLastIndex((line) => line.startsWith('FROM '));
  return lines.slice(from).filter((line) => line !== '' && !line.startsWith('#'));
}

for (const target of ['compose', 'k8s'] as const) {
  test(`${target}: tini is PID 1 in the image and runs hive run`, () => {
    const files = renderDeployRecipe(target, { app: 'api' });
    const stage = finalStage(files.find((f) => f.path === 'Dockerfile')!.content);
    // The base image is Debian (bookworm-slim): apt's tini installs /usr/bin/tini.
    assert.match(stage[0]!, /^FROM node:\d+-bookworm-slim$/);
    assert.ok(
      stage.some((line) => /^RUN apt-get update && apt-get install -y --no-install-recommends tini\b/.test(line)),
      stage.join('\n'),
    );
    const entrypoint = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(stage.join('\n'))![1]!) as string[];
    assert.deepEqual(entrypoint.slice(0, 3), ['/usr/bin/tini', '--', 'node']);
    assert.deepEqual(entrypoint.slice(-1), ['run']);
  });
}

test("compose: no second init (Docker's) in front of the image's tini", () => {
  const compose = parse(renderDeployRecipe('compose', { app: 'api' }).find((f) => f.path === 'compose.yaml')!.content);
  assert.notEqual(compose.services.app.init, true);
});

test("k8s: the container sets args only, so the image's ENTRYPOINT (tini) stays", () => {
  const yaml = renderDeployRecipe('k8s', { app: 'api' }).find((f) => f.path === 'k8s.yaml')!.content;
  const deployment = parseAllDocuments(yaml)
    .map((doc) => doc.toJSON())
    .find((d) => d.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  assert.equal(container.command, undefined);
  assert.ok(Array.isArray(container.args));
});
