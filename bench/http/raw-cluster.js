// The baseline: node's cluster module as a 20-line script, what many apps ship instead of a process manager.
import cluster from 'node:cluster';

const workers = Number(process.env.WORKERS ?? 2);
if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (_worker, _code, signal) => {
    if (signal !== 'SIGTERM' && !stopping) cluster.fork();
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  await import('./hello.js');
}
