import { splitArgs } from '../config/split-args.js';
import type { AppSpec } from './protocol.js';
import { ownRunArgs, runArgFlag } from './run-arg-flag.js';

/**
 * A fork-mode app's program arguments (`fork.args`, cli/fork-command.ts forkCommand) in the parts a config file's
 * reload replaces: `[...lead, ...nodeArgs, script, ...args]` for a script that node or another interpreter runs, `args`
 * alone for a program run as itself. The fork primary spawns their join, and a reload's new `args` and `nodeArgs`
 * (reload-command.ts) take the places of theirs.
 */
export interface ForkArgv {
  /** Before the interpreter's flags: Hive's `--import <tsx loader>` of a TypeScript script. */
  lead: string[];
  /** The interpreter's flags (`node_args`, PM2's `interpreter_args` too); null: a program run as itself takes none. */
  nodeArgs: string[] | null;
  /** The script the interpreter runs; null for a program run as itself. */
  script: string | null;
  /** The script's (or program's) own arguments. */
  args: string[];
}

/**
 * The parts of a fork-mode app's `fork.args`, told by the node args and script arguments of the runArgs it was built
 * with; undefined when `fork.args` does not hold them where forkCommand puts them (a spec edited by hand, of another
 * shape): such an app's reload keeps them, and says so.
 */
export function forkArgv(
  fork: Pick<NonNullable<AppSpec['fork']>, 'args'>,
  runArgs: readonly string[],
): ForkArgv | undefined {
  const args = runArgs.slice(ownRunArgs(runArgs).length + 1);
  const nodeArgs = splitArgs(runArgFlag(runArgs, 'node-args') ?? '').args;
  const rest = fork.args.slice(0, fork.args.length - args.length);
  if (!sameList(fork.args.slice(rest.length), args)) return undefined;
  // forkCommand gives a program run as itself (an executable, `interpreter: 'none'`) its arguments only.
  if (rest.length === 0) return { lead: [], nodeArgs: null, script: null, args };
  const script = rest.at(-1)!;
  const before = rest.slice(0, -1);
  const lead = before.slice(0, before.length - nodeArgs.length);
  if (!sameList(before.slice(lead.length), nodeArgs)) return undefined;
  return { lead, nodeArgs, script, args };
}

/** The program arguments of these parts: what the fork primary spawns the program with. */
export function joinForkArgv({ lead, nodeArgs, script, args }: ForkArgv): string[] {
  return [...lead, ...(nodeArgs ?? []), ...(script === null ? [] : [script]), ...args];
}

/**
 * The parts with a reload's new script arguments and interpreter flags (either absent: unchanged). A program run as
 * itself takes no interpreter flags, as at its start: its new `node_args` change nothing it runs.
 */
export function reloadedForkArgv(
  argv: ForkArgv,
  change: { args?: readonly string[] | undefined; nodeArgs?: readonly string[] | undefined },
): ForkArgv {
  return {
    ...argv,
    args: change.args === undefined ? argv.args : [...change.args],
    nodeArgs: argv.nodeArgs === null || change.nodeArgs === undefined ? argv.nodeArgs : [...change.nodeArgs],
  };
}

/**
 * The fork of an app that ran `running` once a reload gave it `applied` (reload-command.ts appliedRunArgs): its
 * program arguments with those runArgs' script arguments and node args. The fork as it is when its parts cannot be
 * told (see forkArgv).
 */
export function forkWithRunArgs<Fork extends NonNullable<AppSpec['fork']>>(
  fork: Fork,
  running: readonly string[],
  applied: readonly string[],
): Fork {
  const argv = forkArgv(fork, running);
  if (argv === undefined) return fork;
  const args = applied.slice(ownRunArgs(applied).length + 1);
  const nodeArgs = splitArgs(runArgFlag(applied, 'node-args') ?? '').args;
  return { ...fork, args: joinForkArgv(reloadedForkArgv(argv, { args, nodeArgs })) };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
