// Colour in `hive monit` as docs/cli.md says: on a terminal only, off with NO_COLOR, TERM=dumb or FORCE_COLOR=0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriteStream } from 'node:tty';
import { useColor } from '../../src/cli/monit/color.js';
import { daemonFixture, tempHome } from '../daemon/helpers.js';
import { inTerminal, ptySkip } from './pty.js';

const hive = tempHome();

// No colour variable inherited (`node --test` from a terminal sets FORCE_COLOR=1 for its files).
const plain = { FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: 'xterm-256color' };

test('hive monit --once colours a terminal unless NO_COLOR, TERM=dumb or FORCE_COLOR=0; piped, never', {
  skip: ptySkip,
}, async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick', '--no-autostart']);
  const frame = (env: Record<string, string | undefined>) =>
    inTerminal(100, ['monit', '--once'], { ...plain, HIVE_HOME: hive.home, ...env });
  const sgr = '\x1b[';
  assert.ok((await frame({})).includes(sgr), 'a terminal: colour');
  for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }, { FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }]) {
    const text = await frame(env);
    assert.match(text, /^APPS \(1\)/m, text);
    assert.ok(!text.includes('\x1b'), `no escape code with ${JSON.stringify(env)}: ${JSON.stringify(text)}`);
  }
  assert.ok((await frame({ FORCE_COLOR: '1', NO_COLOR: '1' })).includes(sgr), 'FORCE_COLOR first, as Node.js');
  const piped = await hive.run(['monit', '--once'], { env: { FORCE_COLOR: '1' } });
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /^APPS \(1\)/m);
  assert.ok(!piped.stdout.includes('\x1b'), 'piped: text only');
});

// TERM=dumb turned colour off but the live view still moved the cursor and switched screens, which such a terminal
// (Emacs' M-x shell) prints as garbage.
test('hive monit on a TERM=dumb terminal prints one frame and exits, no escape code', { skip: ptySkip }, async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick', '--no-autostart']).catch(() => {});
  const text = await inTerminal(100, ['monit'], { ...plain, HIVE_HOME: hive.home, TERM: 'dumb' });
  assert.match(text, /^hive monit /m);
  assert.match(text, /^APPS \(1\)/m, text);
  assert.ok(!text.includes('\x1b'), JSON.stringify(text));
});

// FORCE_COLOR `yes` or `4` forced colour on, where Node.js reads any value but '', 1, true, 2 and 3 as no colour.
test('useColor reads FORCE_COLOR as Node.js does, whatever the value', () => {
  for (const value of ['', '1', 'true', '2', '3', '0', 'false', 'yes', '4', 'always']) {
    const env = { FORCE_COLOR: value, TERM: 'xterm-256color' };
    const node = WriteStream.prototype.getColorDepth.call({}, env) > 1;
    assert.equal(useColor(true, env), node, `FORCE_COLOR=${JSON.stringify(value)}`);
  }
});
