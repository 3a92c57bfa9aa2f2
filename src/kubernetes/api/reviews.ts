// The review kinds, answered at once and kept nowhere: TokenReview, SelfSubjectReview,
// SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and SelfSubjectRulesReview,
// with the apiserver's validation and messages (pkg/registry/authorization, pkg/apis/authorization).
import type { ClusterSnapshot, RequestAttributes, UserInfo } from '../objects.js'
import type { Fields, JsonObject } from './json-input.js'
import type { ClusterAuthorizer, TokenAuthenticator } from './ports.js'
import type { FieldError } from './status.js'
import { StatusError, badRequest, invalid } from './status.js'

const AUTHZ_GROUP = 'authorization.k8s.io'

/** The answer's metadata: what the apiserver echoes of a review it keeps nowhere. */
function echoedMetadata(body: Fields): JsonObject {
  const metadata = body.object('metadata')
  const name = metadata?.string('name') ?? ''
  const namespace = metadata?.string('namespace') ?? ''
  return {
    ...(name === '' ? {} : { name }),
    ...(namespace === '' ? {} : { namespace }),
    creationTimestamp: null,
  }
}

/** UserInfo in JSON form, empty fields left out as Go's omitempty does. */
export function userInfoJson(user: UserInfo): JsonObject {
  const extra = user.extra ?? {}
  return {
    username: user.username,
    ...(user.uid === undefined || user.uid === '' ? {} : { uid: user.uid }),
    ...(user.groups.length === 0 ? {} : { groups: user.groups }),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  }
}

export interface ReviewContext {
  snapshot: ClusterSnapshot
  authorizer: ClusterAuthorizer
  authenticator: TokenAuthenticator
}

/**
 * TokenReview: `spec.token` through the cluster's authenticator. A token that does not
 * authenticate is an answer (`authenticated: false` with the reason), not an error; the spec is
 * not echoed, so the token is never written back.
 */
export async function tokenReview(
  body: Fields,
  apiVersion: string,
  context: ReviewContext,
): Promise<JsonObject> {
  const spec = body.object('spec')
  const token = spec?.string('token') ?? ''
  spec?.strings('audiences')
  if (token === '')
    throw new StatusError(badRequest('token is required for TokenReview in authentication'))
  const result = await context.authenticator.authenticate(context.snapshot, token)
  const status = result.authenticated
    ? { authenticated: true, user: userInfoJson(result.user) }
    : { user: {}, error: result.error }
  return { kind: 'TokenReview', apiVersion, metadata: echoedMetadata(body), spec: {}, status }
}

/** SelfSubjectReview: who the caller is, as authenticated. */
export function selfSubjectReview(body: Fields, apiVersion: string, user: UserInfo): JsonObject {
  return {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: echoedMetadata(body),
    status: { userInfo: userInfoJson(user) },
  }
}

interface AccessSpec {
  resource?: {
    namespace: string
    verb: string
    group: string
    version: string
    resource: string
    subresource: string
    name: string
  }
  nonResource?: { path: string; verb: string }
  /** The spec as echoed back: the fields read, in JSON form. */
  echoed: JsonObject
}

function readAccessSpec(spec: Fields | undefined): AccessSpec {
  const resourceFields = spec?.object('resourceAttributes')
  const nonResourceFields = spec?.object('nonResourceAttributes')
  const echoed: JsonObject = {}
  const result: AccessSpec = { echoed }
  if (resourceFields) {
    const resource = {
      namespace: resourceFields.string('namespace'),
      verb: resourceFields.string('verb'),
      group: resourceFields.string('group'),
      version: resourceFields.string('version'),
      resource: resourceFields.string('resource'),
      subresource: resourceFields.string('subresource'),
      name: resourceFields.string('name'),
    }
    result.resource = resource
    echoed['resourceAttributes'] = omitEmpty(resource)
  }
  if (nonResourceFields) {
    const nonResource = {
      path: nonResourceFields.string('path'),
      verb: nonResourceFields.string('verb'),
    }
    result.nonResource = nonResource
    echoed['nonResourceAttributes'] = omitEmpty(nonResource)
  }
  return result
}

const omitEmpty = (record: Record<string, string>): JsonObject =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''))

/** The attributes a review asks about, for the user given. */
function attributesOf(access: AccessSpec, user: UserInfo): RequestAttributes {
  if (access.resource) {
    const resource = access.resource
    return {
      user,
      resourceRequest: true,
      verb: resource.verb,
      apiGroup: resource.group,
      apiVersion: resource.version,
      resource: resource.resource,
      subresource: resource.subresource,
      namespace: resource.namespace,
      name: resource.name,
    }
  }
  const nonResource = access.nonResource ?? { path: '', verb: '' }
  return { user, resourceRequest: false, verb: nonResource.verb, path: nonResource.path }
}

/** ValidateSelfSubjectAccessReviewSpec / ValidateSubjectAccessReviewSpec's attribute checks. */
function attributeErrors(access: AccessSpec): FieldError[] {
  if (access.resource && access.nonResource) {
    return [
      fieldInvalid(
        'spec.nonResourceAttributes',
        JSON.stringify(access.echoed['nonResourceAttributes']),
        'cannot be specified in combination with resourceAttributes',
      ),
    ]
  }
  if (!access.resource && !access.nonResource) {
    return [
      fieldInvalid(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    ]
  }
  return []
}

const fieldInvalid = (field: string, value: string, detail: string): FieldError => ({
  type: 'Invalid value',
  field,
  detail: `Invalid value: ${value}: ${detail}`,
  reason: 'FieldValueInvalid',
})

function decide(
  context: ReviewContext,
  attributes: RequestAttributes,
): { allowed: boolean; reason?: string; evaluationError?: string } {
  const decision = context.authorizer.authorize(context.snapshot, attributes)
  return {
    allowed: decision.allowed,
    ...(decision.reason === '' ? {} : { reason: decision.reason }),
    ...(decision.evaluationError === undefined || decision.evaluationError === ''
      ? {}
      : { evaluationError: decision.evaluationError }),
  }
}

/** SelfSubjectAccessReview: may the caller do this? */
export function selfSubjectAccessReview(
  body: Fields,
  apiVersion: string,
  user: UserInfo,
  context: ReviewContext,
): JsonObject {
  const access = readAccessSpec(body.object('spec'))
  const errors = attributeErrors(access)
  if (errors.length > 0)
    throw new StatusError(invalid(AUTHZ_GROUP, 'SelfSubjectAccessReview', '', errors))
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion,
    metadata: echoedMetadata(body),
    spec: access.echoed,
    status: decide(context, attributesOf(access, user)),
  }
}

/**
 * SubjectAccessReview (and LocalSubjectAccessReview in `namespace`): may this user do this? The
 * groups are `groups` in v1 and `group` in v1beta1; the answer says them as the request did.
 */
export function subjectAccessReview(
  body: Fields,
  kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview',
  apiVersion: string,
  context: ReviewContext,
  namespace?: string,
): JsonObject {
  const spec = body.object('spec')
  const access = readAccessSpec(spec)
  const groupsField = apiVersion.endsWith('/v1beta1') ? 'group' : 'groups'
  const user: UserInfo = {
    username: spec?.string('user') ?? '',
    groups: spec?.strings(groupsField) ?? [],
  }
  const uid = spec?.string('uid') ?? ''
  if (uid !== '') user.uid = uid
  const extra = spec?.stringListMap('extra') ?? {}
  if (Object.keys(extra).length > 0) user.extra = extra
  const errors = attributeErrors(access)
  if (user.username === '' && user.groups.length === 0) {
    errors.push(fieldInvalid('spec.user', '""', 'at least one of user or group must be specified'))
  }
  if (kind === 'LocalSubjectAccessReview') {
    if (access.nonResource) {
      errors.push(
        fieldInvalid(
          'spec.nonResourceAttributes',
          JSON.stringify(access.echoed['nonResourceAttributes']),
          'disallowed on this kind of request',
        ),
      )
    }
    if (access.resource && access.resource.namespace !== namespace) {
      throw new StatusError(
        badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace ?? ''}`),
      )
    }
  }
  if (errors.length > 0) throw new StatusError(invalid(AUTHZ_GROUP, kind, '', errors))
  const echoed: JsonObject = {
    ...access.echoed,
    ...(user.username === '' ? {} : { user: user.username }),
    ...(user.groups.length === 0 ? {} : { [groupsField]: user.groups }),
    ...(user.extra === undefined ? {} : { extra: user.extra }),
    ...(uid === '' ? {} : { uid }),
  }
  return {
    kind,
    apiVersion,
    metadata: echoedMetadata(body),
    spec: echoed,
    status: decide(context, attributesOf(access, user)),
  }
}

/** SelfSubjectRulesReview: what the caller may do in a namespace. */
export function selfSubjectRulesReview(
  body: Fields,
  apiVersion: string,
  user: UserInfo,
  context: ReviewContext,
): JsonObject {
  const namespace = body.object('spec')?.string('namespace') ?? ''
  if (namespace === '') {
    throw new StatusError(badRequest('no namespace on request'))
  }
  const rules = context.authorizer.rules(context.snapshot, user, namespace)
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion,
    metadata: echoedMetadata(body),
    spec: { namespace },
    status: {
      resourceRules: rules.resourceRules,
      nonResourceRules: rules.nonResourceRules,
      incomplete: rules.incomplete,
      ...(rules.evaluationError === undefined || rules.evaluationError === ''
        ? {}
        : { evaluationError: rules.evaluationError }),
    },
  }
}
