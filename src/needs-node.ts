/**
 * The words of every refusal for the running Node.js's version, `needs Node.js >= 22.12 (this is 20.20.2)`: one
 * phrase, so that the CLI can tell a refusal of the daemon's Node from one of its own (daemonNodeHint, cli/error-line.ts)
 * whichever error carries it (the daemon wraps an app's refusal in ERR_HIVE_APP_OPERATION).
 */
export function needsNode(min: string, version: string = process.versions.node): string {
  return `needs Node.js >= ${min} (this is ${version})`;
}

const NEEDS_NODE = /needs Node\.js >= [\d.]+ \(this is v?(\d+\.\d+\.\d+)\)/;

/**
 * The version of the Node.js that refused, when `message` holds a {@link needsNode} refusal by a Node.js other than
 * `version` (this process's): for the CLI, the daemon's, which a `hive update` run from another Node left as it was.
 */
export function otherNodeRefused(message: string, version: string = process.versions.node): string | undefined {
  const refused = NEEDS_NODE.exec(message)?.[1];
  return refused !== undefined && refused !== version ? refused : undefined;
}
