import { loadTaskModule } from './load-task-module.js';
import { INIT, LOAD_FAILED, READY } from './protocol.js';
import { sendError } from './serialized-error.js';
import { type Claim, type Send, TaskRunner } from './task-runner.js';

/**
 * A worker's life once it knows its task module, the same for a thread and a child process: loads the module
 * (reporting INIT for an async init, LOAD_FAILED when it fails), then returns the runner of its tasks, after saying
 * READY. `claim` is the worker's half of the rule that a task runs at most once: the runner calls it before starting a
 * task, and the task starts only if it returns true, after the parent can know that it started (see
 * Scheduler's takeBack callers). undefined when the module failed to load (the parent then stops the worker).
 */
export async function serveTasks(
  filename: string,
  send: Send,
  claim: Claim,
  waitForMore?: () => boolean,
): Promise<TaskRunner | undefined> {
  let fns: Awaited<ReturnType<typeof loadTaskModule>>;
  try {
    fns = await loadTaskModule(filename, () => send([INIT]));
  } catch (error) {
    sendError((serialized) => send([LOAD_FAILED, serialized]), error);
    return undefined;
  }
  // Outside the try: the first tasks may run from the caller on, and what they throw is theirs, never a failure to
  // load the module.
  const runner = new TaskRunner(filename, fns, send, claim, waitForMore);
  send([READY, [...fns.keys()]]);
  return runner;
}
