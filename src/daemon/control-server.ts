import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { HiveError } from '../errors.js';
import { DaemonVersionError, ProtocolError } from './errors.js';
import {
  ANY_BUILD_COMMANDS,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type ProgressFrame,
  type Request,
  type Response,
  requestSchema,
} from './protocol.js';
import { protocolRevision } from './protocol-revision.js';
import { hiveVersion } from './version.js';

/**
 * Handles one validated request; its result is the reply's `result`, a thrown error its `error`. `progress` sends a
 * {@link ProgressFrame} ahead of the reply (a reload's slots as they are done).
 */
export type Handler = (request: Request, progress: (value: unknown) => void) => Promise<unknown>;

/**
 * The daemon's unix socket: newline-delimited JSON requests, each validated before it reaches the handler. Any bad
 * input gets an error reply and never throws out of here; an oversized line also closes its connection.
 */
export function createControlServer(handle: Handler, log: (line: string) => void): Server {
  const server = createServer((socket) => serve(socket, handle, log));
  return server;
}

/** Listens on `path`, with the socket file made 0600 before anyone can connect. */
export function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const umask = process.umask(0o177);
    server.once('error', (error) => {
      process.umask(umask);
      reject(error);
    });
    server.listen(path, () => {
      process.umask(umask);
      chmodSync(path, 0o600);
      resolve();
    });
  });
}

function serve(socket: Socket, handle: Handler, log: (line: string) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  const reply = (response: Response | ProgressFrame) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  };
  let refused = false;
  // The limit holds for every message, whether its newline came in the same chunk or not; after it, the connection
  // is done: what else arrives on it is read (so the client can finish writing and see the end) and dropped.
  const refuse = () => {
    refused = true;
    buffer = '';
    reply(failure(null, new ProtocolError(`message longer than ${MAX_MESSAGE_BYTES} bytes`)));
    socket.end();
  };
  socket.on('data', (chunk: string) => {
    if (refused) return;
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (Buffer.byteLength(line) > MAX_MESSAGE_BYTES) return refuse();
      if (line.trim() !== '') void answer(line, handle, log, reply).then(reply);
      newline = buffer.indexOf('\n');
    }
    if (Buffer.byteLength(buffer) > MAX_MESSAGE_BYTES) refuse();
  });
}

async function answer(
  line: string,
  handle: Handler,
  log: (line: string) => void,
  send: (frame: ProgressFrame) => void,
): Promise<Response> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return failure(null, new ProtocolError('message is not JSON'));
  }
  const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
  const version = (raw as { v?: unknown })?.v;
  if (version !== PROTOCOL_VERSION) {
    return failure(
      id,
      new ProtocolError(`protocol version ${JSON.stringify(version)}; this daemon speaks ${PROTOCOL_VERSION}`),
    );
  }
  // Before the request is validated: a newer build's request has keys or commands this daemon's schema refuses, and
  // what the sender needs to hear is that the daemon is another build, not that its request is malformed.
  const { hive, rev, cmd } = raw as { hive?: unknown; rev?: unknown; cmd?: unknown };
  if (
    typeof hive === 'string' &&
    typeof cmd === 'string' &&
    !ANY_BUILD_COMMANDS.has(cmd) &&
    (hive !== hiveVersion || rev !== protocolRevision)
  ) {
    return failure(
      id,
      new DaemonVersionError(
        { hive: hiveVersion, rev: protocolRevision },
        { hive: hive.slice(0, 64), rev: typeof rev === 'string' ? rev.slice(0, 64) : undefined },
      ),
    );
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'message';
    return failure(id, new ProtocolError(`invalid request: ${where}: ${issue?.message ?? 'invalid'}`));
  }
  const request = parsed.data;
  try {
    const progress = (value: unknown) =>
      send({ v: PROTOCOL_VERSION, hive: hiveVersion, rev: protocolRevision, id: request.id, progress: value });
    const result = await handle(request, progress);
    return { v: PROTOCOL_VERSION, hive: hiveVersion, rev: protocolRevision, id, ok: true, result };
  } catch (error) {
    if (!(error instanceof HiveError)) log(`${request.cmd} failed: ${(error as Error)?.stack ?? String(error)}`);
    return failure(id, error);
  }
}

function failure(id: number | null, error: unknown): Response {
  const code = error instanceof HiveError ? error.code : 'ERR_HIVE_DAEMON_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  return { v: PROTOCOL_VERSION, hive: hiveVersion, rev: protocolRevision, id, ok: false, error: { code, message } };
}
