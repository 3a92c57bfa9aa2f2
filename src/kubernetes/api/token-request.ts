// TokenRequest, the `serviceaccounts/token` subresource (`kubectl create token SA -n NS`): a token
// for a ServiceAccount the cluster holds, signed by the cluster's issuer, as the kube-apiserver's
// TokenRequest REST answers it. RBAC has already allowed `create serviceaccounts/token`. The
// lifetime is defaulted (1 hour), validated (pkg/apis/authentication/validation: at least 10
// minutes, at most 2^32 seconds) and capped at the issuer's 24 hours, as the apiserver caps it at
// --service-account-max-token-expiration (EKS: 24 hours).
import type { ClusterSnapshot } from '../objects.js'
import { FieldTypeError, Fields } from './json-input.js'
import type { JsonObject } from './json-input.js'
import type { ServiceAccountTokens } from './ports.js'
import { StatusError, badRequest, invalid, notFound } from './status.js'

export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1'

/** TokenRequestSpec's default lifetime (pkg/apis/authentication/v1 SetDefaults_TokenRequestSpec). */
const DEFAULT_EXPIRATION_SECONDS = 60 * 60
const MIN_EXPIRATION_SECONDS = 10 * 60
const MAX_EXPIRATION_SECONDS = 2 ** 32
/** What the cluster's issuer signs for at most (EKS's --service-account-max-token-expiration). */
const SIGNER_MAX_EXPIRATION_SECONDS = 24 * 60 * 60

/** metav1.Time as JSON: RFC 3339 to the second. */
const time = (date: Date) => `${date.toISOString().slice(0, 19)}Z`

/** The int64 expirationSeconds, or undefined when absent; Go's words for another type. */
function expirationSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    // Go reports a fractional number as a number it cannot put into an int64, too.
    throw new FieldTypeError('TokenRequest.spec.expirationSeconds', 'int64', value)
  }
  return value
}

/** The TokenRequest answer (201) for `name` in `namespace`, or a StatusError. */
export async function answerTokenRequest(
  snapshot: ClusterSnapshot,
  namespace: string,
  name: string,
  body: JsonObject,
  tokens: ServiceAccountTokens,
): Promise<JsonObject> {
  const top = new Fields(body, '')
  const kind = top.string('kind')
  const apiVersion = top.string('apiVersion')
  if (
    (kind !== '' && kind !== 'TokenRequest') ||
    (apiVersion !== '' && apiVersion !== TOKEN_REQUEST_API_VERSION)
  ) {
    throw new StatusError(
      badRequest(
        `the object provided is unrecognized (must be of type TokenRequest): ${apiVersion} ${kind}`,
      ),
    )
  }
  const fields = new Fields(body, 'TokenRequest')
  const spec = fields.object('spec')
  const audiences = spec?.strings('audiences') ?? []
  const requested = expirationSeconds(spec?.raw('expirationSeconds'))
  const expiration = requested ?? DEFAULT_EXPIRATION_SECONDS
  const bound = spec?.object('boundObjectRef')
  const boundKind = bound?.string('kind') ?? ''
  const boundName = bound?.string('name') ?? ''

  const account = snapshot.objects.find(
    (object) =>
      object.kind === 'ServiceAccount' &&
      object.metadata.namespace === namespace &&
      object.metadata.name === name,
  )
  if (account === undefined || account.kind !== 'ServiceAccount') {
    throw new StatusError(notFound('', 'serviceaccounts', name))
  }
  const metadataName = fields.object('metadata')?.string('name') ?? ''
  const problems = []
  if (expiration < MIN_EXPIRATION_SECONDS) {
    problems.push({
      type: 'Invalid value',
      field: 'spec.expirationSeconds',
      detail: `Invalid value: ${expiration}: may not specify a duration less than 10 minutes`,
      reason: 'FieldValueInvalid',
    })
  }
  if (expiration > MAX_EXPIRATION_SECONDS) {
    problems.push({
      type: 'Invalid value',
      field: 'spec.expirationSeconds',
      detail: `Invalid value: ${expiration}: may not specify a duration larger than 2^32 seconds`,
      reason: 'FieldValueInvalid',
    })
  }
  if (problems.length > 0) {
    throw new StatusError(invalid('authentication.k8s.io', 'TokenRequest', metadataName, problems))
  }
  // rolegate runs no pods, so a pod binding names the pod without finding it; nothing else binds.
  if (bound !== undefined && boundKind !== 'Pod') {
    throw new StatusError(
      badRequest(
        `cannot bind a token to a ${boundKind === '' ? 'object of no kind' : boundKind}: rolegate binds tokens to Pods only`,
      ),
    )
  }
  const granted = Math.min(expiration, SIGNER_MAX_EXPIRATION_SECONDS)
  const issued = await tokens.mint(snapshot, account, {
    audiences,
    expirationSeconds: granted,
    pod: boundKind === 'Pod' && boundName !== '' ? boundName : undefined,
  })
  return {
    kind: 'TokenRequest',
    apiVersion: TOKEN_REQUEST_API_VERSION,
    metadata: { name, namespace, creationTimestamp: null },
    spec: {
      audiences: issued.audiences,
      expirationSeconds: granted,
      boundObjectRef:
        bound === undefined ? null : { kind: 'Pod', apiVersion: 'v1', name: boundName },
    },
    status: { token: issued.token, expirationTimestamp: time(issued.expirationTimestamp) },
  }
}
