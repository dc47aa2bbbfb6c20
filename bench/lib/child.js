// Runs a node script in a fresh child process and reads one JSON object from its last stdout line. Used where a figure
// must not be polluted by the parent's own state (memory of an idle pool, start-up time).
import { spawn } from 'node:child_process';

/**
 * @param {{ script: string, args?: string[], execArgv?: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv, cwd?: string }} options
 * @returns {Promise<any>} the parsed last line
 */
export function runJsonChild({ script, args = [], execArgv = [], timeoutMs = 30_000, env = process.env, cwd }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, script, ...args], {
      env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trimEnd().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${signal ?? code}: ${stderr.trim().slice(0, 600)}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} ${args.join(' ')} printed no JSON last line: ${JSON.stringify(last.slice(-200))}`));
      }
    });
  });
}
