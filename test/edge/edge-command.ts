// Runs `hive edge` as the dispatcher runs it (the command module in a child process), for the tests of its flags.
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;

export interface EdgeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnEdge(argv: readonly string[], options: SpawnSyncOptions): EdgeResult {
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...argv], {
    ...options,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `hive edge <argv>` in `dir`, with a HIVE_HOME there that no daemon runs in (`--app` alone would ask the user's own),
 * and `env` over the environment: its exit code, stdout and stderr.
 */
export function runHiveEdge(dir: string, argv: readonly string[], env: Record<string, string> = {}): EdgeResult {
  return spawnEdge(argv, { cwd: dir, env: { ...process.env, HIVE_HOME: join(dir, 'home'), ...env } });
}

/** `hive edge nginx --port 3000 <argv>` (one upstream, no app: no daemon asked), in this process's folder and env. */
export function edgeNginx(...argv: string[]): EdgeResult {
  return spawnEdge(['nginx', '--port', '3000', ...argv], {});
}

/** `hive edge` runs one after another in one child process: see {@link edgeSession}. */
export interface EdgeSession {
  /** `hive edge <argv>`, `env` over the session's environment for this run only: its exit code, stdout and stderr. */
  run(argv: readonly string[], env?: Record<string, string>): Promise<EdgeResult>;
  /** Ends the child process. */
  close(): Promise<void>;
}

// The child: imports the command module once, then runs each argv it is sent with its own stdout, stderr, exit code
// and env: the command's writes to process.stdout and process.stderr are taken for the run, a rejection is exit 1
// with its stack on stderr, as an uncaught one in a process of its own.
const sessionScript = `
const m = await import(${JSON.stringify(command)});
process.on('message', async ({ argv, env }) => {
  const out = [];
  const err = [];
  const take = (stream, into) => {
    const write = stream.write;
    stream.write = (chunk, encoding, callback) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    };
    return () => { stream.write = write; };
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const restoreOut = take(process.stdout, out);
  const restoreErr = take(process.stderr, err);
  let code;
  try {
    code = await m.default(argv);
  } catch (error) {
    err.push(String(error?.stack ?? error) + '\\n');
    code = 1;
  } finally {
    restoreOut();
    restoreErr();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  process.send({ code, stdout: out.join(''), stderr: err.join('') });
});
process.send('ready');
`;

/**
 * `hive edge` run many times in one child process in `dir`, with a HIVE_HOME there that no daemon runs in, as
 * {@link runHiveEdge} runs it once per process: the command module is loaded once (about 0.3 s of every run of its
 * own is Node loading it), each run then has its own argv, env, stdout, stderr and exit code. For the tests of what a
 * command line prints, writes and exits with; a test about the process itself (its start, its exit) takes
 * {@link runHiveEdge}.
 */
export function edgeSession(dir: string): EdgeSession {
  const child = spawn(process.execPath, ['--input-type=module', '-e', sessionScript], {
    cwd: dir,
    env: { ...process.env, HIVE_HOME: join(dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // What the child writes outside a run (a crash's stack): told with the failure it explains.
  let outside = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    outside += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    outside += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null, signal: string | null) => {
        child.off('message', onMessage);
        reject(new Error(`the hive edge session exited (${code ?? signal}): ${outside}`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
  let queue: Promise<unknown> = next();
  // A child that died before the first run is told by that run; no rejection left unhandled meanwhile.
  queue.catch(() => undefined);
  return {
    run(argv, env = {}) {
      const result = queue.then(() => {
        const answer = next();
        child.send({ argv: [...argv], env });
        return answer as Promise<EdgeResult>;
      });
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.disconnect();
      await exited;
    },
  };
}
