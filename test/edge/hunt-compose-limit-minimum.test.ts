// `hive deploy compose --cpu-limit 1m` wrote cpus 0.001, below the 0.01 Docker takes, and `--cpu-limit 0` or
// `--memory-limit 0` wrote cpus 0 / memory 0b, which Docker reads as no limit: the app ran unlimited though a limit
// was asked for. Such limits are now refused for compose with ERR_HIVE_DEPLOY_INVALID_OPTION naming the option (the
// CLI names the flag). Kubernetes refuses them too now, through the same check (hunt-k8s-limit-minimum.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DeployOptionError, renderDeployRecipe } from '../../dist/edge/index.js';
import { assertLimitFlagRefused } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-compose-min-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function refused(resources: { cpuLimit?: string; memoryLimit?: string }, key: string): void {
  assert.throws(
    () => renderDeployRecipe('compose', { app: 'api', resources }),
    (error: unknown) => {
      assert.ok(error instanceof DeployOptionError, String(error));
      assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
      assert.equal(error.key, key);
      assert.ok(error.message.startsWith(`${key}: `), error.message);
      return true;
    },
    JSON.stringify(resources),
  );
}

test('compose refuses a CPU limit below 0.01 CPUs and a memory limit below 6Mi, zero included', () => {
  for (const cpuLimit of ['0', '0m', '1m', '9m', '0.005', '0.0']) refused({ cpuLimit }, 'resources.cpuLimit');
  for (const memoryLimit of ['0', '0Mi', '1000', '5Mi', '6M']) refused({ memoryLimit }, 'resources.memoryLimit');
});

test('the least limits Docker takes still pass', () => {
  const compose = renderDeployRecipe('compose', { app: 'api', resources: { cpuLimit: '10m', memoryLimit: '6Mi' } });
  const yaml = compose.find((file) => file.path === 'compose.yaml')!.content;
  assert.match(yaml, /cpus: ["']?0\.01["']?$/m);
  assert.match(yaml, /memory: 6m$/m);
});

test('hive deploy compose names the flag and writes nothing', () => {
  for (const [flag, value] of [
    ['--cpu-limit', '1m'],
    ['--memory-limit', '0'],
  ] as const) {
    assertLimitFlagRefused(dir, 'compose', flag, value);
  }
});
