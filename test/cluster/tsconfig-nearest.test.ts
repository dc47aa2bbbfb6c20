// tsx reads the tsconfig.json it finds from the process's cwd: `hive run apps/api/src/server.ts` from a monorepo's root
// ran the app without apps/api's tsconfig (its `paths` aliases, its experimentalDecorators): "Cannot find package
// '@lib/...'", or decorators of another semantics. The script's nearest tsconfig.json is the one now, unless the app
// names its own (TSX_TSCONFIG_PATH).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, isEvent, killAll, startHive, tempDir } from './helpers.js';

after(killAll);

const root = tempDir('hive-tsconfig-nearest-');
const api = join(root, 'apps', 'api');
mkdirSync(join(api, 'src'), { recursive: true });
mkdirSync(join(api, 'lib'), { recursive: true });
// The root's tsconfig has no aliases (as a monorepo's base config).
writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
writeFileSync(
  join(api, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }),
);
writeFileSync(join(api, 'lib', 'greeting.ts'), "export const greeting: string = 'from apps/api/lib';\n");
writeFileSync(
  join(api, 'src', 'server.ts'),
  `import http from 'node:http';
  import { greeting } from '@lib/greeting.js';
  http.createServer((req, res) => res.end(greeting + ' ' + (process.env.TSX_TSCONFIG_PATH ?? '-'))).listen(Number(process.env.PORT), '127.0.0.1');
  `,
);
writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));

// Started from another folder (this repository's, whose tsconfig.json has no such alias), as from a monorepo's root.
test("the app's own tsconfig.json (its paths) is read when hive run starts from another folder", async () => {
  const port = await freePort();
  const hive = startHive([join(api, 'src', 'server.ts'), '-i', '1', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  assert.equal(body, `from apps/api/lib ${join(api, 'tsconfig.json')}`);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
