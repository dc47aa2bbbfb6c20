// The access log line had the request time and the upstream's whole response time (rt=, urt=) but not where the
// upstream's time went: a host slow to accept (down, overloaded: uct=, $upstream_connect_time) and an app slow to
// answer (uht=, $upstream_header_time) looked alike. Read here from the log real nginx writes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { poll } from '../poll.js';
import { nginxSkip, type PlainSite, rawRequest, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;
let port = 0;

before(async () => {
  if (skip) return;
  site = await startPlainSite({
    // Relative: nginx opens it in its prefix.
    accessLog: 'api.access.log',
  });
  port = site.port;
});

after(async () => {
  await site?.stop();
});

test('a proxied request logs its id, upstream, status and connect, header and response times', { skip }, async () => {
  const id = 'log-timing-1';
  const response = await rawRequest(
    port,
    `GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n`,
  );
  assert.match(response.status, / 200 /);
  const file = join(site!.nginx.prefix, 'api.access.log');
  // buffer=64k flush=1s: the line shows within a second or so.
  const line = await poll(
    async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').find((l) => l.includes(`rid=${id}`)),
    'the access log line',
  );
  const time = String.raw`\d+\.\d{3}`;
  assert.match(
    line,
    new RegExp(
      `rid=${id} upstream=127\\.0\\.0\\.2:${site!.host.port} upstream_status=200 rt=${time} uct=${time} ` +
        `uht=${time} urt=${time}$`,
    ),
  );
});
