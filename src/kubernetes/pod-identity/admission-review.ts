// The mutating admission webhook's exchange: an AdmissionReview (admission.k8s.io/v1 or v1beta1)
// in, an AdmissionReview with the response out, in the request's apiVersion, echoing its uid. A
// pod that gets an identity is answered `allowed: true` with a base64 JSON Patch; any other pod
// is allowed unchanged (with a warning where rolegate's copy of the cluster lacks what the pod
// names); a body that is no AdmissionReview is a 400 Status, never a 500.
import { ANNOTATION_DOMAIN } from './annotations.js'
import { decidePatch } from './patch-config.js'
import type { WebhookSettings } from './patch-config.js'
import { podPatch } from './pod-patch.js'
import type { PatchOperation } from './pod-patch.js'
import { PodDecodeError, readPod } from './pod-view.js'

export const ADMISSION_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const

/** metav1.Status, as the apiserver and this webhook write it. */
export interface ReviewStatus {
  kind?: 'Status'
  apiVersion?: 'v1'
  metadata: Record<string, never>
  status: 'Success' | 'Failure'
  message: string
  reason?: string
  code: number
}

/** admission/v1 AdmissionResponse, the fields this webhook sets. */
export interface AdmissionResponse {
  uid: string
  allowed: boolean
  patchType?: 'JSONPatch'
  /** The JSON Patch, base64 (a []byte in Go's JSON). */
  patch?: string
  status?: ReviewStatus
  warnings?: string[]
}

export interface AdmissionReviewAnswer {
  apiVersion: string
  kind: 'AdmissionReview'
  response: AdmissionResponse
}

/** What the webhook answers: an AdmissionReview (200) or a Status (400). */
export type WebhookAnswer =
  | { status: 200; body: AdmissionReviewAnswer; patch: PatchOperation[] | undefined }
  | { status: 400; body: ReviewStatus & { kind: 'Status'; apiVersion: 'v1' } }

/** A Namespace and its ServiceAccounts as the webhook looks them up. */
export interface MutationSettings extends WebhookSettings {
  /** Whether the cluster has the namespace (for the warning when a pod names one it lacks). */
  namespaceExists(namespace: string): boolean
  /** The cluster's name, for warnings. */
  clusterName: string
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A 400 Status: what the apiserver's own decoders answer for a body they cannot read. */
export function badRequest(message: string): WebhookAnswer {
  return {
    status: 400,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'BadRequest',
      code: 400,
    },
  }
}

const stringField = (object: Record<string, unknown>, key: string): string | undefined => {
  const value = object[key]
  return typeof value === 'string' ? value : undefined
}

/** The typed answer for a review whose request could be read. */
function answer(
  apiVersion: string,
  uid: string,
  response: Omit<AdmissionResponse, 'uid'>,
  patch?: PatchOperation[],
): WebhookAnswer {
  return {
    status: 200,
    body: { apiVersion, kind: 'AdmissionReview', response: { uid, ...response } },
    patch,
  }
}

/**
 * The webhook's answer to one request body, already parsed from JSON. `settings` looks the
 * cluster's ServiceAccounts and Namespaces up in one snapshot.
 */
export function reviewPodAdmission(body: unknown, settings: MutationSettings): WebhookAnswer {
  if (!isObject(body)) {
    return badRequest(
      'the body of the request is not a JSON object: an AdmissionReview is expected',
    )
  }
  const kind = body['kind']
  // A missing apiVersion is read as the webhook's own version, as the upstream decoder reads it.
  const apiVersion = body['apiVersion'] ?? ADMISSION_VERSIONS[0]
  if (kind === undefined) return badRequest(`Object 'Kind' is missing in the request body`)
  if (
    kind !== 'AdmissionReview' ||
    typeof apiVersion !== 'string' ||
    !(ADMISSION_VERSIONS as readonly string[]).includes(apiVersion)
  ) {
    return badRequest(
      `this webhook takes AdmissionReview in ${ADMISSION_VERSIONS.join(' or ')}, not ${String(kind)} in ${typeof apiVersion === 'string' ? apiVersion : 'no apiVersion'}`,
    )
  }
  const request = body['request']
  if (!isObject(request)) return badRequest('the AdmissionReview has no request')
  const uid = request['uid']
  if (typeof uid !== 'string' || uid === '') {
    return badRequest('the AdmissionReview request has no uid')
  }

  const allowUnchanged = (message: string, warnings?: string[]) =>
    answer(apiVersion, uid, {
      allowed: true,
      status: { metadata: {}, status: 'Success', message, code: 200 },
      ...(warnings === undefined ? {} : { warnings }),
    })

  const resourceKind = isObject(request['kind']) ? request['kind'] : {}
  const group = stringField(resourceKind, 'group') ?? ''
  const version = stringField(resourceKind, 'version') ?? ''
  const kindName = stringField(resourceKind, 'kind') ?? ''
  const subResource = stringField(request, 'subResource') ?? ''
  if (group !== '' || kindName !== 'Pod' || subResource !== '') {
    const what = `${group === '' ? '' : `${group}/`}${version} ${kindName}${subResource === '' ? '' : ` (${subResource})`}`
    return allowUnchanged(`not a Pod but ${what.trim() || 'an unnamed kind'}: nothing to mutate`)
  }
  // The upstream webhook is registered for CREATE only; a running pod's spec cannot change.
  const operation = stringField(request, 'operation') ?? 'CREATE'
  if (operation !== 'CREATE') {
    return allowUnchanged(
      `${operation} of a Pod: ${ANNOTATION_DOMAIN} identities are added at CREATE`,
    )
  }

  let pod
  try {
    pod = readPod(request['object'])
  } catch (error) {
    if (!(error instanceof PodDecodeError)) throw error
    return answer(apiVersion, uid, {
      allowed: false,
      status: {
        metadata: {},
        status: 'Failure',
        message: error.message,
        reason: 'BadRequest',
        code: 400,
      },
    })
  }
  const namespace = stringField(request, 'namespace') || pod.namespace || 'default'
  const serviceAccount = pod.serviceAccountName === '' ? 'default' : pod.serviceAccountName
  const named = { ...pod, serviceAccountName: serviceAccount }
  const decision = decidePatch(named, namespace, settings)
  if (!decision.mutate) {
    if (decision.reason === 'no-role') {
      return allowUnchanged(
        `service account ${namespace}/${serviceAccount} has no ${ANNOTATION_DOMAIN}/role-arn annotation: nothing to mutate`,
      )
    }
    const missing = settings.namespaceExists(namespace)
      ? `no ServiceAccount "${serviceAccount}" in namespace "${namespace}"`
      : `no namespace "${namespace}"`
    const message = `cluster ${settings.clusterName} has ${missing} in rolegate: the pod gets no AWS identity`
    return allowUnchanged(message, [message])
  }
  const patch = podPatch(named, decision.config)
  if (patch.length === 0) {
    return allowUnchanged('the pod already has its AWS identity: nothing to mutate')
  }
  return answer(
    apiVersion,
    uid,
    {
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    },
    patch,
  )
}
