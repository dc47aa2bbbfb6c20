// Helpers for the tests that run real nginx: start it as an ordinary child process under a temp prefix, start
// stand-in upstream hosts, make a self-signed certificate. Every process started here is stopped by `stop()`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { generateNginxConfig, type SiteInput } from '../../dist/edge/index.js';

// Kept importable from here: the nginx tests take all their helpers from this file.
export { makeCertificate } from '../tls-certificate.js';

import { freePort, freePorts } from '../ports.js';
import { makeCertificate as makeCertificateHere } from '../tls-certificate.js';

export const nginxBin = '/usr/sbin/nginx';
const upstreamScript = fileURLToPath(new URL('../fixtures/edge/upstream-server.js', import.meta.url));

/**
 * Why nginx tests are skipped, or false when they run. In CI a missing nginx is a failure, never a skip.
 */
export function nginxSkip(): string | false {
  if (existsSync(nginxBin)) return false;
  if (process.env.CI) throw new Error(`${nginxBin} is missing in CI: .ci/run must install nginx`);
  return `${nginxBin} not found: install nginx (apt-get install nginx) to run the edge tests against real nginx`;
}

/** The main-context paths every test nginx uses: everything inside its prefix. */
export const testMain = {
  workerProcesses: 1,
  pid: 'nginx.pid',
  errorLog: 'error.log',
  tempDir: 'tmp',
} as const;

export { freePort, freePorts };

/** A temp directory that nginx's unprivileged workers can traverse (nginx drops to `nobody` when run as root). */
export async function makePrefix(): Promise<string> {
  const prefix = await mkdtemp(join(tmpdir(), 'hive-edge-'));
  await chmod(prefix, 0o755);
  await mkdir(join(prefix, 'tmp'));
  return prefix;
}

/** Runs `nginx -t` on a config file; returns the exit status and nginx's output. */
export function nginxTest(prefix: string, conf: string): { status: number | null; output: string } {
  const result = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', conf, '-g', 'error_log stderr;'], {
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface RunningNginx {
  prefix: string;
  /** The master process's pid. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `config` with its production log paths (/var/log/nginx/...) moved into `prefix`/logs: `nginx -t` opens (and creates)
 * every log file a config names, and a test must not leave files outside its temp directory.
 */
export function withLocalLogs(config: string, prefix: string): string {
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  return config.replaceAll('/var/log/nginx/', `${join(prefix, 'logs')}/`);
}

/** Paths of the files the process `pid` and its children (nginx's workers) hold open; sockets and pipes left out. */
export async function openFiles(pid: number): Promise<string[]> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
  const files: string[] = [];
  for (const id of [String(pid), ...children]) {
    for (const fd of await readdir(`/proc/${id}/fd`)) {
      const target = await readlink(`/proc/${id}/fd/${fd}`).catch(() => '');
      if (target.startsWith('/')) files.push(target);
    }
  }
  return files;
}

/** Writes `config` into a fresh prefix, starts nginx in the foreground and waits until every port accepts. */
export async function startNginx(
  config: string,
  ports: readonly number[],
  prepare?: (prefix: string) => Promise<void>,
): Promise<RunningNginx> {
  const prefix = await makePrefix();
  await prepare?.(prefix);
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, config);
  const child = spawn(nginxBin, ['-p', prefix, '-c', conf, '-g', 'daemon off; master_process on; error_log stderr;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const running: RunningNginx = {
    prefix,
    pid: child.pid ?? 0,
    output: () => output,
    async stop() {
      await stopChild(child, 'SIGTERM');
      await rm(prefix, { recursive: true, force: true });
    },
  };
  try {
    for (const port of ports) await waitForPort(port, child, () => output);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`);
    }
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within 20 s:\n${output()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Sends `signal`, escalates to SIGKILL after 5 s, resolves when the process is gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export interface UpstreamHost {
  name: string;
  host: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a stand-in app host (test/fixtures/edge/upstream-server.js) on `host`, port 0 unless given. */
export async function startUpstream(name: string, host: string, port = 0): Promise<UpstreamHost> {
  const child = spawn(process.execPath, [upstreamScript, name, host, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const listening = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`upstream ${name} exited (${code}) before listening`)));
    setTimeout(() => reject(new Error(`upstream ${name} did not listen within 20 s`)), 20_000).unref();
  });
  return { name, host, port: listening, child, stop: () => stopChild(child, 'SIGTERM') };
}

/**
 * Opens a WebSocket to `url` (from `localAddress` when given), sends `message` once it is open and resolves with the
 * first reply. A lost frame rejects after 20 s, naming the client, rather than hanging the file until the runner's
 * timeout.
 */
export function wsEcho(url: string, message: string, localAddress?: string): Promise<string> {
  const socket = new WebSocket(url, localAddress === undefined ? {} : { localAddress });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${localAddress ?? 'client'}: no WebSocket reply in 20 s`)), 20_000);
    socket.once('open', () => socket.send(message));
    socket.once('message', (data) => resolve(String(data)));
    socket.once('error', reject);
  }).finally(() => {
    clearTimeout(timer);
    socket.close();
  });
}

/** The app's view of a request, as the stand-in upstream echoes it, and the response around it. */
export interface EchoResponse {
  /** The status line of a raw request, or the status code of an HTTP(S) one, as text. */
  status: string;
  headers: Record<string, unknown>;
  /** The JSON the upstream answered (its name and the request headers it saw), when it answered. */
  seen: { name: string; headers: Record<string, string> } | undefined;
}

// The upstream's JSON in a body that may come chunked: between its first "{" and last "}".
function echoed(body: string): EchoResponse['seen'] {
  const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
  return json ? (JSON.parse(json) as EchoResponse['seen']) : undefined;
}

/** Sends `head` as is on a new connection to 127.0.0.1:`port` (it should say `Connection: close`). */
export function rawRequest(port: number, head: string): Promise<EchoResponse> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      response += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [top = '', body = ''] = response.split('\r\n\r\n');
      resolve({ status: top.split('\r\n')[0] ?? '', headers: {}, seen: echoed(body) });
    });
    socket.connect(port, '127.0.0.1', () => socket.write(head));
  });
}

/** One GET / over HTTP or HTTPS (trusting `ca`, SNI localhost) to `address`:`port`, on a connection of its own. */
export function getOnce(address: string, port: number, ca?: string): Promise<EchoResponse> {
  const options = { host: address, port, path: '/', agent: false as const };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: String(res.statusCode ?? 0), headers: res.headers, seen: echoed(body) }));
    };
    const req = ca
      ? httpsRequest({ ...options, ca, servername: 'localhost' }, onResponse)
      : httpRequest(options, onResponse);
    req.once('error', reject);
    req.end();
  });
}

/** The answer of test/fixtures/edge/https-app.js through a proxy: its JSON on a 200. */
export interface HttpsAppReply {
  status: number;
  body: { pid: number; host: string; sni: string | null; remotePort: number } | undefined;
}

/** GET / from nginx on 127.0.0.1:`port` with `Host: <host>:<port>`, on a connection of its own. */
export function getHttpsAppReply(
  port: number,
  host: string,
  headers: Record<string, string> = {},
): Promise<HttpsAppReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/', agent: false, headers: { host: `${host}:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, body: status === 200 ? (JSON.parse(text) as HttpsAppReply['body']) : undefined });
        });
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/** One app behind a real nginx on a plain and a TLS port (see {@link startTlsSite}). */
export interface TlsSite {
  http: number;
  https: number;
  /** The self-signed certificate nginx serves, to trust in a client. */
  cert: string;
  stop(): Promise<void>;
}

/**
 * Starts a stand-in upstream on 127.0.0.2 and nginx in front of it, with one site `api` serving plain HTTP and HTTPS
 * (`redirect: false`) on two free ports: `listen` and `tls` fields given here go over those defaults.
 */
export async function startTlsSite(
  overrides: { listen?: Record<string, unknown>; tls?: Record<string, unknown> } = {},
): Promise<TlsSite> {
  const host = await startUpstream('h1', '127.0.0.2');
  const [http, https] = (await freePorts(2)) as [number, number];
  const certDir = await makePrefix();
  const files = makeCertificateHere(certDir);
  let nginx: RunningNginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await host.stop();
    await rm(certDir, { recursive: true, force: true });
  };
  try {
    const config = generateNginxConfig(
      {
        main: testMain,
        sites: [
          {
            app: 'api',
            listen: { address: '127.0.0.1', port: http, ...overrides.listen },
            upstream: { hosts: `${host.host}:${host.port}` },
            tls: { ...files, port: https, redirect: false, ...overrides.tls },
            accessLog: false,
          },
        ],
      },
      { shape: 'full' },
    );
    nginx = await startNginx(config, [http, https]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { http, https, cert: await readFile(files.cert, 'utf8'), stop };
}

/** One app behind a real nginx on a loopback port (see {@link startProxy}). */
export interface ProxiedSite {
  port: number;
  nginx: RunningNginx;
  stop(): Promise<void>;
}

/** A site of {@link startProxy} or {@link startUpstreamSites}: any {@link SiteInput} field, over the defaults. */
type SiteOverrides = Omit<SiteInput, 'app'> & { app?: string };

// nginx with a site per entry, each on a free 127.0.0.1 port of its own (in the order of the sites), named `api` and
// with no access log unless the entry says otherwise.
async function startSitesOnFreePorts(
  sites: readonly SiteOverrides[],
  edit: (config: string) => string = (config) => config,
): Promise<{ ports: number[]; nginx: RunningNginx }> {
  const ports = await freePorts(sites.length);
  const config = generateNginxConfig(
    {
      main: testMain,
      sites: sites.map((site, index) => ({
        app: 'api',
        accessLog: false,
        ...site,
        listen: { address: '127.0.0.1', port: ports[index], ...site.listen },
      })),
    },
    { shape: 'full' },
  );
  return { ports, nginx: await startNginx(edit(config), ports) };
}

/**
 * Starts nginx with one site `api` on a free 127.0.0.1 port, in a whole nginx.conf, no access log: `site` (its
 * upstream at least) goes over those defaults. `edit` changes the rendered config before nginx reads it, for a test
 * that needs what the generator refuses to write.
 */
export async function startProxy(
  site: SiteOverrides,
  edit: (config: string) => string = (config) => config,
): Promise<ProxiedSite> {
  const { ports, nginx } = await startSitesOnFreePorts([site], edit);
  return { port: ports[0]!, nginx, stop: () => nginx.stop() };
}

/** Stand-in hosts and nginx in front of them (see {@link startUpstreamSites}). */
export interface UpstreamSites {
  /** h1, h2, ... in the order of their addresses. A test that restarts one puts it back here, for stop() to stop. */
  hosts: UpstreamHost[];
  /** Each site's nginx port, in the order of the sites. */
  ports: number[];
  nginx: RunningNginx;
  stop(): Promise<void>;
}

/**
 * Starts stand-in upstream hosts h1, h2, ... on `addresses`, and nginx in front of them with a site per entry of
 * `sites` as {@link startProxy} has it: each on a free 127.0.0.1 port, its upstream every host (`maxFails: 0` so that a
 * slow machine takes none out; an entry's `upstream` fields go over that).
 */
export async function startUpstreamSites(
  addresses: readonly string[],
  sites: readonly (Omit<SiteOverrides, 'upstream'> & { upstream?: SiteInput['upstream'] })[],
): Promise<UpstreamSites> {
  const hosts: UpstreamHost[] = [];
  const stopHosts = () => Promise.all(hosts.map((host) => host.stop()));
  try {
    for (const [index, address] of addresses.entries()) hosts.push(await startUpstream(`h${index + 1}`, address));
    const upstream = { hosts: hosts.map((h) => `${h.host}:${h.port}`), maxFails: 0 };
    const { ports, nginx } = await startSitesOnFreePorts(
      sites.map((site) => ({ ...site, upstream: { ...upstream, ...site.upstream } })),
    );
    return {
      hosts,
      ports,
      nginx,
      stop: async () => {
        await nginx.stop();
        await stopHosts();
      },
    };
  } catch (error) {
    await stopHosts();
    throw error;
  }
}

/** One app behind a real nginx on one plain HTTP port (see {@link startPlainSite}). */
export interface PlainSite {
  port: number;
  nginx: RunningNginx;
  host: UpstreamHost;
  stop(): Promise<void>;
}

/**
 * Starts a stand-in upstream on 127.0.0.2 and nginx in front of it, with one site `api` on a free loopback port, no
 * access log unless `overrides` (site fields over those defaults) asks for one.
 */
export async function startPlainSite(overrides: Record<string, unknown> = {}): Promise<PlainSite> {
  const host = await startUpstream('h1', '127.0.0.2');
  try {
    const { port, nginx } = await startProxy({ upstream: { hosts: `${host.host}:${host.port}` }, ...overrides });
    return {
      port,
      nginx,
      host,
      stop: async () => {
        await nginx.stop();
        await host.stop();
      },
    };
  } catch (error) {
    await host.stop();
    throw error;
  }
}
