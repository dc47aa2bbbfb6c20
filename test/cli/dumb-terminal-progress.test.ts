// A dumb terminal (TERM=dumb: Emacs' M-x shell, an editor's pane) cannot rewrite a line: the `\r\x1b[K` that clears
// `hive reload`'s progress line before a daemon's warning showed there as text. There, warnings and progress are plain
// lines; a terminal that can still gets the clear, and piped output never has it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';
import { inTerminal, ptySkip } from './pty.js';

const hive = tempHome();

// Two projects' files naming one app: the second's start warns (daemon/app-origin.ts).
function project(folder: string, file: string): string {
  const dir = join(hive.dir, folder);
  mkdirSync(dir, { recursive: true });
  copyFileSync(daemonFixture('ticker.sh'), join(dir, 'run.sh'));
  return hive.writeConfig([{ name: 'api', script: 'run.sh', interpreter: 'none' }], `${folder}/${file}`);
}

test('a dumb terminal gets the daemon warnings and reload progress as plain lines, a terminal its clear', {
  skip: ptySkip,
}, async () => {
  // Not both ecosystem.config.js: that is a release folder's deploy, which the daemon does not warn of.
  const a = project('a', 'ecosystem.config.js');
  const b = project('b', 'other.config.js');
  const warning = /hive (start|reload): warning: app "api" came from /;
  for (const [term, clears] of [
    ['dumb', false],
    ['xterm', true],
  ] as const) {
    assert.equal((await hive.run(['start', a])).code, 0);
    for (const args of [
      ['start', b],
      ['reload', a],
    ]) {
      const output = await inTerminal(80, args, { HIVE_HOME: hive.home, TERM: term });
      assert.match(output, warning, `${term}: ${args[0]}`);
      assert.equal(output.includes('\x1b[K'), clears, `${term}: ${args[0]}: ${JSON.stringify(output)}`);
    }
  }
  assert.equal((await hive.run(['start', b])).code, 0);
  const piped = await hive.run(['reload', a]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stderr, warning);
  assert.ok(!piped.stderr.includes('\x1b'), JSON.stringify(piped.stderr));
});
