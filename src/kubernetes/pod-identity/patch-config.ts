// What a pod gets, decided as the upstream webhook's buildPodPatchConfig decides it: container
// credentials (EKS Pod Identity) for a service account configured for them, else a web identity
// when the service account carries `eks.amazonaws.com/role-arn`, else nothing. The service
// account's annotations set the audience, regional STS and lifetime; the pod's own annotations
// may shorten or lengthen the lifetime and skip containers.
import type { ServiceAccount } from '../objects.js'
import {
  AUDIENCE_ANNOTATION,
  DEFAULT_AUDIENCE,
  DEFAULT_MIN_TOKEN_EXPIRATION,
  DEFAULT_TOKEN_EXPIRATION,
  REGIONAL_STS_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  SKIP_CONTAINERS_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
  containersToSkip,
  parseGoBool,
  tokenExpiration,
} from './annotations.js'
import type { PodView } from './pod-view.js'

/** Where the web identity token is mounted (the webhook's `--token-mount-path` default). */
export const DEFAULT_MOUNT_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount'
export const TOKEN_VOLUME_NAME = 'aws-iam-token'
export const TOKEN_FILE_NAME = 'token'

/** EKS Pod Identity's settings for one service account (pkg/containercredentials). */
export interface ContainerCredentials {
  audience: string
  mountPath: string
  volumeName: string
  tokenPath: string
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI: the agent the SDKs ask for credentials. */
  fullUri: string
}

/** How the webhook is configured: its flags, and where it looks service accounts up. */
export interface WebhookSettings {
  /** `--aws-default-region`: AWS_REGION and AWS_DEFAULT_REGION; none when undefined. */
  region?: string | undefined
  /** `--sts-regional-endpoint`: AWS_STS_REGIONAL_ENDPOINTS=regional unless an annotation says no. */
  regionalSts: boolean
  /** `--token-mount-path`. */
  mountPath?: string | undefined
  /** The service account `namespace/name`, or undefined when the cluster has none such. */
  serviceAccount(namespace: string, name: string): ServiceAccount | undefined
  /**
   * Container credentials for a service account, when EKS Pod Identity serves it (rolegate has no
   * Pod Identity agent or associations, so the server never sets this).
   */
  containerCredentials?: (namespace: string, name: string) => ContainerCredentials | undefined
  /** A whole number in [0, bound): the jitter container-credentials mode puts on lifetimes. */
  randomInt?: (bound: number) => number
}

export type Credentials =
  { kind: 'web-identity'; roleArn: string } | { kind: 'container-credentials'; fullUri: string }

/** What the patch is made from (the upstream podPatchConfig). */
export interface PatchConfig {
  credentials: Credentials
  containersToSkip: ReadonlySet<string>
  tokenExpiration: number
  useRegionalSts: boolean
  /** '' leaves the audience to the kube-apiserver's default, as an absent field does. */
  audience: string
  mountPath: string
  volumeName: string
  tokenPath: string
  region: string | undefined
}

/** The service account's settings as the webhook's cache keeps them (cache.addSA). */
interface ServiceAccountEntry {
  roleArn: string
  audience: string
  useRegionalSts: boolean
  tokenExpiration: number
}

function entryOf(
  account: ServiceAccount | undefined,
  settings: WebhookSettings,
): ServiceAccountEntry {
  const annotations = account?.metadata.annotations ?? {}
  const own = (key: string): string | undefined =>
    Object.hasOwn(annotations, key) ? annotations[key] : undefined
  const regional = own(REGIONAL_STS_ANNOTATION)
  return {
    roleArn: own(ROLE_ARN_ANNOTATION) ?? '',
    audience: own(AUDIENCE_ANNOTATION) ?? DEFAULT_AUDIENCE,
    useRegionalSts:
      (regional === undefined ? undefined : parseGoBool(regional)) ?? settings.regionalSts,
    tokenExpiration: tokenExpiration(own(TOKEN_EXPIRATION_ANNOTATION)) ?? DEFAULT_TOKEN_EXPIRATION,
  }
}

const podAnnotation = (pod: PodView, key: string): string | undefined =>
  Object.hasOwn(pod.annotations, key) ? pod.annotations[key] : undefined

/** The outcome: what to patch with, or why nothing is patched. */
export type PatchDecision =
  | { mutate: true; config: PatchConfig }
  | { mutate: false; reason: 'no-service-account' | 'no-role' }

/**
 * The patch configuration for `pod` in `namespace`, as buildPodPatchConfig builds it. A role ARN
 * on the pod itself (`eks.amazonaws.com/role-arn`) counts when its service account has none.
 */
export function decidePatch(
  pod: PodView,
  namespace: string,
  settings: WebhookSettings,
): PatchDecision {
  const account = settings.serviceAccount(namespace, pod.serviceAccountName)
  const entry = entryOf(account, settings)
  // The pod's annotation overrides the service account's lifetime; skip-containers is the pod's.
  const lifetime = tokenExpiration(podAnnotation(pod, TOKEN_EXPIRATION_ANNOTATION))
  const skipped = containersToSkip(podAnnotation(pod, SKIP_CONTAINERS_ANNOTATION))
  const common = {
    containersToSkip: skipped,
    useRegionalSts: entry.useRegionalSts,
    region: settings.region,
  }

  const podCredentials = settings.containerCredentials?.(namespace, pod.serviceAccountName)
  if (podCredentials !== undefined) {
    // GetCommonConfigurations: a service account the cache lacks counts as not regional.
    const expiration = lifetime ?? entry.tokenExpiration
    return {
      mutate: true,
      config: {
        ...common,
        useRegionalSts: account === undefined ? false : entry.useRegionalSts,
        credentials: { kind: 'container-credentials', fullUri: podCredentials.fullUri },
        tokenExpiration: withJitter(expiration, settings),
        audience: podCredentials.audience,
        mountPath: podCredentials.mountPath,
        volumeName: podCredentials.volumeName,
        tokenPath: podCredentials.tokenPath,
      },
    }
  }

  const roleArn =
    entry.roleArn !== '' ? entry.roleArn : (podAnnotation(pod, ROLE_ARN_ANNOTATION) ?? '')
  if (roleArn === '') {
    return { mutate: false, reason: account === undefined ? 'no-service-account' : 'no-role' }
  }
  return {
    mutate: true,
    config: {
      ...common,
      credentials: { kind: 'web-identity', roleArn },
      tokenExpiration: lifetime ?? entry.tokenExpiration,
      audience: entry.audience,
      mountPath: settings.mountPath ?? DEFAULT_MOUNT_PATH,
      volumeName: TOKEN_VOLUME_NAME,
      tokenPath: TOKEN_FILE_NAME,
    },
  }
}

/**
 * addJitterToDefaultToken: a default lifetime becomes a random one in [79200, 86400], so the
 * pods of one rollout do not all refresh their tokens at once.
 */
function withJitter(expiration: number, settings: WebhookSettings): number {
  if (expiration !== DEFAULT_TOKEN_EXPIRATION) return expiration
  const span = DEFAULT_TOKEN_EXPIRATION - DEFAULT_MIN_TOKEN_EXPIRATION + 1
  const random = settings.randomInt
  if (random === undefined) throw new Error('container credentials need a random source')
  return random(span) + DEFAULT_MIN_TOKEN_EXPIRATION
}
