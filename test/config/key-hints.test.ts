// A mistyped key was "unknown key" with no hint; `name: ''` was zod's "apps[0] ().name: Too small: expected string to
// have >=1 characters"; PM2's own app key `version` was refused as "not a Hive or PM2 app option".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles, configRefusal } from './helpers.js';

const { write } = configFiles();

async function refusal(name: string, app: Record<string, unknown>): Promise<{ key: unknown; message: string }> {
  return configRefusal(write(name, JSON.stringify({ apps: [app] })), `${name}: ${JSON.stringify(app)}`);
}

describe('a mistyped key names the one meant', () => {
  test("in a Hive config, Hive's key, whichever style or case it was mistyped in", async () => {
    const cases: [string, string][] = [
      ['instaces', 'instances'],
      ['maxMemoryRestrat', 'maxMemoryRestart'],
      ['exec_mod', 'execMode'],
      ['Instances', 'instances'],
      ['zzz', ''],
    ];
    for (const [typed, meant] of cases) {
      const { message } = await refusal('hive.config.json', { name: 'a', script: 'a.js', [typed]: 1 });
      const hint = meant === '' ? '' : `; did you mean \`${meant}\`?`;
      assert.equal(message, `apps[0] (a).${typed}: unknown key: not a Hive or PM2 app option${hint}`);
    }
  });

  test("in an ecosystem file, PM2's key, or Hive's for a camelCase one", async () => {
    const cases: [string, string][] = [
      ['instaces', 'instances'],
      ['max_memory_restrat', 'max_memory_restart'],
      ['maxMemoryRestrat', 'maxMemoryRestart'],
      ['ignore_wacth', 'ignore_watch'],
      ['vizon', 'vizion'],
      ['totally_unrelated', ''],
    ];
    for (const [typed, meant] of cases) {
      const { message } = await refusal('ecosystem.config.json', { name: 'a', script: 'a.js', [typed]: 1 });
      const hint = meant === '' ? '' : `; did you mean \`${meant}\`?`;
      assert.equal(message, `apps[0] (a).${typed}: unknown key: not a Hive or PM2 app option${hint}`);
    }
  });
});

test('an empty name or script says so, naming the key and the file, and no empty "()" for the app', async () => {
  assert.deepEqual(await refusal('hive.config.json', { name: '', script: 'a.js' }), {
    key: 'apps[0].name',
    message: 'apps[0].name: expected a non-empty string',
  });
  const conflict = { name: '', script: 'a.js', node_args: '--a', interpreter_args: '--b' };
  assert.deepEqual(await refusal('ecosystem.config.json', conflict), {
    key: 'apps[0].interpreter_args',
    message: 'apps[0].interpreter_args: sets the same option as `node_args`; keep one',
  });
  assert.deepEqual(await refusal('hive.config.json', { name: 'a', script: '' }), {
    key: 'apps[0] (a).script',
    message: 'apps[0] (a).script: expected a non-empty string',
  });
});

test("an ecosystem file's `name: ''` is no name, as in PM2: the app is named after its script", async () => {
  const config = await loadConfig(
    write('ecosystem.config.json', JSON.stringify({ apps: [{ name: '', script: './dist/server.js' }] })),
  );
  assert.equal(config.apps[0]!.name, 'server');
});

test("PM2's `version` is accepted and ignored with a warning naming it, as PM2's other informational keys", async () => {
  const file = write(
    'ecosystem.config.json',
    JSON.stringify({ apps: [{ name: 'a', script: 'a.js', version: '1.2.0' }] }),
  );
  const config = await loadConfig(file);
  assert.equal(config.apps[0]!.name, 'a');
  assert.equal('version' in config.apps[0]!, false);
  assert.deepEqual(config.warnings, [
    `${file}: apps[0] (a).version: ignored: informational (\`pm2 show\` prints it); Hive keeps no app version`,
  ]);
  // Hive's own format has no such key.
  const { message } = await refusal('hive.config.json', { name: 'a', script: 'a.js', version: '1.2.0' });
  assert.match(message, /^apps\[0\] \(a\)\.version: unknown key/);
});
