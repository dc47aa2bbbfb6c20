/**
 * The IPC protocol between a Hive primary and the runtime inside each app process. It lives on the runtime side so
 * that the runtime never imports from the cluster; the primary imports it from here.
 *
 * Every message carries `hive: PROTOCOL_VERSION`, which also tells Hive's messages apart from an app's own
 * `process.send()` traffic on the same channel.
 */

import { HiveError } from '../errors.js';

/** Bumped on any incompatible change of the messages below. */
export const PROTOCOL_VERSION = 1;

/** Environment the primary sets in every app process. */
export const ENV = {
  managed: 'HIVE_MANAGED',
  instance: 'HIVE_INSTANCE',
  clusterSize: 'HIVE_CLUSTER_SIZE',
  pm2Instance: 'NODE_APP_INSTANCE',
  appName: 'HIVE_APP_NAME',
  balance: 'HIVE_BALANCE',
  stickyPort: 'HIVE_STICKY_PORT',
  drainIdleGrace: 'HIVE_DRAIN_IDLE_GRACE',
  reportInterval: 'HIVE_REPORT_INTERVAL',
} as const;

/** Messages from an app process to its primary. */
export type WorkerMessage =
  | { hive: 1; type: 'listening'; address: string | null; port: number | null }
  | { hive: 1; type: 'ready' }
  | { hive: 1; type: 'listen-error'; code: string; message: string; port: number | null }
  | { hive: 1; type: 'memory'; rss: number; heapUsed: number };

/** Messages from the primary to an app process. */
export type PrimaryMessage =
  | { hive: 1; type: 'shutdown'; idleGrace: number }
  | { hive: 1; type: 'cluster-size'; size: number }
  | { hive: 1; type: 'sticky-connection'; head: string | null };

type Message = { hive: number; type: string };

/** A peer speaks another version of the protocol (a primary and a runtime from different Hive releases). */
export class ProtocolVersionError extends HiveError {
  constructor(version: unknown) {
    super(
      'ERR_HIVE_PROTOCOL',
      `Hive IPC protocol version ${String(version)} received, this side speaks ${PROTOCOL_VERSION}`,
    );
  }
}

const workerTypes = new Set(['listening', 'ready', 'listen-error', 'memory']);
const primaryTypes = new Set(['shutdown', 'cluster-size', 'sticky-connection']);

function decode(value: unknown, types: Set<string>): Message | undefined {
  if (typeof value !== 'object' || value === null || !('hive' in value)) return undefined;
  const message = value as Partial<Message>;
  if (message.hive !== PROTOCOL_VERSION) throw new ProtocolVersionError(message.hive);
  if (typeof message.type !== 'string' || !types.has(message.type)) return undefined;
  return message as Message;
}

/** A message from an app process, or undefined when it is not Hive's (the app's own IPC traffic). */
export function decodeWorkerMessage(value: unknown): WorkerMessage | undefined {
  return decode(value, workerTypes) as WorkerMessage | undefined;
}

/** A message from the primary, or undefined when it is not Hive's. */
export function decodePrimaryMessage(value: unknown): PrimaryMessage | undefined {
  return decode(value, primaryTypes) as PrimaryMessage | undefined;
}
