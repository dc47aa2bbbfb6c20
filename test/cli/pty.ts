// The CLI on a real terminal of a given size: `script` (util-linux) runs it on a pty, as a user's shell does.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hiveBin } from '../daemon/helpers.js';

const scriptBin = '/usr/bin/script';

/** Why a pty test is skipped, or false when it runs. */
export const ptySkip: string | false = existsSync(scriptBin)
  ? false
  : `${scriptBin} not found (util-linux): no pty to run hive in`;

/** Runs `hive <args>` on a pty `columns` wide, `env` over this one's: its stdout and stderr as the terminal got them. */
export function inTerminal(columns: number, args: string[], env: Record<string, string | undefined>): Promise<string> {
  const quoted = [process.execPath, hiveBin, ...args].map((a) => `'${a}'`).join(' ');
  const command = `stty cols ${columns} rows 50; exec ${quoted}`;
  return new Promise((resolve, reject) => {
    execFile(
      scriptBin,
      ['-qec', command, '/dev/null'],
      { env: { ...process.env, ...env }, timeout: 90_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/**
 * The per-app step lines a fleet command printed on a terminal (`restart api: done (0.6 s)`), each without its time
 * (`restart api: done `), in the order printed.
 */
export function doneSteps(output: string): string[] {
  return output
    .split(/\r?\n/)
    .filter((line) => / done \(\d+\.\d s\)$/.test(line))
    .map((line) => line.replace(/\(.*/, ''));
}
