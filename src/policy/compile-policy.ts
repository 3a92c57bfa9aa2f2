// Compiles a parsed policy once into matchers: action and resource wildcards become tests,
// condition operators are resolved, principals become sets. A request then only runs tests, and
// the statements an action can reach are remembered per policy.

import type { MatchedStatement } from './decision.js'
import type { PolicyDocument, SourceSpan, Statement } from './document.js'
import type { PolicyKind } from './parse-policy.js'
import type { CompiledCondition } from './evaluate-condition.js'
import { compileCondition } from './evaluate-condition.js'
import type { CompiledPrincipal } from './principal.js'
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
  /** Filled by evaluate(): the shared MatchedStatement values of this statement. */
  readonly matchedSlots: (MatchedStatement | undefined)[]
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

/** A compiled policy; one class so every call site that reaches into it sees one shape. */
class Compiled implements CompiledPolicy {
  private readonly byAction = new Map<string, readonly CompiledStatement[]>()

  constructor(
    readonly id: string,
    readonly kind: CompiledPolicyKind,
    readonly document: PolicyDocument,
    readonly statements: readonly CompiledStatement[],
  ) {}

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
    compileStatement(statement, index, doc),
  )
  return new Compiled(source, kind, doc, statements)
}

function compileStatement(
  statement: Statement,
  index: number,
  doc: PolicyDocument,
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
  return {
    index,
    sid: statement.sid,
    effect: statement.effect,
    span: statement.span,
    statement,
    notAction,
    actions: actionList.map((a) => compileGlob(a.toLowerCase(), { mode: 'plain' })),
    resourceMode,
    resources: resourceList.map((r) =>
      compileTemplateGlob(parseTemplate(r, variables), { mode: 'resource' }),
    ),
    principalMode,
    principal: block === undefined ? undefined : compilePrincipal(block),
    conditions: statement.conditions.map((c) => compileCondition(c, doc.version)),
    matchedSlots: [],
  }
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
