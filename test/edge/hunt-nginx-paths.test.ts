// File paths, socket paths and static prefixes that nginx's config reader would take apart: a "\" escapes the space
// or ";" after it (or turns "\n" into a newline), and a "#" at the start of a token comments out the rest of the
// line, so the directive runs on into the next one. Each is refused with the key named; neighbours pass `nginx -t`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type EdgeConfigInput, generateNginxConfig, type SiteInput } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { makePrefix, nginxSkip, nginxTest, testMain, withLocalLogs } from './nginx-harness.js';

const skip = nginxSkip();
let dir = '';
let count = 0;

before(async () => {
  dir = await makePrefix();
});
after(() => rm(dir, { recursive: true, force: true }));

function site(extra: Partial<SiteInput> = {}): SiteInput {
  return { app: 'api', upstream: { port: 3000 }, listen: { port: 18080 }, ...extra };
}

function rejects(input: EdgeConfigInput, key: string): void {
  assert.throws(
    () => generateNginxConfig({ main: testMain, ...input }, { checkFiles: false }),
    (error: unknown) => {
      assert.ok(error instanceof HiveError, `expected a HiveError, got ${String(error)}`);
      assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
      assert.equal((error as HiveError & { key: string }).key, key);
      assert.ok(error.message.includes(key), `message names the key: ${error.message}`);
      return true;
    },
  );
}

function passesNginx(input: EdgeConfigInput): string {
  const output = generateNginxConfig({ main: testMain, ...input }, { shape: 'full', checkFiles: false });
  if (skip !== false) return output;
  count += 1;
  const conf = join(dir, `case-${count}.conf`);
  writeFileSync(conf, withLocalLogs(output, dir));
  const result = nginxTest(dir, conf);
  assert.equal(result.status, 0, `${result.output}\n${output}`);
  return output;
}

test('a path starting with "#" is refused: nginx would read the rest of the line as a comment', () => {
  rejects({ sites: [site({ accessLog: '#api.log' })] }, 'sites[0].accessLog');
  rejects({ sites: [site({ static: { location: '/s/', root: '#public' } })] }, 'sites[0].static.root');
  rejects({ sites: [site({ acme: { root: '#certbot' } })] }, 'sites[0].acme.root');
  rejects({ main: { ...testMain, tempDir: '#tmp' }, sites: [site()] }, 'main.tempDir');
  rejects({ main: { ...testMain, mimeTypes: '#mime.types' }, sites: [site()] }, 'main.mimeTypes');
  // Inside a token "#" is an ordinary character.
  const output = passesNginx({ sites: [site({ accessLog: 'logs/api#1.log' })] });
  assert.match(output, /access_log logs\/api#1\.log hive_api /);
});

test('a "\\" in a path, socket path or static prefix is refused: nginx reads it as an escape', () => {
  rejects({ sites: [site({ accessLog: 'logs/api\\' })] }, 'sites[0].accessLog');
  rejects({ main: { ...testMain, pid: 'nginx.pid\\' }, sites: [site()] }, 'main.pid');
  rejects({ main: { ...testMain, errorLog: 'logs\\nerror.log' }, sites: [site()] }, 'main.errorLog');
  rejects({ sites: [site({ upstream: { socket: '/run/hive\\' } })] }, 'sites[0].upstream.socket');
  rejects({ sites: [site({ static: { location: '/a\\n/', root: '/srv/public' } })] }, 'sites[0].static.location');
  rejects({ sites: [site({ static: { location: '/s/', root: '/srv/a\\' } })] }, 'sites[0].static.root');
  passesNginx({
    sites: [site({ upstream: { socket: '/run/hive/api-1.sock' }, static: { location: '/s/', root: '/srv' } })],
  });
});
