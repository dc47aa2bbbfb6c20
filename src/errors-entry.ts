/**
 * `hive/errors`: the base classes of every error Hive raises (docs/errors.md). An entry of its own rather than
 * errors.ts, which also holds a helper of Hive's messages (describeValue) that is no public API.
 * @module
 */
export { HiveError, InvalidArgumentError } from './errors.js';
