import { types } from 'node:util';
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { isError, structuredCloneKind } from './cloneable-copy.js';
import { ownViews } from './own-views.js';

/**
 * A value (an input, a result, a progress value, an error) as it goes over a pool child's IPC channel (`isolation:
 * 'process'`): an object as bytes Hive encoded, rather than left to the channel. Node decodes a message inside the
 * channel's read callback, where a value it cannot decode (a WebAssembly.Module, which the v8 serializer writes but
 * cannot read back; a value nested deeper than the receiver's stack) throws out of the event loop and ended the whole
 * pool's process. Hive decodes the bytes itself, where a failure is one task's error (decodeFromProcess). A primitive
 * goes as itself: the channel always reads one back, and a tiny task pays for no encoding.
 *
 * Encoding refuses what the channel would otherwise get wrong without a word: v8 serialization makes every platform
 * object held in internal slots (a URL, a Blob, a KeyObject, a MessagePort, a ReadableStream...) an empty `{}`, where
 * structured clone between threads refuses it or keeps it. Such an object is refused here, named with its path: as
 * threads refuse it when structured clone does, and as what cannot cross to a child process when a thread would
 * receive it as itself. Throws the reason (its message says what and where); the caller wraps it in its DataCloneError.
 *
 * @param root - what the value is, as its path starts (`result`, `input`...).
 */
export function encodeForProcess(value: unknown, root: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const found = walk(value, undefined);
  if (found !== undefined) throw new TypeError(explain(found, walk(value, found)?.path ?? root, root));
  const serializer = new ChannelSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

/**
 * The value encodeForProcess gave (bytes for an object, a primitive as itself); throws when v8 cannot read the bytes
 * back (the caller's task fails alone).
 */
export function decodeFromProcess(wire: unknown): unknown {
  if (!(wire instanceof Uint8Array)) return wire;
  // Views come out of v8's deserializer as views into `wire`: each gets a buffer of its own, as before (own-views.ts).
  const deserializer = new ChannelDeserializer(wire);
  deserializer.readHeader();
  return ownViews(deserializer.readValue());
}

// The format of Node's own channel (lib/internal/child_process/serialization.js), so that what crossed it before
// crosses the same: binary data as v8 writes it, another host object as a copy of its own fields (process.env).
const VIEW = 0;
const FIELDS = 1;

class ChannelSerializer extends DefaultSerializer {
  _writeHostObject(object: object): void {
    if (ArrayBuffer.isView(object)) {
      this.writeUint32(VIEW);
      (DefaultSerializer.prototype as unknown as HostObjects)._writeHostObject.call(this, object);
      return;
    }
    this.writeUint32(FIELDS);
    this.writeValue({ ...object });
  }
}

class ChannelDeserializer extends DefaultDeserializer {
  _readHostObject(): unknown {
    if (this.readUint32() === VIEW)
      return (DefaultDeserializer.prototype as unknown as HostObjects)._readHostObject.call(this);
    return this.readValue();
  }
}

interface HostObjects {
  _writeHostObject(this: DefaultSerializer, object: object): void;
  _readHostObject(this: DefaultDeserializer): unknown;
}

interface Found {
  readonly object: object;
  /** The error structured clone threw for it, or undefined: it clones, as itself, which only a thread receives. */
  readonly cloneError: Error | undefined;
  readonly path: string;
}

/**
 * Objects (and array slots) looked at in one value, at most: a huge value costs a bounded walk; past it, what is not
 * reached yet goes to the serializer unchecked.
 */
const MAX_VISITS = 1_000_000;

/**
 * The first object in `value` that v8 serialization cannot carry as structured clone would, or undefined. Walks what
 * v8 serializes field by field (plain objects, arrays, Maps, Sets, class instances' own enumerable fields); leaves
 * what it carries whole (binary data, Dates, RegExps, boxed primitives, errors) and Proxies (it refuses them before
 * any trap runs). Only a field-less instance of a class is cloned to learn what it is, as such are what hold their
 * data out of reach of their fields. Iterative: no depth to bound. Looks for `target` and tracks paths when given
 * one (the second pass, for the message only).
 */
function walk(value: object, target: Found | undefined): Found | undefined {
  const seen = new Set<object>();
  const pending: object[] = [value];
  const paths: string[] | undefined = target === undefined ? undefined : [''];
  let budget = MAX_VISITS;
  while (pending.length > 0 && budget > 0) {
    const object = pending.pop() as object;
    const path = paths?.pop() ?? '';
    if (target !== undefined && object === target.object) return { ...target, path };
    if (seen.has(object)) continue;
    seen.add(object);
    budget--;
    if (types.isProxy(object)) continue;
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype === Array.prototype || (prototype !== Object.prototype && prototype !== null && isArray(object))) {
      const items = object as unknown[];
      const length = items.length;
      budget -= length;
      for (let i = 0; i < length && budget > 0; i++) {
        const item = items[i];
        // Only objects are walked: a primitive costs a typeof; a path is built only in the second pass.
        if (typeof item !== 'object' || item === null) continue;
        pending.push(item);
        paths?.push(`${path}[${i}]`);
      }
      continue;
    }
    if (prototype !== Object.prototype && prototype !== null) {
      if (ArrayBuffer.isView(object) || types.isAnyArrayBuffer(object)) continue;
      if (types.isDate(object) || types.isRegExp(object) || types.isBoxedPrimitive(object) || isError(object)) continue;
      const map = types.isMap(object);
      if (map || types.isSet(object)) {
        let i = 0;
        for (const [key, item] of (object as Map<unknown, unknown>).entries()) {
          if (typeof key === 'object' && key !== null) {
            pending.push(key);
            paths?.push(`${path}.<entry ${i}>`);
          }
          if (map && typeof item === 'object' && item !== null) {
            pending.push(item);
            paths?.push(`${path}.<entry ${i}>`);
          }
          i++;
        }
        budget -= i;
        continue;
      }
      if (Object.keys(object).length === 0) {
        const cloned = structuredCloneKind(object);
        if (cloned !== 'plain') return { object, cloneError: cloned === 'kept' ? undefined : cloned, path };
        continue;
      }
    }
    for (const key of Object.keys(object)) {
      const item = (object as Record<string, unknown>)[key];
      if (typeof item !== 'object' || item === null) continue;
      pending.push(item);
      paths?.push(`${path}.${key}`);
    }
  }
  return undefined;
}

function isArray(object: object): boolean {
  return Array.isArray(object);
}

function explain(found: Found, path: string, root: string): string {
  const where = `${typeName(found.object)} (at ${root}${path})`;
  if (found.cloneError !== undefined) return `${where} could not be cloned: ${found.cloneError.message}`;
  return `${where} cannot cross to a child process: its IPC channel's v8 serialization cannot carry it (a thread can receive it)`;
}

/** `a URL`, `a WebAssembly.Module` (its tag, when that names its class), `a MessagePort` (not its EventTarget tag). */
function typeName(object: object): string {
  let name = 'object';
  try {
    const tag: unknown = (object as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
    const className: unknown = object.constructor?.name;
    if (typeof className === 'string' && className !== '') name = className;
    if (typeof tag === 'string' && (tag === name || tag.endsWith(`.${name}`) || name === 'object')) name = tag;
  } catch {
    // A getter that throws: the generic name.
  }
  // By sound, not letter: a URL, a Uint8Array (said "you"), an Error, an UnknownThing.
  return `${/^(?:[aeio]|u[nm])/i.test(name) ? 'an' : 'a'} ${name}`;
}
