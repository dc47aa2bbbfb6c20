// `--tls-port 443 --listen 127.0.0.1:443` was refused with "443 is also listen.port ...: give TLS its own port (443)":
// the advice named the very port that clashed. The message now names both options on the port and proposes, for
// each, a port other than the taken one; either proposal, taken alone, is accepted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveEdgeSite } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { makeCertificate } from '../tls-certificate.js';
import { runHiveEdge } from './edge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-tls-clash-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tls = makeCertificate(dir);

const kAdvice = /move plain HTTP \(listen\.port (\d+)\) or TLS \(tls\.port (\d+)\)$/m;

test('--tls-port equal to the --listen port names the clash and proposes other ports, each of which works', () => {
  const flags = ['nginx', '--port', '3000', '--tls-cert', tls.cert, '--tls-key', tls.key];
  for (const [listenAddress, port] of [
    ['127.0.0.1:', 443],
    ['', 80],
    ['', 8080],
  ] as const) {
    const result = runHiveEdge(dir, [...flags, '--tls-port', String(port), '--listen', `${listenAddress}${port}`]);
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --tls-port \\(tls\\.port\\): port ${port} is both tls\\.port ` +
          '\\(HTTPS\\) and listen\\.port \\(plain HTTP\\), and nginx serves one port either with TLS or without',
      ),
    );
    const [, httpPort, tlsPort] = kAdvice.exec(result.stderr.replace(/; see hive edge --help\n$/, '\n')) ?? [];
    assert.ok(httpPort !== undefined && tlsPort !== undefined, result.stderr);
    assert.notEqual(Number(httpPort), port);
    assert.notEqual(Number(tlsPort), port);
    const movedHttp = runHiveEdge(dir, [
      ...flags,
      '--tls-port',
      String(port),
      '--listen',
      `${listenAddress}${httpPort}`,
    ]);
    assert.equal(movedHttp.code, 0, movedHttp.stderr);
    assert.match(movedHttp.stdout, new RegExp(`listen ${listenAddress}${port} ssl`));
    const movedTls = runHiveEdge(dir, [...flags, '--tls-port', tlsPort!, '--listen', `${listenAddress}${port}`]);
    assert.equal(movedTls.code, 0, movedTls.stderr);
    assert.match(movedTls.stdout, new RegExp(`listen ${listenAddress}${tlsPort} ssl`));
  }
});

test('the library says the same, keyed on tls.port', () => {
  try {
    resolveEdgeSite({ app: 'api', upstream: { port: 3000 }, listen: { port: 443 }, tls }, { checkFiles: false });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof HiveError, String(error));
    assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
    assert.match(error.message, /^sites\[0\]\.tls\.port: port 443 is both tls\.port/);
    assert.match(error.message, /move plain HTTP \(listen\.port 80\) or TLS \(tls\.port 8443\)$/);
  }
});
