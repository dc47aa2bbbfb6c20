import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` every `everyMs` until it returns a truthy value, and returns that value; fails naming `what` after
 * `timeoutMs`. The one polling loop of the tests (the per-area helpers wrap it with their own defaults): the bound
 * is a hang detector, generous because this machine is shared, never a timing assertion.
 */
export async function poll<T>(
  check: () => T | Promise<T>,
  what: string,
  { timeoutMs = 20_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(everyMs);
  }
}
