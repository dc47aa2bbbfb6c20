import { type Server as HttpServer, Server } from 'node:http';
import { ENV } from './protocol.js';
import type { ServerTracker } from './server-tracker.js';

// Node's own default (5 s in Node 20 to 24), read once rather than written down.
const NODE_DEFAULT = new Server().keepAliveTimeout;

/**
 * `--keep-alive-timeout`: the idle keep-alive timeout of the process's HTTP(S) servers, set as each one listens. A
 * server whose timeout the app set itself (to anything but node's default) keeps it, and one the app sets after
 * listen() wins, as the app's own word.
 */
export function applyKeepAliveTimeout(tracker: ServerTracker): void {
  const ms = Number(process.env[ENV.keepAliveTimeout]);
  if (!Number.isInteger(ms) || ms <= 0) return;
  tracker.onHttpServer((server: HttpServer) => {
    if (server.keepAliveTimeout === NODE_DEFAULT) server.keepAliveTimeout = ms;
  });
}
