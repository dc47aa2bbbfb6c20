import type { ReadStream, WriteStream } from 'node:tty';
import { daemonSnapshotSource } from '../../daemon/snapshot-source.js';
import { parseCommand, printJson, runCommand } from '../daemon-command.js';
import { integerFlag } from '../integer-flag.js';
import { useColor } from '../monit/color.js';
import { MetricHistory } from '../monit/history.js';
import { renderFrame } from '../monit/render.js';
import { runLiveView } from '../monit/terminal.js';
import { trimLineEnd } from '../monit/text.js';

const usage = `Usage: hive monit [name|id] [--interval <ms>] [--once] [--json]

A live view in the terminal of the apps the daemon manages (hive start), redrawn in place: the apps, the selected
app's instances (pid, state, cpu, memory, event loop, req/s, latency, pools), sparklines of the selected instance and
the app's recent events. Starts no daemon: while none runs it says so and keeps checking.

Keys: up/down or k/j select the app, left/right, h/l or Tab the instance, q or Ctrl-C quit.

Options:
  [name|id]         only this app
  --interval <ms>   time between snapshots (default 1000, 100 to 60000)
  --once            print one frame and exit (no alternate screen, no keys); also what happens when stdin or stdout
                    is not a terminal, or TERM is dumb. Exits 1 with ERR_HIVE_DAEMON_NOT_RUNNING when no daemon runs
  --json            print the snapshot as one JSON line and exit (implies --once)`;

/**
 * Ends the process by SIGHUP, as a program whose terminal hung up ends, once the view has restored what it could. An
 * ordinary exit makes Node 20 reset the terminal's modes, which fails on a terminal that is gone, and Node 20 then
 * aborts (SIGABRT, or SIGSEGV while it prints why: nodejs/node#51519, fixed in later Node): every dropped SSH session
 * running monit ended in a crash, a core dump where those are on. Dying by the signal runs no exit handler.
 */
function hangUp(): void {
  // Without a listener Node puts back the default action, which ends the process within this call.
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}

/** `hive monit`: the terminal live view over the daemon's snapshots, or one frame of it (`--once`, not a terminal). */
export default function monit(argv: string[]): Promise<number> {
  return runCommand('monit', async () => {
    const { values, positionals } = parseCommand(
      argv,
      { interval: { type: 'string' }, once: { type: 'boolean' } },
      { command: 'monit', min: 0, max: 1 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const interval = integerFlag((values.interval as string | undefined) ?? '1000', '--interval', 100, 60_000, 'ms');
    const target = positionals[0];
    const source = daemonSnapshotSource(target === undefined ? {} : { target });
    const color = useColor(process.stdout.isTTY === true);
    // A `dumb` terminal (Emacs' M-x shell) has no cursor movement nor alternate screen: one frame, as when piped.
    const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
    const live = !values.once && !values.json && terminal;
    if (live) {
      let end: Awaited<ReturnType<typeof runLiveView>>;
      try {
        end = await runLiveView({
          source,
          interval,
          input: process.stdin as ReadStream,
          output: process.stdout as WriteStream,
          color,
        });
      } catch (error) {
        // EIO: the terminal went away (an SSH session dropped) without a SIGHUP reaching the view first.
        if ((error as NodeJS.ErrnoException).code === 'EIO') hangUp();
        throw error;
      }
      if (end === 'SIGHUP') hangUp();
      return 0;
    }

    const snapshot = await source.snapshot();
    if (values.json) {
      printJson(snapshot);
      return 0;
    }
    const columns = Number(process.env.COLUMNS);
    const width = process.stdout.columns || (Number.isInteger(columns) && columns > 0 ? columns : 120);
    const lines = renderFrame({ snapshot, selection: {}, history: new MetricHistory(), width, color });
    // Not drawn over a frame, so no padding to keep: a last column's would be trailing spaces in a file or a diff.
    process.stdout.write(`${lines.map(trimLineEnd).join('\n')}\n`);
    return 0;
  });
}
