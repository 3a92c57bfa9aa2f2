// A decision is a value: the outcome, the policy type that decided it, the statements that
// matched and, on request, a trace of every statement and condition considered. Explanations,
// audit records, access-denied messages and SimulatePrincipalPolicy all read this one shape.

import type { SourceSpan } from './document.js'
import type { ConditionTrace } from './evaluate-condition.js'
import type { CompiledPolicyKind } from './compile-policy.js'
import type { GrantKind } from './principal.js'
import type { ProtectedResourceKind } from './protected-resources.js'

export type DecisionKind = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'

/** The policy types of AWS's evaluation logic (scp/rcp: Organizations guardrails). */
export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp'

export interface MatchedStatement {
  policyId: string
  policyType: PolicyType
  effect: 'Allow' | 'Deny'
  sid?: string
  /** 0-based position of the statement in its policy. */
  statementIndex: number
  span: SourceSpan
  /** Resource-based policies: how the statement's Principal named the caller. */
  grant?: GrantKind
}

/** What one policy type said. Absent from `outcomes` when no policy of that type applied. */
export interface TypeOutcome {
  /** ImplicitlyDenied: the type was present but none of its statements allowed the request. */
  result: DecisionKind
  /** Resource-based policies: the strongest way an Allow named the caller. */
  grant?: GrantKind
}

export interface StatementTrace {
  index: number
  sid?: string
  effect: 'Allow' | 'Deny'
  span: SourceSpan
  action: boolean
  /** Skipped (undefined) once an earlier part failed. */
  resource?: boolean
  /** undefined when the statement has no Principal/NotPrincipal, or it was skipped. */
  principal?: boolean
  grant?: GrantKind
  /** Evaluated only when action, resource and principal matched. */
  conditions: ConditionTrace[]
  matched: boolean
}

export interface PolicyTrace {
  policyId: string
  policyType: PolicyType
  kind: CompiledPolicyKind
  /** For scp/rcp: the level in the organization (0 = root). */
  level?: number
  statements: StatementTrace[]
  result: DecisionKind
}

export interface Decision {
  decision: DecisionKind
  /**
   * For a denial, the policy type to blame (the explicit deny, or the type whose missing allow
   * denied). For an allow, the type that granted it; `root-user` when the account root needs none;
   * `always-allowed` for the actions AWS answers whatever the policies say (GetCallerIdentity).
   */
  decidedBy: PolicyType | 'root-user' | 'always-allowed'
  /** For an allow: every policy type whose Allow the decision required. */
  allowedBy: PolicyType[]
  action: string
  resource: string
  principalArn: string
  /** The principal's account differs from the resource's: both sides must allow. */
  crossAccount: boolean
  /** Set when the policies allowed a write to a resource AWS keeps for itself, which denies it. */
  protectedResource?: ProtectedResourceKind
  /** When a resource-based policy applied: whether it was a role trust policy. */
  resourcePolicyKind?: 'resource' | 'trust'
  outcomes: Partial<Record<PolicyType, TypeOutcome>>
  matchedStatements: MatchedStatement[]
  /** Context keys conditions asked for (and policy variables used) that the request lacked. */
  missingContextKeys: string[]
  /** One paragraph for people. */
  summary: string
  /** Every policy and statement considered; present when evaluate() was asked for a trace. */
  trace?: PolicyTrace[]
}

export const POLICY_TYPE_LABEL: Record<PolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
}
