import { DumpInvalidError } from './errors.js';
import { type AppSpec, appSpecSchema } from './protocol.js';

/** The dump's format (`$HIVE_HOME/dump.json`, written by `save`): `resurrect` reads this one only. */
export const DUMP_VERSION = 1;

/**
 * The app specs of a dump's text; DumpInvalidError names the file and what is wrong (the JSON error, the key).
 * `advice` replaces the error's way out (see DumpInvalidError).
 */
export function readDump(file: string, text: string, advice?: string): AppSpec[] {
  const invalid = (reason: string, cause?: unknown) =>
    new DumpInvalidError(file, reason, { cause, ...(advice === undefined ? {} : { advice }) });
  let dump: unknown;
  try {
    dump = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message})`, error);
  }
  const apps = (dump as { apps?: unknown } | null)?.apps;
  if (!Array.isArray(apps)) throw invalid('expected an object with an `apps` array');
  // Written by another format (a newer Hive, after a downgrade): its keys may mean something else, so none is guessed.
  const { version } = dump as { version?: unknown };
  if (version !== DUMP_VERSION) {
    throw invalid(`version: expected ${DUMP_VERSION}, got ${JSON.stringify(version) ?? 'none'}`);
  }
  return apps.map((spec, i) => {
    const parsed = appSpecSchema.safeParse(spec);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const key = [
      `apps[${i}]`,
      ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)),
    ];
    throw invalid(`${key.join('')}: ${issue.message}`, parsed.error);
  });
}
