// `hive start ecosystem.config.js --env development` where the file has `env` and `env_production` (PM2's docs' own
// shape): the refusal lists the environments the file has and says `env` needs no flag.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('an --env no app defines names the ones the file has, and that env applies without --env', async () => {
  const config = join(hive.dir, 'ecosystem.config.js');
  writeFileSync(
    config,
    `module.exports = { apps: [
      { name: 'api', script: 'app.js', env: { A: '1' }, env_production: { A: '2' } },
      { name: 'jobs', script: 'jobs.js', env_staging: { A: '3' } },
    ] };\n`,
  );
  const result = await hive.run(['start', config, '--env', 'development'], { cwd: hive.dir });
  assert.equal(result.code, 2, result.stderr);
  assert.ok(
    result.stderr.includes(
      '--env development: no app defines `env_development` (it has --env production, --env staging; ' +
        "an app's `env` applies without --env)",
    ),
    result.stderr,
  );
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});
