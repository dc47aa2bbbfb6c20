/**
 * Where an app serves, as Hive can tell from outside its processes: the port it was given, else where its processes
 * listen, else a PORT it inherited (see {@link servedPort}).
 */
export interface ServedPort {
  port: number;
  /**
   * `given`: `--port`, the app's own env PORT (`--env`, a config's `env`), `increment_var` PORT, which its primary
   * enforces. `listen`: where its processes listen. `inherited`: the PORT of the environment the app inherited (a
   * shell's `export PORT=...`), which nothing says it listens on, nor against.
   */
  source: 'given' | 'listen' | 'inherited';
}

/** What is known of an app's port. */
export interface PortKnowledge {
  /** The port Hive was given for it; null: none. */
  given: number | null;
  /** A PORT it merely inherited (only preferred by its ready rule, cluster/app-port.ts); null: none. */
  inherited: number | null;
  /** The ports its processes listen on (its servers', as the runtime reported them or the system tells). */
  listened: readonly number[];
}

/**
 * The port an app serves on. A given port always (its primary fails a process that does not listen there). Else the
 * port its processes listen on: an inherited PORT is only preferred, and an app may well listen on a port of its own
 * beside it; among several, the inherited PORT if it is one of them. Else, nothing being listened on (stopped,
 * starting, a system that cannot tell), the inherited PORT, for want of better. Undefined when none is left, or its
 * processes listen on several ports and none is preferred (`listened` says which).
 */
export function servedPort({ given, inherited, listened }: PortKnowledge): ServedPort | undefined {
  if (given !== null) return { port: given, source: 'given' };
  const ports = [...new Set(listened)];
  if (inherited !== null && ports.includes(inherited)) return { port: inherited, source: 'listen' };
  if (ports.length === 1) return { port: ports[0]!, source: 'listen' };
  if (ports.length > 1 || inherited === null) return undefined;
  return { port: inherited, source: 'inherited' };
}
