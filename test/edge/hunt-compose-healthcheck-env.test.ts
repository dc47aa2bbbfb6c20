// compose.yaml's health check runs `node -e "fetch(...)"` in the app's container, with the app's environment: a
// NODE_OPTIONS of the app (`--require ./tracing.cjs`, as OpenTelemetry's setup asks) started the app's preload in
// every check, every 5 s, and on Node.js 24 (the image's default) a NODE_USE_ENV_PROXY=1 with an HTTP_PROXY (a company
// proxy for the app's outbound calls) sent the loopback fetch to the proxy: the check never passed, the app never
// became healthy, and nginx, which waits for it, never started. The check now runs node without those two variables.
// The test runs the check's command as compose would (exec form), against a server on the health port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { renderDeployRecipe } from '../../src/edge/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-compose-healthcheck-'));
const server = createServer((req, res) => res.end(req.url));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const healthPort = (server.address() as AddressInfo).port;
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const compose = parse(
  renderDeployRecipe('compose', { app: 'api', health: { port: healthPort } }).find((f) => f.path === 'compose.yaml')!
    .content,
);
const check: string[] = compose.services.app.healthcheck.test;

// The check as compose runs it: exec form, in the app's directory, with the container's environment; `node` is the
// one running this test. Asynchronously: the server it fetches from runs in this process.
async function runCheck(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  assert.equal(check[0], 'CMD');
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH}`;
  const child = spawn(check[1]!, check.slice(2), {
    cwd: dir,
    env: { PATH: path, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const [status] = await once(child, 'exit');
  return { status, stderr };
}

test("the health check passes, and runs none of the app's NODE_OPTIONS preloads", async () => {
  const marker = join(dir, 'preloaded');
  writeFileSync(join(dir, 'tracing.cjs'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'yes');\n`);
  const result = await runCheck({ NODE_OPTIONS: '--require ./tracing.cjs' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(existsSync(marker), false, "the app's preload ran in the health check");
});

// NODE_USE_ENV_PROXY is read by Node.js 24.5 and later (the image's default major): run this file with such a node.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const proxySkip = major > 24 || (major === 24 && minor >= 5) ? false : 'NODE_USE_ENV_PROXY needs Node.js 24.5 or later';

test("the health check's loopback fetch does not go through the app's HTTP proxy", { skip: proxySkip }, async () => {
  // A proxy that is not there: port 9 (discard) of loopback, refused.
  const result = await runCheck({
    NODE_USE_ENV_PROXY: '1',
    HTTP_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
  });
  assert.equal(result.status, 0, result.stderr);
});
