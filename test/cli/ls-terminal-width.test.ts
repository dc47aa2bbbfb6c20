// `hive ls` (and the table `hive start` ends with) in a real terminal of a given width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';
import { inTerminal as inPty, ptySkip } from './pty.js';

const hive = tempHome();

const inTerminal = (columns: number, args: string[]) => inPty(columns, args, { HIVE_HOME: hive.home });

test('hive ls and hive start fit their table to the terminal, a long name cut with …; piped, the table is whole', {
  skip: ptySkip,
}, async () => {
  const name = 'n'.repeat(64);
  // Added stopped: no process is needed for its row.
  const start = await inTerminal(60, ['start', daemonFixture('ticker.sh'), '--name', name, '--no-autostart']);
  const widthOf = (line: string) => [...line].length;
  // The table's lines: from its header on (`hive start` says what it starts on stderr first, the pty has both).
  const rows = (output: string) => {
    const lines = output.split(/\r?\n/).filter((line) => line !== '');
    return lines.slice(lines.findIndex((line) => line.startsWith('id  name')));
  };
  assert.equal(rows(start).length, 2, start);
  for (const line of rows(start)) assert.ok(widthOf(line) <= 60, `start at 60: ${JSON.stringify(line)}`);
  for (const columns of [40, 60, 200]) {
    const lines = rows(await inTerminal(columns, ['ls']));
    assert.equal(lines.length, 2, `a header and one row at ${columns}, none wrapped: ${lines.join('\n')}`);
    for (const line of lines) assert.ok(widthOf(line) <= columns, `ls at ${columns}: ${JSON.stringify(line)}`);
    assert.match(lines[1]!, columns < 80 ? /^0 +n+… .*stopped/ : new RegExp(`^0 +${name} `), lines[1]);
  }
  const piped = await hive.run(['ls'], { env: { COLUMNS: '40' } });
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, new RegExp(`^0 +${name} +fork +0/0 +stopped +0 +0s +- +-$`, 'm'));
});

test('hive describe fits its process table to the terminal; piped, the table is whole', { skip: ptySkip }, async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'described']);
  const table = (output: string) => {
    const lines = output.split(/\r?\n/).filter((line) => line !== '');
    return lines.slice(lines.findIndex((line) => line.startsWith('process ')));
  };
  const narrow = table(await inTerminal(40, ['describe', 'described']));
  assert.ok(narrow.length >= 2, narrow.join('\n'));
  for (const line of narrow) assert.ok([...line].length <= 40, `describe at 40: ${JSON.stringify(line)}`);
  assert.match(narrow[0]!, /^process +pid +state +(cpu +)?memory$/);
  const piped = await hive.run(['describe', 'described'], { env: { COLUMNS: '40' } });
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(table(piped.stdout)[0]!, /^process +pid +state +uptime +cpu +memory$/);
  await hive.json(['delete', 'described']);
});
