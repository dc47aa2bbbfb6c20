// PM2 runs a script with no .js extension that is not a binary with node, and so in cluster workers when cluster
// mode is asked for: express's generated `bin/www` with `exec_mode: 'cluster'` (or `instances` and no exec_mode) is
// PM2's canonical cluster app. Hive ran it in fork mode, silently: plain processes each listening on the port, all but
// one crash-looping on EADDRINUSE. A program node does not run (`npm`, `sleep`) with cluster mode asked is warned about.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a script whose #! line runs node runs in the cluster mode a PM2 file asks for; a program says it cannot', async () => {
  mkdirSync(join(hive.dir, 'bin'));
  const www = join(hive.dir, 'bin', 'www');
  writeFileSync(www, "#!/usr/bin/env node\nrequire('node:http').createServer((q, s) => s.end('ok')).listen(0);\n");
  chmodSync(www, 0o755);
  const file = join(hive.dir, 'ecosystem.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      apps: [
        { name: 'www', script: './bin/www', instances: 2, exec_mode: 'cluster' },
        { name: 'implicit', script: './bin/www', instances: 2 },
        { name: 'prog', script: 'sleep', args: '60', instances: 2, autostart: false },
        { name: 'forked', script: './bin/www', exec_mode: 'fork', autostart: false },
      ],
    }),
  );
  const result = await hive.run(['start', file, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const apps = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { name: string; mode: string; pid?: number }[];
  assert.deepEqual(
    apps.map((app) => [app.name, app.mode]),
    [
      ['www', 'cluster'],
      ['implicit', 'cluster'],
      ['prog', 'fork'],
      ['forked', 'fork'],
    ],
  );
  const warnings = result.stderr.split('\n').filter((line) => line.includes('is not a Node.js file'));
  assert.equal(warnings.length, 1, result.stderr);
  assert.ok(warnings[0]!.startsWith(`hive start: ${file}: apps[2] (prog).script: "sleep" is not a Node.js file`));
  assert.match(warnings[0]!, /runs in fork mode, not the cluster mode asked/);
});
