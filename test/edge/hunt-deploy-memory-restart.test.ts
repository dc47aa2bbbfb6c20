// An app the daemon runs with a max memory restart of 1G (a PM2 habit on a big machine) got a recipe running
// `hive run --max-memory-restart 1073741824` in a container limited to 512Mi (the Kubernetes default), shared by its
// processes: no process ever reached the threshold, and the kernel's OOM killer ended the container instead of Hive
// replacing one process after its drain. hive run only says so at run time, in the pod's log; the recipe now warns
// when it is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployWarnings } from '../../src/edge/index.js';

const MiB = 2 ** 20;
const memoryWarnings = (...args: Parameters<typeof deployWarnings>) =>
  deployWarnings(...args).filter((warning) => warning.includes('--max-memory-restart'));

test('k8s: a max memory restart the default 512Mi limit never lets its processes reach is a warning', () => {
  // -i max under the default 2 CPU limit: 2 processes share the 512Mi.
  const [warning, ...rest] = memoryWarnings('k8s', { app: 'api', maxMemoryRestart: 1024 * MiB });
  assert.match(warning ?? '', /--max-memory-restart .*1024 MiB a process.*2 processes.*default --memory-limit 512Mi/);
  assert.match(warning ?? '', /OOM killer/);
  assert.match(warning ?? '', /below 256 MiB, or raise --memory-limit/);
  assert.deepEqual(rest, []);
  // 256 MiB each: 2 of them fill the limit before either is replaced.
  assert.equal(memoryWarnings('k8s', { app: 'api', maxMemoryRestart: 256 * MiB }).length, 1);
  assert.deepEqual(memoryWarnings('k8s', { app: 'api', maxMemoryRestart: 200 * MiB }), []);
});

test('k8s: the processes counted as the recipe runs them (given instances, a CPU limit, a sticky app)', () => {
  const input = { app: 'api', maxMemoryRestart: 300 * MiB };
  assert.deepEqual(memoryWarnings('k8s', { ...input, instances: 1 }), []);
  assert.deepEqual(memoryWarnings('k8s', { ...input, resources: { cpuLimit: '500m' } }), []);
  // A sticky app runs one process per pod.
  assert.deepEqual(memoryWarnings('k8s', { ...input, sticky: 'cookie:sid' }), []);
  assert.equal(memoryWarnings('k8s', { ...input, resources: { memoryLimit: '1Gi', cpuLimit: '4' } }).length, 1);
  assert.deepEqual(memoryWarnings('k8s', { ...input, resources: { memoryLimit: '2Gi', cpuLimit: '4' } }), []);
});

test('compose: only with a memory limit given (none by default), at least one process', () => {
  const input = { app: 'api', maxMemoryRestart: 600 * MiB };
  assert.deepEqual(memoryWarnings('compose', input), []);
  const [warning] = memoryWarnings('compose', { ...input, resources: { memoryLimit: '512Mi' } });
  assert.match(warning ?? '', /its one process is not below --memory-limit 512Mi/);
  assert.deepEqual(memoryWarnings('compose', { ...input, resources: { memoryLimit: '1Gi' } }), []);
  assert.equal(memoryWarnings('compose', { ...input, resources: { memoryLimit: '1Gi', cpuLimit: '2' } }).length, 1);
});

test('no max memory restart: no such warning', () => {
  assert.deepEqual(memoryWarnings('k8s', { app: 'api', resources: { memoryLimit: '64Mi' } }), []);
});
