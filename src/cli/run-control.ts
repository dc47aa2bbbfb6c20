import type { Supervisor } from '../cluster/supervisor.js';

/**
 * The daemon side of a `hive run` primary forked by `hive start`: answers its control requests over IPC.
 */

/** A control request from the daemon: `{ hive: 1, type: 'reload' | 'scale', id, instances? }`. */
export async function answerControl(supervisor: Supervisor, message: unknown): Promise<void> {
  const request = message as { hive?: unknown; type?: unknown; id?: unknown; instances?: unknown };
  if (typeof request !== 'object' || request === null || request.hive !== 1) return;
  const { id } = request;
  try {
    if (request.type === 'reload') await supervisor.reload();
    else if (request.type === 'scale') await supervisor.scale(request.instances as number | string);
    else throw new Error(`unknown control request ${JSON.stringify(request.type)}`);
    process.send?.({ hive: 1, type: 'control-result', id, ok: true, size: supervisor.size });
  } catch (error) {
    const { code, message: text } = error as { code?: string; message?: string };
    process.send?.({ hive: 1, type: 'control-result', id, ok: false, code, message: text ?? String(error) });
  }
}
