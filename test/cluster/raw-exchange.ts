import { connect } from 'node:net';

/** What came back on a raw connection, and the error that ended it (none when the server closed it cleanly). */
export interface RawReply {
  response: string;
  error: NodeJS.ErrnoException | undefined;
}

/**
 * Writes `raw` on a new connection to 127.0.0.1:`port` and resolves once the connection closes. Raw, not undici: these
 * tests send heads a client library would not (bare LF, odd keys) and see refusals and resets as they are.
 */
export function rawExchange(port: number, raw: string): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let error: NodeJS.ErrnoException | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause;
    });
    socket.on('close', () => resolve({ response, error }));
    socket.write(raw);
  });
}
