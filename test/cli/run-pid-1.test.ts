// As PID 1 (a container's command with no init), hive run is handed every orphan of the container, which Node never
// reaps, and a signal sent before its handlers are set is lost: it says so, once, as it starts (QA, containers).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fixture, hiveBin, outputUntilReady } from '../cluster/helpers.js';

// A PID namespace of its own makes the command PID 1; root (CI) may make one, others may not.
const unshare = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
const skip = spawnSync(unshare[0]!, [...unshare.slice(1), 'true']).status !== 0 && 'cannot make a PID namespace here';

test('hive run as PID 1 warns that orphans are not reaped and points at an init', { skip }, async () => {
  // unshare passes no signal on; killed, its --kill-child SIGKILLs hive run, and with PID 1 the whole namespace goes.
  const output = await outputUntilReady(
    unshare[0]!,
    [...unshare.slice(1), process.execPath, hiveBin, 'run', fixture('app.js'), '-i', '1'],
    'SIGKILL',
  );
  assert.equal(
    output.match(
      /warning: hive run is PID 1 \(a container with no init\): .* never reaped .*`docker run --init`, or tini/g,
    )?.length,
    1,
    output,
  );
});
