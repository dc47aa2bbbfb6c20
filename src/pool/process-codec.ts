import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { ownViews } from './own-views.js';

/**
 * A value (an input, a result, a progress value, an error) as the bytes that carry it over a pool child's IPC
 * channel (`isolation: 'process'`), encoded by Hive rather than by the channel: Node decodes a message inside the
 * channel's read callback, where a value it cannot decode (a WebAssembly.Module, which the v8 serializer writes but
 * cannot read back; a value nested deeper than the receiver's stack) throws out of the event loop and ended the whole
 * pool's process. Hive decodes the bytes itself, where a failure is one task's error (decodeFromProcess).
 * Throws what the serializer throws; the caller wraps it in its DataCloneError.
 *
 * @param _root - what the value is (`result`, `input`...).
 */
export function encodeForProcess(value: unknown, _root: string): Buffer {
  const serializer = new ChannelSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

/** The value in bytes from encodeForProcess; throws when v8 cannot read them back (the caller's task fails alone). */
export function decodeFromProcess(bytes: Uint8Array): unknown {
  // Views come out of v8's deserializer as views into `bytes`: each gets a buffer of its own, as before (own-views.ts).
  const deserializer = new ChannelDeserializer(bytes);
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
