import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pinnedSlot, stickyKey } from '../../dist/cluster/sticky-mode.js';

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

test('sticky pin: the hive_sticky cookie names a slot; a malformed or missing one names none', () => {
  const head = (cookie: string) => `GET / HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n\r\n`;
  assert.equal(pinnedSlot(head('sid=abc; hive_sticky=3')), 3);
  assert.equal(pinnedSlot(`GET / HTTP/1.1\r\ncookie: a=1\r\nCookie: hive_sticky=0\r\n\r\n`), 0);
  assert.equal(pinnedSlot(head('hive_sticky=')), undefined);
  assert.equal(pinnedSlot(head('hive_sticky=x1')), undefined);
  assert.equal(pinnedSlot(head('hive_sticky=-1')), undefined);
  assert.equal(pinnedSlot(head('xhive_sticky=2')), undefined);
  assert.equal(pinnedSlot('GET / HTTP/1.1\r\nHost: x\r\n\r\nCookie: hive_sticky=1\r\n'), undefined);
});
