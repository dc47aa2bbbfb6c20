/**
 * Preloaded (`node --require`) by a fork-mode primary into the Node program it spawns, before the app's code runs:
 * claims the primary's variables for this process, as the runtime does as it loads (isPrimaryChild in ipc.ts), so
 * that a Node program the app forks with an IPC channel (which inherits the environment) finds them claimed by
 * another pid and sends the app nothing of Hive's protocol, even when the app itself never loads hive/runtime.
 *
 * The mark is this process's pid in HIVE_MANAGED_PID, set here: it holds across an exec of the process (the new image,
 * `process.execve` say, finds its own pid), a version manager's shim that is no Node program passes the `--require` on
 * to the real node, which runs this (whether the shim execs it or runs it as its child), and any child the app starts
 * finds another pid than its own. CommonJS, with the variables' names written out rather than imported from protocol.ts
 * (ENV.forkReady, ENV.managedPid): `--require` of an ES module fails on the Node versions a fork-mode app may name.
 */
const env = process.env;
if (env.HIVE_FORK_READY === '1' && !env.HIVE_MANAGED_PID) env.HIVE_MANAGED_PID = String(process.pid);
