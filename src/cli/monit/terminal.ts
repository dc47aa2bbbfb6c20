import type { ReadStream, WriteStream } from 'node:tty';
import { type ReadableSnapshotSource, readSnapshot } from '../../dashboard/snapshot-read.js';
import { HiveError } from '../../errors.js';
import type { HiveSnapshot } from '../../metrics/snapshot.js';
import { MetricHistory } from './history.js';
import { KeyReader } from './keys.js';
import { type FrameInput, renderFrame } from './render.js';
import { moveSelection, type Selection } from './selection.js';
import { stripAnsi, visibleWidth } from './text.js';

/**
 * What the live view reads: any `SnapshotSource`; one that takes a `signal` (the daemon's) is told when a read is given
 * up, and closes its connection then. Read through the dashboard's {@link readSnapshot}, so both views bound a read
 * and give it up the same way.
 */
export type LiveViewSource = ReadableSnapshotSource;

/** Options of {@link runLiveView}. */
export interface LiveViewOptions {
  source: LiveViewSource;
  /** Milliseconds between the end of one snapshot and the next request. */
  interval: number;
  /** The terminal: keys are read from `input` in raw mode, frames drawn on `output`'s alternate screen. */
  input: ReadStream;
  output: WriteStream;
  color: boolean;
}

/** Why the live view ended. */
export type LiveViewEnd = 'quit' | 'SIGINT' | 'SIGTERM' | 'SIGHUP';

// Alternate screen and hidden cursor on entry; the reverse (and colours reset) on every way out.
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[0m\x1b[?25h\x1b[?1049l';
// Synchronized output (DEC mode 2026): a terminal that knows it shows the frame at once, the others ignore it.
const BEGIN_FRAME = '\x1b[?2026h\x1b[H';
const END_FRAME = '\x1b[?2026l';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
// Said after this long without an answer, every this long.
const LATE_MS = 2000;

/**
 * How long the live view waits for one snapshot before it gives the read up (aborting its signal) and asks again on
 * the next refresh: three intervals, and at least 6 s, so that the daemon source's own 5 s bound
 * (`ERR_HIVE_DAEMON_TIMEOUT`, which names the socket) normally comes first; this one also holds for a source that has
 * no bound of its own.
 */
export function readBound(interval: number): number {
  return Math.max(3 * interval, 6_000);
}

/**
 * The bytes that redraw the whole screen in place: cursor home, each line followed by clear-to-end-of-line, then
 * clear-to-end-of-screen. Nothing is cleared first, so there is no blank frame in between (no flicker). A line as wide
 * as the terminal gets no clear: the cursor sits on its last character then, and clearing would erase it.
 */
export function frameBytes(lines: readonly string[], width: number, height: number): string {
  let out = BEGIN_FRAME;
  lines.forEach((line, i) => {
    out += line;
    if (visibleWidth(stripAnsi(line)) < width) out += '\x1b[K';
    if (i < lines.length - 1) out += '\r\n';
  });
  // Clearing below from the line after the frame; the frame's last line on the screen's last row has nothing below.
  if (lines.length < height) out += `${lines.length > 0 ? '\r\n' : ''}\x1b[J`;
  return out + END_FRAME;
}

/**
 * Runs the live view until `q`/Ctrl-C or SIGINT/SIGTERM/SIGHUP: a snapshot every `interval`, a redraw after each, on
 * each key and on each resize. A failed snapshot (no daemon running) is shown and polled again; the view never exits
 * for it. A read not answered within {@link readBound} is given up (its signal aborted) and shown as failed too. The
 * terminal is restored (raw mode off, cursor shown, main screen back) on every way out, also when drawing throws (the
 * promise then rejects) and, as a last resort, on process exit.
 */
export function runLiveView(options: LiveViewOptions): Promise<LiveViewEnd> {
  const { source, interval, input, output, color } = options;
  const history = new MetricHistory();
  let selection: Selection = {};
  let snapshot: HiveSnapshot | undefined;
  let problem: FrameInput['problem'];
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  // The read in flight: aborted when the view ends, so that its connection does not outlive the view.
  let reading: AbortController | undefined;

  return new Promise<LiveViewEnd>((resolve, reject) => {
    const restore = () => {
      input.off('data', onData);
      output.off('resize', onResize);
      output.off('error', onOutputError);
      // The last writes below may fail the same way; the process is ending, so they are dropped.
      output.on('error', () => {});
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('exit', restore);
      try {
        if (input.isRaw) input.setRawMode(false);
      } catch {}
      input.pause();
      output.write(LEAVE);
    };
    const finish = (end: LiveViewEnd | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      reading?.abort();
      restore();
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    const draw = () => {
      if (finished) return;
      try {
        const width = output.columns || 80;
        const height = output.rows || 24;
        const lines = renderFrame({
          snapshot,
          problem,
          selection,
          history,
          width,
          height,
          color,
          live: true,
          interval,
        });
        output.write(frameBytes(lines, width, height));
      } catch (error) {
        finish(error as Error);
      }
    };
    const poll = async () => {
      // Say that the answer is late (keys keep working), and past the bound give the read up, so that a daemon that
      // never answers cannot freeze the view: one read at a time, and the next refresh asks again.
      const started = Date.now();
      const controller = new AbortController();
      reading = controller;
      const late = setInterval(() => {
        const seconds = Math.round((Date.now() - started) / 1000);
        problem = { message: `waiting for the daemon's answer (${seconds} s)`, waiting: true };
        draw();
      }, LATE_MS);
      const bound = readBound(interval);
      try {
        snapshot = await readSnapshot(source, {
          timeout: bound,
          // No code: the view shows the message over the last picture, and the next refresh asks again.
          timeoutError: () => new Error(`no answer within ${Math.round(bound / 1000)} s; asking again`),
          signal: controller.signal,
        });
        problem = undefined;
        history.record(snapshot);
      } catch (error) {
        const code = error instanceof HiveError ? error.code : undefined;
        problem = { code, message: (error as Error)?.message ?? String(error) };
        // Without the daemon (or the app asked for) the last picture would be a lie; after a passing failure (a lost
        // connection, no answer in time) it is still useful.
        if (code === 'ERR_HIVE_DAEMON_NOT_RUNNING' || code === 'ERR_HIVE_APP_NOT_FOUND') snapshot = undefined;
      } finally {
        clearInterval(late);
        reading = undefined;
      }
      draw();
      if (!finished) timer = setTimeout(poll, interval);
    };
    const keys = new KeyReader();
    function onData(chunk: Buffer | string) {
      for (const action of keys.read(chunk.toString())) {
        if (action === 'quit') return finish('quit');
        selection = moveSelection(selection, action, snapshot);
      }
      draw();
    }
    function onResize() {
      draw();
    }
    function onSignal(signal: NodeJS.Signals) {
      finish(signal as LiveViewEnd);
    }
    // Writing to a terminal that went away (SSH dropped) fails with EIO: end the view rather than crash on it.
    function onOutputError(error: Error) {
      finish(error);
    }

    output.on('error', onOutputError);
    output.write(ENTER);
    process.on('exit', restore);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    try {
      input.setRawMode(true);
    } catch (error) {
      finish(error as Error);
      return;
    }
    input.on('data', onData);
    input.resume();
    // 'resize' comes from Node's own SIGWINCH handler on a TTY stream.
    output.on('resize', onResize);
    draw();
    void poll();
  });
}
