// Durations in nginx's whole time syntax (1h30m, 500ms, 1d, 2w, "1h 30m"), written back in one unit that nginx -t
// accepts; what nginx refuses (units out of order, fractions, a month in a millisecond directive, ms where nginx reads
// whole seconds) is a typed error naming the option, or the flag on the command line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxChecker, rejects, site } from './config-checks.js';
import { edgeNginx } from './edge-command.js';

const passesNginx = nginxChecker();

test("nginx's compound and larger units pass, normalised to one unit, and nginx -t accepts the result", () => {
  const output = passesNginx({
    sites: [
      site({
        timeouts: { connect: '1s500ms', send: '1h 30m', read: '1d' },
        retries: { timeout: '2m30s' },
        upstream: { port: 3000, keepaliveTimeout: '4s500ms', failTimeout: '1m30s' },
        static: { location: '/static/', root: '/srv/public', maxAge: '1y' },
      }),
    ],
  });
  assert.match(output, /proxy_connect_timeout 1500ms;/);
  assert.match(output, /proxy_send_timeout 90m;/);
  assert.match(output, /proxy_read_timeout 1d;/);
  assert.match(output, /proxy_next_upstream_timeout 150s;/);
  assert.match(output, /keepalive_timeout 4500ms;/);
  assert.match(output, /fail_timeout=90s/);
  assert.match(output, /expires 365d;/);
  const weeks = passesNginx({ sites: [site({ timeouts: { read: '2w' } })] });
  assert.match(weeks, /proxy_read_timeout 14d;/);
});

test('the retry time limit compares compound durations by their length', () => {
  // The budget (10s by default) is capped at the read timeout, 1m30s: 10s, which the connect timeout must stay under.
  rejects({ sites: [site({ timeouts: { read: '1m30s', connect: '0m10s' } })] }, 'sites[0].timeouts.connect');
  const output = passesNginx({
    sites: [site({ retries: { timeout: '1h' }, timeouts: { read: '1m30s', send: '2m' } })],
  });
  assert.match(output, /proxy_next_upstream_timeout 90s;/);
});

test('what nginx refuses is refused, naming the option and what it takes', () => {
  for (const value of ['30m1h', '1.5s', '1M', '1y', '1 h', '5ms3s', '1h1h', '10x', '', '-1s', 1.5, -1, '9999999999d']) {
    rejects({ sites: [site({ timeouts: { read: value } })] }, 'sites[0].timeouts.read', /nginx duration.*1h30m/);
  }
  for (const value of ['500ms', '1s500ms']) {
    rejects(
      { sites: [site({ upstream: { port: 3000, failTimeout: value } })] },
      'sites[0].upstream.failTimeout',
      /whole seconds/,
    );
  }
});

test('hive edge nginx: --read-timeout 1h30m passes; a bad duration names the flag', () => {
  const good = edgeNginx('--read-timeout', '1h30m', '--fail-timeout', '1m30s');
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /proxy_read_timeout 90m;/);
  assert.match(good.stdout, /fail_timeout=90s/);
  const bad = edgeNginx('--read-timeout', '30m1h');
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /ERR_HIVE_EDGE_INVALID_OPTION: --read-timeout \(timeouts\.read\): expected an nginx duration.*got "30m1h"/,
  );
});
