// Golden files: the generator's output for a set of option sets is checked in (test/fixtures/edge/*.conf), so a
// change to the output shows up in review. Regenerate with UPDATE_GOLDEN=1. Every golden must pass `nginx -t`.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { goldenCases } from './golden-cases.js';
import { makeCertificate, makePrefix, nginxSkip, nginxTest, withLocalLogs } from './nginx-harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/edge/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
let dir = '';

before(async () => {
  dir = await makePrefix();
  mkdirSync(join(dir, 'tls'));
  makeCertificate(join(dir, 'tls'));
});
after(() => rm(dir, { recursive: true, force: true }));

for (const golden of goldenCases) {
  test(`golden ${golden.name}.conf matches the generator${update ? ' (updating)' : ''}`, () => {
    const output = generateNginxConfig(golden.input, { shape: golden.shape, baseDir: dir });
    const file = join(fixtures, `${golden.name}.conf`);
    if (update) writeFileSync(file, output);
    assert.equal(output, readFileSync(file, 'utf8'), `${file} is stale: run UPDATE_GOLDEN=1 and review the diff`);
  });

  test(`golden ${golden.name}.conf passes nginx -t`, { skip: nginxSkip() }, () => {
    const conf = join(dir, `${golden.name}.conf`);
    writeFileSync(conf, withLocalLogs(readFileSync(join(fixtures, `${golden.name}.conf`), 'utf8'), dir));
    let main = conf;
    if (golden.shape === 'site') {
      // The http block of Debian's stock nginx.conf: a site file must not repeat what it already sets (gzip,
      // ssl_protocols), or nginx rejects the duplicate directive.
      main = join(dir, `${golden.name}.main.conf`);
      writeFileSync(
        main,
        [
          'events {}',
          'http {',
          '    include /etc/nginx/mime.types;',
          '    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;',
          '    ssl_prefer_server_ciphers on;',
          '    gzip on;',
          `    include ${conf};`,
          '}',
          '',
        ].join('\n'),
      );
    }
    const result = nginxTest(dir, main);
    assert.equal(result.status, 0, result.output);
  });
}
