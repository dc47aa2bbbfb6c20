import { memoryLimitText } from './memory-limit-text.js';
import type { LastExit, SupervisorEvent, WorkerLine } from './supervisor.js';
import { unresponsiveText } from './unresponsive-text.js';
import type { DrainWaitingOn } from './worker-process.js';

/** `text`: worker lines prefixed `[app:instance]`, events as `[hive] ...`; `json`: one JSON object a line. */
export type LogFormat = 'text' | 'json';

/** Formats one worker output line: with `json`, stamped with the time the primary read it. */
export function formatLine(format: LogFormat, app: string, line: WorkerLine): string {
  if (format === 'json') {
    const { time, ...rest } = line;
    // A line made by a caller of its own before WorkerLine had a time (JavaScript, unchecked) is stamped now.
    return JSON.stringify({ kind: 'log', time: new Date(time ?? Date.now()).toISOString(), app, ...rest });
  }
  return `[${app}:${line.instance}] ${line.line}`;
}

/** Formats one supervisor event. */
export function formatEvent(format: LogFormat, app: string, event: SupervisorEvent): string {
  if (format === 'json') return JSON.stringify({ kind: 'event', time: new Date().toISOString(), app, ...event });
  return `[hive] ${app}: ${describe(event)}`;
}

/** What a crash by the OOM killer is said as: a SIGKILL alone reads as someone's `kill -9`, the kernel's more often. */
export const OOM_KILLED = "out of memory, the kernel's OOM killer ended it";

/** The last process left down, as the app's end tells it: `last: worker 0, code 0`. */
export function lastExitText(last: LastExit): string {
  return `last: worker ${last.instance}, ${last.signal ? `signal ${last.signal}` : `code ${last.code}`}`;
}

function describe(event: SupervisorEvent): string {
  switch (event.type) {
    case 'state':
      if (event.lastExit === undefined) return `app ${event.state}`;
      return `app ${event.state}: every worker has exited and none is restarted (${lastExitText(event.lastExit)})`;
    case 'ended':
      return `app ended: every worker has exited and none is restarted (${lastExitText(event.lastExit)}); reload to start it again`;
    case 'worker':
      return `worker ${event.instance} (pid ${event.pid}) ${event.state}`;
    case 'exit': {
      const how = event.signal ? `signal ${event.signal}` : `code ${event.code}`;
      const why =
        event.noRestart === 'autorestart'
          ? ', not restarted (autorestart: false)'
          : event.noRestart === 'stopExitCodes'
            ? ', not restarted (a stop exit code)'
            : event.expected
              ? ''
              : event.retiredBy !== undefined
                ? ` (retired on a ${event.retiredBy} sent to it)`
                : event.notReady !== undefined
                  ? ' (killed: it did not become ready; counted as a crash)'
                  : event.oomKilled
                    ? ` (crash: ${OOM_KILLED})`
                    : ' (crash)';
      if (event.spawnError !== undefined)
        return `worker ${event.instance} could not be started (${event.spawnError})${why}`;
      return `worker ${event.instance} (pid ${event.pid}) exited with ${how}${why}`;
    }
    case 'restart':
      if (event.retiredBy !== undefined)
        return `restarting worker ${event.instance} (a retirement, not a crash: not counted in restarts)`;
      return `restarting worker ${event.instance} in ${event.delay} ms (attempt ${event.attempt})`;
    case 'errored': {
      const why =
        event.notReady === undefined
          ? `crash-looped and will not be restarted (last exit: ${event.spawnError !== undefined ? `could not be started, ${event.spawnError}` : (event.signal ?? `code ${event.code}`)}${event.oomKilled ? `, ${OOM_KILLED}` : ''})`
          : `did not become ready (${event.notReady}) and will not be restarted`;
      const tail = event.stderrTail.join('\n  ');
      return `worker ${event.instance} ${why}; reload to try again. Last stderr lines:\n  ${tail}`;
    }
    case 'reload':
      return event.phase === 'aborted' ? `reload aborted: ${event.reason}` : `reload ${event.phase}`;
    case 'scale':
      return `scaled from ${event.from} to ${event.to} workers`;
    case 'memory-limit':
      return `${memoryLimitText(event)}; replacing it`;
    case 'killed':
      return `worker ${event.instance} (pid ${event.pid}) overran killTimeout; SIGKILL sent${waitingOnText(event.waitingOn)}`;
    case 'unresponsive':
      return unresponsiveText(event);
    case 'warning':
      return `warning: ${event.message}`;
  }
}

/**
 * What an overrun drain was waiting on, from the process's last metrics report, for the `killed` line: the requests
 * and connections that held it, or, with none open, that something else did (an onShutdown hook, a timer, a socket
 * of the app's own). Empty when the primary had no report to go by.
 */
function waitingOnText(waitingOn: DrainWaitingOn | undefined): string {
  if (waitingOn === undefined) return '';
  const { inFlight, openConnections = 0, upgradedConnections = 0 } = waitingOn;
  const held = [
    inFlight > 0 ? `${inFlight} request(s) in flight` : '',
    openConnections > 0 ? `${openConnections} open connection(s)` : '',
    upgradedConnections > 0 ? `${upgradedConnections} upgraded (WebSocket) connection(s)` : '',
  ].filter((part) => part !== '');
  if (held.length === 0) {
    return ' (no request in flight nor connection open at its last report: an onShutdown hook, or other work of the app, held it)';
  }
  return ` (its drain was waiting on ${held.join(', ')} at its last report)`;
}
