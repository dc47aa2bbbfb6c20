/**
 * The edge layer's errors: every bad option is rejected before a file is written, with the key and value named.
 */
import { HiveError } from '../errors.js';

/** An edge option failed validation (type, range, format); the message names the key and the value. */
export class EdgeOptionError extends HiveError {
  /** Dotted path of the offending option, e.g. `upstream.keepalive` or `tls.hsts.maxAge`. */
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_EDGE_INVALID_OPTION', message, options);
    this.key = key;
  }
}

/**
 * `hive edge nginx --app <name>` cannot tell which port the daemon's app listens on: started without a port or PORT
 * and listening on none now, or on several. The message says which flag to pass.
 */
export class EdgeAppPortError extends HiveError {
  readonly key = 'upstream.port';
  readonly app: string;

  constructor(app: string, reason: string) {
    super(
      'ERR_HIVE_EDGE_APP_PORT',
      `app ${JSON.stringify(app)}: ${reason}; pass --port <port> (or --socket <path>) to name its upstream`,
    );
    this.app = app;
  }
}

/**
 * `hive edge nginx --app <name>`: the daemon's app serves HTTP/2 only on the port the site would proxy to (node:http2's
 * `createServer()`, h2c, or `createSecureServer()` without `allowHTTP1`), and nginx proxies to upstreams in HTTP/1.x
 * only: every request would fail. The message names the app, the port, and what to serve instead.
 */
export class EdgeAppHttp2Error extends HiveError {
  readonly key = 'upstream.port';
  readonly app: string;
  readonly port: number;

  constructor(app: string, port: number, secure: boolean) {
    const served = secure
      ? 'HTTP/2 over TLS only (http2.createSecureServer() without allowHTTP1)'
      : 'HTTP/2 in cleartext only (h2c, http2.createServer()), which never answers HTTP/1.x';
    const instead = secure
      ? 'add allowHTTP1: true to http2.createSecureServer() and pass --upstream-tls'
      : 'serve HTTP/1.1 on that port (http.createServer(), or http2.createSecureServer({ allowHTTP1: true }) with ' +
        '--upstream-tls), or an HTTP/1.1 server beside it for nginx on a port of its own (--port)';
    super(
      'ERR_HIVE_EDGE_APP_HTTP2',
      `app ${JSON.stringify(app)}: its server on port ${port} speaks ${served}, and nginx proxies to an app in ` +
        `HTTP/1.x only (proxy_pass): every request would fail. ${instead[0]!.toUpperCase()}${instead.slice(1)} ` +
        "(a gRPC service needs nginx's grpc_pass, which this command does not write)",
    );
    this.app = app;
    this.port = port;
  }
}

/** An upstream host entry (from `--hosts` or `upstream.hosts`) is not a valid `host:port`. */
export class EdgeHostError extends HiveError {
  readonly key: string;

  constructor(key: string, message: string) {
    super('ERR_HIVE_EDGE_INVALID_HOST', message);
    this.key = key;
  }
}

/** The app has no upstream: neither a local cluster port or socket nor a host list was given. */
export class EdgeNoUpstreamError extends HiveError {
  readonly key: string;

  constructor(key: string, app: string) {
    super(
      'ERR_HIVE_EDGE_NO_UPSTREAM',
      `${key}: app ${JSON.stringify(app)} has no upstream: give upstream.port (the local cluster port) or ` +
        'upstream.socket (its Unix socket), and/or upstream.hosts',
    );
    this.key = key;
  }
}

/** A TLS certificate or key file does not exist or cannot be read. */
export class EdgeTlsFileError extends HiveError {
  readonly key: string;

  constructor(key: string, path: string, options: { cause?: unknown; reason?: string } = {}) {
    const { reason, ...errorOptions } = options;
    super(
      'ERR_HIVE_EDGE_TLS_FILE',
      `${key}: cannot read ${JSON.stringify(path)}${reason ? ` (${reason})` : ''}`,
      errorOptions,
    );
    this.key = key;
  }
}

/** The balancing mode contradicts the app's sticky setting (a sticky app needs a hash, or ip_hash), or a backup server. */
export class EdgeBalanceConflictError extends HiveError {
  readonly key: string;

  constructor(key: string, app: string, balance: string, message?: string) {
    super(
      'ERR_HIVE_EDGE_BALANCE_CONFLICT',
      message ??
        `${key}: app ${JSON.stringify(app)} is sticky but upstream.balance is ${JSON.stringify(balance)}, which spreads ` +
          'one client over hosts: use "hash:ip", "hash:cookie:<name>", "hash:header:<name>" or "ip_hash", or set ' +
          'sticky: false',
    );
    this.key = key;
  }
}

/** A deploy recipe option (`hive deploy compose|k8s`) failed validation; the message names the key and value. */
export class DeployOptionError extends HiveError {
  readonly key: string;

  constructor(key: string, message: string) {
    super('ERR_HIVE_DEPLOY_INVALID_OPTION', message);
    this.key = key;
  }
}

/** A deploy recipe would overwrite a file the user owns; nothing was written. */
export class DeployFileExistsError extends HiveError {
  readonly key = 'out';

  constructor(paths: readonly string[]) {
    super(
      'ERR_HIVE_DEPLOY_FILE_EXISTS',
      `would overwrite ${paths.join(', ')}: these files are yours to edit; pass --force to regenerate them`,
    );
  }
}

/** `hive deploy --out` is not a directory and cannot be made one (a file is in the way, or mkdir fails there). */
export class DeployOutDirError extends HiveError {
  readonly key = 'out';

  constructor(reason: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_DEPLOY_OUT_DIR', `--out: ${reason}`, options);
  }
}

/** The app's package.json (which names the app and which the image's `npm ci` reads) is not a JSON object. */
export class DeployPackageJsonError extends HiveError {
  readonly path: string;

  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(
      'ERR_HIVE_DEPLOY_PACKAGE_JSON',
      `${path} ${reason}: hive deploy reads the app's name and main there, and the image's npm ci would fail on it`,
      options,
    );
    this.path = path;
  }
}

/** `nginx -t` rejected a generated config (`hive edge nginx --check`); the message carries nginx's own words. */
export class EdgeNginxCheckError extends HiveError {
  readonly output: string;

  constructor(output: string) {
    super('ERR_HIVE_EDGE_NGINX_CHECK', `nginx -t rejected the generated config:\n${output.trim()}`);
    this.output = output;
  }
}

/** The nginx binary for `--check` was not found. */
export class EdgeNginxNotFoundError extends HiveError {
  constructor(binary: string, options?: { cause?: unknown }) {
    super(
      'ERR_HIVE_EDGE_NGINX_NOT_FOUND',
      `cannot run ${JSON.stringify(binary)} to check the config: install nginx or set HIVE_NGINX to its path`,
      options,
    );
  }
}
