import type { HiveConfig } from './app-schema.js';

/**
 * Types a Hive config for editors; returns it unchanged. In `hive.config.ts`:
 *
 * ```ts
 * import { defineConfig } from 'hive/config';
 * export default defineConfig({ apps: [{ name: 'api', script: 'server.js', instances: 'max', port: 3000 }] });
 * ```
 */
export function defineConfig(config: HiveConfig): HiveConfig {
  return config;
}
