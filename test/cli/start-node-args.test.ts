// Node.js flags reach the app processes whole through `hive start` (and its `hive run` primary): a flag with a space
// in it, from a config's nodeArgs array or a quoted --node-args, is one element of the workers' process.execArgv.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatNodeArgs, parseNodeArgs } from '../../dist/cli/run-args.js';
import { argList } from '../../dist/config/supervisor-options.js';
import { tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

// A preload in a folder whose name has a space: `--require <path>` works only if the path arrives whole.
const spaced = join(dir, 'with space');
mkdirSync(spaced);
const preload = join(spaced, 'preload.cjs');
writeFileSync(preload, 'globalThis.preloaded = true;\n');
const app = join(dir, 'app.js');
writeFileSync(
  app,
  `import http from 'node:http';
console.log('execArgv ' + JSON.stringify({ execArgv: process.execArgv, preloaded: globalThis.preloaded === true }));
http.createServer((req, res) => res.end('ok')).listen(0);
`,
);

async function execArgvOf(name: string): Promise<{ execArgv: string[]; preloaded: boolean }> {
  const line = await waitFor(() => /execArgv (\{.*\})/.exec(hive.readLog(`${name}-out.log`))?.[1], `${name}'s line`);
  return JSON.parse(line);
}

test('a config nodeArgs element with a space arrives whole', async () => {
  const nodeArgs = ['--title=my app', '--require', preload];
  const config = hive.writeConfig([{ name: 'cfg', script: app, instances: 1, nodeArgs }], 'hive.config.json');
  await hive.json(['start', config]);
  const seen = await execArgvOf('cfg');
  for (const arg of nodeArgs) assert.ok(seen.execArgv.includes(arg), `${arg} in ${JSON.stringify(seen.execArgv)}`);
  assert.equal(seen.preloaded, true);
});

test('a quoted --node-args for a script keeps each quoted flag whole', async () => {
  await hive.json(['start', app, '--name', 'cli', '-i', '1', '--node-args', `--title="my app" --require "${preload}"`]);
  const seen = await execArgvOf('cli');
  for (const arg of ['--title=my app', '--require', preload]) {
    assert.ok(seen.execArgv.includes(arg), `${arg} in ${JSON.stringify(seen.execArgv)}`);
  }
  assert.equal(seen.preloaded, true);
});

test('--node-args: split on whitespace outside quotes, as a config string is; formatNodeArgs reads back the same list', async () => {
  assert.deepEqual(parseNodeArgs(' --a   --b=512 '), ['--a', '--b=512']);
  assert.deepEqual(parseNodeArgs('--title="my app" --x=C:\\dir'), ['--title=my app', '--x=C:\\dir']);
  assert.deepEqual(parseNodeArgs(`--title='my "app"' --r "it's"`), ['--title=my "app"', '--r', "it's"]);
  // One reader for both: a config file's node_args string is split the same way (an open quote is kept there).
  assert.deepEqual(argList(`--title='my "app"' --r "it's" "a\\"b"`), ['--title=my "app"', '--r', "it's", 'a"b']);
  for (const args of [
    ['--title=my app', '--require', '/a b/x.js'],
    ['say "hi"', 'back\\slash\\"', ''],
    ['--inspect'],
    ["it's", "'q'", 'a\\b'],
  ]) {
    assert.deepEqual(parseNodeArgs(formatNodeArgs(args)), args);
  }
  assert.throws(() => parseNodeArgs('--title="my app'), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /--node-args to close each quote/,
  });
  const result = await hive.run(['run', app, '--node-args', '--title="oops']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --node-args to close each quote/);
});
