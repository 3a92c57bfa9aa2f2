// Compiles a parsed policy once into matchers: action and resource wildcards become tests,
// condition operators are resolved, principals become sets. A request then only runs tests, and
// the statements an action can reach are remembered per policy. Compiled statements are frozen:
// evaluation reads them and never writes to them.

import type { MatchedStatement, PolicyType } from './decision.js'
import type { PolicyDocument, SourceSpan, Statement } from './document.js'
import type { PolicyKind } from './parse-policy.js'
import type { CompiledCondition } from './evaluate-condition.js'
import { compileCondition } from './evaluate-condition.js'
import type { CompiledPrincipal, GrantKind } from './principal.js'
import { compilePrincipal } from './principal.js'
import { parseTemplate } from './variables.js'
import type { Glob, TemplateGlob } from './wildcard.js'
import { compileGlob, compileTemplateGlob } from './wildcard.js'

/** What a policy is for: parsePolicy's kinds, and Organizations' scp/rcp. */
export type CompiledPolicyKind = PolicyKind | 'scp' | 'rcp'

export interface CompiledStatement {
  readonly index: number
  readonly sid: string | undefined
  readonly effect: 'Allow' | 'Deny'
  readonly span: SourceSpan
  readonly statement: Statement
  /** true for NotAction: the statement covers every action except those listed. */
  readonly notAction: boolean
  /** Action tests over the lower-cased action name. */
  readonly actions: readonly Glob[]
  /** `any` when the statement has neither Resource nor NotResource (trust policies). */
  readonly resourceMode: 'resource' | 'notResource' | 'any'
  readonly resources: readonly TemplateGlob[]
  readonly principalMode: 'principal' | 'notPrincipal' | 'none'
  readonly principal: CompiledPrincipal | undefined
  readonly conditions: readonly CompiledCondition[]
  /** The policy type this statement's policy is evaluated as, given its kind. */
  readonly matchedType: PolicyType
  /**
   * The statement's MatchedStatement for `matchedType`, built once and shared by every decision:
   * index 0 without a grant, 1 to 3 for resource-based policies by grant (account, role, direct).
   */
  readonly matched: readonly (MatchedStatement | undefined)[]
}

export interface CompiledPolicy {
  /** Names the policy in traces and SimulatePolicy results (an ARN, or e.g. `user/bob/inline`). */
  readonly id: string
  readonly kind: CompiledPolicyKind
  readonly document: PolicyDocument
  readonly statements: readonly CompiledStatement[]
  /** The statements whose Action/NotAction covers the lower-cased action, in document order. */
  statementsFor(actionLower: string): readonly CompiledStatement[]
}

const ACTION_CACHE_LIMIT = 1024

/** The policy type a policy of each kind is evaluated as. */
const EVALUATED_AS: Record<CompiledPolicyKind, PolicyType> = {
  identity: 'identity',
  managed: 'identity',
  trust: 'resource',
  resource: 'resource',
  boundary: 'boundary',
  session: 'session',
  scp: 'scp',
  rcp: 'rcp',
}

/** Where a grant's MatchedStatement sits in CompiledStatement.matched. */
export const GRANT_SLOT: Readonly<Record<GrantKind, number>> = { account: 1, role: 2, direct: 3 }

/** A compiled policy; one class so every call site that reaches into it sees one shape. */
class Compiled implements CompiledPolicy {
  // A memo of statementsFor, owned by this policy (and so by the PolicyCache that holds it); its
  // answers depend only on the frozen statements.
  private readonly byAction = new Map<string, readonly CompiledStatement[]>()

  constructor(
    readonly id: string,
    readonly kind: CompiledPolicyKind,
    readonly document: PolicyDocument,
    readonly statements: readonly CompiledStatement[],
  ) {
    Object.freeze(this)
  }

  statementsFor(actionLower: string): readonly CompiledStatement[] {
    let hit = this.byAction.get(actionLower)
    if (hit === undefined) {
      hit = this.statements.filter((s) => actionMatches(s, actionLower))
      if (this.byAction.size >= ACTION_CACHE_LIMIT) this.byAction.clear()
      this.byAction.set(actionLower, hit)
    }
    return hit
  }
}

export function compilePolicy(
  doc: PolicyDocument,
  source: string,
  kind: CompiledPolicyKind = 'identity',
): CompiledPolicy {
  const statements = doc.statements.map((statement, index) =>
    compileStatement(statement, index, doc, source, EVALUATED_AS[kind]),
  )
  return new Compiled(source, kind, doc, Object.freeze(statements))
}

/** The record a decision lists for a statement that matched; frozen, so it can be shared. */
export function matchedStatement(
  policyId: string,
  policyType: PolicyType,
  statement: Pick<CompiledStatement, 'index' | 'sid' | 'effect' | 'span'>,
  grant: GrantKind | undefined,
): MatchedStatement {
  const matched: MatchedStatement = {
    policyId,
    policyType,
    effect: statement.effect,
    statementIndex: statement.index,
    span: statement.span,
  }
  if (statement.sid !== undefined) matched.sid = statement.sid
  if (grant !== undefined) matched.grant = grant
  return Object.freeze(matched)
}

function compileStatement(
  statement: Statement,
  index: number,
  doc: PolicyDocument,
  policyId: string,
  matchedType: PolicyType,
): CompiledStatement {
  const variables = doc.version === '2012-10-17'
  const notAction = statement.action === undefined && statement.notAction !== undefined
  const actionList = (notAction ? statement.notAction : statement.action) ?? []
  const resourceMode =
    statement.resource !== undefined
      ? 'resource'
      : statement.notResource !== undefined
        ? 'notResource'
        : 'any'
  const resourceList = statement.resource ?? statement.notResource ?? []
  const principalMode =
    statement.principal !== undefined
      ? 'principal'
      : statement.notPrincipal !== undefined
        ? 'notPrincipal'
        : 'none'
  const block = statement.principal ?? statement.notPrincipal
  const head = { index, sid: statement.sid, effect: statement.effect, span: statement.span }
  const matched: (MatchedStatement | undefined)[] = []
  if (matchedType === 'resource') {
    for (const grant of ['account', 'role', 'direct'] as const) {
      matched[GRANT_SLOT[grant]] = matchedStatement(policyId, matchedType, head, grant)
    }
  } else {
    matched[0] = matchedStatement(policyId, matchedType, head, undefined)
  }
  return Object.freeze({
    index,
    sid: statement.sid,
    effect: statement.effect,
    span: statement.span,
    statement,
    notAction,
    actions: Object.freeze(actionList.map((a) => compileGlob(a.toLowerCase(), { mode: 'plain' }))),
    resourceMode,
    resources: Object.freeze(
      resourceList.map((r) =>
        compileTemplateGlob(parseTemplate(r, variables), { mode: 'resource' }),
      ),
    ),
    principalMode,
    principal: block === undefined ? undefined : compilePrincipal(block),
    conditions: Object.freeze(statement.conditions.map((c) => compileCondition(c, doc.version))),
    matchedType,
    matched: Object.freeze(matched),
  })
}

/** Whether the statement's Action / NotAction covers the lower-cased action. */
export function actionMatches(statement: CompiledStatement, actionLower: string): boolean {
  let listed = false
  for (const test of statement.actions) {
    if (test(actionLower)) {
      listed = true
      break
    }
  }
  return listed !== statement.notAction
}
