// A static location on the ACME challenge prefix passed the schema, then nginx -t refused the config with
// `duplicate location "/.well-known/acme-challenge/"`: it is refused up front whenever the ACME location is on.
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

const onAcme = { location: '/.well-known/acme-challenge/', root: '/srv/challenges' };

function site(extra: Partial<SiteInput>): SiteInput {
  return { app: 'api', upstream: { port: 3000 }, listen: { port: 18080 }, ...extra };
}

test('a static location on the ACME challenge prefix is refused while the ACME location is on', () => {
  assert.throws(
    () => generateNginxConfig({ sites: [site({ static: onAcme, acme: { root: '/var/www/certbot' } })] }),
    (error: unknown) => {
      assert.ok(error instanceof HiveError);
      assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
      assert.equal((error as HiveError & { key: string }).key, 'sites[0].static.location');
      assert.match(error.message, /ACME challenge location/);
      return true;
    },
  );
});

test('with acme: false the same static location is one location, and nginx -t takes it', { skip }, () => {
  const output = generateNginxConfig(
    { main: testMain, sites: [site({ static: onAcme, acme: false })] },
    { shape: 'full', checkFiles: false },
  );
  assert.equal(output.match(/location \^~ \/\.well-known\/acme-challenge\//g)?.length, 1);
  const conf = join(dir, 'static-acme.conf');
  writeFileSync(conf, withLocalLogs(output, dir));
  const result = nginxTest(dir, conf);
  assert.equal(result.status, 0, result.output);
});
