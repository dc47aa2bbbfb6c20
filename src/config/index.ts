/**
 * `hive/config`: Hive config files (`hive.config.*`) and PM2 ecosystem files. See docs/config.md.
 * @module
 */
export { appEnv } from './app-env.js';
export { type AppConfig, appKeys, appSchema, type HiveConfig } from './app-schema.js';
export { configFileNames, configFormat, findConfigFile, isConfigFile } from './config-file-name.js';
export { defineConfig } from './define-config.js';
export { ConfigError } from './errors.js';
export { type LoadedConfig, type LoadOptions, loadConfig } from './load-config.js';
export { pm2Ignored, pm2Keys } from './pm2-compat.js';
export { argList, supervisorOptions } from './supervisor-options.js';
