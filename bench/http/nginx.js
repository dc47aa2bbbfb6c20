// Real nginx in front of the bench's cluster, as a foreground child under a temp prefix (everything it writes stays
// there). Two configs: the one Hive generates (generateNginxConfig, shape 'full') and the one the tutorials give
// (proxy_pass straight to the port with `Connection 'upgrade'` on every request, so no upstream keep-alive). Both use
// one nginx worker and no access log, so they differ only in how they proxy.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateNginxConfig } from '../../dist/edge/index.js';

export const NGINX_BIN = '/usr/sbin/nginx';

/** Why the nginx subjects cannot run here, or undefined when they can. */
export function nginxMissing() {
  return existsSync(NGINX_BIN) ? undefined : `${NGINX_BIN} not found (apt-get install nginx)`;
}

// Paths relative to the prefix: pid, error log and temp files never leave it. One worker: nginx, the two app
// processes and autocannon already share 2 cores.
const MAIN = { workerProcesses: 1, pid: 'nginx.pid', errorLog: 'error.log', tempDir: 'tmp' };

/** nginx.conf as `hive edge nginx` writes it for an app on 127.0.0.1:`upstreamPort`, listening on `port`. */
export function hiveConfig(port, upstreamPort) {
  return generateNginxConfig(
    {
      main: MAIN,
      sites: [
        {
          app: 'bench',
          listen: { address: '127.0.0.1', port },
          upstream: { port: upstreamPort },
          accessLog: false,
        },
      ],
    },
    { shape: 'full' },
  );
}

/** nginx.conf with the location block the Node/nginx tutorials give, in the same main context. */
export function tutorialConfig(port, upstreamPort) {
  return `worker_processes ${MAIN.workerProcesses};
pid ${MAIN.pid};
error_log ${MAIN.errorLog};

events {
    worker_connections 1024;
}

http {
    access_log off;
${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `    ${k}_temp_path tmp/${k};`).join('\n')}

    server {
        listen 127.0.0.1:${port};
        server_name _;

        location / {
            proxy_pass http://127.0.0.1:${upstreamPort};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection 'upgrade';
            proxy_set_header Host $host;
            proxy_cache_bypass $http_upgrade;
        }
    }
}
`;
}

/**
 * Writes `config` into a fresh prefix and starts nginx in the foreground; resolves once a GET through it answers 200.
 * `stop()` ends nginx (SIGTERM, SIGKILL after 5 s) and removes the prefix.
 * @param {string} config
 * @param {number} port the port the config listens on
 * @returns {Promise<{ port: number, stop: () => Promise<void> }>}
 */
export async function startNginx(config, port) {
  const prefix = mkdtempSync(join(tmpdir(), 'hive-bench-nginx-'));
  // nginx started as root runs its workers as nobody, who must be able to reach the temp directory.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'tmp'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config);
  const child = spawn(NGINX_BIN, ['-p', prefix, '-c', conf, '-g', 'daemon off; master_process on; error_log stderr;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    output = (output + chunk).slice(-2000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`nginx exited before serving: ${output}`);
    }
    if (await canConnect(port)) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        await response.arrayBuffer();
        if (response.ok) return { port, stop };
      } catch {}
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not serve on 127.0.0.1:${port} within 20 s: ${output}`);
    }
    await delay(50);
  }
}

function canConnect(port) {
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
