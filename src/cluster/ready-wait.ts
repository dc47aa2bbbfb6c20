import type { EventEmitter } from 'node:events';
import { WorkerNotReadyError } from './errors.js';

/** What an app written for PM2 sends when it is ready (`wait_ready`). */
export const PM2_READY = 'ready';

export interface ReadyWaitOptions {
  instance: number;
  listenTimeout: number;
  /** What the process failed to do in time, for the error: `did not listen` (read when the time is up). */
  awaited: string | (() => string);
  /** What to do about it, after the timing (read when the time is up). */
  hint?: string | (() => string | undefined) | undefined;
  /** Emits the process's IPC `message`s (a cluster Worker, a ChildProcess). */
  messages: EventEmitter;
  /**
   * Its exit, once its last output was read (the stderr tail): a cluster worker's `exited` (WorkerProcess waits for its
   * pipes' end), a plain child's 'exit'.
   */
  exited: Promise<{ code: number | null; signal: string | null; spawnError?: string | undefined }>;
  /** Its last stderr lines, read when it exits before it is ready: they usually hold the reason. */
  stderrTail: () => readonly string[];
  /** A message's meaning: true, ready; an Error, the wait fails with it; anything else, the wait goes on. */
  check(message: unknown): boolean | Error;
  /**
   * Asked when listenTimeout passes: true makes the process ready then rather than failing (an inherited PORT it
   * listened beside, see AppPort). Absent: it fails.
   */
  readyAtTimeout?: (() => boolean) | undefined;
  /** Called as the process becomes ready, before the promise settles (its state must change in that same tick). */
  onReady(): void;
}

/**
 * Waits for an app process to say it is ready, for at most `listenTimeout`. Shared by the cluster's workers and fork
 * mode's plain processes, so that both fail alike: WorkerNotReadyError on a timeout or an exit before ready.
 */
export function waitUntilReady(options: ReadyWaitOptions): Promise<void> {
  const { instance, messages } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (options.readyAtTimeout?.()) return ready();
      const hint = typeof options.hint === 'function' ? options.hint() : options.hint;
      fail(
        new WorkerNotReadyError(
          instance,
          `${typeof options.awaited === 'function' ? options.awaited() : options.awaited} within ${options.listenTimeout} ms${hint ? `; ${hint}` : ''}`,
        ),
      );
    }, options.listenTimeout);
    const done = () => {
      settled = true;
      clearTimeout(timer);
      messages.off('message', onMessage);
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    const onExit = ({
      code,
      signal,
      spawnError,
    }: {
      code: number | null;
      signal: string | null;
      spawnError?: string;
    }) => {
      // Wait for the stderr tail: it usually holds the reason (a throw at startup).
      setImmediate(() => {
        if (settled) return;
        fail(
          new WorkerNotReadyError(
            instance,
            spawnError !== undefined
              ? `it could not be started (${spawnError})`
              : `it exited (${signal ? `signal ${signal}` : `code ${code}`}) before it was ready`,
            [...options.stderrTail()],
          ),
        );
      });
    };
    const ready = () => {
      done();
      options.onReady();
      resolve();
    };
    const onMessage = (value: unknown) => {
      const meaning = options.check(value);
      if (meaning instanceof Error) return fail(meaning);
      if (meaning === true) ready();
    };
    messages.on('message', onMessage);
    void options.exited.then(onExit);
  });
}
