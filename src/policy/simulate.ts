// What SimulatePrincipalPolicy / SimulateCustomPolicy need: one decision per action and resource,
// shaped like IAM's EvaluationResult (decision, matched statements with positions, missing context
// values, permissions-boundary and Organizations details). The HTTP layer only renames fields.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html

import type { CompiledPolicy } from './compile-policy.js'
import type { RequestContext } from './context.js'
import { parseArn } from '../core/arn.js'
import type { Decision, PolicyType } from './decision.js'
import type { EvaluationRequest, OrganizationPolicies } from './evaluate.js'
import { evaluate } from './evaluate.js'
import type { RequestPrincipal } from './principal.js'

/** IAM's PolicySourceType values. */
export type SourcePolicyType =
  'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none'

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny'

export interface SimulationStatement {
  sourcePolicyId: string
  sourcePolicyType: SourcePolicyType
  startPosition: { line: number; column: number }
  endPosition: { line: number; column: number }
}

export interface SimulationResult {
  evalActionName: string
  evalResourceName: string
  evalDecision: SimulationDecision
  matchedStatements: SimulationStatement[]
  missingContextValues: string[]
  permissionsBoundaryDecisionDetail?: { allowedByPermissionsBoundary: boolean }
  organizationsDecisionDetail?: { allowedByOrganizations: boolean }
  /** The full decision, for explain and audit. */
  decision: Decision
}

export interface SimulationInput {
  principal: RequestPrincipal
  actions: readonly string[]
  /** Resource ARNs; `*` when none are given, as IAM does. */
  resources?: readonly string[]
  /**
   * IAM's ResourceOwner: the account owning resources whose ARN names none (S3's) and the `*`
   * resource; an ARN naming its account keeps it. Defaults as evaluate() does, to the caller's.
   */
  resourceOwner?: string
  context: RequestContext
  identityPolicies: readonly CompiledPolicy[]
  resourcePolicy?: CompiledPolicy
  permissionsBoundary?: CompiledPolicy
  sessionPolicies?: readonly CompiledPolicy[]
  organizationPolicies?: OrganizationPolicies
  /** IAM's PolicySourceType for a matched statement's policy; `none` unless told. */
  sourceTypeOf?: (policyId: string, policyType: PolicyType) => SourcePolicyType
  /** Keep the full trace in each decision. */
  trace?: boolean
}

export const simulationDecision = (decision: Decision): SimulationDecision =>
  decision.decision === 'Allowed'
    ? 'allowed'
    : decision.decision === 'ExplicitlyDenied'
      ? 'explicitDeny'
      : 'implicitDeny'

const defaultSourceType = (_id: string, type: PolicyType): SourcePolicyType =>
  type === 'resource' ? 'resource' : 'none'

/**
 * The account a simulated resource belongs to (API_SimulateCustomPolicy, ResourceOwner: "the
 * owner of any simulated resource that does not identify its owner in the resource ARN").
 */
function ownerOf(resource: string, owner: string | undefined): string | undefined {
  if (owner === undefined) return undefined
  const arn = parseArn(resource)
  return arn !== undefined && arn.account !== '' ? undefined : owner
}

/**
 * Evaluates every action against every resource. The resource `*` (the default) asks about every
 * resource at once, as IAM's simulator does (API_SimulateCustomPolicy, ResourceArns: "If this
 * parameter is not provided, then the value defaults to * (all resources)").
 */
export function simulatePolicies(input: SimulationInput): SimulationResult[] {
  const resources =
    input.resources === undefined || input.resources.length === 0 ? ['*'] : input.resources
  const sourceTypeOf = input.sourceTypeOf ?? defaultSourceType
  const results: SimulationResult[] = []
  for (const action of input.actions) {
    for (const resource of resources) {
      const request: EvaluationRequest = {
        principal: input.principal,
        action,
        resource,
        context: input.context,
        identityPolicies: input.identityPolicies,
      }
      const owner = ownerOf(resource, input.resourceOwner)
      if (owner !== undefined) request.resourceAccount = owner
      if (resource === '*') request.anyResource = true
      if (input.resourcePolicy !== undefined) request.resourcePolicy = input.resourcePolicy
      if (input.permissionsBoundary !== undefined) {
        request.permissionsBoundary = input.permissionsBoundary
      }
      if (input.sessionPolicies !== undefined) request.sessionPolicies = input.sessionPolicies
      if (input.organizationPolicies !== undefined) {
        request.organizationPolicies = input.organizationPolicies
      }
      const decision = evaluate(request, { trace: input.trace === true })
      const result: SimulationResult = {
        evalActionName: action,
        evalResourceName: resource,
        evalDecision: simulationDecision(decision),
        matchedStatements: decision.matchedStatements.map((m) => ({
          sourcePolicyId: m.policyId,
          sourcePolicyType: sourceTypeOf(m.policyId, m.policyType),
          startPosition: { ...m.span.start },
          endPosition: { ...m.span.end },
        })),
        missingContextValues: decision.missingContextKeys,
        decision,
      }
      const boundary = decision.outcomes.boundary
      if (boundary !== undefined) {
        result.permissionsBoundaryDecisionDetail = {
          allowedByPermissionsBoundary: boundary.result === 'Allowed',
        }
      }
      const scp = decision.outcomes.scp
      if (scp !== undefined) {
        result.organizationsDecisionDetail = { allowedByOrganizations: scp.result === 'Allowed' }
      }
      results.push(result)
    }
  }
  return results
}
