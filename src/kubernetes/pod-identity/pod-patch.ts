// The RFC 6902 JSON Patch that gives a pod its AWS identity, by the upstream webhook's rules
// (getPodSpecPatch, addEnvToContainer): the projected token volume unless one of its name exists,
// the env variables a container lacks (none overwritten), the read-only mount where it is missing,
// containers named in skip-containers and containers that already hold everything left alone.
// Where upstream replaces whole container lists, this patch only adds, so fields the webhook does
// not know survive; applied to the pod, both give the same Pod.
import { posix } from 'node:path'
import type { PatchConfig } from './patch-config.js'
import type { ContainerView, PodView } from './pod-view.js'

export interface PatchOperation {
  op: 'add'
  path: string
  value: unknown
}

/** The label EKS Pod Identity marks its pods with. */
export const POD_IDENTITY_LABEL = 'eks.amazonaws.com/pod-identity'

const WEB_IDENTITY_KEYS = ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']
const CONTAINER_CREDENTIALS_KEYS = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
]
const REGION_KEYS = ['AWS_REGION', 'AWS_DEFAULT_REGION']
const REGIONAL_STS_KEY = 'AWS_STS_REGIONAL_ENDPOINTS'

/** A JSON Pointer (RFC 6901) from its reference tokens: `~` as `~0`, `/` as `~1`. */
export const jsonPointer = (...tokens: ReadonlyArray<string | number>): string =>
  tokens.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')

const isWindows = (pod: PodView): boolean =>
  pod.nodeSelector['kubernetes.io/os'] === 'windows' ||
  pod.nodeSelector['beta.kubernetes.io/os'] === 'windows'

/** The token file's path as the container sees it: `C:\...` on Windows nodes. */
export function tokenFilePath(pod: PodView, config: PatchConfig): string {
  const path = posix.join(config.mountPath, config.tokenPath)
  return isWindows(pod) ? `C:${path.replace(/\//g, '\\')}` : path
}

interface EnvVar {
  name: string
  value: string
}

/** The env entries and mount one container lacks; undefined when it is to be left alone. */
function containerAdditions(
  container: ContainerView,
  tokenFile: string,
  config: PatchConfig,
): { env: EnvVar[]; mount: boolean } | undefined {
  const names = new Set(container.env ?? [])
  const any = (keys: readonly string[]) => keys.some((key) => names.has(key))
  const credentialKeys =
    config.credentials.kind === 'web-identity' ? WEB_IDENTITY_KEYS : CONTAINER_CREDENTIALS_KEYS
  const credentialsDefined = any(credentialKeys)
  const regionDefined = any(REGION_KEYS)
  const regionalStsDefined = names.has(REGIONAL_STS_KEY)
  // A container with credentials, a region and the STS setting already is not touched at all.
  if (credentialsDefined && regionDefined && regionalStsDefined) return undefined

  const env: EnvVar[] = []
  if (!regionalStsDefined && config.useRegionalSts) {
    env.push({ name: REGIONAL_STS_KEY, value: 'regional' })
  }
  if (!regionDefined && config.region !== undefined && config.region !== '') {
    env.push({ name: 'AWS_DEFAULT_REGION', value: config.region })
    env.push({ name: 'AWS_REGION', value: config.region })
  }
  if (!credentialsDefined) {
    if (config.credentials.kind === 'web-identity') {
      env.push({ name: 'AWS_ROLE_ARN', value: config.credentials.roleArn })
      env.push({ name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: tokenFile })
    } else {
      env.push({ name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: config.credentials.fullUri })
      env.push({ name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', value: tokenFile })
    }
  }
  const mount = !(container.volumeMounts ?? []).includes(config.volumeName)
  return { env, mount }
}

/** Appends `values` to the list at `path`, or adds the list when there is none. */
function appendTo(
  path: string,
  existing: unknown[] | undefined,
  values: unknown[],
): PatchOperation[] {
  if (values.length === 0) return []
  if (existing === undefined) return [{ op: 'add', path, value: values }]
  return values.map((value) => ({ op: 'add', path: `${path}/-`, value }))
}

function containerPatches(
  list: 'containers' | 'initContainers',
  containers: readonly ContainerView[],
  tokenFile: string,
  config: PatchConfig,
): PatchOperation[] {
  const patch: PatchOperation[] = []
  containers.forEach((container, index) => {
    if (config.containersToSkip.has(container.name)) return
    const additions = containerAdditions(container, tokenFile, config)
    if (additions === undefined) return
    const at = jsonPointer('spec', list, index)
    patch.push(...appendTo(`${at}/env`, container.env as unknown[] | undefined, additions.env))
    if (additions.mount) {
      const mount = { name: config.volumeName, readOnly: true, mountPath: config.mountPath }
      patch.push(
        ...appendTo(`${at}/volumeMounts`, container.volumeMounts as unknown[] | undefined, [mount]),
      )
    }
  })
  return patch
}

/** The projected service-account token volume (its audience omitted when empty, as Go omits it). */
function tokenVolume(config: PatchConfig) {
  return {
    name: config.volumeName,
    projected: {
      sources: [
        {
          serviceAccountToken: {
            ...(config.audience === '' ? {} : { audience: config.audience }),
            expirationSeconds: config.tokenExpiration,
            path: config.tokenPath,
          },
        },
      ],
    },
  }
}

/** The whole patch for `pod`; [] when the pod already has everything. */
export function podPatch(pod: PodView, config: PatchConfig): PatchOperation[] {
  const patch: PatchOperation[] = []
  if (
    config.credentials.kind === 'container-credentials' &&
    pod.labels[POD_IDENTITY_LABEL] !== 'enabled'
  ) {
    patch.push(
      pod.hasLabels
        ? {
            op: 'add',
            path: jsonPointer('metadata', 'labels', POD_IDENTITY_LABEL),
            value: 'enabled',
          }
        : {
            op: 'add',
            path: jsonPointer('metadata', 'labels'),
            value: { [POD_IDENTITY_LABEL]: 'enabled' },
          },
    )
  }
  if (!(pod.volumes ?? []).includes(config.volumeName)) {
    // Upstream puts the volume first.
    patch.push(
      pod.volumes === undefined
        ? { op: 'add', path: jsonPointer('spec', 'volumes'), value: [tokenVolume(config)] }
        : { op: 'add', path: jsonPointer('spec', 'volumes', 0), value: tokenVolume(config) },
    )
  }
  const tokenFile = tokenFilePath(pod, config)
  patch.push(...containerPatches('initContainers', pod.initContainers, tokenFile, config))
  patch.push(...containerPatches('containers', pod.containers, tokenFile, config))
  return patch
}
