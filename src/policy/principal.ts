// Who is asking, and whether a Principal / NotPrincipal element names them. The answer says *how*
// a resource-based policy names the caller, because AWS treats a grant to the session or user
// itself, to the role behind a session, and to the whole account differently:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

import { parseArn } from '../core/arn.js'
import type { PrincipalBlock } from './document.js'

export type PrincipalKind =
  | 'root'
  | 'user'
  | 'assumed-role'
  | 'federated-user'
  | 'web-identity'
  | 'saml'
  | 'service'
  | 'anonymous'

/** The caller of a request, as authentication established it. */
export interface RequestPrincipal {
  kind: PrincipalKind
  /** The caller's ARN as AWS reports it (the session ARN for role sessions), or `anonymous`. */
  arn: string
  /** The caller's account (absent for web-identity, SAML before the role, services, anonymous). */
  account?: string
  /** assumed-role: the role's own ARN, with its path (`arn:aws:iam::1:role/path/name`). */
  roleArn?: string
  /** federated-user: the IAM user who called GetFederationToken. */
  sourceUserArn?: string
  /** web-identity / saml: the provider as trust policies name it under `Federated`. */
  provider?: string
  /** service: the service principal, e.g. `ec2.amazonaws.com`. */
  service?: string
  canonicalUser?: string
}

/**
 * How a Principal element names the caller, strongest first:
 * direct: the caller itself (user, role session, federated user session, or `*`);
 * role: the role behind a session (or the IAM user behind a federated user session);
 * account: the caller's account, which delegates the decision to the account's own policies.
 */
export type GrantKind = 'direct' | 'role' | 'account'

export interface CompiledPrincipal {
  readonly any: boolean
  readonly awsAny: boolean
  readonly accounts: ReadonlySet<string>
  readonly arns: ReadonlySet<string>
  readonly federated: ReadonlySet<string>
  readonly services: ReadonlySet<string>
  readonly canonical: ReadonlySet<string>
}

const ACCOUNT_ID = /^\d{12}$/

export function compilePrincipal(block: PrincipalBlock): CompiledPrincipal {
  const accounts = new Set<string>()
  const arns = new Set<string>()
  const federated = new Set<string>()
  const services = new Set<string>()
  const canonical = new Set<string>()
  let awsAny = false
  let any = block.kind === 'any'
  if (block.kind === 'typed') {
    for (const [type, values] of Object.entries(block.values)) {
      const kind = type.toLowerCase()
      for (const value of values) {
        if (value === '*') {
          if (kind === 'aws') awsAny = true
          else any = any || kind === '*'
          continue
        }
        if (kind === 'aws') {
          if (ACCOUNT_ID.test(value)) accounts.add(value)
          else {
            const arn = parseArn(value)
            if (arn !== undefined && arn.service === 'iam' && arn.resource === 'root') {
              accounts.add(arn.account)
            } else arns.add(value)
          }
        } else if (kind === 'federated') federated.add(value)
        else if (kind === 'service') services.add(value.toLowerCase())
        else if (kind === 'canonicaluser') canonical.add(value)
      }
    }
  }
  return { any, awsAny, accounts, arns, federated, services, canonical }
}

const isAwsIdentity = (kind: PrincipalKind): boolean =>
  kind === 'root' ||
  kind === 'user' ||
  kind === 'assumed-role' ||
  kind === 'federated-user' ||
  kind === 'anonymous'

/** How the element names the caller, or undefined when it does not. */
export function matchPrincipal(
  block: CompiledPrincipal,
  who: RequestPrincipal,
): GrantKind | undefined {
  if (block.any) return 'direct'
  switch (who.kind) {
    case 'web-identity':
    case 'saml':
      return who.provider !== undefined && block.federated.has(who.provider) ? 'direct' : undefined
    case 'service':
      return who.service !== undefined && block.services.has(who.service.toLowerCase())
        ? 'direct'
        : undefined
    default:
      break
  }
  if (who.canonicalUser !== undefined && block.canonical.has(who.canonicalUser)) return 'direct'
  if (!isAwsIdentity(who.kind)) return undefined
  if (block.awsAny) return 'direct'
  if (who.kind === 'anonymous') return undefined
  if (block.arns.has(who.arn)) return 'direct'
  if (who.roleArn !== undefined && block.arns.has(who.roleArn)) return 'role'
  if (who.sourceUserArn !== undefined && block.arns.has(who.sourceUserArn)) return 'role'
  if (who.account !== undefined && block.accounts.has(who.account)) {
    return who.kind === 'root' ? 'direct' : 'account'
  }
  return undefined
}

/** Whether the element lists one ARN (or, for an account, its id or root ARN) exactly. */
function lists(block: CompiledPrincipal, arn: string | undefined): boolean {
  return arn !== undefined && block.arns.has(arn)
}

/**
 * Whether the element lists every identity AWS may check the caller as, in AWS's order: the
 * account, then the role, then the session (or the user). Listing all of them is what leaves a
 * caller out of a Deny; listing any of them keeps it out of an Allow
 * (reference_policies_elements_notprincipal: "AWS might validate the account first, then the
 * role, and then the assumed-role user").
 */
function listedIdentities(block: CompiledPrincipal, who: RequestPrincipal): boolean[] {
  switch (who.kind) {
    case 'web-identity':
    case 'saml':
      return [who.provider !== undefined && block.federated.has(who.provider)]
    case 'service':
      return [who.service !== undefined && block.services.has(who.service.toLowerCase())]
    case 'anonymous':
      return [block.awsAny]
    default:
      break
  }
  if (block.awsAny) return [true]
  if (who.canonicalUser !== undefined && block.canonical.has(who.canonicalUser)) return [true]
  const account = who.account !== undefined && block.accounts.has(who.account)
  if (who.kind === 'root') return [account]
  if (who.kind === 'assumed-role')
    return [account, lists(block, who.roleArn), lists(block, who.arn)]
  return [account, lists(block, who.arn)]
}

/**
 * Whether a statement with this NotPrincipal element applies to the caller. A Deny applies unless
 * the element lists the caller at every level AWS checks (account, role, session); an Allow
 * applies only when it lists none of them.
 */
export function notPrincipalApplies(
  block: CompiledPrincipal,
  who: RequestPrincipal,
  effect: 'Allow' | 'Deny',
): boolean {
  if (block.any) return false
  const listed = listedIdentities(block, who)
  return effect === 'Deny' ? listed.includes(false) : !listed.includes(true)
}
