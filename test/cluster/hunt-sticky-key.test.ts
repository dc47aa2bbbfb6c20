import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pinnedSlot, stickyKey } from '../../dist/cluster/sticky-mode.js';
import { stickyCookieName } from '../../dist/runtime/protocol.js';

const byHeader = { by: 'header', name: 'x-client' } as const;
const byCookie = { by: 'cookie', name: 'sid' } as const;
const ip = '10.0.0.7';

test('sticky key: only the first request head counts, not a body or a pipelined request read with it', () => {
  const pipelined = 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nX-Client: other\r\n\r\n';
  assert.equal(stickyKey(byHeader, pipelined, ip), ip);
  const body = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\nx-client: b\r\nCookie: sid=c\r\n';
  assert.equal(stickyKey(byHeader, body, ip), ip);
  assert.equal(stickyKey(byCookie, body, ip), ip);
  // A head cut short (over the router's limit) is still read as far as it goes.
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nX-Client: a\r\nX-Pad: aaaa', ip), 'a');
});

test('sticky key: an empty header or cookie value counts as none, so such clients spread by address', () => {
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nX-Client:  \r\n\r\n', ip), ip);
  assert.equal(stickyKey(byHeader, 'GET / HTTP/1.1\r\nX-Client:\r\nX-Client: b\r\n\r\n', ip), 'b');
  assert.equal(stickyKey(byCookie, 'GET / HTTP/1.1\r\nCookie: sid=; a=1\r\n\r\n', ip), ip);
  assert.equal(stickyKey(byCookie, 'GET / HTTP/1.1\r\nCookie: sid=; sid=s2\r\n\r\n', ip), 's2');
});

test("sticky pin: the app's pin cookie names a slot; a malformed or missing one names none", () => {
  const head = (cookie: string) => `GET / HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n\r\n`;
  const pin = 'hive_sticky_app_3000';
  assert.equal(pinnedSlot(head('sid=abc; hive_sticky_app_3000=3'), pin), 3);
  assert.equal(pinnedSlot(`GET / HTTP/1.1\r\ncookie: a=1\r\nCookie: hive_sticky_app_3000=0\r\n\r\n`, pin), 0);
  assert.equal(pinnedSlot(head('hive_sticky_app_3000='), pin), undefined);
  assert.equal(pinnedSlot(head('hive_sticky_app_3000=x1'), pin), undefined);
  assert.equal(pinnedSlot(head('hive_sticky_app_3000=-1'), pin), undefined);
  assert.equal(pinnedSlot(head('xhive_sticky_app_3000=2'), pin), undefined);
  assert.equal(pinnedSlot('GET / HTTP/1.1\r\nHost: x\r\n\r\nCookie: hive_sticky_app_3000=1\r\n', pin), undefined);
  // Another app's pin, and the one name all apps shared before, name no slot of this app.
  assert.equal(pinnedSlot(head('hive_sticky_app_3001=1; hive_sticky_api_3000=1; hive_sticky=1'), pin), undefined);
});

test('sticky pin: the cookie name is the app name in cookie-name characters, and its port', () => {
  assert.equal(stickyCookieName('app', 3000), 'hive_sticky_app_3000');
  assert.equal(stickyCookieName('my app;v=2/é', '47025'), 'hive_sticky_my_app_v_2___47025');
  assert.equal(stickyCookieName("a-b.c!#$%&'*+^_`|~9", 1), "hive_sticky_a-b.c!#$%&'*+^_`|~9_1");
});
