// The ignore file kept `.env` files out of the image but not direnv's `.envrc`, which sits at a project's root with
// `export AWS_SECRET_ACCESS_KEY=...` lines of the developer's own credentials: `COPY . .` put it in the image for anyone
// who can pull it. And `node_modules` matched the context's root only: a nested one (a client/ folder's) went into
// the build context and the image, with the host's platform binaries. Both now match in every folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDeployRecipe } from '../../src/edge/index.js';

const patterns = (content: string) => content.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

test("the ignore file keeps .envrc and every folder's node_modules out of the image, in both recipes and layouts", () => {
  for (const target of ['compose', 'k8s'] as const) {
    for (const layout of [{}, { layout: { recipe: 'deploy', context: '..' } }]) {
      const [, ignore] = renderDeployRecipe(target, { app: 'api', ...layout });
      const lines = patterns(ignore!.content);
      assert.ok(lines.includes('**/.envrc'), `${target} ${ignore!.path}: ${lines.join(' ')}`);
      assert.ok(lines.includes('**/node_modules'), `${target} ${ignore!.path}: ${lines.join(' ')}`);
    }
  }
});
