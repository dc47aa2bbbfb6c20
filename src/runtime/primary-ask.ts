/**
 * A request of this process to its primary that an answer carrying the same `id` completes (the sticky port, a
 * reuseport listen): ids are this process's own, one counter for every kind.
 */
const asked = new Map<number, (answer: unknown) => void>();
let nextId = 1;

/**
 * Sends what `send` makes of a fresh id; `onAnswer` gets the primary's answer of that id, once.
 */
export function askPrimary<Answer extends { id: number }>(
  send: (id: number) => void,
  onAnswer: (answer: Answer) => void,
): void {
  const id = nextId++;
  asked.set(id, onAnswer as (answer: unknown) => void);
  send(id);
}

/** The primary answered a request of {@link askPrimary}. */
export function answered(answer: { id: number }): void {
  const resume = asked.get(answer.id);
  asked.delete(answer.id);
  resume?.(answer);
}

/**
 * A listen the primary refused (its bind failed), shaped as node's own listen error, which an app's `error` handler
 * may read.
 */
export function listenError(
  refusal: { code: string; message: string },
  host: string | undefined,
  port: number,
): NodeJS.ErrnoException {
  return Object.assign(new Error(refusal.message), { code: refusal.code, syscall: 'listen', address: host, port });
}
