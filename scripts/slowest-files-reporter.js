// A test reporter for the end of a run: the test files that took longest, each as the sum of its top-level tests
// (a file runs its tests one after another, so that is its share of the run). CI prints it to see where the suite's
// minutes go before they outgrow CI's limit.
import { relative } from 'node:path';

const shown = 15;

export default async function* slowestFiles(source) {
  const byFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, details } = event.data;
    if (nesting !== 0 || !file) continue;
    byFile.set(file, (byFile.get(file) ?? 0) + (details?.duration_ms ?? 0));
  }
  const slowest = [...byFile].sort((a, b) => b[1] - a[1]).slice(0, shown);
  if (slowest.length === 0) return;
  yield `\nslowest test files (seconds, top-level tests summed):\n`;
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(8)}  ${relative(process.cwd(), file)}\n`;
}
