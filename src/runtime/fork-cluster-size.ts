import { resizeSharedPools } from './pool-registry.js';
import { decodePrimaryMessage, ENV, isHiveInternal, type WorkerMessage } from './protocol.js';

/**
 * In a fork-mode process (see isForkChild), whose runtime the app imported (none is preloaded): asks the fork primary
 * for the app's size, and follows it as a cluster worker does, so that a `hive scale` resizes the 'auto' shared pools
 * of the processes already running, not only of those it starts. The answers come as node's internal messages, unseen
 * by the app's 'message' listeners, and such a listener does not keep the channel (and so the process) alive.
 */
export function followForkClusterSize(): void {
  // Bun speaks node's IPC, but not its internal messages: the app would get the answers as its own.
  if (!process.connected || process.versions.bun !== undefined) return;
  process.on('internalMessage', (value: unknown) => {
    if (!isHiveInternal(value)) return;
    let message: ReturnType<typeof decodePrimaryMessage>;
    try {
      message = decodePrimaryMessage(value);
    } catch {
      return;
    }
    if (message?.type !== 'cluster-size') return;
    process.env[ENV.clusterSize] = String(message.size);
    resizeSharedPools();
  });
  const wanted: WorkerMessage = { hive: 1, type: 'cluster-size-wanted' };
  // The plain form, as ready() sends: a fork primary reads its processes' 'message' events. A closed channel (the
  // primary gone) is no error of the app's.
  process.send!(wanted, undefined, {}, () => {});
}
