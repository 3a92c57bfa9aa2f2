// AWS's EvaluationResult for one simulated action: the most restrictive decision over the
// resources, the statements that decided it with AWS's positions, missing context keys, the
// permissions boundary's part and, with ResourceArns, each resource's own answer.
import type { ResultObject } from '../core/result.js'
import type { MatchedStatement, PolicyType, SimulationResult } from '../policy/index.js'
import { awsStatementPositions } from '../policy/parse-policy.js'

/** IAM's SourcePolicyType as the simulator reports it (recorded against AWS). */
const SOURCE_POLICY_TYPE: Record<PolicyType, string> = {
  identity: 'IAM Policy',
  boundary: 'IAM Policy',
  session: 'IAM Policy',
  resource: 'Resource Policy',
  scp: 'IAM Policy',
  rcp: 'Resource Policy',
}

const decisionRank = { allowed: 0, implicitDeny: 1, explicitDeny: 2 } as const
type EvalDecision = keyof typeof decisionRank

/**
 * The statements that decided, as AWS lists them: for an explicit deny only the Deny statements,
 * for an allow the Allow statements, and none for an implicit deny (nothing decided it).
 */
function decidingStatements(result: SimulationResult): MatchedStatement[] {
  if (result.evalDecision === 'implicitDeny') return []
  const effect = result.evalDecision === 'explicitDeny' ? 'Deny' : 'Allow'
  return result.decision.matchedStatements.filter((m) => m.effect === effect)
}

/** A Statement member: StartPosition/EndPosition one column past each brace, as AWS reports. */
function renderStatement(m: MatchedStatement): ResultObject {
  const { start, end } = awsStatementPositions(m.span)
  return {
    SourcePolicyId: m.policyId,
    SourcePolicyType: SOURCE_POLICY_TYPE[m.policyType],
    StartPosition: { Line: start.line, Column: start.column },
    EndPosition: { Line: end.line, Column: end.column },
  }
}

const renderStatements = (statements: readonly MatchedStatement[]): ResultObject[] => {
  const seen = new Set<string>()
  const out: ResultObject[] = []
  for (const m of statements) {
    const key = `${m.policyType}\u0000${m.policyId}\u0000${m.statementIndex}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(renderStatement(m))
  }
  return out
}

const boundaryDetail = (allowed: boolean): ResultObject => ({
  AllowedByPermissionsBoundary: allowed,
})

/**
 * One EvaluationResult for one action, in AWS's element order. With ResourceArns, AWS answers one
 * result per action whose top level is the most restrictive decision over the resources, with
 * each resource's own answer in ResourceSpecificResults and EvalDecisionDetails present (empty
 * within one account). Without them the resource is `*` and neither element appears.
 */
export function renderEvaluationResult(
  action: string,
  results: readonly SimulationResult[],
  resourcesGiven: boolean,
): ResultObject {
  let worst: EvalDecision = 'allowed'
  for (const r of results)
    if (decisionRank[r.evalDecision] > decisionRank[worst]) worst = r.evalDecision
  const deciding = results.filter((r) => r.evalDecision === worst).flatMap(decidingStatements)
  const names = [...new Set(results.map((r) => r.evalResourceName))]
  const missing = [...new Set(results.flatMap((r) => r.missingContextValues))]
  const boundaries = results.flatMap((r) =>
    r.permissionsBoundaryDecisionDetail === undefined ? [] : [r.permissionsBoundaryDecisionDetail],
  )
  const onlyStar = names.every((name) => name === '*')
  const result: ResultObject = {
    EvalActionName: action,
    // AWS names the resource type's ARN pattern when several resources were simulated; rolegate
    // has no catalogue of resource types, so it says `*` then.
    EvalResourceName: names.length === 1 ? names[0] : '*',
    EvalDecision: worst,
    MatchedStatements: renderStatements(deciding),
    // With concrete resources, missing keys are reported per resource only.
    MissingContextValues: !resourcesGiven || onlyStar ? missing : [],
  }
  if (boundaries.length > 0) {
    result['PermissionsBoundaryDecisionDetail'] = boundaryDetail(
      boundaries.every((b) => b.allowedByPermissionsBoundary),
    )
  }
  if (resourcesGiven) {
    result['EvalDecisionDetails'] = {}
    result['ResourceSpecificResults'] = results.map((r) => {
      const specific: ResultObject = {
        EvalResourceName: r.evalResourceName,
        EvalResourceDecision: r.evalDecision,
        MatchedStatements: renderStatements(decidingStatements(r)),
        MissingContextValues: r.missingContextValues,
      }
      if (r.permissionsBoundaryDecisionDetail !== undefined) {
        specific['PermissionsBoundaryDecisionDetail'] = boundaryDetail(
          r.permissionsBoundaryDecisionDetail.allowedByPermissionsBoundary,
        )
      }
      return specific
    })
  }
  return result
}
