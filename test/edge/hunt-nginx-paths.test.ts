// File paths, socket paths and static prefixes that nginx's config reader would take apart: a "\" escapes the space
// or ";" after it (or turns "\n" into a newline), and a "#" at the start of a token comments out the rest of the
// line, so the directive runs on into the next one. Each is refused with the key named; neighbours pass `nginx -t`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxChecker, rejects, site } from './config-checks.js';
import { testMain } from './nginx-harness.js';

const passesNginx = nginxChecker();

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

test('accessLog "off" renders nginx\'s access_log off; a syslog: log is unbuffered, as nginx -t requires', () => {
  assert.match(passesNginx({ sites: [site({ accessLog: 'off' })] }), /^\s+access_log off;$/m);
  const syslog = passesNginx({ sites: [site({ accessLog: 'syslog:server=127.0.0.1:514,tag=api' })] });
  assert.match(syslog, /^\s+access_log syslog:server=127\.0\.0\.1:514,tag=api hive_api;$/m);
});
