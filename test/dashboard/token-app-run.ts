// `hive run --dashboard` of an app that answers the HIVE_DASHBOARD_TOKEN of its own environment, for the tests of the
// dashboard token: what the primary printed and what the app holds.
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { hiveBin } from '../cluster/helpers.js';

const app = new URL('../fixtures/cluster/dashboard-token-env-app.cjs', import.meta.url).pathname;

export interface TokenAppRun {
  /** The run's whole output, to its exit. */
  stdout: string;
  stderr: string;
  /** The app process's HIVE_DASHBOARD_TOKEN, `none` for none. */
  appToken: string;
}

/**
 * Runs `hive run <app> -i 1 --dashboard 0 <flags>` (`env` over this process's, HIVE_DASHBOARD_TOKEN unset unless
 * given) until the app listens, asks the app for its token, then stops the run with SIGTERM.
 */
export async function runTokenApp(flags: string[], env: Record<string, string> = {}): Promise<TokenAppRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.HIVE_DASHBOARD_TOKEN;
  const child = spawn(process.execPath, [hiveBin, 'run', app, '-i', '1', '--dashboard', '0', ...flags], {
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('exit', () => reject(new Error(`hive run exited before its app listened: ${stdout}${stderr}`)));
  });
  let appToken: string;
  try {
    const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
    appToken = await body.text();
  } finally {
    child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`hive run exited ${code}: ${stderr}`);
  return { stdout, stderr, appToken };
}
