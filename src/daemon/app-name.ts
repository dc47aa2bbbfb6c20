/**
 * What an app name may be: it names log files and is typed on command lines. Apart from protocol.ts so that the CLI
 * checks a name where it reads it (exit 2 naming the flag or key) without loading zod.
 */
export const APP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const APP_NAME_RULE = 'letters, digits, ".", "_" or "-", at most 64, not starting with a symbol';

/**
 * Why `name` cannot be a new app's name, or undefined when it can. `all` passes the daemon's pattern (a dump holding
 * such an app still resurrects) but is refused to a new app: every target argument reads it as every app, so the app
 * could not be stopped, scaled or described alone.
 */
export function appNameProblem(name: string): string | undefined {
  if (!APP_NAME_PATTERN.test(name)) return `expected ${APP_NAME_RULE}`;
  if (name === 'all') return 'taken: `all` means every app to stop, restart, reload, delete, logs and flush';
  return undefined;
}

/**
 * Why `namespace` cannot be an app's namespace (PM2's `namespace`), or undefined. The app name's rule: it is typed as
 * a target too, where `all` would mean every app rather than the namespace's.
 */
export function namespaceProblem(namespace: string): string | undefined {
  if (!APP_NAME_PATTERN.test(namespace)) return `expected ${APP_NAME_RULE}`;
  if (namespace === 'all') return 'taken: `all` means every app to stop, restart, reload and delete';
  return undefined;
}

/** The namespace of an app that sets none (PM2's). */
export const DEFAULT_NAMESPACE = 'default';
