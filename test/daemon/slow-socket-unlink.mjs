// Preloaded (`--import`) into the daemons of test/daemon/start-race.test.ts and the processes of
// test/cluster/stale-socket-race.test.ts: holds each process for a while before it deletes a `*.sock` file (a socket
// it found stale), so that processes started together all reach that point before any binds. It widens the window of
// the race under test; it does not decide its outcome.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const unlinkSync = fs.unlinkSync;
const pause = new Int32Array(new SharedArrayBuffer(4));
fs.unlinkSync = (path) => {
  if (String(path).endsWith('.sock')) Atomics.wait(pause, 0, 0, 500);
  return unlinkSync(path);
};
syncBuiltinESMExports();
