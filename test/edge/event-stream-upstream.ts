// The upstream of the event-stream tests (nginx-streaming, hunt-event-stream-tls): it answers every request with an
// open Server-Sent Events stream, its first event at once, and leaves the rest to the test.
import { createServer, type ServerResponse } from 'node:http';

/** A running event-stream upstream; see startEventStreamUpstream. */
export interface EventStreamUpstream {
  /** `127.0.0.2:<port>`, for the proxy's upstream hosts. */
  hosts: string;
  /** The open responses, in the order their requests came: the test writes each later event and ends them. */
  streams: ServerResponse[];
  /** Closes the server and every connection still open. */
  close(): Promise<void>;
}

/** Starts the upstream, on 127.0.0.2. */
export async function startEventStreamUpstream(): Promise<EventStreamUpstream> {
  const streams: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: one\n\n');
    streams.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', () => resolve()));
  return {
    hosts: `127.0.0.2:${(server.address() as { port: number }).port}`,
    streams,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
