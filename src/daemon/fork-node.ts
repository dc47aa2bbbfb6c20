import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSpec } from './protocol.js';

/** The tsx loader of this install, as the CLI's forkCommand adds it for a TypeScript script. */
const daemonTsx = (): string => import.meta.resolve('tsx');

// A Node.js executable by its file name (`node`, `nodejs`, `node20`), as fork-primary.ts tells one.
const NODE_PROGRAM = /^(?:node|nodejs)(?:\d+(?:\.\d+)*)?$/;

/**
 * The spec with the daemon's Node.js (process.execPath) and tsx loader in place of the ones Hive chose for a fork-mode
 * app (`fork.hiveNode`): the Node that ran `hive start` may be another, or gone (`hive update` under a new Node,
 * `nvm uninstall`), while a cluster app already runs on the daemon's. A command the user named is left as it is.
 */
export function withDaemonNode(spec: AppSpec): AppSpec {
  const { fork } = spec;
  if (fork?.hiveNode === undefined) return spec;
  const args =
    fork.hiveNode === 'tsx' && fork.args[0] === '--import'
      ? ['--import', daemonTsx(), ...fork.args.slice(2)]
      : fork.args;
  return { ...spec, fork: { ...fork, command: process.execPath, args } };
}

/**
 * The script file node runs for a fork-mode app (Hive's Node, or a Node.js interpreter the user named), which its
 * primary checks at each start as a cluster app's Supervisor does (assertScriptFile): node spawns with or without the
 * file, and an app whose script was gone (moved since the save, on a mount not mounted yet) showed online, then
 * crash-looped with MODULE_NOT_FOUND. Undefined for a program run as itself or by another interpreter: its spawn error says it.
 */
export function forkNodeScript(spec: AppSpec): string | undefined {
  const { fork } = spec;
  if (fork === undefined || (fork.hiveNode === undefined && !NODE_PROGRAM.test(basename(fork.command)))) return;
  // forkCommand gave node this path, or the bare name, which node takes from the app's folder all the same.
  return resolve(spec.cwd, spec.script);
}

/**
 * A spec of a dump written before `fork.hiveNode` (which cannot tell Hive's default Node from one the user named): its
 * command is kept, unless it is the absolute path of a Node.js executable that no longer exists, which no start could
 * run; then it gets the daemon's Node (and tsx loader, when the saved one is gone too) and is marked `hiveNode` from
 * now on. Returns the spec, and a warning (about the app, not naming it) when it was changed.
 */
export function savedForkNode(spec: AppSpec): { spec: AppSpec; warning?: string } {
  const { fork } = spec;
  if (fork === undefined || fork.hiveNode !== undefined) return { spec };
  const { command, args } = fork;
  if (!isAbsolute(command) || !NODE_PROGRAM.test(basename(command)) || existsSync(command)) return { spec };
  const tsx = args[0] === '--import' && args[1] !== undefined && isGoneTsx(args[1]);
  const hiveNode = tsx ? 'tsx' : 'node';
  const warning =
    `its saved Node.js ${command} is gone; it runs with the daemon's, ${process.execPath}` +
    (tsx ? `, and its tsx loader ${daemonTsx()}` : '');
  return { spec: withDaemonNode({ ...spec, fork: { ...fork, hiveNode } }), warning };
}

// A tsx loader (file: URL into a tsx package) that is not there any more.
function isGoneTsx(specifier: string): boolean {
  if (!specifier.startsWith('file:') || !/\/tsx\//.test(specifier)) return false;
  try {
    return !existsSync(fileURLToPath(specifier));
  } catch {
    return false;
  }
}
