import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { acquirePidLock, pidLockHolder } from '../../dist/cluster/pid-lock.js';

const folder = mkdtempSync(join(tmpdir(), 'pid-lock-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

const lockModule = new URL('../../dist/cluster/pid-lock.js', import.meta.url).href;
// A claimant: says `ready`, claims the lock on `go`, prints what it got, holds it until `release`, then exits.
const claimant = `
import { createInterface } from 'node:readline';
const { acquirePidLock } = await import(${JSON.stringify(lockModule)});
const lines = createInterface({ input: process.stdin });
console.log('ready');
let claim;
for await (const line of lines) {
  if (line === 'go') {
    claim = acquirePidLock(process.argv[1]);
    console.log(JSON.stringify(claim.acquired ? { acquired: true } : { acquired: false, holder: claim.holder }));
  } else if (line === 'release') {
    if (claim?.acquired) claim.lock.release();
    process.exit(0);
  }
}
`;

interface Claimant {
  child: ChildProcess;
  next(): Promise<string>;
}

function startClaimant(path: string): Claimant {
  const child = spawn(process.execPath, ['--input-type=module', '-e', claimant, path], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const line = await lines.next();
      if (line.done) throw new Error(`claimant ${child.pid} exited before answering`);
      return line.value;
    },
  };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Claimants that all claim `path` at once; resolves with each one's answer. */
async function claimAtOnce(path: string, count: number): Promise<{ who: Claimant; answer: Record<string, unknown> }[]> {
  const claimants = Array.from({ length: count }, () => startClaimant(path));
  for (const who of claimants) assert.equal(await who.next(), 'ready');
  for (const who of claimants) who.child.stdin!.write('go\n');
  return Promise.all(claimants.map(async (who) => ({ who, answer: JSON.parse(await who.next()) })));
}

test('of processes claiming a lock a SIGKILLed holder left, exactly one gets it, and the rest name it', async () => {
  for (let round = 0; round < 5; round++) {
    const path = join(folder, `round-${round}.lock`);
    const dead = startClaimant(path);
    assert.equal(await dead.next(), 'ready');
    dead.child.stdin!.write('go\n');
    assert.deepEqual(JSON.parse(await dead.next()), { acquired: true });
    dead.child.kill('SIGKILL');
    await exited(dead.child);
    assert.equal(pidLockHolder(path), undefined, 'a dead holder holds nothing');

    const answers = await claimAtOnce(path, 6);
    const winners = answers.filter(({ answer }) => answer.acquired === true);
    assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(answers.map(({ answer }) => answer))}`);
    const winner = winners[0]!.who.child.pid;
    for (const { answer } of answers) if (answer.acquired === false) assert.equal(answer.holder, winner);
    assert.equal(pidLockHolder(path), winner);
    for (const { who } of answers) {
      who.child.stdin!.write('release\n');
      await exited(who.child);
    }
  }
});

test('a released lock is free at once, and old generations do not pile up', async () => {
  const path = join(folder, 'release.lock');
  for (let turn = 0; turn < 3; turn++) {
    const claim = acquirePidLock(path);
    assert.ok(claim.acquired);
    assert.equal(pidLockHolder(path), process.pid);
    claim.lock.release();
    assert.equal(pidLockHolder(path), undefined);
  }
  assert.ok(readdirSync(folder).filter((name) => name.startsWith('release.lock')).length <= 1);
});

test('a live holder keeps the lock: another process is told its pid', async () => {
  const path = join(folder, 'live.lock');
  const claim = acquirePidLock(path);
  assert.ok(claim.acquired);
  const [other] = await claimAtOnce(path, 1);
  assert.deepEqual(other!.answer, { acquired: false, holder: process.pid });
  other!.who.child.stdin!.write('release\n');
  await exited(other!.who.child);
  claim.lock.release();
});

test('symlinks planted at the temp names of a claim and a release do not make the lock write through them', () => {
  // Whoever can write the lock's folder (a shared `--socket` folder) could guess `<lock>.<n>.<pid>.tmp` and point it
  // at a file of the lock holder's: the holder's claim and release then overwrote that file.
  const victim = join(folder, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o600 });
  const path = join(folder, 'planted.lock');
  for (const n of [1, 2]) symlinkSync(victim, `${path}.${n}.${process.pid}.tmp`);
  const claim = acquirePidLock(path);
  assert.ok(claim.acquired);
  assert.ok(lstatSync(claim.lock.file).isFile());
  assert.equal(pidLockHolder(path), process.pid);
  claim.lock.release();
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(pidLockHolder(path), undefined);
  // Only the planted links and the released file remain: no temp file of the lock's is left behind.
  const left = readdirSync(folder).filter((name) => name.startsWith('planted.lock') && name.endsWith('.tmp'));
  assert.deepEqual(left.sort(), [`planted.lock.1.${process.pid}.tmp`, `planted.lock.2.${process.pid}.tmp`]);
});
