// nginx stops retrying once proxy_next_upstream_timeout has passed since the first try, and that budget is kept at
// most the read and send timeouts (nginx-retries.test.ts). A connect timeout as long as the budget or longer
// (`timeouts: { read: "5s", connect: "30s" }` rendered proxy_next_upstream_timeout 5s) used it up before any retry:
// a host that never answers the connect was never retried on another. Refused, naming timeouts.connect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxChecker, rejects, site } from './config-checks.js';
import { edgeNginx } from './edge-command.js';

const passesNginx = nginxChecker();

test('a connect timeout not below the retry time limit is refused, naming timeouts.connect', () => {
  const cases = [
    { timeouts: { read: '5s', connect: '30s' } },
    // Equal is refused too: nginx stops once the time passed is at least the budget.
    { timeouts: { read: '5s', connect: '5s' } },
    { timeouts: { send: '2s', connect: '5s' } },
    { retries: { timeout: '3s' }, timeouts: { connect: '3s' } },
    // A WebSocket handshake's retry time limit is also at most timeouts.websocket (@hive_websocket).
    { timeouts: { websocket: '2s', connect: '4s' } },
  ];
  for (const extra of cases) {
    rejects({ sites: [site(extra)] }, 'sites[0].timeouts.connect', /not less than the retry time limit/);
  }
});

test('a connect timeout below the retry time limit, or no retries, passes nginx -t', () => {
  const output = passesNginx({ sites: [site({ timeouts: { read: '5s', connect: '2s' } })] });
  assert.match(output, /proxy_connect_timeout 2s;/);
  assert.match(output, /proxy_next_upstream_timeout 5s;/);
  passesNginx({ sites: [site({ timeouts: { read: '5s', connect: '30s' }, retries: false })] });
  passesNginx({ sites: [site({ timeouts: { read: '5s', connect: '30s' }, retries: { tries: 1 } })] });
  // retries.timeout 0 is no limit of its own: the read timeout is the budget.
  passesNginx({ sites: [site({ timeouts: { read: '6s' }, retries: { timeout: 0 } })] });
  // A connect timeout left unset is 5s, or half the budget where that is 5s or less: a short read timeout alone is
  // not refused.
  assert.match(passesNginx({ sites: [site({ timeouts: { read: '5s' } })] }), /proxy_connect_timeout 2500ms;/);
  assert.match(passesNginx({ sites: [site({ retries: { timeout: '3s' } })] }), /proxy_connect_timeout 1500ms;/);
  assert.match(passesNginx({ sites: [site({})] }), /proxy_connect_timeout 5s;/);
  assert.match(passesNginx({ sites: [site({ timeouts: { websocket: '2s' } })] }), /proxy_connect_timeout 1000ms;/);
});

test('hive edge nginx: --connect-timeout at or over the read timeout is refused naming it; unset, it fits', () => {
  const short = edgeNginx('--read-timeout', '1s', '--connect-timeout', '5s');
  assert.equal(short.code, 2);
  assert.match(short.stderr, /ERR_HIVE_EDGE_INVALID_OPTION: --connect-timeout \(timeouts\.connect\): 5s is not less/);
  const unset = edgeNginx('--read-timeout', '1s');
  assert.equal(unset.code, 0, unset.stderr);
  assert.match(unset.stdout, /proxy_connect_timeout 500ms;[\s\S]*proxy_next_upstream_timeout 1s;/);
  const websocket = edgeNginx('--websocket-timeout', '2s', '--connect-timeout', '4s');
  assert.equal(websocket.code, 2);
  assert.match(
    websocket.stderr,
    /--connect-timeout \(timeouts\.connect\): 4s is not less than the retry time limit, 2s/,
  );
  const fixed = edgeNginx('--read-timeout', '1s', '--connect-timeout', '500ms');
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stdout, /proxy_connect_timeout 500ms;[\s\S]*proxy_next_upstream_timeout 1s;/);
});

// `--read-timeout 1ms` alone was refused as "--connect-timeout (timeouts.connect): 1ms is not less than the retry time
// limit", a flag never given: the derived connect timeout (half the budget, at least 1ms) cannot be below a 1ms budget.
test('a read, send or WebSocket timeout too short for any connect timeout below it is refused naming itself', () => {
  for (const [flag, key] of [
    ['--read-timeout', 'timeouts.read'],
    ['--send-timeout', 'timeouts.send'],
    ['--websocket-timeout', 'timeouts.websocket'],
  ] as const) {
    const result = edgeNginx(flag, '1ms');
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: ${flag} \\(${key.replace('.', '\\.')}\\): 1ms leaves no time to connect`,
      ),
    );
    assert.match(result.stderr, new RegExp(`give ${key.replace('.', '\\.')} at least 2ms`));
    assert.doesNotMatch(result.stderr, /--connect-timeout/);
  }
  rejects({ sites: [site({ retries: { timeout: '1ms' } })] }, 'sites[0].retries.timeout', /1ms leaves no time/);
  assert.match(edgeNginx('--read-timeout', '2ms').stdout, /proxy_connect_timeout 1ms;/);
  assert.equal(edgeNginx('--read-timeout', '1ms', '--retries', 'off').code, 0);
  // A connect timeout given is still the one named.
  assert.match(
    edgeNginx('--read-timeout', '1ms', '--connect-timeout', '1ms').stderr,
    /--connect-timeout \(timeouts\.connect\): 1ms is not less than the retry time limit/,
  );
});
