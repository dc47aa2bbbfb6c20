/**
 * Node.js inspector flags: which TCP ports may be an inspector's, for `hive edge nginx --app` (proxying public traffic
 * to one is remote code execution, so a port that may be one is never taken for the app's), and the flags themselves,
 * which `hive deploy --app` keeps out of a production recipe.
 */
import { splitArgs } from '../config/split-args.js';

const kInspectorFlag = /^--(inspect(?:-brk|-wait|-port)?|debug-port)(?:=(.*))?$/;

/** Node's default inspector port (`--inspect`, and SIGUSR1 on a process started without any flag). */
const DEFAULT_PORT = 9229;
/**
 * node:cluster gives each worker it forks (restarts and reloads too) the primary's inspector port plus a count that
 * only grows, so the ports above a base are the workers' for as long as the primary runs: this many are held back.
 */
const WORKER_PORTS = 1024;

/**
 * A test for "may this port be an inspector's" from the app's Node.js flags and its `NODE_OPTIONS`: 9229 always;
 * with `--inspect`, `--inspect-brk`, `--inspect-wait` or `--inspect-port` (`--debug-port`) given, also the ports they
 * name, and the ones above 9229 and above each of those that node:cluster hands its workers.
 */
export function inspectorPorts(nodeArgs: readonly string[], nodeOptions = ''): (port: number) => boolean {
  const args = [...nodeArgs, ...splitArgs(nodeOptions).args];
  const bases = new Set([DEFAULT_PORT]);
  let enabled = false;
  for (let i = 0; i < args.length; i++) {
    const match = kInspectorFlag.exec(args[i]!);
    if (!match) continue;
    const takesValue = isPortFlag(match);
    if (!takesValue) enabled = true;
    const value = match[2] ?? (takesValue ? args[++i] : undefined);
    const port = value === undefined ? undefined : portOf(value);
    if (port !== undefined) bases.add(port);
  }
  return (port) =>
    bases.has(port) || (enabled && [...bases].some((base) => port > base && port <= base + WORKER_PORTS));
}

/**
 * `nodeArgs` without the inspector's flags (`--inspect`, `--inspect-brk`, `--inspect-wait`, `--inspect-port` and
 * `--debug-port` with their values), and the ones taken out, as given.
 */
export function withoutInspector(nodeArgs: readonly string[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < nodeArgs.length; i++) {
    const match = kInspectorFlag.exec(nodeArgs[i]!);
    if (!match) {
      kept.push(nodeArgs[i]!);
      continue;
    }
    dropped.push(nodeArgs[i]!);
    // A port flag's value may be the next word (`--inspect-port 9230`); --inspect's only ever follows an "=".
    if (isPortFlag(match) && match[2] === undefined && i + 1 < nodeArgs.length) dropped.push(nodeArgs[++i]!);
  }
  return { kept, dropped };
}

function isPortFlag(match: RegExpExecArray): boolean {
  return match[1] === 'inspect-port' || match[1] === 'debug-port';
}

// `[host:]port`; an IPv6 host is bracketed, so the port is what follows the last colon.
function portOf(value: string): number | undefined {
  const text = value.slice(value.lastIndexOf(':') + 1);
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}
