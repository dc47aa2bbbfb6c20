import type { AddressInfo, Server } from 'node:net';
import { sendToPrimary } from './ipc.js';
import { askPrimary, listenError } from './primary-ask.js';
import type { PrimaryMessage } from './protocol.js';

type Answer = Extract<PrimaryMessage, { type: 'sticky-listening' }>;

/**
 * Sticky mode: the app's `listen()` on the sticky port asks the primary to listen there, as a node:cluster worker asks
 * its primary for a shared port, and the app's server listens (privately) only once the primary does. So the public
 * port opens on the host the app gave, only when an app server is about to take connections (until then clients are
 * refused, not accepted and dropped), and a failure to bind it is the app server's `error`, as without Hive.
 * @param listenPrivately - listens on the private loopback port the process really serves from
 * @param ipv6Only - listen()'s option: the public port takes no IPv4 client on `::` (it would, dual stack, without it)
 */
export function listenSticky(
  server: Server,
  host: string | undefined,
  port: number,
  listenPrivately: () => void,
  ipv6Only = false,
): void {
  askPrimary<Answer>(
    (id) => sendToPrimary({ hive: 1, type: 'sticky-listen', id, host: host ?? null, ...(ipv6Only && { ipv6Only }) }),
    (answer) => {
      if (answer.error !== undefined || answer.address === undefined) {
        const refusal = answer.error ?? { code: 'EINVAL', message: 'the primary gave no address' };
        server.emit('error', listenError(refusal, host, port));
        return;
      }
      const address: AddressInfo = answer.address;
      // What node's cluster gives a worker on a shared port: the public address, not the private one behind it.
      server.address = () => (server.listening ? { ...address } : null);
      // Back to node's own once closed: the server may listen again elsewhere.
      server.once('close', () => Reflect.deleteProperty(server, 'address'));
      listenPrivately();
    },
  );
}
