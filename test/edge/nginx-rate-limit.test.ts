// Real nginx answering a client over the rate limit: 429 with Retry-After (derived from the rate, or as given), and
// the server's own headers (X-Request-Id) kept on it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { generateNginxConfig } from '../../dist/edge/index.js';
import { nginxSkip, type PlainSite, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
const sites: { derived?: PlainSite; given?: PlainSite } = {};
const agent = new Agent();

before(async () => {
  if (skip) return;
  // 1 request a minute and no burst: the second request of a quick series is over the limit, however slow the machine.
  sites.derived = await startPlainSite({ rateLimit: { rate: '1r/m', burst: 0 } });
  sites.given = await startPlainSite({ rateLimit: { rate: '1r/m', burst: 0, retryAfter: 7 } });
});

after(async () => {
  await agent.close();
  await sites.derived?.stop();
  await sites.given?.stop();
});

async function get(port: number, path = '/') {
  const response = await request(`http://127.0.0.1:${port}${path}`, {
    dispatcher: agent,
    headers: { 'x-request-id': 'req-1' },
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** Requests until one is limited (at most 5): the limited answer. */
async function overTheLimit(port: number) {
  for (let i = 0; i < 5; i++) {
    const response = await get(port);
    if (response.status !== 200) return response;
  }
  assert.fail('no request was limited');
}

test('a request over the rate limit gets 429 with Retry-After: the rate interval (60 s at 1r/m)', {
  skip,
}, async () => {
  const limited = await overTheLimit(sites.derived!.port);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '60');
  assert.equal(limited.headers['x-request-id'], 'req-1');
});

test('rateLimit.retryAfter sets the Retry-After seconds', { skip }, async () => {
  const limited = await overTheLimit(sites.given!.port);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '7');
});

test('Retry-After only for 429 and 503: an error_page for another status would catch the upstream failures too', () => {
  const render = (status: number) =>
    generateNginxConfig(
      { sites: [{ app: 'api', upstream: { port: 3000 }, rateLimit: { rate: '10r/s', status } }] },
      { checkFiles: false },
    );
  assert.match(
    render(503),
    /error_page 503 = @hive_rate_limited;[\s\S]*add_header Retry-After 1 always;\n\s*return 503;/,
  );
  // (The event-stream jump's own error_page, for a status nginx never sends, is no such page.)
  assert.doesNotMatch(render(502), /error_page 502|@hive_rate_limited|Retry-After/);
});

test("the limited answer keeps the server's HSTS header: a location with its own add_header inherits none", () => {
  const config = generateNginxConfig(
    {
      sites: [
        {
          app: 'api',
          upstream: { port: 3000 },
          rateLimit: { rate: '10r/s' },
          tls: { cert: '/etc/ssl/api.pem', key: '/etc/ssl/api.key', hsts: true },
        },
      ],
    },
    { checkFiles: false },
  );
  const named = /location @hive_rate_limited \{([^}]*)\}/.exec(config)?.[1] ?? '';
  assert.match(named, /add_header X-Request-Id \$hive_api_request_id always;/);
  assert.match(named, /add_header Strict-Transport-Security max-age=63072000 always;/);
  assert.match(named, /add_header Retry-After 1 always;/);
});
