/**
 * The configurations `hive bench` compares: examples/api under `hive run`, one process or a cluster, with the heavy
 * requests on the event loop (`/compute-inline`) or on the pool (`/compute`), and nginx (Hive's generated config) in
 * front of the cluster with the pool.
 */
export interface BenchConfiguration {
  /** Stable name, as in --only and the JSON. */
  name: string;
  /** For the table and the chart. */
  label: string;
  /** `hive run -i`: 1 or max (the cgroup-aware core count). */
  instances: '1' | 'max';
  /** Where the heavy requests go: the pool, or the event loop. */
  heavyPath: '/compute' | '/compute-inline';
  nginx: boolean;
}

export const CONFIGURATIONS: readonly BenchConfiguration[] = [
  {
    name: 'single-inline',
    label: 'single process, inline',
    instances: '1',
    heavyPath: '/compute-inline',
    nginx: false,
  },
  { name: 'single-pool', label: 'single process + pool', instances: '1', heavyPath: '/compute', nginx: false },
  { name: 'cluster-inline', label: 'cluster, inline', instances: 'max', heavyPath: '/compute-inline', nginx: false },
  { name: 'cluster-pool', label: 'cluster + pool', instances: 'max', heavyPath: '/compute', nginx: false },
  { name: 'nginx-cluster-pool', label: 'nginx + cluster + pool', instances: 'max', heavyPath: '/compute', nginx: true },
];
