// Alternation of subjects: every round runs each subject once, and the starting subject rotates so that none always
// runs first (cold caches, turbo boost) or last (heat, background jobs). Figures are then the median over rounds.

/**
 * The order of subjects in a given round: the list rotated left by `round` places.
 * @template T
 * @param {readonly T[]} subjects
 * @param {number} round zero-based round number
 * @returns {T[]}
 */
export function roundOrder(subjects, round) {
  if (subjects.length === 0) return [];
  const shift = ((round % subjects.length) + subjects.length) % subjects.length;
  return [...subjects.slice(shift), ...subjects.slice(0, shift)];
}

/**
 * Runs `measure(subject, round)` for every subject in every round, in rotated order, one at a time.
 * Returns each subject's measurements in round order (`Map<subject, value[]>`).
 * @template S, V
 * @param {{ subjects: readonly S[], rounds: number, measure: (subject: S, round: number) => Promise<V> }} options
 * @returns {Promise<Map<S, V[]>>}
 */
export async function runRounds({ subjects, rounds, measure }) {
  /** @type {Map<S, V[]>} */
  const bySubject = new Map(subjects.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of roundOrder(subjects, round)) {
      bySubject.get(subject).push(await measure(subject, round));
    }
  }
  return bySubject;
}
