// User impersonation (`kubectl --as USER --as-group G`), as the apiserver's impersonation filter
// reads it (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go): the Impersonate-* headers,
// each impersonated part authorised as the verb `impersonate` on users, serviceaccounts, groups,
// uids or userextras, then the request acts as the user they name.
import type { RequestAttributes, UserInfo } from '../objects.js'

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:'
const AUTHENTICATED = 'system:authenticated'
const UNAUTHENTICATED = 'system:unauthenticated'
const ANONYMOUS = 'system:anonymous'
const AUTHENTICATION_GROUP = 'authentication.k8s.io'

export interface Impersonation {
  /** Every part to authorise, in the filter's order: user, groups, extra, uid. */
  checks: RequestAttributes[]
  /** Who the request acts as once every check is allowed. */
  user: UserInfo
}

/** Why the headers cannot be read; a 400. */
export class ImpersonationError extends Error {
  override readonly name = 'ImpersonationError'
}

/** The Impersonate-* headers of a request, or undefined when it impersonates nobody. */
export function readImpersonation(
  headers: ReadonlyArray<readonly [string, string]>,
  requester: UserInfo,
): Impersonation | undefined {
  let username: string | undefined
  let uid: string | undefined
  const groups: string[] = []
  const extra: Record<string, string[]> = {}
  let any = false
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase()
    if (!name.startsWith('impersonate-')) continue
    any = true
    if (name === 'impersonate-user') username = value
    else if (name === 'impersonate-group') groups.push(value)
    else if (name === 'impersonate-uid') uid = value
    else if (name.startsWith('impersonate-extra-')) {
      let key: string
      try {
        key = decodeURIComponent(name.slice('impersonate-extra-'.length))
      } catch {
        throw new ImpersonationError(`malformed impersonation header ${rawName}`)
      }
      const list = Object.hasOwn(extra, key) ? (extra[key] ?? []) : []
      list.push(value)
      Object.defineProperty(extra, key, { value: list, enumerable: true, writable: true })
    }
  }
  if (!any) return undefined
  if (username === undefined || username === '') {
    throw new ImpersonationError(
      'requested impersonation of groups, a uid or extra fields without impersonating a user',
    )
  }
  const check = (
    apiGroup: string,
    resource: string,
    name: string,
    namespace = '',
    subresource = '',
  ): RequestAttributes => ({
    user: requester,
    resourceRequest: true,
    verb: 'impersonate',
    apiGroup,
    apiVersion: '',
    resource,
    subresource,
    namespace,
    name,
  })
  const checks: RequestAttributes[] = []
  const userGroups = [...groups]
  const account = username.startsWith(SERVICE_ACCOUNT_PREFIX)
    ? username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':')
    : undefined
  if (account?.length === 2) {
    const [namespace = '', name = ''] = account
    checks.push(check('', 'serviceaccounts', name, namespace))
    if (groups.length === 0) {
      userGroups.push('system:serviceaccounts', `system:serviceaccounts:${namespace}`)
    }
  } else {
    checks.push(check('', 'users', username))
  }
  for (const group of groups) checks.push(check('', 'groups', group))
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values)
      checks.push(check(AUTHENTICATION_GROUP, 'userextras', value, '', key))
  }
  if (uid !== undefined) checks.push(check(AUTHENTICATION_GROUP, 'uids', uid))
  if (
    username !== ANONYMOUS &&
    !userGroups.includes(AUTHENTICATED) &&
    !userGroups.includes(UNAUTHENTICATED)
  ) {
    userGroups.push(AUTHENTICATED)
  }
  const user: UserInfo = { username, groups: userGroups }
  if (uid !== undefined) user.uid = uid
  if (Object.keys(extra).length > 0) user.extra = extra
  return { checks, user }
}
