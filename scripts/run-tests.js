#!/usr/bin/env node
// Runs the whole suite with node's test runner: every test/**/*.test.ts (TypeScript through tsx).
// Node 20's runner takes no glob, so the files are listed here. Args narrow the run: `node scripts/run-tests.js pool`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : walk(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = walk(join(root, 'test'))
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}
// Test files at once. Node's default is one fewer than the cores: 1 on CI's two, where most of a file's time is spent
// waiting on the processes, sockets and timers it drives. Three keep both cores busy (the suite took 2,130 s instead
// of 3,117 on one such machine). HIVE_TEST_CONCURRENCY=1 runs the files one by one, for a test's own timing.
const concurrency = process.env.HIVE_TEST_CONCURRENCY || '3';
if (!/^[1-9]\d*$/.test(concurrency)) {
  console.error(`HIVE_TEST_CONCURRENCY must be a positive integer, got "${concurrency}"`);
  process.exit(2);
}
// The flag came with Node 20.10; an older 20 runs the files one at a time.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const hasConcurrencyFlag = major > 20 || (major === 20 && minor >= 10);
// The timeout bounds each test and, as the runner applies it to each file's process too, each file's whole run: a hang
// detector. 600 s: three files share two cores, the slowest take 45 - 90 s in a passing run here, and the former 180 s
// cut off a file on CI whose tests were still inside their own waits.
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'slowest-files-reporter.js')}`,
    '--test-reporter-destination=stdout',
    '--test-timeout=600000',
    ...(hasConcurrencyFlag ? [`--test-concurrency=${concurrency}`] : []),
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
