// `hive deploy k8s --cpu-limit 0` (or `--memory-limit 0`) wrote `limits: { cpu: '0' }`, which the kubelet reads as no
// limit at all: the pod ran unlimited, and `-i max` sized the cluster from every core of the node. `1m` became a 10m
// quota without a word, and `1000` bytes of memory a container that cannot start Node.js. The compose recipe already
// refused these; both recipes now share one check, with ERR_HIVE_DEPLOY_INVALID_OPTION naming the key (the CLI: the
// flag).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DeployOptionError, type DeployRecipe, renderDeployRecipe } from '../../dist/edge/index.js';
import { assertLimitFlagRefused } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-k8s-min-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const recipes: DeployRecipe[] = ['k8s', 'compose'];

function refused(recipe: DeployRecipe, resources: { cpuLimit?: string; memoryLimit?: string }, key: string): void {
  assert.throws(
    () => renderDeployRecipe(recipe, { app: 'api', resources }),
    (error: unknown) => {
      assert.ok(error instanceof DeployOptionError, String(error));
      assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
      assert.equal(error.key, key);
      assert.ok(error.message.startsWith(`${key}: `), error.message);
      assert.match(error.message, /no limit/);
      return true;
    },
    `${recipe} ${JSON.stringify(resources)}`,
  );
}

test('both recipes refuse a CPU limit below 10m and a memory limit below 6Mi, zero included', () => {
  for (const recipe of recipes) {
    for (const cpuLimit of ['0', '0m', '000', '1m', '9m', '0.005', '0.0']) {
      refused(recipe, { cpuLimit }, 'resources.cpuLimit');
    }
    for (const memoryLimit of ['0', '0Mi', '0Gi', '1000', '5Mi', '6M']) {
      refused(recipe, { memoryLimit }, 'resources.memoryLimit');
    }
  }
});

test('both recipes take the least limits, and Kubernetes keeps its defaults when none is given', () => {
  for (const recipe of recipes) {
    assert.doesNotThrow(() => renderDeployRecipe(recipe, { app: 'api', resources: { cpuLimit: '10m' } }), recipe);
    assert.doesNotThrow(() => renderDeployRecipe(recipe, { app: 'api', resources: { memoryLimit: '6Mi' } }), recipe);
  }
  const k8s = renderDeployRecipe('k8s', { app: 'api', resources: { cpuLimit: '10m', memoryLimit: '6Mi' } });
  const yaml = k8s.find((file) => file.path === 'k8s.yaml')!.content;
  assert.match(yaml, /limits:\n\s+cpu: ["']?10m["']?\n\s+memory: ["']?6Mi["']?/);
  // A request of 0 stays allowed: it is no limit, only no reservation.
  assert.doesNotThrow(() => renderDeployRecipe('k8s', { app: 'api', resources: { memoryRequest: '0' } }));
});

test('hive deploy k8s names the flag and writes nothing', () => {
  for (const [flag, value] of [
    ['--cpu-limit', '0'],
    ['--memory-limit', '0'],
  ] as const) {
    assertLimitFlagRefused(dir, 'k8s', flag, value);
  }
});

test('the k8s memory reason says what Node.js needs, naming no container runtime (Kubernetes may run any)', () => {
  assert.throws(
    () => renderDeployRecipe('k8s', { app: 'api', resources: { memoryLimit: '1Mi' } }),
    (error: unknown) => {
      assert.ok(error instanceof DeployOptionError, String(error));
      assert.match(error.message, /far below what Node\.js needs; 0 would mean no limit/);
      assert.doesNotMatch(error.message, /runtime|Docker|containerd/i);
      return true;
    },
  );
});
