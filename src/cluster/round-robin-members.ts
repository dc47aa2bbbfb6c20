import type { ChildProcess } from 'node:child_process';

// Node's round-robin balancer (lib/internal/cluster/round_robin_handle.js) keeps one balancer per server key, which
// ends (its listening socket closed) once the last process serving the key leaves it: by closing its server (a drain)
// or by exiting. A connection it handed to a process that then refuses it (`accepted: false`: the process closed its
// server before the handoff arrived) goes back to the balancer's queue, even to a balancer that has ended meanwhile.
// Such a balancer hands nothing out and closes nothing more, so the connection stays open in the primary, unserved,
// until the client gives up. Node keeps its balancers private: the primary follows the same messages they do, to learn
// when one has ended.

const members = new Map<string, Set<ChildProcess>>();
const generations = new Map<string, number>();

/**
 * `child` listens on the server `key` (the primary answered its `queryServer`): one of the processes its balancer
 * serves.
 */
export function joinServer(key: string, child: ChildProcess): void {
  let set = members.get(key);
  if (set === undefined) {
    set = new Set();
    members.set(key, set);
  }
  set.add(child);
}

/** `child` closed its server `key`, or (no key) left every one by exiting. */
export function leaveServer(child: ChildProcess, key?: string): void {
  for (const [each, set] of members) {
    if (key !== undefined && each !== key) continue;
    if (!set.delete(child) || set.size > 0) continue;
    // The last one left: node ends this balancer, and a later listen on the key starts a new one.
    members.delete(each);
    generations.set(each, generationOf(each) + 1);
  }
}

/** How many balancers of `key` have ended so far: a handoff made under another count was made by an ended one. */
export function generationOf(key: string): number {
  return generations.get(key) ?? 0;
}
