// The users and groups Kubernetes itself names: service-account usernames and groups, the
// anonymous user, and where `system:authenticated` comes from. As in a kube-apiserver, the groups
// are added when a request is authenticated (the authenticator calls withAuthenticatedGroup on
// the user it found); RBAC never adds any, so a SubjectAccessReview is decided on exactly the
// user and groups it names.
import type { UserInfo } from '../objects.js'

/** Members may do anything: a kube-apiserver's privileged-group authorizer allows them first. */
export const SYSTEM_MASTERS = 'system:masters'
export const ALL_AUTHENTICATED = 'system:authenticated'
export const ALL_UNAUTHENTICATED = 'system:unauthenticated'
export const ANONYMOUS_USER = 'system:anonymous'
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts'

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:'

/** `system:serviceaccount:NAMESPACE:NAME` */
export const serviceAccountUsername = (namespace: string, name: string) =>
  `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`

/** `system:serviceaccounts:NAMESPACE`, the group of every service account in the namespace. */
export const serviceAccountNamespaceGroup = (namespace: string) =>
  `${ALL_SERVICE_ACCOUNTS}:${namespace}`

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/**
 * The namespace and name a service-account username names (serviceaccount.SplitUsername): two
 * parts after the prefix, a DNS label of at most 63 characters and a DNS subdomain of at most 253.
 */
export function parseServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':')
  if (parts.length !== 2) return undefined
  const [namespace = '', name = ''] = parts
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined
  return { namespace, name }
}

/**
 * The user a service account's token authenticates as (serviceaccount.UserInfo), before
 * withAuthenticatedGroup: its username and the groups of all service accounts and of its namespace.
 */
export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    username: serviceAccountUsername(namespace, name),
    ...(uid === undefined ? {} : { uid }),
    groups: [ALL_SERVICE_ACCOUNTS, serviceAccountNamespaceGroup(namespace)],
  }
}

/** The user of a request that no authenticator recognised, when anonymous requests are allowed. */
export const anonymousUser = (): UserInfo => ({
  username: ANONYMOUS_USER,
  groups: [ALL_UNAUTHENTICATED],
})

/**
 * The user as authentication hands it on (group.AuthenticatedGroupAdder): `system:authenticated`
 * appended, unless the user is anonymous or already in `system:authenticated` or
 * `system:unauthenticated`.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === ANONYMOUS_USER) return user
  if (user.groups.some((group) => group === ALL_AUTHENTICATED || group === ALL_UNAUTHENTICATED)) {
    return user
  }
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] }
}
