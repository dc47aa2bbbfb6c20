/**
 * The name a mistyped one most likely meant, for "did you mean" hints: `instaces` is `instances`. Names are compared
 * without case and `_`, so a key misspelt in the other style (`exec_mod` for `execMode`) is found too.
 */

/** The closest of `names` to `typed`, or undefined when none is near enough to be the same word mistyped. */
export function closestName(typed: string, names: Iterable<string>): string | undefined {
  const word = fold(typed);
  // One edit in a short word, up to three in a long one: more, and unrelated words match (`io` and `v8`).
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const distance = editDistance(word, fold(name));
    if (distance < bestDistance && name !== typed) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function fold(name: string): string {
  return name.toLowerCase().replaceAll('_', '');
}

/** Insertions, deletions, substitutions and swaps of two neighbours that make `a` into `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, before[j - 2]! + 1);
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
