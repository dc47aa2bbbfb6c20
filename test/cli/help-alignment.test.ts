// Each command's --help lists its options in two columns: the descriptions start in one column, so that a misaligned
// line (`hive logs`' --app-only was one space short) shows here rather than in a terminal.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const commands = readdirSync(new URL('../../dist/cli/commands/', import.meta.url))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -3));

// An option line: two spaces, the flag(s) and their value, two spaces or more, the description. Its description's
// column, or undefined for a line that is not one (a flag too long for the column has its description on the next).
function descriptionColumn(line: string): number | undefined {
  const match = /^ {2}(-\S(?:\S| (?! ))*) {2,}\S/.exec(line);
  return match ? match[0].length - 1 : undefined;
}

test("every command's --help starts its options' descriptions in one column", async () => {
  const misaligned: string[] = [];
  for (const command of commands) {
    const help = await hive.run([command, '--help']);
    assert.equal(help.code, 0, `hive ${command} --help: ${help.stderr}`);
    const columns = new Map<number, string[]>();
    for (const line of help.stdout.split('\n')) {
      const column = descriptionColumn(line);
      if (column !== undefined) columns.set(column, [...(columns.get(column) ?? []), line]);
    }
    if (columns.size > 1) {
      // The lines off the column most of them use.
      const [common] = [...columns].sort((a, b) => b[1].length - a[1].length)[0]!;
      for (const [column, lines] of columns)
        if (column !== common) misaligned.push(...lines.map((l) => `${command}: ${l}`));
    }
  }
  assert.deepEqual(misaligned, []);
});
