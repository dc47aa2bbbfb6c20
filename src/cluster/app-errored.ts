import type { SlotInfo, WorkerInfo } from './supervisor.js';

/**
 * Whether nothing of the app runs or ever will without a reload: no process is live (a reload's replacements
 * included), none waits for a restart, and at least one slot crash-looped into `errored` (the others, if any, left
 * down by autorestart or stopExitCodes).
 */
export function appErrored(app: {
  readonly slots: readonly SlotInfo[];
  readonly workers: readonly WorkerInfo[];
}): boolean {
  const { slots } = app;
  if (app.workers.length > 0 || !slots.some((slot) => slot.state === 'errored')) return false;
  return slots.every((slot) => slot.state === 'errored' || slot.state === 'down');
}
