// `GET http://app.example.com:8080/ HTTP/1.1` reached the app with Host (and X-Forwarded-Host) app.example.com: the
// port was lost. An absolute URI in the request line replaces Host (RFC 9112, 3.2.2), and nginx's $host is its name
// only, so the Host header's port, if any, was the wrong one to keep and the URI's was dropped. The port is now taken
// from the request line ($request), under the same rule as the Host header's: exactly $host plus a numeric port.
// hunt-forwarded-host-spoof.test.ts holds the spoofing cases, which must keep failing.
// Request lines nginx takes and routes by the URI but the rule did not read (two spaces after the method, a method
// with `-`, a trailing dot in the URI's host, a 6-digit port) fell back to the Host header's port, which does not name
// this request's authority: they now get the URI's port when the rule can read it, else $host.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nginxSkip, type PlainSite, rawRequest, startPlainSite } from './nginx-harness.js';

const skip = nginxSkip();
let site: PlainSite | undefined;
let port = 0;

before(async () => {
  if (skip) return;
  site = await startPlainSite({ serverName: ['app.example.com', '127.0.0.1'] });
  port = site.port;
});

after(async () => {
  await site?.stop();
});

async function seenHost(requestLine: string, hostHeader?: string): Promise<{ host?: string; forwarded?: string }> {
  const head = `${requestLine}\r\n${hostHeader === undefined ? '' : `Host: ${hostHeader}\r\n`}Connection: close\r\n\r\n`;
  const response = await rawRequest(port, head);
  assert.match(response.status, / 200 /, `${requestLine}: ${response.status}`);
  return { host: response.seen?.headers.host, forwarded: response.seen?.headers['x-forwarded-host'] };
}

const both = (value: string) => ({ host: value, forwarded: value });

test('the port of an absolute URI reaches the app in Host and X-Forwarded-Host', { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET http://app.example.com:8080/ HTTP/1.1', 'app.example.com:8080'),
    both('app.example.com:8080'),
  );
  assert.deepEqual(await seenHost('GET http://app.example.com:8080/a?b=1 HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET http://App.Example.com:8080/ HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET http://App.Example.com/ HTTP/1.1', 'x'), both('app.example.com'));
  // nginx drops a trailing dot from $host; the port is the URI's all the same.
  assert.deepEqual(await seenHost('GET http://app.example.com.:8080/ HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('M-SEARCH http://app.example.com:8080/ HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET  http://app.example.com:8080/ HTTP/1.1', 'x'), both('app.example.com:8080'));
  assert.deepEqual(await seenHost('GET http://127.0.0.1:8080/ HTTP/1.1', '127.0.0.1'), both('127.0.0.1:8080'));
  // An IPv6 literal: nginx's $host keeps its brackets.
  assert.deepEqual(await seenHost('GET http://[::1]:8080/ HTTP/1.1', 'x'), both('[::1]:8080'));
  assert.deepEqual(
    await seenHost(`POST https://app.example.com:${port}/ HTTP/1.1`, 'x'),
    both(`app.example.com:${port}`),
  );
});

test("the absolute URI's authority wins over the Host header's port, as RFC 9112 says", { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET http://app.example.com/ HTTP/1.1', 'app.example.com:9999'),
    both('app.example.com'),
  );
  assert.deepEqual(
    await seenHost('GET http://app.example.com:8080/ HTTP/1.1', 'app.example.com:9999'),
    both('app.example.com:8080'),
  );
});

test('an absolute URI whose port is out of 1-65535, or has a leading zero, does not forward it', { skip }, async () => {
  for (const line of [
    'GET http://app.example.com:65536/ HTTP/1.1',
    'GET http://app.example.com:99999/ HTTP/1.1',
    'GET http://app.example.com:0080/ HTTP/1.1',
    'GET http://app.example.com:0/ HTTP/1.1',
  ]) {
    assert.deepEqual(await seenHost(line, 'app.example.com'), both('app.example.com'), line);
  }
});

test('an absolute URI never gets the Host header port, whatever spelling of it nginx takes', { skip }, async () => {
  // nginx answers each of these from this config (the app's 200): only the maps decide what the app sees.
  for (const line of [
    'GET  http://app.example.com:8080/ HTTP/1.1',
    'M-SEARCH http://app.example.com:8080/ HTTP/1.1',
    'M-SEARCH  http://app.example.com./ HTTP/1.1',
    'GET http://app.example.com.:8080/ HTTP/1.1',
    'GET http://app.example.com:123456/ HTTP/1.1',
    'GET http://app.example.com.:65536/ HTTP/1.1',
    'GET http://app.example.com:0080/ HTTP/1.1',
  ]) {
    const seen = await seenHost(line, 'app.example.com:9999');
    assert.ok(!`${seen.host} ${seen.forwarded}`.includes(':9999'), `${line}: ${JSON.stringify(seen)}`);
  }
  assert.deepEqual(
    await seenHost('GET http://app.example.com:123456/ HTTP/1.1', 'app.example.com:9999'),
    both('app.example.com'),
  );
});

// Guards of nginx's own parser rather than of this config: nginx answers 400 to each of these request lines before
// any map runs. The maps rely on it (an authority with userinfo or a non-numeric port never reaches them), so a
// change of nginx's parser shows up here.
test("nginx's parser refuses an absolute URI whose authority is not a name plus a numeric port", { skip }, async () => {
  for (const line of [
    'GET http://app.example.com:8080@evil.com/ HTTP/1.1',
    'GET http://evil.com@app.example.com:8080/ HTTP/1.1',
    'GET http://app.example.com:80x/ HTTP/1.1',
  ]) {
    const response = await rawRequest(port, `${line}\r\nHost: app.example.com\r\nConnection: close\r\n\r\n`);
    assert.match(response.status, / 400 /, `${line}: ${response.status}`);
  }
});

test('a | in the path of an ordinary request leaves the Host rule as it was', { skip }, async () => {
  assert.deepEqual(
    await seenHost('GET /a|GET%20http://evil.com:1/|evil.com HTTP/1.1', `app.example.com:${port}`),
    both(`app.example.com:${port}`),
  );
  assert.deepEqual(await seenHost('GET /x|y HTTP/1.1', 'app.example.com:@evil.com'), both('app.example.com'));
});
