// `hive run --name` took any text, and the name prefixes every line of the foreground output: `--name $'a\nb[evil] x'`
// printed lines of its own making (`[hive] a` then `b[evil] x: worker 0 ... ready`). It now takes the names `hive start`
// takes (the daemon passes its apps' names to `hive run`, so every one of those is still taken).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a --name with a control character, a space or a leading symbol is refused before anything is forked', async () => {
  for (const name of ['a\nb[evil] x', 'a\rb', 'my api', '.hidden', 'x'.repeat(65)]) {
    const result = await hive.run(['run', 'no-such-app.js', `--name=${name}`]);
    assert.equal(result.code, 2, `${JSON.stringify(name)}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `hive run: ERR_HIVE_INVALID_ARGUMENT: --name ${JSON.stringify(name)}: expected letters, digits, ".", "_" or "-", at most 64, not starting with a symbol; see hive run --help\n`,
    );
    assert.equal(result.stdout, '');
  }
});

// Without --name the script's base name prefixes the lines: a file named with a newline forged them the same way.
test('without --name, a script whose base name is no app name is refused, pointing at --name', async () => {
  for (const script of ['a\nb[evil] x.js', 'my api.js']) {
    const result = await hive.run(['run', script]);
    const name = JSON.stringify(script.slice(0, -3));
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `hive run: ERR_HIVE_INVALID_ARGUMENT: the app name ${name} (the script's base name): expected letters, digits, ".", "_" or "-", at most 64, not starting with a symbol; give one with --name; see hive run --help\n`,
    );
  }
});
