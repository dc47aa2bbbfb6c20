import { type Server as HttpServer, Server } from 'node:http';
import { ENV } from './protocol.js';
import type { ServerTracker } from './server-tracker.js';

/**
 * `--keep-alive-timeout`: the idle keep-alive timeout of the process's HTTP(S) servers, set as each one listens. A
 * server whose timeout the app set itself (to anything but node's default) keeps it, and one the app sets after
 * listen() wins, as the app's own word.
 */
export function applyKeepAliveTimeout(tracker: ServerTracker): void {
  const ms = Number(process.env[ENV.keepAliveTimeout]);
  if (!Number.isInteger(ms) || ms <= 0) return;
  // Node's own default (5 s in Node 20 to 24), read from an unlistened server rather than written down; only in a
  // process given the option.
  const nodeDefault = new Server().keepAliveTimeout;
  tracker.onHttpServer((server: HttpServer) => {
    if (server.keepAliveTimeout === nodeDefault) server.keepAliveTimeout = ms;
  });
}
