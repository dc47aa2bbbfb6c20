/**
 * The edge layer: nginx configs generated from typed options (and checked against real nginx in test/edge), and the
 * deploy recipes (`hive deploy compose|k8s`) that put nginx or an ingress in front of the app.
 */

export { renderComposeNginx } from './compose-file.js';
export { type DeployInput, type DeployOptions, type DeployRecipe, resolveDeployOptions } from './deploy-options.js';
export { type DeployTarget, type RecipeFile, renderDeployRecipe } from './deploy-recipes.js';
export { type AppDirectory, deployWarnings } from './deploy-warnings.js';
export {
  DeployFileExistsError,
  DeployOptionError,
  DeployOutDirError,
  DeployPackageJsonError,
  EdgeBalanceConflictError,
  EdgeHostError,
  EdgeNoUpstreamError,
  EdgeOptionError,
  EdgeTlsFileError,
} from './errors.js';
export { formatHostPort, type HostPort, parseHostList, parseHostPort } from './host-list.js';
export { kubernetesManifests } from './kubernetes-manifests.js';
export {
  generateNginxConfig,
  type NginxConfigShape,
  renderNginxConfig,
  renderNginxSite,
} from './nginx-config.js';
export {
  type Balance,
  type EdgeConfig,
  type EdgeConfigInput,
  type EdgeMain,
  type EdgeSite,
  type MainInput,
  type ResolveOptions,
  resolveEdgeConfig,
  resolveEdgeSite,
  type SiteInput,
  type UnixSocketServer,
  type UpstreamServer,
} from './options.js';
