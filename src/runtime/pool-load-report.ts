import { onPoolStart } from '../pool/first-load.js';
import { sendToPrimary } from './ipc.js';

/**
 * Tells the primary of each pool the process starts with threads (the runtime's `pool()`, the app's own `Pool`) and
 * of its first load: the primary counts a process ready only once the pools it started before it listened (or called
 * `ready()`) have loaded their task module, and not at all when one failed to (see WorkerProcess's ready wait). Two
 * messages per pool, none per task; a pool started after the process was ready changes nothing there.
 */
export function reportPoolLoads(): void {
  let next = 0;
  onPoolStart(({ filename, loaded }) => {
    const id = ++next;
    sendToPrimary({ hive: 1, type: 'pool-loading', id, filename });
    void loaded.then((error) => {
      if (error === undefined) return sendToPrimary({ hive: 1, type: 'pool-loaded', id });
      const code = (error as { code?: unknown }).code;
      const what = typeof code === 'string' ? code : error.name;
      sendToPrimary({ hive: 1, type: 'pool-loaded', id, error: `${what}: ${error.message}` });
    });
  });
}
