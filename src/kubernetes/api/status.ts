// The apiserver's metav1.Status failures, worded as k8s.io/apimachinery/pkg/api/errors words them,
// and the one error type that carries one out of any handler.

/** metav1.StatusCause. */
export interface StatusCause {
  reason?: string
  message?: string
  field?: string
}

/** metav1.StatusDetails. */
export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
}

/** metav1.Status as the apiserver writes it. */
export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message?: string
  reason?: string
  details?: StatusDetails
  code: number
}

/** A failure that leaves a handler as its Status body. */
export class StatusError extends Error {
  override readonly name = 'StatusError'
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'failure')
  }
}

export const isStatusError = (error: unknown): error is StatusError => error instanceof StatusError

export function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  }
}

/** What a resource is called in messages: `pods`, `roles.rbac.authorization.k8s.io`. */
export const qualifiedResource = (group: string, resource: string): string =>
  group === '' ? resource : `${resource}.${group}`

/** What the apiserver answers a request without valid credentials; it never says why. */
export const unauthorized = (): Status => failure(401, 'Unauthorized', 'Unauthorized')

export const notFound = (group: string, resource: string, name: string): Status =>
  failure(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    ...(group === '' ? {} : { group }),
    kind: resource,
  })

/** A path the server has no handler for (apierrors.NewGenericServerResponse with 404). */
export const pathNotFound = (): Status =>
  failure(404, 'NotFound', 'the server could not find the requested resource', {})

export const alreadyExists = (group: string, resource: string, name: string): Status =>
  failure(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, {
    name,
    ...(group === '' ? {} : { group }),
    kind: resource,
  })

/** An optimistic-concurrency conflict: the object changed since the client read it. */
export const conflict = (group: string, resource: string, name: string, why: string): Status =>
  failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`,
    { name, ...(group === '' ? {} : { group }), kind: resource },
  )

export interface FieldError {
  /** `Invalid value`, `Required value`, `Unsupported value`, `Forbidden`, ... */
  type: string
  field: string
  /** The whole cause message, e.g. `Invalid value: "X": must be ...`. */
  detail: string
  /** metav1.CauseType, e.g. FieldValueInvalid. */
  reason: string
}

/** 422 Invalid: `Role.rbac.authorization.k8s.io "x" is invalid: [field: message, ...]`. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): Status {
  const parts = errors.map((error) => `${error.field}: ${error.detail}`)
  const listed = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${listed}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes: errors.map((error) => ({
      reason: error.reason,
      message: error.detail,
      field: error.field,
    })),
  })
}

export const badRequest = (message: string): Status => failure(400, 'BadRequest', message)

export const methodNotAllowed = (): Status =>
  failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  )

export const unsupportedMediaType = (): Status =>
  failure(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  )

export const notAcceptable = (): Status =>
  failure(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  )

export const entityTooLarge = (limit: number): Status =>
  failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)

export const internalError = (): Status =>
  failure(
    500,
    'InternalError',
    'Internal error occurred: the server could not handle the request; its log has the details',
  )

/** Delete's answer for kinds the apiserver answers with a Status (RBAC objects). */
export const deleted = (group: string, resource: string, name: string, uid?: string): object => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  details: {
    name,
    ...(group === '' ? {} : { group }),
    kind: resource,
    ...(uid === undefined ? {} : { uid }),
  },
})
