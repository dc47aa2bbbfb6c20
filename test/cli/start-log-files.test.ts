// PM2 parity: `pm2 start app.js -o out.log -e err.log` puts the app's stdout and stderr in those files (relative to
// the shell's folder), as a config file's out_file/error_file do.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOrEmpty, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('hive start <script> -o <file> -e <file> writes the app logs there', async () => {
  const script = join(dir, 'both.sh');
  writeFileSync(script, '#!/bin/sh\necho "to out"\necho "to err" >&2\nwhile true; do sleep 0.2; done\n', {
    mode: 0o755,
  });
  const [app] = await hive.json<{ name: string }[]>(
    ['start', script, '-o', 'mine-out.log', '--error', 'mine-err.log'],
    {
      cwd: dir,
    },
  );
  assert.equal(app!.name, 'both');
  await waitFor(() => readOrEmpty(join(dir, 'mine-out.log')).includes('[both:0] to out\n'), 'the out line');
  await waitFor(() => readOrEmpty(join(dir, 'mine-err.log')).includes('[both:0] to err\n'), 'the err line');
  const described = await hive.json<{ outFile: string; errorFile: string }>(['describe', 'both']);
  assert.deepEqual([described.outFile, described.errorFile], [join(dir, 'mine-out.log'), join(dir, 'mine-err.log')]);
  assert.equal(readOrEmpty(join(hive.home, 'logs', 'both-out.log')), '', 'not the default file');
  const logs = await hive.run(['logs', 'both', '--nostream']);
  assert.match(logs.stdout, /to out/);
  assert.match(logs.stderr, /to err/, 'error lines on stderr, as hive logs prints them');

  const config = join(dir, 'ecosystem.config.js');
  writeFileSync(config, `module.exports = { apps: [{ name: 'c', script: ${JSON.stringify(script)} }] };\n`);
  for (const args of [
    ['start', config, '-o', 'x.log'],
    ['start', script, '--name', 'd', '-e', ''],
  ]) {
    const refused = await hive.run(args, { cwd: dir });
    assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
    assert.match(refused.stderr, /ERR_HIVE_INVALID_ARGUMENT: .*--(output|error)/);
  }
});

// `-e` is `--env` in `hive run`: `hive start app -e PORT=1` started the app without PORT and logged its stderr to a
// file named `PORT=1`. A value shaped as KEY=VALUE is refused unless that file exists; `./` says a file is meant.
test('hive start -e KEY=VALUE is refused unless such a file exists; ./KEY=VALUE is a file', async () => {
  const script = join(dir, 'quiet.sh');
  writeFileSync(script, '#!/bin/sh\necho "to err" >&2\nwhile true; do sleep 0.2; done\n', { mode: 0o755 });
  const refused = await hive.run(['start', script, '-x', '--name', 'rec', '-e', 'PORT=42764'], { cwd: dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /ERR_HIVE_INVALID_ARGUMENT: -e is the error log file in hive start \(PM2's meaning\); pass --env PORT=42764 for an environment variable, or --error \.\/PORT=42764 for a file of that name/,
  );
  assert.equal(existsSync(join(dir, 'PORT=42764')), false, 'no log file was made');

  writeFileSync(join(dir, 'HOST=old'), '');
  for (const [name, value, file] of [
    ['kept', 'HOST=old', 'HOST=old'],
    ['dotted', './PORT=42764', 'PORT=42764'],
  ] as const) {
    await hive.json(['start', script, '-x', '--name', name, '-e', value], { cwd: dir });
    const described = await hive.json<{ errorFile: string }>(['describe', name]);
    assert.equal(described.errorFile, join(dir, file));
    await waitFor(() => readOrEmpty(join(dir, file)).includes('to err\n'), `the err line in ${file}`);
  }
});
