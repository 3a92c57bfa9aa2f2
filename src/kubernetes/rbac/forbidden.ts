// A denied request's 403, worded and shaped as a kube-apiserver sends it
// (k8s.io/apiserver responsewriters.Forbidden with forbiddenMessage, apimachinery NewForbidden):
// `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"`,
// in a v1 Status with reason Forbidden, code 403 and details naming the object.
import type { RequestAttributes } from '../objects.js'
import { goQuote } from './go-quote.js'

/** metav1.StatusDetails of a Forbidden: empty fields are left out, as the API's JSON omits them. */
export interface ForbiddenDetails {
  name?: string
  group?: string
  /** The resource (never its subresource), e.g. `pods`. */
  kind?: string
}

/** metav1.Status of a Forbidden, its fields in the order the apiserver writes them. */
export interface ForbiddenStatus {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: 'Forbidden'
  details: ForbiddenDetails
  code: 403
}

// The apiserver replaces these in its own words (not in the reason) so no message looks like HTML.
const HTML_LIKE: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const sanitize = (text: string) => text.replace(/[&<>]/g, (c) => HTML_LIKE[c] ?? c)

/**
 * What the user cannot do (forbiddenMessage): `User "u" cannot VERB path "/p"`, or `... cannot
 * VERB resource "r[/sub]" in API group "g"` and ` in the namespace "ns"` or ` at the cluster scope`.
 */
export function userCannotMessage(request: RequestAttributes): string {
  const user = goQuote(request.user.username)
  if (!request.resourceRequest) {
    return `User ${user} cannot ${request.verb} path ${goQuote(request.path)}`
  }
  const resource =
    request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`
  const what = `User ${user} cannot ${request.verb} resource ${goQuote(resource)} in API group ${goQuote(request.apiGroup)}`
  return request.namespace === ''
    ? `${what} at the cluster scope`
    : `${what} in the namespace ${goQuote(request.namespace)}`
}

/**
 * The whole message: `RESOURCE[.GROUP] ["NAME" ]is forbidden: ...` (`forbidden: ...` for a
 * non-resource request), then `: REASON` when the authorizer gave one (e.g. RBAC's
 * `RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
 */
export function forbiddenMessage(request: RequestAttributes, reason = ''): string {
  const detail = sanitize(userCannotMessage(request))
  const error = reason === '' ? detail : `${detail}: ${reason}`
  const group = request.resourceRequest ? request.apiGroup : ''
  const resource = request.resourceRequest ? request.resource : ''
  // schema.GroupResource: nothing named gives a bare `forbidden`; String() is `resource[.group]`.
  if (group === '' && resource === '') return `forbidden: ${error}`
  const qualified = group === '' ? resource : `${resource}.${group}`
  const name = request.resourceRequest ? request.name : ''
  return name === ''
    ? `${qualified} is forbidden: ${error}`
    : `${qualified} ${goQuote(name)} is forbidden: ${error}`
}

/** The Status body of the 403. */
export function forbiddenStatus(request: RequestAttributes, reason = ''): ForbiddenStatus {
  const details: ForbiddenDetails = {}
  if (request.resourceRequest) {
    if (request.name !== '') details.name = request.name
    if (request.apiGroup !== '') details.group = request.apiGroup
    if (request.resource !== '') details.kind = request.resource
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: forbiddenMessage(request, reason),
    reason: 'Forbidden',
    details,
    code: 403,
  }
}

const GO_JSON_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/**
 * A Status as the apiserver's JSON serializer writes it (Go's encoding/json Encoder): `<`, `>`,
 * `&`, U+2028 and U+2029 escaped, what is not UTF-8 (a lone surrogate) as `\ufffd`, a newline at
 * the end.
 */
export function encodeStatusJson(status: ForbiddenStatus): string {
  // An escaped backslash is matched whole, so the text after it is never read as an escape.
  const json = JSON.stringify(status).replace(
    /\\\\|[<>&\u2028\u2029]|\\ud[89a-f][0-9a-f]{2}/g,
    (match) => (match === '\\\\' ? match : (GO_JSON_ESCAPES[match] ?? '\\ufffd')),
  )
  return `${json}\n`
}
