import type { z } from 'zod';
import { closestName } from './closest-name.js';

/**
 * The key a stray one of a strict zod object likely meant: zod's `unrecognized_keys` issue names the stray keys but
 * not the ones the object takes, so `serverNam` said only "unknown option", where the app's own keys said "did you
 * mean". One walk of the schema serves the config file, `hive edge nginx`'s options and the deploy recipes' options.
 */

/** `` (did you mean `serverName`?)`` for `typed`, a key zod found unrecognized at `path` in `schema`; else ''. */
export function meantKeyHint(schema: z.core.$ZodType, path: readonly PropertyKey[], typed: string): string {
  const meant = closestName(typed, keysAt(schema, path));
  return meant === undefined ? '' : ` (did you mean \`${meant}\`?)`;
}

/**
 * The keys the object schema(s) at `path` inside `schema` take: through wrappers (optional, default, pipe...) and
 * every branch of a union, so a union of `false` or an object still gives the object's keys. [] where the path leads
 * to no object.
 */
export function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const seen = new Map<z.core.$ZodType, Set<number>>();
  walk(schema, 0);
  return [...found];

  function walk(type: z.core.$ZodType | undefined, at: number): void {
    if (type === undefined) return;
    // A lazy or recursive schema may lead back to itself without taking a step of the path.
    const steps = seen.get(type) ?? new Set<number>();
    if (steps.has(at)) return;
    seen.set(type, steps.add(at));
    const def = type._zod.def as unknown as Record<string, unknown> & { type: string };
    for (const [next, step] of inner(def, at)) walk(next, step);
  }

  // The schemas `def` leads to, each with the path step it is at: a wrapper's at the same step, an object's field,
  // an array's element or a record's value at the next. An object at the path's end gives its keys instead.
  function inner(
    def: Record<string, unknown> & { type: string },
    at: number,
  ): Array<[z.core.$ZodType | undefined, number]> {
    const field = (name: string) => def[name] as z.core.$ZodType | undefined;
    switch (def.type) {
      case 'object': {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (at < path.length) return [[shape[String(path[at])], at + 1]];
        for (const key of Object.keys(shape)) found.add(key);
        return [];
      }
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
        return [[field('innerType'), at]];
      case 'pipe':
        return [
          [field('in'), at],
          [field('out'), at],
        ];
      case 'union':
        return (def.options as z.core.$ZodType[]).map((option) => [option, at]);
      case 'intersection':
        return [
          [field('left'), at],
          [field('right'), at],
        ];
      case 'lazy':
        return [[(def.getter as () => z.core.$ZodType)(), at]];
      case 'array':
        return at < path.length ? [[field('element'), at + 1]] : [];
      case 'record':
        return at < path.length ? [[field('valueType'), at + 1]] : [];
      default:
        return [];
    }
  }
}
