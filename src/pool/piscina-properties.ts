import { InvalidArgumentError } from '../errors.js';

/**
 * piscina's pool properties that a Hive pool spells otherwise or does without, with what to read instead. Read, each
 * would be `undefined` without a word (`if (pool.queueSize > 100) shed()` never sheds): the getters throw instead, as
 * adding a listener for one of piscina's events does. TypeScript code never reads them (they are not in the type).
 */
const piscinaProperties: ReadonlyMap<string, string> = new Map([
  ['queueSize', 'read `pool.stats.queued`'],
  ['completed', 'read `pool.stats.completed` (and `failed`)'],
  ['utilization', 'read `pool.stats.utilization`'],
  ['runTime', 'read `pool.stats.runTime`'],
  ['waitTime', 'read `pool.stats.waitTime`'],
  ['histogram', 'read `pool.stats.runTime` and `pool.stats.waitTime`'],
  ['threads', 'read `pool.stats.threads` (a count: the workers are not exposed)'],
  ['idleThreads', 'read `pool.stats.threads - pool.stats.busy`'],
  ['duration', 'Hive keeps none: note `performance.now()` when you create the pool'],
]);

/** Defines on `prototype` a getter per piscina property that throws ERR_HIVE_INVALID_ARGUMENT naming Hive's way. */
export function refusePiscinaProperties(prototype: object): void {
  for (const [name, instead] of piscinaProperties) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      enumerable: false,
      get() {
        throw new InvalidArgumentError(`A Hive pool has no \`${name}\` (piscina's): ${instead}`);
      },
    });
  }
}
