// Resources AWS keeps for itself, which no policy can open to writes: AWS managed policies, the
// permissions of service-linked roles (changed only by their service) and IAM Identity Center's
// reserved AWSReservedSSO_ roles. Reads stay governed by policies as usual.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html

import type { RequestPrincipal } from './principal.js'

/** Why a write is refused whatever the policies say. */
export type ProtectedResourceKind = 'aws-managed-policy' | 'service-linked-role' | 'reserved-role'

const AWS_MANAGED_POLICY = 'arn:aws:iam::aws:policy/'

/** The actions that change a managed policy (Service Authorization Reference, resource `policy`). */
const POLICY_WRITES: ReadonlySet<string> = new Set([
  'iam:createpolicyversion',
  'iam:deletepolicy',
  'iam:deletepolicyversion',
  'iam:setdefaultpolicyversion',
  'iam:tagpolicy',
  'iam:untagpolicy',
])

/**
 * The actions that change what a role may do or whether it exists. A service-linked role's
 * description and tags stay the caller's to change: IAM documents UpdateRoleDescription for
 * them ("To allow an IAM entity to edit the description of any service roles") and TagRole
 * ("The role can be a regular role or a service-linked role").
 */
const ROLE_PERMISSION_WRITES: ReadonlySet<string> = new Set([
  'iam:deleterole',
  'iam:updateassumerolepolicy',
  'iam:putrolepolicy',
  'iam:deleterolepolicy',
  'iam:attachrolepolicy',
  'iam:detachrolepolicy',
  'iam:putrolepermissionsboundary',
  'iam:deleterolepermissionsboundary',
])

/** A reserved role's every write: IAM Identity Center provisions and changes them all. */
const ROLE_WRITES: ReadonlySet<string> = new Set([
  ...ROLE_PERMISSION_WRITES,
  'iam:updaterole',
  'iam:updateroledescription',
  'iam:tagrole',
  'iam:untagrole',
])

const SERVICE_LINKED_PATH = '/aws-service-role/'
const SSO_SERVICE = 'sso.amazonaws.com'
const SSO_PATH = `/aws-reserved/${SSO_SERVICE}/`
const SSO_ROLE_PREFIX = 'AWSReservedSSO_'

/** `arn:aws:iam::ACCOUNT:role/PATH/NAME` -> its path (`/.../`) and name. */
function roleOf(resource: string): { path: string; name: string } | undefined {
  const marker = resource.indexOf(':role/')
  if (!resource.startsWith('arn:aws:iam::') || marker < 0) return undefined
  const rest = resource.slice(marker + ':role'.length)
  const slash = rest.lastIndexOf('/')
  return { path: rest.slice(0, slash + 1), name: rest.slice(slash + 1) }
}

/** The service a service-linked role path belongs to: `/aws-service-role/SERVICE/...`. */
function linkedService(path: string): string | undefined {
  if (!path.startsWith(SERVICE_LINKED_PATH)) return undefined
  const service = path.slice(SERVICE_LINKED_PATH.length).split('/')[0]
  return service === '' ? undefined : service
}

/** Whether the caller is `service` itself, or a session of one of its service-linked roles. */
function actsForService(who: RequestPrincipal, service: string): boolean {
  if (who.kind === 'service') return who.service?.toLowerCase() === service.toLowerCase()
  if (who.kind !== 'assumed-role' || who.roleArn === undefined) return false
  const role = roleOf(who.roleArn)
  return role !== undefined && linkedService(role.path) === service
}

/**
 * The kind of protected resource the request would write, or undefined when the request is no
 * such write (or comes from the service that owns the resource).
 */
export function protectedWrite(
  actionLower: string,
  resource: string,
  who: RequestPrincipal,
): ProtectedResourceKind | undefined {
  if (!actionLower.startsWith('iam:')) return undefined
  if (resource.startsWith(AWS_MANAGED_POLICY)) {
    return POLICY_WRITES.has(actionLower) ? 'aws-managed-policy' : undefined
  }
  if (!ROLE_WRITES.has(actionLower)) return undefined
  const role = roleOf(resource)
  if (role === undefined) return undefined
  const service = linkedService(role.path)
  if (service !== undefined) {
    if (!ROLE_PERMISSION_WRITES.has(actionLower) || actsForService(who, service)) return undefined
    return 'service-linked-role'
  }
  if (role.path.startsWith(SSO_PATH) && role.name.startsWith(SSO_ROLE_PREFIX)) {
    return actsForService(who, SSO_SERVICE) ? undefined : 'reserved-role'
  }
  return undefined
}
