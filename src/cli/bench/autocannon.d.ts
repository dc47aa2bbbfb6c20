// autocannon 9 ships no types and there is no @types package for it: this declares the part `hive bench` uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    overallRate?: number;
    /** Called with each connection's client, before its first request. */
    setupClient?: (client: AutocannonClient) => void;
  }

  /**
   * One connection. Events: 'request' (one written), 'response' (status, bytes, ms), 'done' (the connection ends, before
   * it closes). `conn` is its current socket, replaced on each reconnection.
   */
  interface AutocannonClient extends EventEmitter {
    conn: unknown;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  interface AutocannonResult {
    url: string;
    /** Seconds from the start to the end of the load, to 0.01 s. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    /** Its `sent`: the requests written, answered or not. */
    requests: Histogram & { sent: number };
    latency: Histogram;
    throughput: Histogram;
    statusCodeStats: Record<string, { count: number }>;
  }

  interface AutocannonInstance extends EventEmitter {
    stop(): void;
  }

  function autocannon(
    options: AutocannonOptions,
    callback: (error: Error | null, result: AutocannonResult) => void,
  ): AutocannonInstance;

  export default autocannon;
  export type { AutocannonClient, AutocannonInstance, AutocannonOptions, AutocannonResult };
}
