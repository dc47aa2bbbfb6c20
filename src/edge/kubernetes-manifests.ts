/**
 * The Kubernetes recipe: Deployment, Service, Ingress (ingress-nginx), HorizontalPodAutoscaler and (with more than
 * one pod) PodDisruptionBudget for one app.
 * Each manifest is a plain object (checked against the API schemas in test/edge) printed as one multi-document file.
 */
import { type DeployOptions, kIngressKeepAliveTimeout } from './deploy-options.js';
import {
  buildCommand,
  containerEnv,
  hiveRunArgs,
  runStopSeconds,
  runWhere,
  shellWord,
  startDelay,
  usesMetricsPort,
} from './dockerfile.js';
import { DeployOptionError } from './errors.js';
import { envFilePath, envSecretName, kubeletLiteral } from './recipe-env.js';
import { toYamlDocuments } from './yaml-writer.js';

type Manifest = Record<string, unknown>;

// Endpoints are removed from Services and the ingress asynchronously after a pod starts terminating: keep serving
// this long before SIGTERM so that no new request is routed to a process that is already draining.
const kPreStopSeconds = 5;

/** The manifests as objects, in apply order. */
export function kubernetesManifests(options: DeployOptions): Manifest[] {
  const { labels } = objectMetadata(options, options.app);
  const selector = { 'app.kubernetes.io/name': options.app };
  const metadata = (name: string) => objectMetadata(options, name);
  // PORT is the image's (the Dockerfile's ENV) and hive run's --port: the manifest has always left it out, unless the
  // Secret has one, which would win over the image's.
  const env = Object.entries(containerEnv(options))
    .filter(([name]) => name !== 'PORT' || name in options.secretEnv)
    .map(([name, value]) => ({ name, value: kubeletLiteral(value) }));
  // ingress-nginx keeps upstream connections alive and shares them between clients, while Hive's sticky router
  // picks a process per connection: within a pod, clients would land on each other's processes. So a sticky app
  // runs one process per pod and scales by pods, with the ingress hashing each client to a pod.
  const instances = options.instances ?? (options.sticky !== undefined ? 1 : 'max');
  const probePort = usesMetricsPort(options) ? 'metrics' : 'http';
  // The kubelet's HTTPS probes do not verify the certificate: an app serving HTTPS itself answers its own probes so.
  const probeScheme = options.upstreamTls && probePort === 'http' ? { scheme: 'HTTPS' } : {};
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(options.app),
    spec: {
      // No `replicas`: the autoscaler owns the count, and every `kubectl apply` would otherwise reset it.
      selector: { matchLabels: selector },
      // A new pod must be ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          // preStop, then hive run's longest stop (the drain and its children's, twice --kill-timeout), then a margin
          // before the kubelet's SIGKILL.
          terminationGracePeriodSeconds: kPreStopSeconds + runStopSeconds(options) + 10,
          // The image's unprivileged `node` user (uid and gid 1000 in the official node images), and the runtime's
          // default seccomp filter, which the kubelet does not apply unless asked (the "restricted" Pod Security
          // Standard asks for both). The root filesystem stays writable: npm, node and apps write to /tmp and HOME.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // Pods spread over nodes where the scheduler can: one node going down (or drained) takes only its share.
          // ScheduleAnyway, so a one-node cluster (or a full one) still runs every pod the autoscaler asks for.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
          containers: [
            {
              name: options.app,
              image: options.image,
              // The keep-alive timeout above the ingress's own, unless the app set one (kIngressKeepAliveTimeout).
              args: hiveRunArgs(
                { ...options, keepAliveTimeout: options.keepAliveTimeout ?? kIngressKeepAliveTimeout },
                instances,
              ).map(kubeletLiteral),
              // TCP, never `hive run --socket`: the ingress controller runs in other pods and cannot reach a Unix
              // socket. `metrics` is for the probes (and Prometheus): the Service and the Ingress expose `http` only.
              ports: [
                { name: 'http', containerPort: options.port },
                ...(usesMetricsPort(options) ? [{ name: 'metrics', containerPort: options.health.port }] : []),
              ],
              // The app's own values, from a Secret of their own (never written here); `env` wins over it.
              ...(envFilePath(options, 'k8s') !== undefined && {
                envFrom: [{ secretRef: { name: envSecretName(options) } }],
              }),
              env,
              // The CPU limit is what `-i max` reads from cgroups to size the cluster.
              resources: {
                requests: { cpu: options.resources.cpuRequest, memory: options.resources.memoryRequest },
                limits: { cpu: options.resources.cpuLimit, memory: options.resources.memoryLimit },
              },
              readinessProbe: {
                httpGet: { path: options.health.readiness, port: probePort, ...probeScheme },
                periodSeconds: 5,
                failureThreshold: 2,
              },
              // Not before the listen timeout: an app answering its own probes may take that long to listen, and the
              // kubelet would restart it mid-start, for ever. (hive run's metrics port answers /healthz at once.)
              livenessProbe: {
                httpGet: { path: options.health.liveness, port: probePort, ...probeScheme },
                initialDelaySeconds: startDelay(options),
                periodSeconds: 10,
                failureThreshold: 3,
              },
              lifecycle: { preStop: { exec: { command: ['sleep', String(kPreStopSeconds)] } } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(options.app),
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      ...(options.sticky !== undefined && { sessionAffinity: 'ClientIP' }),
    },
  };
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...metadata(options.app), annotations: ingressAnnotations(options) },
    spec: {
      ingressClassName: 'nginx',
      ...(options.tlsSecret !== undefined && { tls: [{ hosts: [options.host], secretName: options.tlsSecret }] }),
      rules: [
        {
          ...(options.host !== undefined && { host: options.host }),
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: options.app, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
  const autoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(options.app),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: options.app },
      minReplicas: options.autoscale.min,
      maxReplicas: options.autoscale.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: options.autoscale.cpuUtilization },
          },
        },
      ],
    },
  };
  // A node drain (an upgrade, the cluster autoscaler) evicts pods only while one stays available. Not for a single
  // pod: minAvailable 1 there would block every drain of its node until someone deletes the budget.
  const disruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(options.app),
    spec: { minAvailable: 1, selector: { matchLabels: selector } },
  };
  return [deployment, service, ingress, autoscaler, ...(options.autoscale.min > 1 ? [disruptionBudget] : [])];
}

/** The metadata of each of the app's objects: its name, the namespace, the app's labels. */
function objectMetadata(options: DeployOptions, name: string) {
  const labels = { 'app.kubernetes.io/name': options.app, 'app.kubernetes.io/managed-by': 'hive' };
  return { name, ...(options.namespace !== undefined && { namespace: options.namespace }), labels };
}

/**
 * The Secret of the app's env values (`secretEnv`), which the Deployment's pods read: in a file of its own
 * (`<app>-env.secret.yaml`), never in k8s.yaml. `stringData`: the values as they are, which the kubelet does not
 * expand.
 */
export function envSecretManifest(options: DeployOptions): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: objectMetadata(options, envSecretName(options)),
    type: 'Opaque',
    stringData: options.secretEnv,
  };
}

/** Renders `<app>-env.secret.yaml`: the Secret of {@link envSecretManifest}, a manifest like k8s.yaml's. */
export function renderEnvSecret(options: DeployOptions): string {
  const header = [
    "# Generated by `hive deploy k8s --with-env`: the app's env, the Secret k8s.yaml's pods read (envFrom).",
    '# Its values may be secrets: keep this file out of version control. Applied with k8s.yaml (see there).',
  ];
  return `${header.join('\n')}\n${toYamlDocuments([envSecretManifest(options)] as Parameters<typeof toYamlDocuments>[0])}`;
}

// ingress-nginx passes WebSocket upgrades by itself; what it needs are timeouts long enough for idle sockets,
// the same retry rule as `hive edge nginx`, and the same affinity key as the app's sticky setting.
function ingressAnnotations(options: DeployOptions): Record<string, string> {
  const prefix = 'nginx.ingress.kubernetes.io';
  const annotations: Record<string, string> = {
    [`${prefix}/proxy-read-timeout`]: '3600',
    [`${prefix}/proxy-send-timeout`]: '3600',
    [`${prefix}/proxy-body-size`]: '1m',
    // ingress-nginx's default is 4k: more response headers than that (cookies, a CSP) would be a 502 there too.
    [`${prefix}/proxy-buffer-size`]: '16k',
    // As `hive edge nginx` (nginx-server.ts): the app's own 5xx pass through, never tried on every pod; a timeout
    // is retried only within 10 s of the first try, far below the 1 h read timeout, so a connect timeout is
    // retried and a request the app is slow on is not (ingress-nginx's default budget is unlimited).
    [`${prefix}/proxy-next-upstream`]: 'error timeout',
    [`${prefix}/proxy-next-upstream-tries`]: '3',
    [`${prefix}/proxy-next-upstream-timeout`]: '10',
  };
  if (options.sticky !== undefined) annotations[`${prefix}/upstream-hash-by`] = ingressHashKey(options.sticky);
  if (options.tlsSecret !== undefined) annotations[`${prefix}/ssl-redirect`] = 'true';
  // The pods serve HTTPS themselves; ingress-nginx does not verify them by default (proxy-ssl-verify off).
  if (options.upstreamTls) annotations[`${prefix}/backend-protocol`] = 'HTTPS';
  return annotations;
}

// The key ingress-nginx hashes on, as `hive edge nginx` picks it (defaultBalance in options.ts). X-Real-IP and
// X-Forwarded-For are what the ingress itself sets for the pod: at the ingress they are whatever the client sent,
// usually nothing, so every client would hash to one pod; the client address they carry is $remote_addr there.
function ingressHashKey(sticky: string): string {
  const [kind, name = ''] = sticky.split(':');
  const header = name.toLowerCase();
  if (kind === 'ip' || (kind === 'header' && (header === 'x-real-ip' || header === 'x-forwarded-for'))) {
    return '$remote_addr';
  }
  const bad = [...name].find((char) => !(kind === 'cookie' ? /\w/ : /[A-Za-z0-9-]/).test(char));
  if (kind === 'cookie' && bad !== undefined) {
    // nginx variable names stop at anything but letters, digits and "_": `$cookie_my-sid` hashes the cookie "my" plus
    // the text "-sid". hive edge nginx reads such a cookie through a map, which ingress-nginx's annotations cannot add.
    const stem = name.slice(0, name.indexOf(bad));
    throw new DeployOptionError(
      'sticky',
      `sticky: the cookie name ${JSON.stringify(name)} holds a ${JSON.stringify(bad)}, and ingress-nginx's ` +
        `upstream-hash-by can only name it as $cookie_${name}, which nginx reads as the cookie ${JSON.stringify(stem)}: ` +
        `rename the cookie (such as ${name.replace(/\W/g, '_')}), or use a header:<name> key`,
    );
  }
  if (kind === 'header' && bad !== undefined) {
    // ingress-nginx leaves nginx's underscores_in_headers off (its enable-underscores-in-headers), and nginx drops
    // a header named with anything but letters, digits and "-" before the pod sees it.
    throw new DeployOptionError(
      'sticky',
      `sticky: the header name ${JSON.stringify(name)} holds a ${JSON.stringify(bad)}, and nginx (ingress-nginx) ` +
        'drops such headers by default, so every client would hash alike and the pods would never see it: name ' +
        `the header with letters, digits and "-" only (such as ${name.replace(/[^A-Za-z0-9-]/g, '-')})`,
    );
  }
  return kind === 'cookie' ? `$cookie_${name}` : `$http_${header.replaceAll('-', '_')}`;
}

// As the Dockerfile's build command: from the app's directory when the recipe is in a directory of its own.
// The Secret first: pods that start before it exists fail (CreateContainerConfigError) until it does.
function applyCommand(options: DeployOptions): string {
  const { recipe } = options.layout;
  const inRecipe = (file: string) => (recipe === '.' ? file : shellWord(`${recipe}/${file}`));
  const envFile = envFilePath(options, 'k8s');
  const manifests = [...(envFile === undefined ? [] : [envFile]), 'k8s.yaml'].map((file) => `-f ${inRecipe(file)}`);
  return (
    `${runWhere(options, 'Apply')}: ${buildCommand(options)} && docker push ${options.image} && ` +
    `kubectl apply ${manifests.join(' ')}`
  );
}

/** Renders k8s.yaml. */
export function renderKubernetes(options: DeployOptions): string {
  const header = [
    '# Generated by `hive deploy k8s`: yours to edit.',
    `# ${applyCommand(options)}`,
    usesMetricsPort(options)
      ? `# Probes: hive run --metrics-port ${options.health.port} answers ${options.health.readiness} (ready for traffic) and ${options.health.liveness} (alive).`
      : `# The app answers ${options.health.readiness} (ready for traffic) and ${options.health.liveness} (alive) on its port.`,
  ];
  return `${header.join('\n')}\n${toYamlDocuments(kubernetesManifests(options) as Parameters<typeof toYamlDocuments>[0])}`;
}
