import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../cluster/proc-stat.js';

/** Waits until none of `pids` is alive or `ms` passed; returns those still alive. */
export async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(25);
    alive = alive.filter(isAlive);
  }
  return alive;
}
