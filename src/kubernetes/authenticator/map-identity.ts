// Step 3 of EKS token authentication: the Kubernetes user an AWS identity is, by the cluster's
// aws-auth ConfigMap as aws-iam-authenticator's EKSConfigMap mapper reads it: mapRoles, then
// mapUsers, by the canonical ARN without regard to case; then mapAccounts, whose identities are
// known by their canonical ARN and no group. Usernames may not take the prefixes EKS reserves.
import type { AwsAuth, Node } from '../objects.js'
import type { AwsIdentity } from './aws-identity.js'
import { stripRolePath } from './canonical-arn.js'
import { renderTemplate } from './render-template.js'
import { mappingError } from './token-rejection.js'

/**
 * "The username can't start with system:, eks:, aws:, amazon:, or iam:."
 * (https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html)
 */
export const RESERVED_USERNAME_PREFIXES: readonly string[] = [
  'system:',
  'eks:',
  'aws:',
  'amazon:',
  'iam:',
]

/** Node identities, which EKS's own node mappings write as `system:node:{{EC2PrivateDNSName}}`. */
const NODE_TEMPLATE_PREFIX = 'system:node:'

/** The mapper's name, as the authenticator's messages give it. */
const MAPPER = 'EKSConfigMap'

export interface MappedUser {
  username: string
  groups: string[]
}

interface Mapping {
  username: string
  groups: readonly string[]
}

const sameArn = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** A mapRoles ARN as it matches: without its path (the "remove the path" trap). */
const roleArnToMatch = (rolearn: string): string => {
  try {
    return stripRolePath(rolearn)
  } catch {
    // Not an ARN: it can only match itself, which no canonical ARN is.
    return rolearn
  }
}

/**
 * The entry that maps `canonicalArn`. The authenticator keeps each list in a map keyed by the
 * lower-cased ARN, so of two entries for one ARN the later one counts.
 */
function findMapping(awsAuth: AwsAuth, canonicalArn: string): Mapping | undefined {
  const role = awsAuth.mapRoles.findLast((entry) =>
    sameArn(roleArnToMatch(entry.rolearn), canonicalArn),
  )
  if (role) return role
  return awsAuth.mapUsers.findLast((entry) => sameArn(entry.userarn, canonicalArn))
}

/** A username template EKS lets name a node (`system:node:` followed by a placeholder). */
const isNodeTemplate = (template: string): boolean =>
  template.startsWith(NODE_TEMPLATE_PREFIX) && template.includes('{{')

function render(mapping: Mapping, identity: AwsIdentity, nodes: readonly Node[]): MappedUser {
  const rendered = (template: string, what: 'username' | 'group'): string => {
    try {
      return renderTemplate(template, identity, nodes)
    } catch (error) {
      throw mappingError(
        `mapper ${MAPPER} renderTemplates error: error rendering ${what} template` +
          ` "${template}": ${(error as Error).message}`,
      )
    }
  }
  const username = rendered(mapping.username, 'username')
  const groups = mapping.groups.map((group) => rendered(group, 'group'))
  const reserved = RESERVED_USERNAME_PREFIXES.some((prefix) => username.startsWith(prefix))
  if (reserved && !isNodeTemplate(mapping.username)) {
    throw mappingError(
      `invalid username '${username}' for mapper ${MAPPER}: username must not begin with the` +
        ` following prefixes: [${RESERVED_USERNAME_PREFIXES.join(' ')}]`,
    )
  }
  return { username, groups }
}

/**
 * The Kubernetes user and groups of an AWS identity under `awsAuth`; `nodes` resolve
 * {{EC2PrivateDNSName}}. Throws a TokenRejection of kind 'mapping' naming the unmapped ARN.
 */
export function mapIdentity(
  identity: AwsIdentity,
  awsAuth: AwsAuth,
  nodes: readonly Node[],
): MappedUser {
  const mapping = findMapping(awsAuth, identity.canonicalArn)
  if (mapping) return render(mapping, identity, nodes)
  if (awsAuth.mapAccounts.includes(identity.accountId)) {
    return { username: identity.canonicalArn, groups: [] }
  }
  const from = identity.arn === identity.canonicalArn ? '' : ` (from ${identity.arn})`
  throw mappingError(
    `identity is not mapped: ${identity.canonicalArn}${from} is in no mapRoles or mapUsers entry` +
      ` of aws-auth, and account ${identity.accountId} is not in mapAccounts`,
  )
}
