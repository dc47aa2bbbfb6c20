// No upstream keep-alive (a sticky app, `keepalive: 0`) used to be the absence of a `keepalive` directive, which nginx
// 1.29.7 and later (the stable 1.30 on, the compose recipe's nginx:stable-alpine) read as keep-alive on: 32 idle
// connections per worker for 60 s, one client's requests on a connection the sticky cluster routed for another, and
// idle connections far past a draining process's --drain-idle-grace. Only those versions take `keepalive 0` (nginx
// 1.22 refuses it), so the upstream says `keepalive_requests 1`: one request per connection on every version. Checked
// with the nginx installed here (`nginx -t`); a 1.29.7 is not, so its reading is the nginx source's (keepalive module).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDeployRecipe } from '../../dist/edge/index.js';
import { nginxChecker, site } from './config-checks.js';

const passesNginx = nginxChecker();
const upstreamBlock = (config: string) => /upstream hive_\w+ \{[^}]*\}/.exec(config)?.[0] ?? '';

test('an upstream without keep-alive has keepalive_requests 1 and no keepalive directive, and nginx takes it', () => {
  for (const extra of [{ upstream: { port: 3000, keepalive: 0 } }, { sticky: 'header:x-real-ip' }, { sticky: true }]) {
    const block = upstreamBlock(passesNginx({ sites: [site(extra)] }));
    assert.match(block, /^\s*keepalive_requests 1;$/m, JSON.stringify(extra));
    assert.doesNotMatch(block, /^\s*keepalive(_timeout)? /m, JSON.stringify(extra));
  }
  const kept = upstreamBlock(passesNginx({ sites: [site()] }));
  assert.match(kept, /^\s*keepalive 32;\n\s*keepalive_requests 1000;\n\s*keepalive_timeout 500ms;$/m);
});

test("the compose recipe's nginx for a sticky app keeps no upstream connection on nginx:stable-alpine", () => {
  const conf = renderDeployRecipe('compose', { app: 'api', sticky: 'cookie:sid' }).find((f) => f.path === 'nginx.conf');
  assert.match(upstreamBlock(conf!.content), /^\s*keepalive_requests 1;$/m);
});
