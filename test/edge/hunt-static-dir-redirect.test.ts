// A static directory asked for without its trailing slash (`/static/docs`): nginx answers 301 to `/static/docs/`, and
// by default writes the Location absolute from its own view: its scheme and its own listen port. Behind a port
// mapping (compose publishes nginx's 80 on 8080), a load balancer on another port, or TLS ended at a balancer, that
// sent the client to the wrong port or to http://. With `absolute_redirect off` the Location is the path alone, which
// the client resolves against the URL it used.
import assert from 'node:assert/strict';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makePrefix, nginxSkip, type ProxiedSite, startProxy } from './nginx-harness.js';

const skip = nginxSkip();
let dir = '';
let proxy: ProxiedSite | undefined;

before(async () => {
  if (skip) return;
  dir = await makePrefix();
  await mkdir(join(dir, 'public', 'docs'), { recursive: true });
  await writeFile(join(dir, 'public', 'docs', 'index.html'), 'docs\n');
  await chmod(join(dir, 'public'), 0o755);
  await chmod(join(dir, 'public', 'docs'), 0o755);
  await chmod(join(dir, 'public', 'docs', 'index.html'), 0o644);
  // No app is needed: the static location never reaches the upstream.
  proxy = await startProxy({ upstream: { port: 9 }, static: { location: '/static/', root: join(dir, 'public') } });
});

/** GET `path` from nginx with the Host a client behind a port mapping sends; the status and Location. */
function get(path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: proxy!.port, path, agent: false, headers: { host: 'app.example.com:8080' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

after(async () => {
  await proxy?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a static directory without its slash redirects to the path, not to nginx own port', { skip }, async () => {
  const redirect = await get('/static/docs');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.location, '/static/docs/', `nginx listens on ${proxy!.port}`);
  assert.equal((await get('/static/docs/')).status, 200);
});
