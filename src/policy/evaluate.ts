// The decision: every applicable policy against one request, combined the way AWS documents it.
// Explicit deny anywhere wins; then Organizations guardrails; then the resource-based policy, whose
// effect depends on how it names the caller; then identity-based policies, permissions boundary
// and session policies. Otherwise the request is implicitly denied.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html

import { parseArn } from '../core/arn.js'
import type { ActionNames } from './action-names.js'
import type { CompiledPolicy, CompiledStatement } from './compile-policy.js'
import { GRANT_SLOT, actionMatches, matchedStatement } from './compile-policy.js'
import type { RequestContext } from './context.js'
import type {
  Decision,
  DecisionKind,
  MatchedStatement,
  PolicyTrace,
  PolicyType,
  StatementTrace,
  TypeOutcome,
} from './decision.js'
import { evaluateCondition, traceCondition } from './evaluate-condition.js'
import type { GrantKind, RequestPrincipal } from './principal.js'
import { matchPrincipal, notPrincipalApplies } from './principal.js'
import type { ProtectedResourceKind } from './protected-resources.js'
import { protectedWrite } from './protected-resources.js'
import { summarize } from './summarize.js'

/** Organizations guardrails, each a list of levels (root first): every level must allow. */
export interface OrganizationPolicies {
  serviceControlPolicies?: readonly (readonly CompiledPolicy[])[]
  resourceControlPolicies?: readonly (readonly CompiledPolicy[])[]
}

export interface EvaluationRequest {
  principal: RequestPrincipal
  action: string
  /** The resource ARN; `*` for actions without a resource. */
  resource: string
  /**
   * The policy simulator's `*` (its default when no resource is named): every resource at once,
   * so a statement naming specific resources for the action matches, as in IAM's simulator.
   * Real requests never set it: theirs is one resource, or `*` for actions without one.
   */
  anyResource?: boolean
  /** The account owning the resource; defaults to the ARN's account, else the principal's. */
  resourceAccount?: string
  context: RequestContext
  /** User, group and role policies (inline and managed). */
  identityPolicies: readonly CompiledPolicy[]
  /** The resource's own policy; a role trust policy when its kind is `trust`. */
  resourcePolicy?: CompiledPolicy
  permissionsBoundary?: CompiledPolicy
  /** Session policies passed to AssumeRole* / GetFederationToken (together, one union). */
  sessionPolicies?: readonly CompiledPolicy[]
  organizationPolicies?: OrganizationPolicies
}

export interface EvaluateOptions {
  /** Record every statement and condition considered (for explain and SimulatePolicy). */
  trace?: boolean
  /** The caller's memo of lower-cased action names; without it the name is lower-cased anew. */
  actionNames?: ActionNames
}

/** Collects what a decision reports while policies are evaluated. */
interface Sink {
  readonly matched: MatchedStatement[]
  readonly missing: string[]
  readonly traces: PolicyTrace[] | undefined
}

// A policy's (or a group's) outcome packed in a number, so the hot path allocates nothing:
// bit 0 is "an explicit Deny applied"; the bits above hold the strongest Allow grant.
const DENY = 1
const RANK: Record<GrantKind, number> = { account: 1, role: 2, direct: 3 }
const GRANT_OF_RANK: (GrantKind | undefined)[] = [undefined, 'account', 'role', 'direct']
const rankOf = (outcome: number): number => outcome >> 1
const denies = (outcome: number): boolean => (outcome & DENY) !== 0
const grantOf = (outcome: number): GrantKind | undefined => GRANT_OF_RANK[outcome >> 1]
const merge = (a: number, b: number): number =>
  (Math.max(a >> 1, b >> 1) << 1) | (a & DENY) | (b & DENY)

function resourceMatches(
  statement: CompiledStatement,
  req: EvaluationRequest,
  sink: Sink,
): boolean {
  let listed = false
  let everything = false
  for (const glob of statement.resources) {
    if (req.anyResource === true) {
      // Every resource is asked about: each listed pattern names some of them, unless it is a
      // variable the request cannot fill (reported, as the simulator reports such keys).
      if (glob.template.source === '*') everything = true
      for (const key of glob.template.variableKeys) {
        if (req.context.variable(key) === undefined) sink.missing.push(key)
      }
      listed = true
      continue
    }
    const hit = glob.test(req.resource, req.context)
    if (hit === true) {
      listed = true
      break
    }
    if (hit === undefined) {
      for (const key of glob.template.variableKeys) {
        if (req.context.variable(key) === undefined) sink.missing.push(key)
      }
    }
  }
  // A pattern whose variable has no value matches no resource, in Resource and NotResource alike
  // (reference_policies_variables: "the resource that includes a policy variable with no value
  // will not match any resource"). Asked about every resource, NotResource still leaves some out
  // unless it lists `*`.
  if (statement.resourceMode === 'resource') return listed
  return req.anyResource === true ? !everything : !listed
}

/** How the statement applies to the request (a grant kind), or undefined when it does not. */
function statementApplies(
  statement: CompiledStatement,
  req: EvaluationRequest,
  sink: Sink,
  trace: StatementTrace | undefined,
): GrantKind | undefined {
  if (statement.resourceMode !== 'any') {
    const matches = resourceMatches(statement, req, sink)
    if (trace !== undefined) trace.resource = matches
    if (!matches) return undefined
  }
  let grant: GrantKind | undefined = 'direct'
  if (statement.principal !== undefined) {
    if (statement.principalMode === 'principal') {
      grant = matchPrincipal(statement.principal, req.principal)
    } else {
      // A Deny with NotPrincipal always applies to an IAM principal with a permissions boundary
      // (access_policies_boundaries: "will always deny any IAM principal that has a permissions
      // boundary policy attached, regardless of the values specified in the NotPrincipal").
      const applies =
        (statement.effect === 'Deny' && req.permissionsBoundary !== undefined) ||
        notPrincipalApplies(statement.principal, req.principal, statement.effect)
      grant = applies ? 'direct' : undefined
    }
    if (trace !== undefined) {
      trace.principal = grant !== undefined
      if (grant !== undefined) trace.grant = grant
    }
    if (grant === undefined) return undefined
  }
  // Every condition is evaluated (no short cut) so missing keys are reported the same way with
  // and without a trace.
  let all = true
  if (trace !== undefined) {
    for (const condition of statement.conditions) {
      const t = traceCondition(condition, req.context)
      trace.conditions.push(t)
      if (t.missing) sink.missing.push(t.key)
      if (t.unresolvedVariable !== undefined) sink.missing.push(t.unresolvedVariable)
      if (!t.result) all = false
    }
  } else {
    for (const condition of statement.conditions) {
      if (!evaluateCondition(condition, req.context, sink.missing)) all = false
    }
  }
  return all ? grant : undefined
}

function recordMatch(
  policy: CompiledPolicy,
  type: PolicyType,
  statement: CompiledStatement,
  grant: GrantKind,
  sink: Sink,
): void {
  const granted = type === 'resource' ? grant : undefined
  // The statement carries its record for the type its policy's kind is evaluated as; a policy
  // passed as another type (a test, a simulation) gets a fresh one.
  const shared =
    type === statement.matchedType
      ? statement.matched[granted === undefined ? 0 : GRANT_SLOT[granted]]
      : undefined
  sink.matched.push(shared ?? matchedStatement(policy.id, type, statement, granted))
}

const resultOf = (outcome: number): DecisionKind =>
  denies(outcome) ? 'ExplicitlyDenied' : rankOf(outcome) > 0 ? 'Allowed' : 'ImplicitlyDenied'

function evaluatePolicy(
  policy: CompiledPolicy,
  type: PolicyType,
  req: EvaluationRequest,
  actionLower: string,
  sink: Sink,
  level?: number,
): number {
  let outcome = 0
  if (sink.traces === undefined) {
    for (const statement of policy.statementsFor(actionLower)) {
      const grant = statementApplies(statement, req, sink, undefined)
      if (grant === undefined) continue
      recordMatch(policy, type, statement, grant, sink)
      outcome = merge(outcome, statement.effect === 'Deny' ? DENY : RANK[grant] << 1)
    }
    return outcome
  }
  const policyTrace: PolicyTrace = {
    policyId: policy.id,
    policyType: type,
    kind: policy.kind,
    statements: [],
    result: 'ImplicitlyDenied',
  }
  if (level !== undefined) policyTrace.level = level
  for (const statement of policy.statements) {
    const trace: StatementTrace = {
      index: statement.index,
      effect: statement.effect,
      span: statement.span,
      action: actionMatches(statement, actionLower),
      conditions: [],
      matched: false,
    }
    if (statement.sid !== undefined) trace.sid = statement.sid
    policyTrace.statements.push(trace)
    if (!trace.action) continue
    const grant = statementApplies(statement, req, sink, trace)
    if (grant === undefined) continue
    trace.matched = true
    recordMatch(policy, type, statement, grant, sink)
    outcome = merge(outcome, statement.effect === 'Deny' ? DENY : RANK[grant] << 1)
  }
  policyTrace.result = resultOf(outcome)
  sink.traces.push(policyTrace)
  return outcome
}

/** Union of several policies of one type: any Allow allows, any Deny denies. */
function evaluateGroup(
  policies: readonly CompiledPolicy[],
  type: PolicyType,
  req: EvaluationRequest,
  actionLower: string,
  sink: Sink,
  level?: number,
): number {
  let outcome = 0
  for (const policy of policies) {
    outcome = merge(outcome, evaluatePolicy(policy, type, req, actionLower, sink, level))
  }
  return outcome
}

/** Organizations levels: a Deny anywhere denies; every level needs an Allow. */
function evaluateLevels(
  levels: readonly (readonly CompiledPolicy[])[],
  type: 'scp' | 'rcp',
  req: EvaluationRequest,
  actionLower: string,
  sink: Sink,
): TypeOutcome {
  let deny = false
  let allAllow = true
  for (let i = 0; i < levels.length; i++) {
    const outcome = evaluateGroup(levels[i]!, type, req, actionLower, sink, i)
    if (denies(outcome)) deny = true
    if (rankOf(outcome) === 0) allAllow = false
  }
  return OUTCOME[deny ? 'ExplicitlyDenied' : allAllow ? 'Allowed' : 'ImplicitlyDenied']
}

// Outcomes are shared, frozen values: a decision allocates none of them.
const OUTCOME: Record<DecisionKind, TypeOutcome> = {
  Allowed: Object.freeze({ result: 'Allowed' }),
  ExplicitlyDenied: Object.freeze({ result: 'ExplicitlyDenied' }),
  ImplicitlyDenied: Object.freeze({ result: 'ImplicitlyDenied' }),
}
const GRANTED: Record<GrantKind, TypeOutcome> = {
  direct: Object.freeze({ result: 'Allowed', grant: 'direct' }),
  role: Object.freeze({ result: 'Allowed', grant: 'role' }),
  account: Object.freeze({ result: 'Allowed', grant: 'account' }),
}

const HAS_IDENTITY_POLICIES: ReadonlySet<string> = new Set([
  'root',
  'user',
  'assumed-role',
  'federated-user',
])

/** The account that owns the resource, as the request states or the ARN says. */
export function resourceAccountOf(req: EvaluationRequest): string | undefined {
  if (req.resourceAccount !== undefined) return req.resourceAccount
  const arn = parseArn(req.resource)
  if (arn !== undefined && arn.account !== '' && arn.account !== 'aws') return arn.account
  return req.principal.account
}

/** The decision value; its summary is written only when someone reads it. */
class DecisionValue implements Decision {
  readonly allowedBy: PolicyType[]
  readonly action: string
  readonly resource: string
  readonly principalArn: string
  readonly matchedStatements: MatchedStatement[]
  readonly missingContextKeys: string[]
  resourcePolicyKind?: 'resource' | 'trust'
  protectedResource?: ProtectedResourceKind
  trace?: PolicyTrace[]
  #summary: string | undefined
  readonly #req: EvaluationRequest
  readonly #sink: Sink

  constructor(
    req: EvaluationRequest,
    readonly crossAccount: boolean,
    readonly outcomes: Partial<Record<PolicyType, TypeOutcome>>,
    sink: Sink,
    readonly decision: DecisionKind,
    readonly decidedBy: Decision['decidedBy'],
    allowedBy: PolicyType[] = [],
  ) {
    this.#req = req
    this.#sink = sink
    this.allowedBy = allowedBy
    this.action = req.action
    this.resource = req.resource
    this.principalArn = req.principal.arn
    this.matchedStatements = sink.matched
    this.missingContextKeys = sink.missing.length === 0 ? sink.missing : dedupe(sink.missing)
    if (req.resourcePolicy !== undefined) {
      this.resourcePolicyKind = req.resourcePolicy.kind === 'trust' ? 'trust' : 'resource'
    }
    if (sink.traces !== undefined) this.trace = sink.traces
  }

  get summary(): string {
    this.#summary ??= summarize(this)
    return this.#summary
  }

  /** The same evaluation with the outcome a rule above the policies sets. */
  overruled(
    decision: DecisionKind,
    decidedBy: Decision['decidedBy'],
    crossAccount = this.crossAccount,
  ): DecisionValue {
    const allowedBy = decision === 'Allowed' ? this.allowedBy : []
    return new DecisionValue(
      this.#req,
      crossAccount,
      this.outcomes,
      this.#sink,
      decision,
      decidedBy,
      allowedBy,
    )
  }

  toJSON(): Decision {
    return { ...this, summary: this.summary }
  }
}

/** What the identity side (identity policies within boundary and session) says, if it denies. */
function identitySideDenial(
  who: RequestPrincipal,
  identity: number,
  boundaryAllows: boolean,
  sessionAllows: boolean,
): PolicyType | undefined {
  if (who.kind === 'root') return undefined
  if (rankOf(identity) === 0) return 'identity'
  if (!boundaryAllows) return 'boundary'
  if (!sessionAllows) return 'session'
  return undefined
}

/** The identity side's policy types present in this request. */
function identitySideTypes(outcomes: Partial<Record<PolicyType, TypeOutcome>>): PolicyType[] {
  const side: PolicyType[] = ['identity']
  if (outcomes.boundary !== undefined) side.push('boundary')
  if (outcomes.session !== undefined) side.push('session')
  return side
}

/**
 * Actions AWS answers whatever the policies say (API_GetCallerIdentity: "If an administrator
 * attaches a policy to your identity that explicitly denies access to the sts:GetCallerIdentity
 * action, you can still perform this operation").
 */
const ALWAYS_ALLOWED: ReadonlySet<string> = new Set(['sts:getcalleridentity'])

/** Decides one request. Pure and synchronous. */
export function evaluate(req: EvaluationRequest, options: EvaluateOptions = {}): Decision {
  const actionLower = options.actionNames?.lower(req.action) ?? req.action.toLowerCase()
  const decided = decide(req, actionLower, options)
  if (ALWAYS_ALLOWED.has(actionLower)) return decided.overruled('Allowed', 'always-allowed')
  if (decided.decision !== 'Allowed' || req.anyResource === true) return decided
  // What the policies allow on a resource AWS keeps for itself is still implicitly denied; an
  // AWS managed policy belongs to AWS's account, so the denial reads as a cross-account one.
  const kind = protectedWrite(actionLower, req.resource, req.principal)
  if (kind === undefined) return decided
  const denied = decided.overruled('ImplicitlyDenied', 'resource', kind === 'aws-managed-policy')
  denied.protectedResource = kind
  return denied
}

function decide(
  req: EvaluationRequest,
  actionLower: string,
  options: EvaluateOptions,
): DecisionValue {
  const sink: Sink = { matched: [], missing: [], traces: options.trace === true ? [] : undefined }
  const outcomes: Partial<Record<PolicyType, TypeOutcome>> = {}
  const who = req.principal

  // Policy types are evaluated in the order AWS's messages blame an explicit deny.
  let explicit: PolicyType | undefined
  const org = req.organizationPolicies
  if (org?.serviceControlPolicies !== undefined && org.serviceControlPolicies.length > 0) {
    outcomes.scp = evaluateLevels(org.serviceControlPolicies, 'scp', req, actionLower, sink)
    if (outcomes.scp.result === 'ExplicitlyDenied') explicit = 'scp'
  }
  if (org?.resourceControlPolicies !== undefined && org.resourceControlPolicies.length > 0) {
    outcomes.rcp = evaluateLevels(org.resourceControlPolicies, 'rcp', req, actionLower, sink)
    if (outcomes.rcp.result === 'ExplicitlyDenied') explicit ??= 'rcp'
  }
  const identity = evaluateGroup(req.identityPolicies, 'identity', req, actionLower, sink)
  if (req.identityPolicies.length > 0) outcomes.identity = OUTCOME[resultOf(identity)]
  if (denies(identity)) explicit ??= 'identity'
  let resource = 0
  if (req.resourcePolicy !== undefined) {
    resource = evaluatePolicy(req.resourcePolicy, 'resource', req, actionLower, sink)
    const grant = grantOf(resource)
    outcomes.resource =
      grant !== undefined && !denies(resource) ? GRANTED[grant] : OUTCOME[resultOf(resource)]
    if (denies(resource)) explicit ??= 'resource'
  }
  let boundaryAllows = true
  if (req.permissionsBoundary !== undefined) {
    const boundary = evaluatePolicy(req.permissionsBoundary, 'boundary', req, actionLower, sink)
    outcomes.boundary = OUTCOME[resultOf(boundary)]
    boundaryAllows = rankOf(boundary) > 0
    if (denies(boundary)) explicit ??= 'boundary'
  }
  // A federated user session has no permissions without a session policy (the evaluation
  // flowchart: "If there is no session policy, the code checks whether the principal is a role
  // session. If the principal is a role session, then the request is Allowed. Otherwise, the
  // request is implicitly denied").
  let sessionAllows = who.kind !== 'federated-user'
  if (req.sessionPolicies !== undefined && req.sessionPolicies.length > 0) {
    const session = evaluateGroup(req.sessionPolicies, 'session', req, actionLower, sink)
    outcomes.session = OUTCOME[resultOf(session)]
    sessionAllows = rankOf(session) > 0
    if (denies(session)) explicit ??= 'session'
  }

  const hasIdentity = HAS_IDENTITY_POLICIES.has(who.kind)
  const crossAccount =
    hasIdentity && who.account !== undefined && resourceAccountOf(req) !== who.account
  const trust = req.resourcePolicy?.kind === 'trust'

  // 1. An explicit deny in any policy decides.
  if (explicit !== undefined) {
    return new DecisionValue(req, crossAccount, outcomes, sink, 'ExplicitlyDenied', explicit)
  }
  // 2. Organizations guardrails must allow.
  if (outcomes.scp?.result === 'ImplicitlyDenied')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'scp')
  if (outcomes.rcp?.result === 'ImplicitlyDenied')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'rcp')
  const allowedBy: PolicyType[] = []
  if (outcomes.scp !== undefined) allowedBy.push('scp')
  if (outcomes.rcp !== undefined) allowedBy.push('rcp')
  const grant = grantOf(resource)

  // Callers with no identity policies of their own (web identity, SAML, services, anonymous):
  // only the resource-based policy can allow.
  if (!hasIdentity) {
    if (grant === undefined)
      return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'resource')
    allowedBy.push('resource')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'resource', allowedBy)
  }

  if (crossAccount) {
    // Cross-account: the principal's account and the resource's policy must both allow.
    const denied = identitySideDenial(who, identity, boundaryAllows, sessionAllows)
    if (denied !== undefined)
      return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', denied)
    if (grant === undefined)
      return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'resource')
    if (who.kind !== 'root') allowedBy.push(...identitySideTypes(outcomes))
    allowedBy.push('resource')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'resource', allowedBy)
  }

  // Same account. A grant naming the caller itself allows on its own; one naming the role behind
  // a session (or the user behind a federated session) is still bound by the boundary and session
  // policies; one naming the account defers to the identity side.
  if (grant === 'direct') {
    allowedBy.push('resource')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'resource', allowedBy)
  }
  if (grant === 'role') {
    if (!boundaryAllows)
      return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'boundary')
    if (!sessionAllows)
      return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'session')
    allowedBy.push('resource', ...identitySideTypes(outcomes).slice(1))
    return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'resource', allowedBy)
  }
  // Role trust policies must themselves allow the caller.
  if (trust && grant === undefined)
    return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', 'resource')
  if (who.kind === 'root')
    return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'root-user', allowedBy)
  const denied = identitySideDenial(who, identity, boundaryAllows, sessionAllows)
  if (denied !== undefined)
    return new DecisionValue(req, crossAccount, outcomes, sink, 'ImplicitlyDenied', denied)
  allowedBy.push(...identitySideTypes(outcomes))
  if (trust) allowedBy.push('resource')
  return new DecisionValue(req, crossAccount, outcomes, sink, 'Allowed', 'identity', allowedBy)
}

function dedupe(keys: string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const key of keys) {
    const lower = key.toLowerCase()
    if (seen.has(lower)) continue
    seen.add(lower)
    out.push(key)
  }
  return out
}
