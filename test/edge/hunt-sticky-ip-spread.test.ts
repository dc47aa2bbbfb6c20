// `--sticky ip` rendered nginx's `ip_hash`, which hashes only the first three octets of an IPv4 address: every client
// of a /24 (an office behind one NAT range, a cloud subnet) landed on one host, and a change to the server list
// remapped most clients. It now renders `hash $remote_addr consistent` (ketama): the whole address, and a host added
// or removed moves only its share. Clients here come from 127.0.0.2-21, one /24, so ip_hash puts them all on one host.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { nginxSkip, startUpstreamSites, type UpstreamSites } from './nginx-harness.js';

const skip = nginxSkip();
let sites: UpstreamSites | undefined;
let stickyPort = 0;
let ipHashPort = 0;
const clients = Array.from({ length: 20 }, (_, index) => `127.0.0.${index + 2}`);

before(async () => {
  if (skip) return;
  sites = await startUpstreamSites(
    ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
    [
      { app: 'chat', sticky: 'ip' },
      // nginx's ip_hash itself, asked for by name: the contrast that shows the clients share a /24.
      { app: 'legacy', upstream: { balance: 'ip_hash' } },
    ],
  );
  [stickyPort, ipHashPort] = sites.ports as [number, number];
});

after(async () => {
  await sites?.stop();
});

/** The upstream host that answers a request to nginx on `port`, sent from `localAddress` on a fresh connection. */
function hostFor(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${localAddress}: status ${res.statusCode}: ${body}`));
        else resolve((JSON.parse(body) as { name: string }).name);
      });
    });
    req.once('error', reject);
    req.end();
  });
}

/** Each client's host over three rounds; fails when a client reached two hosts. */
async function hostsByClient(port: number): Promise<Map<string, string>> {
  const byClient = new Map<string, string>();
  for (let round = 0; round < 3; round++) {
    for (const client of clients) {
      const name = await hostFor(port, client);
      const before = byClient.get(client);
      assert.ok(before === undefined || before === name, `${client} reached ${before} and then ${name}`);
      byClient.set(client, name);
    }
  }
  return byClient;
}

test('sticky ip: each client keeps its host, and clients of one /24 spread over the hosts', { skip }, async () => {
  const used = new Set((await hostsByClient(stickyPort)).values());
  assert.ok(used.size > 1, `20 clients of 127.0.0.0/24 all on ${[...used]}: the hash ignores the last octet`);
});

test('balance ip_hash (by name) still renders nginx ip_hash: one /24, one host', { skip }, async () => {
  const used = new Set((await hostsByClient(ipHashPort)).values());
  assert.equal(used.size, 1, `ip_hash spread one /24 over ${[...used]}`);
});
