// Real nginx in front of the bench's cluster, as a foreground child under a temp prefix (everything it writes stays
// there). Two configs: the one Hive generates (generateNginxConfig, shape 'full') and the one the tutorials give
// (proxy_pass straight to the port with `Connection 'upgrade'` on every request, so no upstream keep-alive). Both use
// one nginx worker and no access log, so they differ only in how they proxy. Starting nginx and Hive's config are
// `hive bench`'s (src/cli/bench/nginx-front.ts), so that both benches run nginx the same way.
import {
  hiveNginxConfig as hiveConfig,
  BENCH_NGINX_MAIN as MAIN,
  nginxMissing,
  nginxSocketFolder,
  startNginx,
} from '../../dist/cli/bench/nginx-front.js';

export { hiveConfig, nginxMissing, nginxSocketFolder, startNginx };

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
