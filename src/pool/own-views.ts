import { types } from 'node:util';

/**
 * Gives each typed array, DataView and Buffer in a value that came over a child process's IPC channel
 * (`isolation: 'process'`) an ArrayBuffer of its own. Node's v8 deserializer makes each one a view into the buffer of
 * the whole message it came in (or into a shared slab of Buffer.allocUnsafe's pool, for one it had to align): a task
 * doing `new Float32Array(input.buffer)` saw the message's other bytes as floats, and a result's `.buffer` held the
 * message's other bytes (the pool's private token among them). Structured clone, between threads, gives each view a
 * buffer of its own.
 *
 * Each such view is replaced, where it sits, by a copy of its bytes over a new ArrayBuffer of exactly its byteLength
 * (byteOffset 0), of the same class (a Buffer stays a Buffer). The same view reached twice gets the same copy; loops
 * are followed once. Only arrays, plain objects, Maps, Sets and errors (their `cause`: all v8 keeps of an Error) are
 * walked; a view on a SharedArrayBuffer is left as it is. The walk allocates nothing for a value that is not an object,
 * and copies nothing when no view needs it; it is iterative (no depth to bound), and bounded in work by MAX_VISITS:
 * past it, the views not reached yet stay as they came (right values, over the message's buffer).
 *
 * The value is changed in place (it is the receiver's own, fresh from the deserializer); a view at its root is
 * returned as its copy.
 */
export function ownViews(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const walk = new ViewWalk();
  const root = walk.take(value);
  walk.run();
  return root;
}

/**
 * Objects walked (and array holes looked at) in one value, at most. Other values cost nothing against it: the walk
 * looks at each slot once (a small container reached by several paths, once per reference to it), in time
 * proportional to the message the deserializer just read; only a sparse array (a length of a billion for a few
 * elements) has more slots than the message has bytes, and its holes are counted.
 */
const MAX_VISITS = 1_000_000;

/** Slots of a container that holds no container, up to which walking it again is cheaper than remembering it. */
const SMALL = 16;

class ViewWalk {
  #budget = MAX_VISITS;
  /** Containers walked that are not to be walked again (see run): shared ones and loops are walked once. */
  readonly #seen = new Set<object>();
  /** Whether the container being walked holds a container. */
  #nested = false;
  readonly #pending: object[] = [];
  /** Copies made, by original: the same view reached twice stays one object. */
  #copies: Map<ArrayBufferView, ArrayBufferView> | undefined;

  /** What `object` is to be in its place: a view's copy, or itself (queued to be walked when it is a container). */
  take(object: object): object {
    if (ArrayBuffer.isView(object)) return this.#own(object);
    if (!isContainer(object)) return object;
    this.#nested = true;
    if (this.#seen.has(object)) return object;
    this.#pending.push(object);
    this.#budget--;
    return object;
  }

  run(): void {
    for (let container = this.#pending.pop(); container !== undefined; container = this.#pending.pop()) {
      if (this.#budget <= 0) return;
      // Queued twice (reached by two paths before it was walked): walked once.
      if (this.#seen.has(container)) continue;
      this.#nested = false;
      const slots = this.#walk(container);
      // Remembered only when walking it again could cost more than the reference to it did in the message: it holds
      // containers (a loop runs through such ones), or more than a few slots. Most of a large message is small leaves
      // (`{ id, name }`, `[x, y]`), which the Set would cost more than walking them again (on the rare second path).
      if (this.#nested || slots > SMALL) this.#seen.add(container);
    }
  }

  /** Walks one container's slots; returns how many it has. */
  #walk(container: object): number {
    if (Array.isArray(container)) return this.#array(container);
    if (types.isMap(container)) return this.#map(container as Map<unknown, unknown>);
    if (types.isSet(container)) return this.#set(container as Set<unknown>);
    if (types.isNativeError(container)) {
      if (Object.hasOwn(container, 'cause')) this.#field(container, 'cause');
      return 1;
    }
    let slots = 0;
    for (const key in container) {
      if (!Object.hasOwn(container, key)) continue;
      this.#field(container, key);
      slots++;
    }
    return slots;
  }

  #array(array: unknown[]): number {
    const length = array.length;
    for (let i = 0; i < length; i++) {
      const item = array[i];
      if (typeof item === 'object' && item !== null) {
        const taken = this.take(item);
        if (taken !== item) array[i] = taken;
      } else if (item === undefined && --this.#budget <= 0) break;
    }
    return length;
  }

  #field(object: object, key: string): void {
    const item = (object as Record<string, unknown>)[key];
    if (typeof item !== 'object' || item === null) return;
    const taken = this.take(item);
    // Defined rather than assigned: a key named `__proto__` (an own field, as the deserializer made it) stays a field.
    if (taken !== item) Object.defineProperty(object, key, { value: taken, writable: true, enumerable: true });
  }

  #map(map: Map<unknown, unknown>): number {
    let keysChange = false;
    for (const [key, item] of map) {
      if (typeof key === 'object' && key !== null && this.take(key) !== key) keysChange = true;
      if (typeof item === 'object' && item !== null) {
        const taken = this.take(item);
        // Setting a key the Map holds keeps its place in the iteration.
        if (taken !== item) map.set(key, taken);
      }
    }
    if (!keysChange) return map.size;
    // A key replaced: the entries are set again, in their order.
    const entries = [...map];
    map.clear();
    for (const [key, item] of entries) map.set(this.#taken(key), item);
    return map.size;
  }

  #set(set: Set<unknown>): number {
    let changes = false;
    for (const item of set) if (typeof item === 'object' && item !== null && this.take(item) !== item) changes = true;
    if (!changes) return set.size;
    const items = [...set];
    set.clear();
    for (const item of items) set.add(this.#taken(item));
    return set.size;
  }

  /** The copy made of `value` when it is a view that got one, else itself. */
  #taken(value: unknown): unknown {
    return (ArrayBuffer.isView(value) && this.#copies?.get(value)) || value;
  }

  #own(view: ArrayBufferView): ArrayBufferView {
    const { buffer, byteOffset, byteLength } = view;
    if (types.isSharedArrayBuffer(buffer) || (byteOffset === 0 && buffer.byteLength === byteLength)) return view;
    this.#copies ??= new Map();
    let copy = this.#copies.get(view);
    if (copy === undefined) {
      copy = copyView(view, buffer.slice(byteOffset, byteOffset + byteLength));
      this.#copies.set(view, copy);
    }
    return copy;
  }
}

/** What the deserializer makes that may hold a view: arrays, plain objects, Maps, Sets, errors. */
function isContainer(object: object): boolean {
  if (Array.isArray(object) || types.isMap(object) || types.isSet(object) || types.isNativeError(object)) return true;
  const prototype = Object.getPrototypeOf(object);
  return prototype === Object.prototype || prototype === null;
}

/** `view` over `own`, a copy of its bytes, as its class: a Buffer over a fresh ArrayBuffer (not Buffer's shared pool). */
function copyView(view: ArrayBufferView, own: ArrayBuffer): ArrayBufferView {
  if (Buffer.isBuffer(view)) return Buffer.from(own);
  if (types.isDataView(view)) return new DataView(own);
  const TypedArray = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
  return new TypedArray(own);
}
