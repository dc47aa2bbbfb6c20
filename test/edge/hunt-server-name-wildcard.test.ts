// serverName let "*" and "." stand anywhere: `w*.example.com`, `a.*.com`, `example*`, `*.example.*`, `a..b` passed
// the schema, and nginx then refused to start or reload ("invalid server name or wildcard"; `nginx -t` alone lets
// some through). A wildcard is now taken only as a whole first or last label, as nginx documents.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateNginxConfig, type SiteInput } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { makePrefix, nginxSkip, nginxTest, testMain, withLocalLogs } from './nginx-harness.js';

const skip = nginxSkip();
let dir = '';

before(async () => {
  dir = await makePrefix();
});
after(() => rm(dir, { recursive: true, force: true }));

function site(serverName: string, app = 'api', port = 3000): SiteInput {
  return { app, serverName, upstream: { port }, listen: { port: 18080 } };
}

test('a "*" inside a label, two wildcards or an empty label are refused', () => {
  for (const name of [
    'w*.example.com',
    'a.*.com',
    '*example.com',
    'example*',
    '*.example.*',
    '*.*',
    '*',
    'a..b',
    '.',
  ]) {
    assert.throws(
      () => generateNginxConfig({ sites: [site(name)] }),
      (error: unknown) => {
        assert.ok(error instanceof HiveError, `${name}: ${String(error)}`);
        assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
        assert.match(error.message, /sites\[0\]\.serverName\[0\]: expected a host name/);
        return true;
      },
      name,
    );
  }
});

test('leading and trailing wildcards, plain names, "_" and regexes pass nginx -t side by side', { skip }, () => {
  const output = generateNginxConfig(
    {
      main: testMain,
      sites: [
        site('*.example.com www.example.*', 'wild', 3000),
        site('api.example.com', 'api', 3001),
        site('_', 'fallback', 3002),
        site('~^(?<sub>[a-z]+)\\.example\\.org$', 'regex', 3003),
      ],
    },
    { shape: 'full', checkFiles: false },
  );
  const conf = join(dir, 'wildcards.conf');
  writeFileSync(conf, withLocalLogs(output, dir));
  const result = nginxTest(dir, conf);
  assert.equal(result.status, 0, `${result.output}\n${output}`);
});
