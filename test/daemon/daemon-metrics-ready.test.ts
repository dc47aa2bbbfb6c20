import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appsReady } from '../../dist/daemon/daemon-metrics.js';

test("the daemon's /readyz: every app meant to run serves; stopped ones do not count", () => {
  assert.equal(appsReady([]), true, 'no apps');
  assert.equal(
    appsReady([
      { status: 'online', ready: 1 },
      { status: 'reloading', ready: 2 },
      { status: 'stopped', ready: 0 },
      { status: 'stopping', ready: 0 },
    ]),
    true,
  );
  assert.equal(appsReady([{ status: 'online', ready: 0 }]), false, 'online with no process ready');
  assert.equal(appsReady([{ status: 'errored', ready: 0 }]), false, 'errored');
  assert.equal(appsReady([{ status: 'starting', ready: 1 }]), false, 'starting');
});
