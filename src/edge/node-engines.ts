import semver from 'semver';

/**
 * Whether a package.json `engines.node` range takes some release of a Node.js major version, as npm reads the range
 * (node-semver, npm's own reader): the image's `node:<major>` tag floats over that major's releases, so the question
 * is whether the range and `<major>.x` intersect. Undefined when the range is not one npm reads (`lts/*`): then
 * nothing should be said about it.
 */
export function rangeTakesMajor(range: string, major: number): boolean | undefined {
  if (semver.validRange(range) === null) return undefined;
  return semver.intersects(range, `${major}.x`);
}
