/** The CPU-heavy work of the demo: naive Fibonacci, deliberately slow (about 2^n / 1.6 calls). */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** The pool's task: runs in a worker thread, off the app's event loop. */
export default function compute({ n }: { n: number }): number {
  return fib(n);
}
