import { chmodSync, lstatSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeTemp } from '../../cluster/temp-file.js';
import { daemonAppSite } from '../../edge/daemon-app-site.js';
import { siteDrainKeepalive } from '../../edge/drain-keepalive.js';
import {
  checkRefinedBases,
  type EdgeArgs,
  edgeUsage,
  messageForFlags,
  messageForMainFlags,
  parseEdgeArgs,
  setByFlag,
} from '../../edge/edge-args.js';
import { edgeWarnings, mainWithoutFullWarning } from '../../edge/edge-warnings.js';
import { EdgeOptionError } from '../../edge/errors.js';
import { checkNginxConfig } from '../../edge/nginx-check.js';
import { generateNginxConfig } from '../../edge/nginx-config.js';
import type { MainInput, SiteInput } from '../../edge/options.js';
import { HiveError } from '../../errors.js';
import { helpHint } from '../../parse-args-message.js';
import { daemonAppIfAny, readDaemonApp } from '../daemon-app.js';
import { errorLine } from '../error-line.js';

/**
 * `hive edge nginx [options]`: prints or writes an nginx config for one app or every app of a config file. Every
 * option is validated (and with --check, the result passes `nginx -t`) before anything is written. Exit codes: 0
 * written, 1 nginx -t failed, the file could not be written or the daemon could not be asked, 2 bad input.
 */
export default async function edge(argv: string[]): Promise<number> {
  let args: EdgeArgs;
  let config: string;
  let fromFlags = false;
  let apps: string[] = [];
  let source: FlagSource | undefined;
  let fromFile = false;
  try {
    args = parseEdgeArgs(argv);
    fromFlags = args.config === undefined;
    source = { flags: args.main, site: args.site, file: args.config };
    if (args.help) {
      process.stdout.write(`${edgeUsage}\n`);
      return 0;
    }
    // One line, as every usage error: the whole usage on stderr buried what was missing.
    if (args.target === undefined) throw new EdgeOptionError('argv', 'missing target (expected: nginx)');
    if (args.target !== 'nginx') {
      throw new EdgeOptionError('argv', `unknown target ${JSON.stringify(args.target)} (expected: nginx)`);
    }
    if (args.out !== undefined) checkOutDir(resolve(args.out));
    fromFile = args.config !== undefined;
    const { main, sites, fileMain, drainIdleGraces, drainWarnings } = await selectConfig(args);
    apps = sites.map((site) => site.app);
    config = generateNginxConfig({ main, sites }, { shape: args.full ? 'full' : 'site' });
    const accessLogFlag = args.site.accessLog !== undefined;
    const warnings = [...drainWarnings, ...edgeWarnings(sites, { accessLogFlag, drainIdleGraces })];
    // The flags of the main context are refused without --full; the file's are the user's standing settings, so
    // they are kept out of a conf.d file, but not in silence.
    if (!args.full && args.config !== undefined) warnings.unshift(...mainWithoutFullWarning(args.config, fileMain));
    for (const warning of warnings) process.stderr.write(`hive edge: warning: ${warning}\n`);
  } catch (error) {
    // A value of the file is the file's to fix (the options would not help); a flag's, even over a file, the flag's.
    printError(error, fromFlags, apps, source, fromFile && !flagCaused(error, source) ? '' : helpHint(error, 'edge'));
    // No daemon to ask (none runs, it does not answer, another build), or a HIVE_HOME not safe to ask one in: not bad
    // input, and the flags would not help.
    if (
      error instanceof HiveError &&
      (error.code.startsWith('ERR_HIVE_DAEMON_') || error.code === 'ERR_HIVE_HOME_UNSAFE')
    ) {
      return 1;
    }
    return 2;
  }
  if (args.check) {
    try {
      await checkNginxConfig(config, args.full ? 'full' : 'site');
    } catch (error) {
      printError(error);
      return 1;
    }
  }
  if (args.out === undefined) {
    process.stdout.write(config);
    return 0;
  }
  // Write beside the target and rename, so nginx (or a reload) never reads a half-written file. The temp's name is
  // random and never a link followed: `sudo hive edge nginx --out` into a folder others can write would otherwise
  // write through a link planted at a name guessed from the pid. 0666 under the umask, as a plain write made it; a
  // file replaced keeps its mode (a 0640 config stays 0640), as an editor's save keeps it.
  const out = resolve(args.out);
  let temp: string | undefined;
  try {
    const replaced = lstatSync(out, { throwIfNoEntry: false });
    temp = writeTemp(out, config, 0o666);
    if (replaced?.isFile()) chmodSync(temp, replaced.mode & 0o7777);
    await rename(temp, out);
  } catch (error) {
    if (temp !== undefined) await rm(temp, { force: true });
    printError(error);
    return 1;
  }
  process.stderr.write(`hive edge: wrote ${out}\n`);
  return 0;
}

// Bad input like any other flag's (exit 2, before anything is rendered): without it the write failed on the temp
// file's name, which the user never typed.
function checkOutDir(out: string): void {
  const dir = dirname(out);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new EdgeOptionError('out', `--out: the directory ${dir} does not exist (create it first)`);
  }
  // rename() onto a directory fails with a bare EISDIR only after rendering: say which file to name instead.
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
    throw new EdgeOptionError('out', `--out: ${out} is a directory: name the file to write, such as ${out}/app.conf`);
  }
}

/** The sites to render, and what the warnings need to know of them. */
interface SelectedConfig {
  main: MainInput;
  sites: SiteInput[];
  /** The config file's main context alone (the flags' left out). */
  fileMain: MainInput;
  /** The apps' drain idle graces, in ms (a config file's apps that set one, or the daemon's app of --app). */
  drainIdleGraces: ReadonlyMap<string, number>;
  /** Sites left with no upstream keep-alive by their app's grace. */
  drainWarnings: string[];
}

// The file's main context with the flags over it, key by key. Each app's keep-alive is fitted to its drain idle grace
// after the flags are merged: a `--keepalive-timeout` is as much the user's choice as the file's.
async function selectConfig(args: EdgeArgs): Promise<SelectedConfig> {
  const { main, sites, drainIdleGraces, fileMain } =
    args.config === undefined
      ? { main: args.main, fileMain: {}, ...(await selectSites(args)) }
      : await fileConfig(args, args.config);
  const fitted = sites.map((site) => siteDrainKeepalive(site, drainIdleGraces.get(site.app)));
  return {
    main,
    sites: fitted.map(({ site }) => site),
    fileMain,
    drainIdleGraces,
    drainWarnings: fitted.flatMap(({ warning }) => (warning === undefined ? [] : [warning])),
  };
}

async function fileConfig(args: EdgeArgs, file: string): Promise<Omit<SelectedConfig, 'drainWarnings'>> {
  // Loaded here: the config loader (yaml, the apps' schema, TypeScript configs) is a third of the command's start-up,
  // which a run from flags alone does without.
  const { loadEdgeConfig } = await import('../../edge/app-config.js');
  const { main, sites, drainIdleGraces } = await loadEdgeConfig(file, args.app);
  return { main: { ...main, ...args.main }, sites: mergeSites(args, sites), fileMain: main, drainIdleGraces };
}

// Without a file: the daemon's app (`--app`), whose drain idle grace the daemon tells, or the flags' site alone.
async function selectSites(args: EdgeArgs): Promise<Pick<SelectedConfig, 'sites' | 'drainIdleGraces'>> {
  if (args.app === undefined) return { sites: [{ ...args.site, app: 'app' }], drainIdleGraces: new Map() };
  const { site, drainIdleGrace } = await daemonSite(args.app, args.site);
  const graces = new Map<string, number>();
  if (drainIdleGrace !== undefined) graces.set(site.app, drainIdleGrace);
  return { sites: [site], drainIdleGraces: graces };
}

function mergeSites(args: EdgeArgs, sites: SiteInput[]): SiteInput[] {
  if (sites.length > 1 && args.perAppFlags.length > 0) {
    throw new EdgeOptionError(
      'app',
      `${args.perAppFlags.join(', ')} ${args.perAppFlags.length === 1 ? 'applies' : 'apply'} to one app: add --app <name> (${sites.map((s) => s.app).join(', ')})`,
    );
  }
  const { upstream, ...flags } = args.site;
  return sites.map((site) => {
    const merged = { ...site.upstream, ...upstream };
    // `--upstream-ca` over a file's `upstream.tls: { name }` keeps the name, as --tls-port keeps the file's cert.
    if (isObject(site.upstream?.tls) && isObject(upstream.tls)) merged.tls = { ...site.upstream.tls, ...upstream.tls };
    // `--port` names the local server, which a file's socket would otherwise stand in for: the flag wins.
    if (upstream.port !== undefined && upstream.socket === undefined) delete merged.socket;
    const result = { ...mergeFlags(site, flags), upstream: merged };
    if (args.config !== undefined) checkRefinedBases(flags, result, args.config);
    return result;
  });
}

/**
 * `--app <name>` alone: the app as the daemon runs it, the flags over it. Flags that name the upstream (`--port`,
 * `--socket`, `--hosts`) make a site without a daemon, as before there was one to ask: no daemon, one without the
 * app, or one that cannot be asked (another build, no answer) is an error only when the daemon's word is needed.
 */
async function daemonSite(
  name: string,
  site: EdgeArgs['site'],
): Promise<{ site: SiteInput; drainIdleGrace?: number | undefined }> {
  const { upstream } = site;
  const flagsSuffice = upstream.port !== undefined || upstream.socket !== undefined || upstream.hosts !== undefined;
  const warn = (warning: string) => process.stderr.write(`hive edge: warning: ${warning}\n`);
  const app = flagsSuffice
    ? await daemonAppIfAny(readDaemonApp(name), name, 'edge', 'the site is made of the flags alone')
    : await readDaemonApp(name);
  if (app === undefined) return { site: { ...site, app: name } };
  return { site: daemonAppSite(app, site, warn), drainIdleGrace: app.drainIdleGrace ?? undefined };
}

/**
 * The file's site with the flags over it, object by object: `--listen 8081` sets `listen.port` and keeps the file's
 * `listen.address`, as `--read-timeout` keeps its other timeouts and `--tls-cert` its TLS port and HSTS. A flag's
 * object replaces a value that is not one (`rateLimit: false`).
 */
function mergeFlags(site: SiteInput, flags: Partial<SiteInput>): SiteInput {
  const merged: Record<string, unknown> = { ...site };
  for (const [key, value] of Object.entries(flags)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return merged as unknown as SiteInput;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the options came from: the flags, over the config file's (`edge.main`, its apps' sites). */
interface FlagSource {
  flags: EdgeArgs['main'];
  site: EdgeArgs['site'];
  file: string | undefined;
}

// A main-context error names the flag that set the value, else the config file's key.
function mainMessage(message: string, key: string, source: FlagSource | undefined): string {
  const option = key.slice('main.'.length);
  if (source?.file === undefined || option in source.flags) return messageForMainFlags(message, key);
  return message.replace(key, `${source.file}: edge.${key}`);
}

// The keys of the errors that only flags cause once a config file is read: `--app` naming none of its apps, a
// per-app flag over many apps, a TLS or rate-limit refinement with nothing to refine.
const kFlagOnlyKeys = new Set(['app', 'tls', 'rateLimit']);

/** Whether `error` is about a value a flag set over the config file (a site's or the main context's). */
function flagCaused(error: unknown, source: FlagSource | undefined): boolean {
  const key = (error as { key?: unknown } | null)?.key;
  if (source === undefined || typeof key !== 'string') return false;
  if (kFlagOnlyKeys.has(key)) return true;
  if (key.startsWith('main.')) return key.slice('main.'.length) in source.flags;
  return setByFlag(source.site, key);
}

// The library's message names upstream.port and upstream.socket: from the command line, the flags that set them.
const kNoUpstreamFlags =
  'nothing to proxy to: give --port <port> (the local cluster port) or --socket <path> (its Unix socket), and/or ' +
  '--hosts <a:p,b:p> (other hosts running the app); or --app <name> alone for an app the daemon runs';

/**
 * Prints an error, naming the flag (`fromFlags`) or the app of the config file (`apps`) where it can, and a usage
 * error's `hint` at the end of its line.
 */
function printError(
  error: unknown,
  fromFlags = false,
  apps: readonly string[] = [],
  source?: FlagSource,
  hint = '',
): void {
  if (error instanceof HiveError) {
    const key = (error as HiveError & { key?: unknown }).key;
    let message = error.message;
    if (typeof key === 'string' && key.startsWith('main.')) message = mainMessage(message, key, source);
    else if (fromFlags && error.code === 'ERR_HIVE_EDGE_NO_UPSTREAM') message = kNoUpstreamFlags;
    else if (typeof key === 'string' && fromFlags) message = messageForFlags(message, key);
    // With --config, sites[i] is the i-th app served, not the i-th of the file: name the app instead, and the flag
    // that set the value over the file's.
    else if (typeof key === 'string' && source !== undefined && setByFlag(source.site, key)) {
      message = messageForFlags(message, key, apps[Number(/^sites\[(\d+)\]/.exec(key)?.[1])]);
    } else if (typeof key === 'string') {
      message = message.replace(/^sites\[(\d+)\]\./, (whole, index: string) => {
        const app = apps[Number(index)];
        if (app === undefined) return whole;
        // The file's value: name the file, as every bad config does.
        return `${source?.file === undefined ? '' : `${source.file}: `}app ${JSON.stringify(app)}: `;
      });
    }
    process.stderr.write(errorLine('edge', error, message, hint));
  } else process.stderr.write(errorLine('edge', error));
}
