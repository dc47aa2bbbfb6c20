// `keepalive: 0` (`--keepalive 0`) for an app that is not sticky rendered the sticky app's comment in its upstream
// block: "the sticky cluster routes each connection", which misled a reader of the file about the app. The comment
// now says why only where it is so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxChecker, site } from './config-checks.js';

const passesNginx = nginxChecker();

const upstreamBlock = (config: string) => /upstream hive_api \{[^}]*\}/.exec(config)?.[0] ?? '';

test('keepalive 0 for an app that is not sticky says so, not that the app is sticky', () => {
  const plain = upstreamBlock(passesNginx({ sites: [site({ upstream: { port: 3000, keepalive: 0 } })] }));
  assert.doesNotMatch(plain, /^\s*keepalive \d/m);
  assert.doesNotMatch(plain, /sticky/);
  assert.match(plain, /# no upstream keep-alive \(keepalive 0\)/);
  const sticky = upstreamBlock(passesNginx({ sites: [site({ sticky: 'header:x-real-ip' })] }));
  assert.match(sticky, /# no upstream keep-alive: the sticky cluster routes each connection/);
});
