// Types for rounds.js.
export declare function roundOrder<T>(subjects: readonly T[], round: number): T[];
export declare function runRounds<S, V>(options: {
  subjects: readonly S[];
  rounds: number;
  measure: (subject: S, round: number) => Promise<V>;
}): Promise<Map<S, V[]>>;
