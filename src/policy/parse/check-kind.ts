// Rules that depend on where a policy is used: identity-side policies name no principal, trust
// policies name principals but no resource and allow only STS role actions, resource policies need
// a principal, and managed policies (and so boundaries) must be version 2012-10-17.

import { malformedPolicy } from '../../core/errors.js'
import type { PrincipalBlock } from '../document.js'
import { policyMessages } from './messages.js'
import type { DraftPolicy, DraftStatement } from './read-policy.js'

export type PolicyKind = 'identity' | 'managed' | 'trust' | 'resource' | 'boundary' | 'session'

const namesPrincipals = (kind: PolicyKind) => kind === 'trust' || kind === 'resource'

/** Principal and Resource placement, checked right after the grammar. */
export function checkElementPlacement(kind: PolicyKind, statements: readonly DraftStatement[]) {
  for (const statement of statements) {
    if (!namesPrincipals(kind) && (statement.principal || statement.notPrincipal)) {
      throw malformedPolicy(policyMessages.principalNotAllowed)
    }
    if (kind === 'trust') {
      if (statement.resource) throw malformedPolicy(policyMessages.prohibitedField('Resource'))
      if (statement.notResource) {
        throw malformedPolicy(policyMessages.prohibitedField('NotResource'))
      }
    }
  }
}

/** Managed policies and permissions boundaries must say 2012-10-17; the rest may be older. */
export function checkVersion(kind: PolicyKind, policy: DraftPolicy) {
  if ((kind === 'managed' || kind === 'boundary') && policy.version !== '2012-10-17') {
    throw malformedPolicy(policyMessages.version)
  }
}

/** Resource policies need a resource like identity policies do; trust policies have none. */
export const needsResources = (kind: PolicyKind) => kind !== 'trust'

const ACCOUNT_ID = /^\d{12}$/
/** Unique ids IAM shows for principals it has since deleted (AIDA..., AROA...). */
const UNIQUE_ID = /^A[A-Z0-9]{3}[A-Z0-9]{16,}$/

function principalValueError(block: PrincipalBlock): string | undefined {
  if (block.kind === 'any') return undefined
  for (const [type, values] of Object.entries(block.values)) {
    for (const value of values) {
      const wellFormed =
        type === 'AWS'
          ? value === '*' ||
            ACCOUNT_ID.test(value) ||
            UNIQUE_ID.test(value) ||
            (value.startsWith('arn:') && value.split(':').length >= 6)
          : value.trim() !== ''
      if (!wellFormed) return policyMessages.invalidPrincipal(type, value)
    }
  }
  return undefined
}

const hasPrincipals = (block: PrincipalBlock | undefined) =>
  block !== undefined &&
  (block.kind === 'any' || Object.values(block.values).some((values) => values.length > 0))

/** The trust- and resource-policy rules that come after the common checks. */
export function checkPrincipalPolicy(kind: PolicyKind, statements: readonly DraftStatement[]) {
  if (!namesPrincipals(kind)) return
  for (const statement of statements) {
    if (!hasPrincipals(statement.principal) && !hasPrincipals(statement.notPrincipal)) {
      throw malformedPolicy(
        kind === 'trust'
          ? policyMessages.trustNoPrincipal
          : policyMessages.resourcePolicyNoPrincipal,
      )
    }
    for (const block of [statement.principal, statement.notPrincipal]) {
      const error = block && principalValueError(block)
      if (error !== undefined) throw malformedPolicy(error)
    }
    if (kind === 'trust') {
      for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
        if (!action.toLowerCase().startsWith('sts:')) {
          throw malformedPolicy(policyMessages.trustActions)
        }
      }
    }
  }
}
