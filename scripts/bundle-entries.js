#!/usr/bin/env node
// After tsc, bundles the files Node starts most often into one module each, in place: every module of a graph costs
// a process start-up its resolve, read, compile and link, and these start all the time.
// - dist/pool/thread-entry.js, process-entry.js: every pool worker loads one; one module instead of eight saves each
//   idle thread about 0.2 MiB, what keeps an idle Hive pool under piscina's memory (bench/pool.js memory.rss).
// - the daemon commands of the CLI (hive ls, stop, reload...): about 14 ms of a `hive ls` (bench/cli.js).
// Packages and node: builtins stay imports; source maps follow tsc's through to src/. A module inlined into a bundle
// keeps its own location: its import.meta.url becomes the URL of the dist file it came from, so the paths it builds
// (package.json, the daemon's entry) stay right. Commands with lazy imports of their own modules (run, start, bench,
// dashboard, edge, deploy, startup) stay unbundled: bundling would load up front what they load only when needed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
// dist/-relative paths, also read by test/build/bundles.test.ts.
const targets = JSON.parse(readFileSync(new URL('./bundled-files.json', import.meta.url), 'utf8')).map(
  (file) => `${dist}${file}`,
);

/** An esbuild plugin: import.meta.url in an inlined module means the URL of the file it came from. */
function keepImportMetaUrl(outfile) {
  return {
    name: 'keep-import-meta-url',
    setup(builder) {
      builder.onLoad({ filter: /\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (args.path === outfile || !source.includes('import.meta.url')) return undefined;
        const from = JSON.stringify(relative(dirname(outfile), args.path));
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${from}, import.meta.url).href`),
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

for (const file of targets) {
  const result = await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    write: false,
    plugins: [keepImportMetaUrl(file)],
    logLevel: 'warning',
  });
  for (const output of result.outputFiles) {
    // A lazily initialised module (a dynamic import of one of ours) would be parsed, and its imports loaded, up front.
    if (output.path.endsWith('.js') && output.text.includes('__esm(')) {
      throw new Error(`${relative(dist, file)}: lazy imports of its own modules; leave it out of the bundled list`);
    }
  }
  for (const output of result.outputFiles) {
    writeFileSync(output.path, output.contents);
  }
}
