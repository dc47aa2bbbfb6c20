// Preloaded (`--import`, through NODE_OPTIONS) into the `hive run` primaries of test/cluster/socket-lock.test.ts:
// holds the primary for a while between binding its first Unix socket (the file exists from then on) and accepting
// on it, the moment in which a probe finds a fresh socket stale. With `--balance rr` the primary binds and listens
// for its workers. It widens the window of the race under test; it does not decide its outcome.
import cluster from 'node:cluster';

if (cluster.isPrimary) {
  const { Pipe } = process.binding('pipe_wrap');
  const listen = Pipe.prototype.listen;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let first = true;
  Pipe.prototype.listen = function (...args) {
    if (first) {
      first = false;
      Atomics.wait(pause, 0, 0, Number(process.env.HIVE_TEST_LISTEN_DELAY ?? 3000));
    }
    return listen.apply(this, args);
  };
}
