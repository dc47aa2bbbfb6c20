// `hive deploy` writes each file to `<file>.<pid>.tmp`, then renames it into place. The env file of `--with-env` was
// to be created with mode 0600, but writeFile() keeps the mode of a file already there: a temp left over by a killed
// run of the same pid (an earlier version wrote the k8s Secret to `<app>.env` with the default mode), or a link
// planted there, got the app's secrets written into it, and renamed as `<app>.env`, readable by others. The temp is
// now always created by the write itself (removed first, then created exclusively).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';
import { deployAppDir } from './deploy-daemon-fixture.js';
import { freePort } from './nginx-harness.js';

const hive = tempHome();
const { appDir, start } = deployAppDir(hive);
const command = new URL('../../dist/cli/commands/deploy.js', import.meta.url).href;

before(async () => {
  await start({ name: 'api', script: 'server.js', instances: 1, port: await freePort(), env: { TOKEN: 'secret' } });
});

test('the env file is 0600 even where a temp of the same name was left over, readable by others', () => {
  // The command in a node of its own, which first leaves such a temp where its own pid names it.
  const script = `
    import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
    mkdirSync('out', { recursive: true });
    for (const file of ['api.env', 'api-env.secret.yaml']) {
      const temp = 'out/' + file + '.' + process.pid + '.tmp';
      writeFileSync(temp, 'left over\\n');
      chmodSync(temp, 0o644);
    }
    const m = await import(${JSON.stringify(command)});
    process.exitCode = await m.default(process.argv.slice(1));`;
  for (const target of ['compose', 'k8s']) {
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', script, '--', target, '--app', 'api', '--with-env', '--out', 'out', '--force'],
      { cwd: appDir, encoding: 'utf8', env: { ...process.env, HIVE_HOME: hive.home } },
    );
    assert.equal(result.status, 0, result.stderr);
    const file = join(appDir, 'out', target === 'compose' ? 'api.env' : 'api-env.secret.yaml');
    assert.match(readFileSync(file, 'utf8'), /secret/);
    assert.equal((statSync(file).mode & 0o777).toString(8), '600');
  }
});
