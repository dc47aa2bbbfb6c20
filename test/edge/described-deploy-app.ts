import type { DaemonDeployApp } from '../../dist/edge/daemon-app-deploy.js';

/** An app as cli/daemon-app.ts hands it to daemonDeployInput (a cluster app on port 3000), with `overrides`. */
export function describedDeployApp(overrides: Partial<DaemonDeployApp> = {}): DaemonDeployApp {
  return {
    name: 'api',
    script: '/srv/api/server.js',
    cwd: '/srv/api',
    args: [],
    instances: 'max',
    port: 3000,
    inheritedPort: null,
    listened: [3000],
    portPerInstance: false,
    sticky: null,
    nodeArgs: [],
    maxMemoryRestart: null,
    killTimeout: 5000,
    drainIdleGrace: 1000,
    listenTimeout: 10_000,
    keepAliveTimeout: null,
    waitReady: false,
    treekill: true,
    env: {},
    command: null,
    ...overrides,
  };
}
