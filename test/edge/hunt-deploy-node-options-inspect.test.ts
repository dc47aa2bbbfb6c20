// `hive deploy --app` leaves --inspect out of the recipe's --node-args (a debugger's port in production lets whoever
// reaches it run code in the app), but `--with-env` still wrote NODE_OPTIONS=--inspect=0.0.0.0:9229 of the app's env
// into the env file, which the container reads: the same port open by another way. Such a NODE_OPTIONS is now left
// out, with a warning; one without an inspector's flag is still taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonDeployInput } from '../../dist/edge/daemon-app-deploy.js';
import { describedDeployApp } from './described-deploy-app.js';

const app = describedDeployApp({ env: { TOKEN: 't' } });

test('--with-env leaves out a NODE_OPTIONS that opens an inspector, and says so, as for the node args', () => {
  for (const recipe of ['compose', 'k8s'] as const) {
    for (const options of ['--inspect=0.0.0.0:9229', '--max-old-space-size=512 --inspect-brk', '--inspect-port 9230']) {
      const env = { ...app.env, NODE_OPTIONS: options };
      const taken = daemonDeployInput({ ...app, env }, { app: 'api' }, '/srv/api', recipe, true);
      assert.deepEqual(taken.input.secretEnv, { TOKEN: 't' }, options);
      const warning = taken.warnings.find((text) => text.includes('NODE_OPTIONS'));
      assert.match(warning ?? '', /NODE_OPTIONS with --inspect.*debugger's port in production/, options);
    }
    const plain = { ...app.env, NODE_OPTIONS: '--max-old-space-size=512' };
    const taken = daemonDeployInput({ ...app, env: plain }, { app: 'api' }, '/srv/api', recipe, true);
    assert.deepEqual(taken.input.secretEnv, plain);
    assert.ok(!taken.warnings.some((text) => text.includes('NODE_OPTIONS')));
  }
});
