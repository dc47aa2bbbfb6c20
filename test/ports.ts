// Ports for the tests that need a fixed one (an app's --port, nginx's listen). listen(0) hands out ports from the
// kernel's ephemeral range, the one outgoing connections take their source ports from: a port freed after the check
// could be taken by any connection before the app binds it. These come from below that range, where neither an
// outgoing connection nor another listen(0) ever lands, and are never handed out twice in one process.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const given = new Set<number>();

// The range's low end (32768 on Linux by default); a system whose range starts low has no room below it.
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}
// HIVE_TEST_PORTS=<low>-<high> keeps a run's fixed ports in a range of its own (runs sharing a machine).
const range = /^(\d+)-(\d+)$/.exec(process.env.HIVE_TEST_PORTS ?? '');
const high = range ? Number(range[2]) : ephemeralLow() - 1;
const low = range ? Number(range[1]) : Math.max(10_000, high - 12_000);

function bindable(port: number, host: string): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function listenZero(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A free TCP port on `host` (with `span`, the first of that many free ports in a row: PM2's increment_var puts
 * instances on PORT, PORT + 1, ...). Distinct from every port given before in this process.
 */
export async function freePort(host = '127.0.0.1', span = 1): Promise<number> {
  if (!range && high - low < 1_000) return listenZero(host);
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 2 - span));
    const ports = Array.from({ length: span }, (_, i) => port + i);
    if (ports.some((p) => given.has(p))) continue;
    let free = true;
    for (const p of ports) free &&= await bindable(p, host);
    if (!free) continue;
    for (const p of ports) given.add(p);
    return port;
  }
  throw new Error(`no ${span} free port(s) in a row found on ${host} from ${low} to ${high}`);
}

/** `count` distinct free TCP ports on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort(host));
  return ports;
}
