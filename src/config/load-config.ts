import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { closestName } from '../closest-name.js';
import { assertMemoryReports, clusterNodeArgs, portEnvConflict } from '../cluster/option-checks.js';
import { parseDuration, parseSize } from '../cluster/units.js';
import { envKeySuffix, envVariableProblem, PROTO_ENV_NAME } from '../env-variable.js';
import { describeValue } from '../errors.js';
import { loadTypeScript } from '../load-typescript.js';
import { logicalPath } from '../logical-path.js';
import { withFreshRequires } from '../require-cache-scope.js';
import { meantKeyHint } from '../schema-keys.js';
import { type AppsPlace, appKey, kAppsList } from './app-key.js';
import { type AppConfig, appKeys, configSchema, envValue, type HiveConfig } from './app-schema.js';
import { configFormat } from './config-file-name.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { appsKeyHint, unknownFileKeys, unknownFileKeysToo } from './file-keys.js';
import { withHomePaths } from './home-path.js';
import { isEsmSyntaxInCommonJs, withLoadOutput } from './load-output.js';
import {
  camelHint,
  fromPm2App,
  pm2AppKeys,
  pm2Conflict,
  pm2DeployEnvs,
  pm2Name,
  pm2Unsupported,
  withDeployEnvs,
} from './pm2-compat.js';
import { argList } from './supervisor-options.js';
import { jsonLocation, loadFailure, moduleLocation } from './syntax-location.js';

/** A config file, read and validated. */
export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  /** `hive` for `hive.config.*`, `pm2` (translated) for ecosystem and other config files (see configFormat). */
  format: 'hive' | 'pm2';
  /** Apps with `cwd` made absolute (relative to the file's folder). */
  apps: AppConfig[];
  /** Keys accepted but not acted on (PM2 keys Hive ignores), each with why. */
  warnings: string[];
  /** The file's `edge` object (options of `hive edge nginx` for the whole file), as written. */
  edge?: HiveConfig['edge'];
  /** Where the file holds its apps (a list unless said), to name an app's key as the file has it (appKey). */
  place?: AppsPlace;
  /** Per app (by index), each Hive key written otherwise in the file (`maxMemoryRestart`: `max_memory_restart`). */
  writtenKeys?: readonly (Readonly<Record<string, string>> | undefined)[];
}

/** Options of {@link loadConfig}. */
export interface LoadOptions {
  /**
   * The Node.js version the apps' processes run on, asked only when a warning names it: the daemon's (`hive start`
   * asks it, cli/daemon-node.ts), which may not be the one loading the file. Default: this process's. Undefined:
   * not known, and the warning names no version.
   */
  appsNode?: () => Promise<string | undefined>;
}

/** Reads, translates (PM2) and validates a config file. Every error names the file, the app and the key. */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  // Symlinks kept: the apps' folders are the file's (`current/`, a deploy's link), so that each start follows the link.
  const file = logicalPath(path);
  const raw = await readConfigFile(file);
  let loaded: Loaded;
  try {
    loaded = fromContent(file, raw);
  } catch (error) {
    if (error instanceof ConfigError) error.content = raw;
    throw error;
  }
  const { appsNode = async () => process.version } = options;
  const node = loaded.warnings.some((w) => typeof w === 'function') ? await appsNode() : undefined;
  return { ...loaded, warnings: loaded.warnings.map((w) => (typeof w === 'function' ? w(node) : w)) };
}

/** A warning, or one that names the Node.js the apps run on (given once known). */
type Warning = string | ((node: string | undefined) => string);

/** A loaded config whose warnings are not all words yet. */
type Loaded = Omit<LoadedConfig, 'warnings'> & { warnings: Warning[] };

/** Translates (PM2) and validates what a config file held. */
function fromContent(file: string, raw: unknown): Loaded {
  const format = configFormat(file);
  const source = format === 'pm2' ? pm2Source(raw) : raw;
  const place = format === 'pm2' ? appsPlace(raw) : kAppsList;
  // "apps[0] (api).instances" of a file with no apps list (a process.json that is the app) sent the reader looking.
  const label = (app: unknown, i: number, key: string) =>
    appKey(place, i, isObject(app) && typeof app.name === 'string' && app.name !== '' ? app.name : undefined, key);
  // Every problem of the file, so that one run names them all (a 40-app file with three bad apps named only the first);
  // thrown together once the checks that can run have run, the first as the one error was before.
  const problems: ConfigIssue[] = [];
  const add = (key: string | undefined, message: string) => problems.push({ key, message });
  checkEnvKeys(isObject(source) ? source.apps : undefined, label, add);
  // The deploy targets whose env has a problem: the schema would name it again under each app's `env_<target>`.
  const badTargets = new Set<string>();
  const warnings: Warning[] = [];
  let content = source;
  // Per app, Hive key -> the PM2 key written in the file, for error messages.
  const written: Record<string, string>[] = [];
  if (format === 'pm2' && isObject(source)) {
    const { apps, deploy, ...rest } = source;
    for (const [i, app] of (Array.isArray(apps) ? apps : []).entries()) {
      const conflict = isObject(app) ? pm2Conflict(app) : undefined;
      if (conflict) {
        const [first, second] = conflict;
        add(label(app, i, second), `sets the same option as \`${first}\`; keep one`);
      }
    }
    checkDeployEnvKeys(deploy, (target, key, message) => {
      badTargets.add(target);
      add(key, message);
    });
    const deployEnvs = pm2DeployEnvs(deploy, (key) =>
      warnings.push(`${file}: ${key}: undefined (unset where the file was loaded?), so not set, as in PM2`),
    );
    if (deploy !== undefined) {
      const targets = Object.keys(deployEnvs).map((target) => `deploy.${target}.env under --env ${target}`);
      const envs = targets.length === 0 ? '' : `; its env applies as in PM2, under an app's env: ${targets.join(', ')}`;
      warnings.push(`${file}: deploy: PM2 deploy is not supported (use \`hive deploy\` recipes)${envs}`);
    }
    content = {
      ...rest,
      apps: Array.isArray(apps)
        ? apps.map((app, i) =>
            isObject(app)
              ? fromPm2App(
                  withDeployEnvs(app, deployEnvs),
                  (key, why) => warnings.push(`${file}: ${label(app, i, key)}: ignored: ${why}`),
                  (hiveKey, pm2Key) => {
                    written[i] = { ...written[i], [hiveKey]: pm2Key };
                  },
                )
              : app,
          )
        : apps,
    };
  }
  // `hive start data.json` reads any .json as a config file (as PM2 does): one that is not says so by its file.
  if (!isObject(content) || content.apps === undefined) {
    const hint = appsKeyHint(content);
    add(undefined, `no \`apps\` list, so not a config file (expected { apps: [...] })${hint}`);
    throw ConfigError.of(file, problems);
  }
  const parsed = configSchema.safeParse(content);
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    // zod lists the file's own unknown keys after its apps' issues: `{ apps: [], extra: 1 }` named only the first.
    const fileKeysIssue = rest.find((issue) => issue.code === 'unrecognized_keys' && issue.path.length === 0);
    const too = fileKeysIssue?.code === 'unrecognized_keys' ? unknownFileKeysToo(fileKeysIssue.keys, format) : '';
    const others = rest.filter((issue) => issue !== fileKeysIssue);
    // Those of the checks above said once, by the key the file has.
    const said = new Set(problems.map((problem) => problem.key));
    for (const [n, issue] of [first!, ...others].entries()) {
      const key = issue.path[2];
      if (typeof key === 'string' && key.startsWith('env_') && badTargets.has(key.slice(4))) continue;
      const problem = issueError(content, issue, format, written, label, n === 0 ? too : '');
      if (!said.has(problem.key)) problems.push(problem);
    }
    throw ConfigError.of(file, problems);
  }
  if (problems.length > 0) throw ConfigError.of(file, problems);
  // Each name, at the index of the app that has it first.
  const names = new Map<string, number>();
  for (const [i, app] of parsed.data.apps.entries()) {
    const before = names.get(app.name);
    if (before !== undefined) {
      // The first app of the name too: "apps[21].name: used twice" left the other to be looked for in a long file.
      const also = appKey(place, before, undefined, 'name');
      add(appKey(place, i, undefined, 'name'), `the name "${app.name}" is used twice (also ${also})`);
    } else names.set(app.name, i);
    const sourceApps = isObject(source) && Array.isArray(source.apps) ? source.apps : [];
    checkPortEnvs(app, sourceApps[i], (key) => appKey(place, i, app.name, key), written[i]?.port ?? 'port', add);
    // An interpreter makes the app a fork-mode one (cli/fork-command.ts), which a cluster mode the file asked for did
    // not say: PM2 runs a cluster app with its own node and ignores `interpreter` (an nvm node path is a common one).
    // A node there is ignored as PM2 ignores it: in fork mode each process would listen on the port itself, and all
    // but the first crash-loop on EADDRINUSE. Any other (bun) keeps fork mode, said in a warning.
    // PM2 takes `instances` without `exec_mode` as cluster mode for a node (or bun) interpreter only
    // (Common.sink.determineExecMode): with python3, bash or none it runs fork mode too, as Hive does.
    const clusterAsked =
      app.execMode === 'cluster' ||
      (format === 'pm2' && app.execMode === undefined && /(node|bun)$/.test(basename(app.interpreter ?? 'node')));
    if (clusterAsked && app.interpreter !== undefined && app.interpreter !== 'node') {
      const key = written[i]?.interpreter ?? 'interpreter';
      const asked =
        app.execMode === 'cluster'
          ? `${written[i]?.execMode ?? 'execMode'} cluster`
          : 'instances (cluster mode in PM2)';
      const at = `${file}: ${appKey(place, i, app.name, key)}`;
      if (/^node(js)?$/.test(basename(app.interpreter))) {
        const interpreter = app.interpreter;
        // The daemon's node, which is not this one's after `hive update` run with another.
        warnings.push(
          (node) =>
            `${at}: "${interpreter}" is ignored under ${asked}, as PM2 ignores it: the processes run on the ` +
            `Node.js that runs the Hive daemon${node === undefined ? '' : ` (${node})`}, under the Hive primary ` +
            'that shares the port; say fork mode to run them on that node, each listening on the port itself',
        );
        delete (app as { interpreter?: string }).interpreter;
      } else {
        warnings.push(
          `${at}: "${app.interpreter}" runs the app in fork mode, over ${asked}: cluster mode is node under the ` +
            'Hive primary, which shares the port, while each fork-mode process listens on the port itself; drop the ' +
            'interpreter for cluster mode, or say fork',
        );
      }
    }
    for (const [hiveKey, what] of Object.entries(booleanOrText)) {
      const value = app[hiveKey as keyof typeof booleanOrText];
      if (value !== 'true' && value !== 'false') continue;
      const key = written[i]?.[hiveKey] ?? hiveKey;
      warnings.push(
        `${file}: ${appKey(place, i, app.name, key)}: "${value}" is a string, so it is taken as ${what} (as PM2 ` +
          `takes it); write ${value} without quotes for the boolean`,
      );
    }
    // The check hive run makes of a cluster app's node flags, here where the file and the key can be named.
    if (app.nodeArgs !== undefined && !isForkMode(app) && nodeEntry.test(app.script)) {
      try {
        clusterNodeArgs(argList(app.nodeArgs));
      } catch (error) {
        const key = written[i]?.nodeArgs ?? 'nodeArgs';
        const why = (error as Error).message.replace(/^`nodeArgs` /, '');
        add(appKey(place, i, app.name, key), why);
      }
    }
    // hive run's memory-report rule, here where the file and the key can be named (the schema checked both values).
    if (app.maxMemoryRestart !== undefined && app.memoryReportInterval !== undefined && !isForkMode(app)) {
      try {
        assertMemoryReports(
          parseSize(app.maxMemoryRestart, 'maxMemoryRestart'),
          parseDuration(app.memoryReportInterval, 'memoryReportInterval'),
        );
      } catch {
        const key = written[i]?.memoryReportInterval ?? 'memoryReportInterval';
        const limit = written[i]?.maxMemoryRestart ?? 'maxMemoryRestart';
        add(
          appKey(place, i, app.name, key),
          `0 turns memory reports off, which ${limit} needs: give an interval (1s), or drop ${limit}`,
        );
      }
    }
    for (const [hiveKey, why] of Object.entries(forkOnly)) {
      if (!app[hiveKey as keyof typeof forkOnly] || isForkMode(app)) continue;
      const key = written[i]?.[hiveKey] ?? hiveKey;
      warnings.push(`${file}: ${appKey(place, i, app.name, key)}: ignored: ${why}`);
    }
  }
  if (problems.length > 0) throw ConfigError.of(file, problems);
  const base = dirname(file);
  const apps = parsed.data.apps.map((app) => {
    const paths = withHomePaths(app);
    return { ...paths, cwd: resolve(base, paths.cwd ?? '.') } as AppConfig;
  });
  return {
    file,
    format,
    apps,
    warnings,
    ...(parsed.data.edge && { edge: parsed.data.edge }),
    place,
    writtenKeys: written,
  };
}

/**
 * A PM2 file's content in Hive's shape, `{ apps: [...] }`, as PM2 reads the file (API._startJson): its `apps`, else
 * its `pm2` (an older name), else the whole file as one app (a `process.json` of one app, with a `script`); one app
 * object is a list of one, and a bare array is the list. Anything else is left for the "no `apps` list" error.
 */
export function pm2Source(raw: unknown): unknown {
  if (Array.isArray(raw)) return { apps: raw };
  if (!isObject(raw)) return raw;
  const list = (apps: unknown) => (isObject(apps) ? [apps] : apps);
  if (raw.apps !== undefined) return { ...raw, apps: list(raw.apps) };
  if (raw.pm2 !== undefined) {
    const { pm2, ...rest } = raw;
    return { ...rest, apps: list(pm2) };
  }
  if (raw.script === undefined) return raw;
  const { deploy, ...app } = raw;
  return { apps: [app], ...(deploy !== undefined && { deploy }) };
}

/** Where pm2Source found a PM2 file's apps. */
function appsPlace(raw: unknown): AppsPlace {
  if (!isObject(raw)) return kAppsList;
  const key = raw.apps !== undefined ? 'apps' : raw.pm2 !== undefined ? 'pm2' : undefined;
  if (key !== undefined) return { shape: isObject(raw[key]) ? 'object' : 'list', key };
  if (raw.script === undefined) return kAppsList;
  return typeof raw.name === 'string' && raw.name !== '' ? { shape: 'file', name: raw.name } : { shape: 'file' };
}

/**
 * An app's `env` and `env_<name>` variables that cannot reach it (env-variable.ts: `__proto__`, an empty name, one
 * with `=` or a NUL byte, a NUL in a value), and an own `__proto__` app key (JSON and YAML make one): the translation
 * and the schema build objects that take `__proto__` as their prototype, so it would vanish (an app's `__proto__`
 * object would even lend the app its keys). Checked on the file as read, before either, in every format.
 */
function checkEnvKeys(apps: unknown, label: AppLabel, add: AddIssue): void {
  if (!Array.isArray(apps)) return;
  for (const [i, app] of apps.entries()) {
    if (!isObject(app)) continue;
    if (Object.hasOwn(app, PROTO_ENV_NAME))
      add(label(app, i, PROTO_ENV_NAME), 'unknown key: not a Hive or PM2 app option');
    for (const [key, env] of Object.entries(app)) {
      if ((key !== 'env' && !key.startsWith('env_')) || !isObject(env)) continue;
      for (const [name, value] of Object.entries(env)) {
        const problem = envVariableProblem(name, value);
        if (problem !== undefined) add(label(app, i, `${key}${envKeySuffix(name)}`), problem);
      }
    }
  }
}

/**
 * An app's `port` beside a PORT of its own `env` or `env_<name>` that names another port (cluster/option-checks.ts's
 * rule, that of `hive run --port` with `-e PORT=`): the processes would get `port`, the other dropped without a word.
 * Refused at load, for every command that reads the file (start, reload, startOrReload, edge), under whichever `--env`:
 * a PORT that `port` overrides is wrong in the file whichever environment is picked. A PM2 deploy target's env, which
 * withDeployEnvs folds into `env_<name>`, is left out: it lies under the app's own settings (its `env` overrides it
 * too), so `port` is the app's word over it. `sourceApp` is the app as the file has it, to tell the two apart.
 */
function checkPortEnvs(
  app: { port?: number | undefined },
  sourceApp: unknown,
  key: (key: string) => string,
  portKey: string,
  add: AddIssue,
): void {
  if (app.port === undefined || !isObject(sourceApp)) return;
  for (const [envKey, env] of Object.entries(app)) {
    if (envKey !== 'env' && !envKey.startsWith('env_')) continue;
    const own = sourceApp[envKey];
    // The loaded value (one left undefined in a PM2 file is dropped by then), where the file's own object has PORT.
    if (!isObject(env) || !Object.hasOwn(env, 'PORT') || !isObject(own) || !Object.hasOwn(own, 'PORT')) continue;
    const envPort = String(env.PORT);
    const conflict = portEnvConflict(app.port, envPort);
    if (conflict !== undefined) {
      add(key(`${envKey}.PORT`), `${envPort} and \`${portKey}\` ${app.port} ${conflict}`);
    }
  }
}

/** The variables of a PM2 `deploy` section's target envs (pm2DeployEnvs), checked as an app's `env` is. */
function checkDeployEnvKeys(deploy: unknown, add: (target: string, key: string, message: string) => void): void {
  if (!isObject(deploy)) return;
  for (const [target, conf] of Object.entries(deploy)) {
    if (!isObject(conf) || !isObject(conf.env)) continue;
    for (const [name, value] of Object.entries(conf.env)) {
      const key = `deploy.${target}.env${envKeySuffix(name)}`;
      const problem = envVariableProblem(name, value);
      if (problem !== undefined) {
        add(target, key, problem);
        continue;
      }
      // Here, by the key the file has: folded into the apps' `env_<target>` (pm2DeployEnvs: of a target `--env` can
      // pick; an undefined value dropped with a warning, an object or null set as its JSON, as in PM2), the schema
      // would name a key the file lacks.
      const folded = value !== undefined && typeof value !== 'object' && /^[A-Za-z0-9_-]+$/.test(target);
      const parsed = folded ? envValue.safeParse(value) : undefined;
      if (parsed?.success === false) add(target, key, parsed.error.issues[0]!.message);
    }
  }
}

const moduleCache = createRequire(import.meta.url).cache;
let loads = 0;

async function readConfigFile(file: string): Promise<unknown> {
  const ext = extname(file);
  let text: string | undefined;
  if (['.json', '.yaml', '.yml'].includes(ext)) {
    try {
      // A leading byte order mark (Windows editors write one) is no JSON: PM2's JavaScript read and YAML skip it too.
      text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? (cause as Error).message})`;
      throw new ConfigError(file, undefined, why, { cause });
    }
  }
  try {
    if (ext === '.json') return JSON.parse(text!);
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text!);
  } catch (cause) {
    const message = (cause as Error).message;
    const where = ext === '.json' ? jsonLocation(text!, message) : undefined;
    const detail = `${message}${where ? ` (${where})` : ''}`;
    const hint = ext === '.json' && configFormat(file) === 'pm2' && isObjectLiteral(text!) ? pm2JsonHint : '';
    throw new ConfigError(file, undefined, `not valid ${ext === '.json' ? 'JSON' : 'YAML'}${hint}: ${detail}`, {
      cause,
    });
  }
  if (!existsSync(file)) throw new ConfigError(file, undefined, 'no such file');
  try {
    if (['.ts', '.mts', '.cts'].includes(ext)) {
      return unwrapDefault(await withLoadOutput(() => loadTypeScript(file, import.meta.url, true)));
    }
    if (['.js', '.mjs', '.cjs'].includes(ext)) {
      // A file loaded before must be read again (it may have changed): Node caches ES modules by URL, CommonJS ones by
      // path, so a fresh query, and the require cache entries of the load (the file's, those of what it requires)
      // dropped after it. Config files are small and loaded rarely.
      delete moduleCache[file];
      const url = `${pathToFileURL(file).href}?hive-load=${++loads}`;
      return unwrapDefault(await withLoadOutput(() => withFreshRequires(() => import(url))));
    }
  } catch (cause) {
    const message = loadFailure(cause);
    // PM2 users' files are CommonJS; in a "type": "module" package, .js means ESM.
    const hint = /module is not defined|require is not defined/.test(message)
      ? ' (rename it to .cjs)'
      : // And the other way round: ESM syntax in a .js file of a CommonJS package.
        isEsmSyntaxInCommonJs(message)
        ? ' (ES module syntax in a CommonJS file: rename it to .mjs)'
        : '';
    const where = moduleLocation(cause, file);
    throw new ConfigError(file, undefined, `failed to load${hint}: ${message}${where ? ` (${where})` : ''}`, { cause });
  }
  throw new ConfigError(file, undefined, 'expected a .ts, .mts, .cts, .js, .mjs, .cjs, .json, .yaml or .yml file');
}

// PM2 reads a .json config file as a JavaScript expression (Common.parseConfig: vm.runInThisContext), so comments,
// trailing commas and unquoted or single-quoted keys, which JSON has none of, pass there.
const pm2JsonHint =
  ' (PM2 reads a .json file as a JavaScript object, where comments, trailing commas and unquoted keys pass; JSON has ' +
  'none of them: remove them, or make the file a .config.cjs one with `module.exports = ` before the object)';

/** Whether `text` compiles as a JavaScript expression in parentheses (it is not run). */
function isObjectLiteral(text: string): boolean {
  try {
    new Script(`(${text}\n)`);
    return true;
  } catch {
    return false;
  }
}

function unwrapDefault(mod: unknown): unknown {
  const value = (mod as { default?: unknown }).default ?? mod;
  // A CommonJS module loaded through tsx/ESM interop can arrive as { default: { apps } } twice over.
  return isObject(value) && !('apps' in value) && isObject(value.default) ? value.default : value;
}

function issueError(
  content: unknown,
  issue: z.core.$ZodIssue,
  format: 'hive' | 'pm2',
  written: readonly (Record<string, string> | undefined)[],
  label: AppLabel,
  too = '',
): ConfigIssue {
  if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
    return unknownFileKeys(issue.keys, format);
  }
  // A union branch of the right type that failed inside (`args: ['--port', 3000]`) says what is wrong, and where.
  const inner =
    issue.code === 'invalid_union'
      ? issue.errors.find((b) => b.length > 0 && b.every((e) => e.path.length > 0))
      : undefined;
  if (inner)
    return issueError(content, { ...inner[0]!, path: [...issue.path, ...inner[0]!.path] }, format, written, label, too);
  const path = [...issue.path];
  const pm2Key = typeof path[1] === 'number' && typeof path[2] === 'string' ? written[path[1]]?.[path[2]] : undefined;
  if (pm2Key !== undefined) path[2] = pm2Key;
  let key = pathKey(path);
  // Name the app too, as the file has it: "apps[1] (worker).instances".
  if (path[0] === 'apps' && typeof path[1] === 'number' && path.length > 2) {
    key = label((content as { apps?: unknown[] }).apps?.[path[1]], path[1], pathKey(path.slice(2)));
  }
  const last = path.at(-1);
  let message =
    issue.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.map((key) => `${key}${meantKeyHint(configSchema, issue.path, key)}`).join(', ')}`
      : issue.message;
  // zod's own words for these ("Invalid input") name neither what was expected nor what was found.
  const value = issue.path.reduce<unknown>(
    (at, part) => (isObject(at) || Array.isArray(at) ? (at as never)[part] : undefined),
    content,
  );
  if (issue.code === 'invalid_type' && value === undefined) message = `required (expected ${issue.expected})`;
  // zod's "Invalid input: expected string, received number" said as the unions' errors are: the value itself.
  else if (issue.code === 'invalid_type' && message.startsWith('Invalid input'))
    message = `expected ${issue.expected}, got ${describeValue(value)}`;
  const expected = issue.code === 'invalid_union' && message === 'Invalid input' ? expectedTypes(issue) : [];
  if (expected.length > 0) message = `expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(value)}`;
  if (message === 'unknown key' && typeof last === 'string') {
    const hint = format === 'hive' ? camelHint(last) : undefined;
    // A camelCase key of an ecosystem file is more likely a Hive key (or PM2's camelCase alias) mistyped.
    const meant = closestName(
      last,
      format === 'hive' ? appKeys : /[A-Z]/.test(last) ? [...appKeys, ...pm2AppKeys] : pm2AppKeys,
    );
    message = hint
      ? `unknown key (a PM2 key: write \`${hint}\` in a Hive config)`
      : pm2Unsupported.has(pm2Name(last))
        ? 'a PM2 option Hive does not support; remove it (docs/config.md lists what Hive runs)'
        : `unknown key: not a Hive or PM2 app option${meant === undefined ? '' : `; did you mean \`${meant}\`?`}`;
  }
  // zod's "Too small: expected string to have >=1 characters" of `name: ''`, `script: ''`.
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1 && /^Too small/.test(message))
    message = 'expected a non-empty string';
  return { key: key === '' ? undefined : key, message: `${message}${too}` };
}

/** The types a union accepts, from the branches' own type errors: `string or array`. */
function expectedTypes(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'invalid_type' && issue.path.length === 0) return [issue.expected];
  if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => branch.flatMap(expectedTypes));
  return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Notes a problem of the file, to be thrown with the others (ConfigError.issues). */
type AddIssue = (key: string | undefined, message: string) => void;

/** App `index`'s `key` as the file has it (appKey), the app's name read from `app`. */
type AppLabel = (app: unknown, index: number, key: string) => string;

/** A zod issue's path as a key: `apps[0].env.PORT`. */
function pathKey(path: readonly PropertyKey[]): string {
  let key = '';
  for (const part of path)
    key += typeof part === 'number' ? `[${part}]` : key === '' ? String(part) : `.${String(part)}`;
  return key;
}

// Keys that take a boolean or text, and what the text "true" or "false" means to them: most likely a boolean written
// in quotes (an env var pasted in, a YAML `"true"`), which PM2 takes as text too (its schema keeps the string).
const booleanOrText = {
  watch: 'the path of a file or folder to watch',
  logFile: "the log file's path",
  filterEnv: 'the name of a variable to leave out',
} as const;

// Acted on by the fork primary only: a cluster process is retired by Hive's drain.
const forkOnly = {
  killSignal: "a cluster process is retired by Hive's drain, then its app's SIGINT handlers (fork mode only)",
} as const;

// The daemon runs such an app as a plain child process, without the Hive primary and runtime (src/cli/fork-command.ts
// has the full rule, which also counts scripts that are not JavaScript).
/** A script node runs (else, without an interpreter, fork mode runs it by its extension or as a program). */
export const nodeEntry = /\.(c|m)?(j|t)sx?$/;

function isForkMode(app: { execMode?: string | undefined; interpreter?: string | undefined }): boolean {
  return app.execMode === 'fork' || (app.interpreter !== undefined && app.interpreter !== 'node');
}
