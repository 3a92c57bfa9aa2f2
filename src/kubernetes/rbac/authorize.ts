// The decision on one request, as a kube-apiserver with `--authorization-mode=RBAC` makes it:
// members of system:masters are allowed by the privileged-group authorizer before RBAC is asked;
// RBAC allows on the first rule that matches and otherwise has no opinion, never an explicit deny.
import type { PolicyRule, RequestAttributes } from '../objects.js'
import type { RbacPolicy } from './compile-policy.js'
import { requestMatcher } from './rule-allows.js'
import { SYSTEM_MASTERS } from './user-info.js'
import type { RuleSource } from './visit-rules.js'
import { aggregateErrors, describeSource, visitRulesFor } from './visit-rules.js'

export type RbacDecision =
  | {
      readonly decision: 'Allow'
      /** The apiserver's reason: `RBAC: allowed by ...`, or '' for system:masters. */
      readonly reason: string
      /** The binding and rule that allowed; absent when system:masters did. */
      readonly source?: RuleSource
      readonly rule?: PolicyRule
    }
  | {
      readonly decision: 'NoOpinion'
      /** '' or `RBAC: ` and the errors met resolving roles, e.g. a binding to a missing role. */
      readonly reason: string
      readonly errors: readonly string[]
    }

/** The RBAC authorizer alone (plugin/pkg/auth/authorizer/rbac Authorize). */
export function rbacAuthorize(policy: RbacPolicy, request: RequestAttributes): RbacDecision {
  let allowed: { source: RuleSource; rule: PolicyRule } | undefined
  const errors: string[] = []
  const allows = requestMatcher(request)
  visitRulesFor(
    policy,
    request.user,
    request.resourceRequest ? request.namespace : '',
    (source, rule, error) => {
      if (source !== undefined && rule !== undefined && allows(rule)) {
        allowed = { source, rule }
        return false
      }
      if (error !== undefined) errors.push(error)
      return true
    },
    request.verb,
  )
  if (allowed !== undefined) {
    return {
      decision: 'Allow',
      reason: `RBAC: allowed by ${describeSource(allowed.source)}`,
      ...allowed,
    }
  }
  return {
    decision: 'NoOpinion',
    reason: errors.length === 0 ? '' : `RBAC: ${aggregateErrors(errors)}`,
    errors,
  }
}

/**
 * The authorizer chain rolegate runs for a cluster: system:masters (reason '', as the apiserver's
 * privileged-group authorizer gives), then RBAC. NoOpinion here means the request is denied.
 */
export function authorize(policy: RbacPolicy, request: RequestAttributes): RbacDecision {
  if (request.user.groups.includes(SYSTEM_MASTERS)) return { decision: 'Allow', reason: '' }
  return rbacAuthorize(policy, request)
}
