// A mistyped key below an app's own keys (in `edge`, in `hive edge nginx`'s site options, in a deploy recipe's) was
// "unknown option" or "unknown key mian", with no did-you-mean, where an app's own keys had one; a mistyped flag of a
// command likewise. One walk of the schema (src/schema-keys.ts) and the command's own flags name the key meant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { resolveDeployOptions, resolveEdgeSite, type SiteInput } from '../../dist/edge/index.js';
import { keysAt, meantKeyHint } from '../../dist/schema-keys.js';
import { appFixture, tempHome } from '../daemon/helpers.js';
import { hiveErrorMessage } from '../hive-error-message.js';
import { configFiles, configRefusal } from './helpers.js';

const { write } = configFiles();
const hive = tempHome();

test('keysAt finds the object at a path through wrappers, unions, arrays and records', () => {
  const schema = z.strictObject({
    sites: z
      .array(
        z.strictObject({
          serverName: z.string(),
          rateLimit: z.union([z.literal(false), z.strictObject({ rate: z.string() })]),
        }),
      )
      .optional(),
    byName: z.record(z.string(), z.strictObject({ port: z.number().default(1) })),
    piped: z.strictObject({ inside: z.string() }).transform((value) => value),
  });
  assert.deepEqual(keysAt(schema, []).sort(), ['byName', 'piped', 'sites']);
  assert.deepEqual(keysAt(schema, ['sites', 0]).sort(), ['rateLimit', 'serverName']);
  assert.deepEqual(keysAt(schema, ['sites', 0, 'rateLimit']), ['rate']);
  assert.deepEqual(keysAt(schema, ['byName', 'api']), ['port']);
  assert.deepEqual(keysAt(schema, ['piped']), ['inside']);
  assert.deepEqual(keysAt(schema, ['nowhere', 'at', 'all']), []);
  assert.equal(meantKeyHint(schema, ['sites', 0], 'serverNam'), ' (did you mean `serverName`?)');
  assert.equal(meantKeyHint(schema, ['sites', 0], 'nothingLikeIt'), '');
});

test("an edge site's and a deploy recipe's mistyped option names the option meant", () => {
  assert.match(
    hiveErrorMessage(() =>
      resolveEdgeSite({ app: 'api', upstream: { port: 3000 }, serverNam: 'a.test' } as unknown as SiteInput),
    ),
    /serverNam: unknown option \(did you mean `serverName`\?\)$/,
  );
  assert.match(
    hiveErrorMessage(() =>
      resolveEdgeSite({ app: 'api', upstream: { port: 3000, keepalve: 8 } } as unknown as SiteInput),
    ),
    /upstream\.keepalve: unknown option \(did you mean `keepalive`\?\)$/,
  );
  assert.match(
    hiveErrorMessage(() => resolveDeployOptions({ app: 'api', replica: 2 } as never)),
    /replica: unknown option \(did you mean `replicas`\?\)$/,
  );
  // Nothing near: no hint.
  assert.match(
    hiveErrorMessage(() => resolveDeployOptions({ app: 'api', zzzzzz: 2 } as never)),
    /zzzzzz: unknown option$/,
  );
});

test("a config file's mistyped key inside `edge` names the key meant", async () => {
  const file = write('hive.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js' }], edge: { mian: {} } }));
  assert.deepEqual(await configRefusal(file), {
    key: 'edge',
    message: 'edge: unknown key mian (did you mean `main`?)',
  });
});

test("a command's mistyped flag names the flag meant; a flag near none has no hint", async () => {
  for (const [args, command, meant] of [
    [['ls', '--jsn'], 'ls', '--json'],
    [['start', appFixture, '--instanes', '2'], 'start', '--instances'],
    [['run', appFixture, '--kil-timeout', '1s'], 'run', '--kill-timeout'],
    [['deploy', 'compose', '--replica', '2'], 'deploy', '--replicas'],
    [['edge', 'nginx', '--server-nam', 'a.test'], 'edge', '--server-name'],
    [['bench', '--duratoin', '2'], 'bench', '--duration'],
  ] as const) {
    const result = await hive.run([...args]);
    const flag = args.find((arg) => arg.startsWith('--'))!;
    assert.equal(result.code, 2, `hive ${args.join(' ')}: ${result.stderr}`);
    assert.ok(
      result.stderr.includes(
        `unknown option ${flag} for hive ${command} (did you mean ${meant}?); see hive ${command} --help`,
      ),
      `hive ${args.join(' ')}: ${result.stderr}`,
    );
  }
  const far = await hive.run(['ls', '--qqqqqqqq']);
  assert.match(far.stderr, /unknown option --qqqqqqqq for hive ls; see hive ls --help/);
});

// PM2 habits: `pm2 restart api --watch` toggles watching; `hive run` has no daemon to run a cron schedule.
test('a PM2 flag another command takes says what does it in Hive', async () => {
  for (const [args, command, what] of [
    [['restart', 'api', '--watch'], 'restart', /watching is an app's setting.*`hive reload <config>`/],
    [['stop', 'api', '--no-watch'], 'stop', /watching is an app's setting/],
    [['run', appFixture, '--cron-restart', '0 3 * * *'], 'run', /the daemon runs cron schedules: `hive start <script>/],
  ] as const) {
    const result = await hive.run([...args]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`unknown option ${args.find((a) => a.startsWith('--'))} for hive ${command}: `),
    );
    assert.match(result.stderr, what);
  }
});
