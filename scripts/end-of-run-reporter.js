// A test reporter for the end of a run (one reporter, not two: a third on Node 20 warns of a listener leak):
// - the test files that took longest, each as the sum of its top-level tests (a file runs its tests one after
//   another, so that is its share of the run): CI prints it to see where the suite's minutes go before they outgrow
//   CI's limit;
// - the files with a failing test (or that failed to run), one path a line, written to $HIVE_TEST_FAILED_LIST when
//   set: run-tests.js runs them once more to tell a flaky file from a broken one.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const shown = 15;

export default async function* endOfRun(source) {
  const byFile = new Map();
  const failed = new Set();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, details } = event.data;
    if (!file) continue;
    if (event.type === 'test:fail') failed.add(file);
    if (nesting === 0) byFile.set(file, (byFile.get(file) ?? 0) + (details?.duration_ms ?? 0));
  }
  if (process.env.HIVE_TEST_FAILED_LIST) writeFileSync(process.env.HIVE_TEST_FAILED_LIST, [...failed].join('\n'));
  const slowest = [...byFile].sort((a, b) => b[1] - a[1]).slice(0, shown);
  if (slowest.length === 0) return;
  yield `\nslowest test files (seconds, top-level tests summed):\n`;
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(8)}  ${relative(process.cwd(), file)}\n`;
}
