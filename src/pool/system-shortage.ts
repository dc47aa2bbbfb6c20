import { isPermissionRefusal, permissionRefusalReason } from './permission-refusal.js';

/**
 * Whether a worker start was refused for want of a system resource (threads, processes, memory, file descriptors)
 * rather than for the pool's options: such a start is a failed start that the pool retries (docs/pool.md, Recovery),
 * while an options refusal is the caller's error to hear at `new Pool()`.
 */

/** What the system answers when it lacks threads or processes (EAGAIN), memory (ENOMEM) or descriptors. */
const SHORTAGES = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

export function isSystemShortage(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && SHORTAGES.has(code)) return true;
  // worker_threads says a thread the system would not create (pthread_create's errno) as ERR_WORKER_INIT_FAILED with
  // the errno's name for message (`EAGAIN` under `ulimit -u`); the same code with other words is not a shortage.
  return code === 'ERR_WORKER_INIT_FAILED' && typeof message === 'string' && SHORTAGES.has(message.trim());
}

/**
 * Why a worker could not be started, for its error: worker_threads' bare errno name (`EAGAIN`), or Node's permission
 * model's refusal, said in words.
 */
export function refusalReason(cause: unknown): string {
  if (isPermissionRefusal(cause)) return permissionRefusalReason(cause);
  const message = String((cause as Error | undefined)?.message ?? cause);
  if ((cause as { code?: unknown } | undefined)?.code !== 'ERR_WORKER_INIT_FAILED' || !isSystemShortage(cause)) {
    return message;
  }
  return `the system would not create its thread (${message}: out of threads or processes, see ulimit -u, or of memory)`;
}
