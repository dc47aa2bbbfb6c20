// examples/ws recommended `--sticky header:x-client` for a WebSocket app, a key a browser's WebSocket API cannot send
// (it sets no request headers): every browser client fell back to its address, unknowingly. The example's command and
// cluster.md's sticky section now give the keys a browser can carry.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test("the ws example's command uses a key a browser sends", () => {
  const command = /hive\.js run examples\/ws\/server\.ts .*/.exec(read('examples/ws/server.ts'))?.[0] ?? '';
  assert.match(command, /--sticky (ip|cookie:\S+)$/);
});

test("cluster.md's sticky section says a browser's WebSocket sets no headers", () => {
  const section = read('docs/cluster.md').split('## Sticky sessions')[1]?.split('\n## ')[0] ?? '';
  assert.match(section, /WebSocket` API cannot set request headers/);
});
