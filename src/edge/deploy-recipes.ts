/**
 * The files of each deploy recipe, as (relative path, content) pairs: rendering is separate from writing so that
 * every file is validated and rendered before the first one is written.
 */
import { renderCompose, renderComposeNginx } from './compose-file.js';
import { type DeployInput, type DeployRecipe, resolveDeployOptions } from './deploy-options.js';
import { dockerignorePath, renderDockerfile, renderDockerignore } from './dockerfile.js';
import { renderEnvSecret, renderKubernetes } from './kubernetes-manifests.js';
import { envFilePath, kEnvFileMode, renderComposeEnvFile } from './recipe-env.js';

/** Which recipe `hive deploy` writes: the same names as {@link DeployRecipe}. */
export type DeployTarget = DeployRecipe;

/** One file of a recipe, to be written under the output directory. */
export interface RecipeFile {
  /** Relative to the output directory: `Dockerfile`, `compose.yaml`, `k8s.yaml`... */
  path: string;
  content: string;
  /**
   * The mode to create it with: 0o600 for the env file (`<app>.env`, or `<app>-env.secret.yaml` for k8s), which holds
   * the app's values.
   */
  mode?: number;
}

/** Renders the files of `target` for one app; throws `ERR_HIVE_DEPLOY_INVALID_OPTION` on bad options. */
export function renderDeployRecipe(target: DeployTarget, input: DeployInput): RecipeFile[] {
  const options = resolveDeployOptions(input, target);
  const envFile = envFilePath(options, target);
  const files: RecipeFile[] =
    target === 'compose'
      ? [
          { path: 'compose.yaml', content: renderCompose(options) },
          { path: 'nginx.conf', content: renderComposeNginx(options) },
        ]
      : [{ path: 'k8s.yaml', content: renderKubernetes(options) }];
  if (envFile !== undefined) {
    const content = target === 'compose' ? renderComposeEnvFile(options) : renderEnvSecret(options);
    files.push({ path: envFile, content, mode: kEnvFileMode });
  }
  const ignore = dockerignorePath(options);
  const paths = ['Dockerfile', ignore, ...files.map((file) => file.path)];
  return [
    { path: 'Dockerfile', content: renderDockerfile(options) },
    { path: ignore, content: renderDockerignore(options, paths) },
    ...files,
  ];
}
