#!/usr/bin/env node
// Bundles the pool's worker entries (dist/pool/thread-entry.js, process-entry.js) into one file each, in place, after
// tsc. Every pool thread loads its entry: one module instead of eight saves each idle thread about 0.2 MiB (module
// records, compiled code), which is what keeps an idle Hive pool under piscina's memory (bench/pool.js memory.rss).
// Packages and node: builtins stay imports; source maps follow tsc's through to src/.
import { buildSync } from 'esbuild';

for (const name of ['thread-entry', 'process-entry']) {
  const file = new URL(`../dist/pool/${name}.js`, import.meta.url).pathname;
  buildSync({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
