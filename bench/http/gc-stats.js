// Preloaded (--import) into the server of bench/http-flags.js: counts V8's collections through a PerformanceObserver
// (work per collection, none per request) and, on SIGUSR2, appends one JSON line to $GC_STATS_FILE: the counts so far,
// the new space's size (both semi-spaces) and the process's memory. $GC_STATS_FILE.pid gets the process id (under
// valgrind, the one process of the run).
import { appendFileSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const counts = { minor: 0, major: 0, minorMs: 0, majorMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      counts.minor++;
      counts.minorMs += entry.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      counts.major++;
      counts.majorMs += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

writeFileSync(`${process.env.GC_STATS_FILE}.pid`, String(process.pid));

process.on('SIGUSR2', () => {
  // The observer's entries arrive asynchronously: let those of the last collections land first.
  setTimeout(() => {
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    const { rss, heapTotal } = process.memoryUsage();
    const line = { ...counts, newSpace: newSpace?.space_size ?? 0, rss, heapTotal };
    appendFileSync(String(process.env.GC_STATS_FILE), `${JSON.stringify(line)}\n`);
  }, 50);
});
