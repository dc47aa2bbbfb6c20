// Docker reads compose's env file line by line with a 64 KiB buffer: a `NAME=value` line of 64 KiB or more failed
// `compose up` with "token too long". `hive deploy --app --with-env` leaves such a value out with a warning naming the
// variable (as a value with a line break), and the library refuses it; neither ever repeats the value.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { renderDeployRecipe } from '../../dist/edge/index.js';
import { tempHome } from '../daemon/helpers.js';
import { deployAppDir } from './deploy-daemon-fixture.js';
import { freePort } from './nginx-harness.js';

const hive = tempHome();
const { appDir, start } = deployAppDir(hive);
const big = 'k'.repeat(70_000);

before(async () => {
  await start({ name: 'api', script: 'server.js', port: await freePort(), env: { BIG: big, GREETING: 'hello' } });
});

test('--with-env leaves a value over an env file line out, naming it, and writes the others', async () => {
  for (const target of ['compose', 'k8s'] as const) {
    const result = await hive.run(['deploy', target, '--app', 'api', '--with-env', '--out', target], { cwd: appDir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: the env of "api" has "BIG", whose values make a line over 65535 bytes/);
    assert.doesNotMatch(result.stderr, /kkkk/);
    const file = join(appDir, target, target === 'compose' ? 'api.env' : 'api-env.secret.yaml');
    assert.ok(existsSync(file), file);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /GREETING/);
    assert.doesNotMatch(text, /BIG|kkkk/);
  }
});

test('the library refuses a secretEnv line over 65535 bytes (UTF-8), naming the variable, never the value', () => {
  // Go's bufio.Scanner: 64 KiB for the line and its newline.
  const fits = 'v'.repeat(64 * 1024 - 1 - 'BIG='.length);
  const envFile = renderDeployRecipe('compose', { app: 'api', secretEnv: { BIG: fits } }).find(
    (file) => file.path === 'api.env',
  );
  assert.ok(envFile!.content.split('\n').includes(`BIG=${fits}`));
  // One more byte: an ASCII character, or a two-byte one in place of the last.
  for (const value of [`${fits}v`, `${fits.slice(1)}é`]) {
    for (const recipe of ['compose', 'k8s'] as const) {
      assert.throws(
        () => renderDeployRecipe(recipe, { app: 'api', secretEnv: { OK: 'x', BIG: value } }),
        (error: Error & { code?: string; key?: string }) => {
          assert.equal(error.code, 'ERR_HIVE_DEPLOY_INVALID_OPTION');
          assert.equal(error.key, 'secretEnv.BIG');
          assert.match(error.message, /secretEnv\.BIG: .*at most 65535 bytes.*got its value/);
          assert.doesNotMatch(error.message, /vvvv/);
          return true;
        },
      );
    }
  }
});
