import { ENV } from '../runtime/protocol.js';

/**
 * PM2's `pm_id` of an app process: a number unique among the processes of one daemon, kept by a slot through its
 * restarts and reloads, and 0 for instance 0 of app 0, so that PM2's leader idiom `process.env.pm_id === '0'` elects
 * one process. PM2 numbers processes in the order it starts them (an app's instances in a row); Hive's primaries fork
 * and scale their own processes, with no daemon-wide counter to ask, so the number is made of the app's id
 * (HIVE_APP_ID, which the daemon gives the primary; 0 under `hive run`) and the instance: the Cantor pairing of the
 * two, unique for every pair (app 0: 0, 2, 5, 9...; app 1: 1, 4, 8...). NODE_APP_INSTANCE is the per-app idiom
 * (docs/config.md).
 */
export function pmId(instance: number, appId: string | undefined = process.env[ENV.appId]): string {
  const app = appId !== undefined && /^\d+$/.test(appId) ? Number(appId) : 0;
  const sum = app + instance;
  return String((sum * (sum + 1)) / 2 + instance);
}
