import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitArgs } from '../config/split-args.js';

// Node's permission model (`--experimental-permission` on Node 20, `--permission` from Node 22), as fork mode's
// daemon/fork-primary.ts matches it, and daemon/primary-node-options.ts in NODE_OPTIONS.
const PERMISSION = /^--(?:experimental-permission|permission)(?:=|$)/;

// Hive's built files (dist/): the runtime preload imports only these (no package of node_modules), and so does the pool
// entry that a process-isolated pool's children load. The narrowest folder that holds them all: Hive's docs and
// node_modules stay unreadable to an app that was not granted them.
const HIVE_FILES = resolve(fileURLToPath(new URL('..', import.meta.url)));
// And Hive's package.json, which Node's ESM loader reads for the preload's module type: Node 20.11 (Hive's oldest)
// holds that read to the model too, and failed the preload without it (later releases let the lookup through).
const HIVE_PACKAGE_JSON = resolve(HIVE_FILES, '..', 'package.json');

/**
 * What an app process's Node flags need besides `nodeArgs` for Hive's preload to load: under the permission model,
 * read access to Hive's own files, which the app's `--allow-fs-read` names only when Hive is installed inside the
 * app's folder (not a global install). Nothing otherwise: the flag would be refused (Node 20) or be a no-op.
 * `nodeOptions`: the process's NODE_OPTIONS, which turns the model on as well (`--experimental-permission` on Node 20,
 * `--permission` on Node 24, each refusing the other there); the grant then goes among the flags, which Node adds to
 * that variable's.
 */
export function permissionGrants(nodeArgs: readonly string[], nodeOptions = ''): string[] {
  return nodeArgs.some((arg) => PERMISSION.test(arg)) || permissionIn(nodeOptions)
    ? [`--allow-fs-read=${HIVE_FILES}`, `--allow-fs-read=${HIVE_PACKAGE_JSON}`]
    : [];
}

/** Whether a NODE_OPTIONS value turns Node's permission model on. */
export function permissionIn(nodeOptions: string | undefined): boolean {
  return splitArgs(nodeOptions ?? '').args.some((arg) => PERMISSION.test(arg));
}
