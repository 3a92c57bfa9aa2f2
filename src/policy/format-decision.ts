// A decision as text for a terminal (`rolegate explain`): the outcome, the summary, then each
// policy considered with its statements and, for those that reached their conditions, each
// condition with the values expected and the values the request had.

import type { Decision, MatchedStatement, PolicyTrace, StatementTrace } from './decision.js'
import { POLICY_TYPE_LABEL } from './decision.js'
import type { ConditionTrace } from './evaluate-condition.js'

const HEADLINE: Record<Decision['decision'], string> = {
  Allowed: 'ALLOWED',
  ExplicitlyDenied: 'EXPLICITLY DENIED',
  ImplicitlyDenied: 'IMPLICITLY DENIED',
}

const yes = (value: boolean | undefined): string =>
  value === undefined ? 'skipped' : value ? 'match' : 'no match'

const at = (s: { span: StatementTrace['span'] }): string =>
  `lines ${s.span.start.line}:${s.span.start.column}-${s.span.end.line}:${s.span.end.column}`

const list = (values: readonly string[] | undefined): string =>
  values === undefined ? '(missing)' : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`

function statementLabel(s: { sid?: string; index?: number; statementIndex?: number }): string {
  const index = (s.index ?? s.statementIndex ?? 0) + 1
  return s.sid === undefined ? `statement ${index}` : `statement ${index} "${s.sid}"`
}

function formatCondition(c: ConditionTrace): string {
  let line = `${c.result ? '+' : '-'} ${c.operator} ${c.key}: expected ${list(c.expected)}, actual ${list(c.actual)}`
  if (c.unresolvedVariable !== undefined)
    line += ` (variable \${${c.unresolvedVariable}} unresolved)`
  return line
}

function formatStatement(s: StatementTrace): string[] {
  const mark = s.matched ? '+' : '-'
  const lines = [`  ${mark} ${s.effect} ${statementLabel(s)} (${at(s)})`]
  const parts = [`action ${yes(s.action)}`]
  if (s.action) parts.push(`resource ${yes(s.resource)}`)
  if (s.principal !== undefined) {
    parts.push(`principal ${yes(s.principal)}${s.grant === undefined ? '' : ` (${s.grant})`}`)
  }
  lines.push(`      ${parts.join(', ')}`)
  for (const c of s.conditions) lines.push(`      ${formatCondition(c)}`)
  return lines
}

function formatPolicy(p: PolicyTrace): string[] {
  const level = p.level === undefined ? '' : ` (level ${p.level})`
  const lines = [`${POLICY_TYPE_LABEL[p.policyType]} ${p.policyId}${level}: ${p.result}`]
  for (const s of p.statements) lines.push(...formatStatement(s))
  return lines
}

const formatMatched = (m: MatchedStatement): string =>
  `  ${m.effect} ${statementLabel(m)} of ${POLICY_TYPE_LABEL[m.policyType]} ${m.policyId} (${at(m)})`

/** A readable, multi-line explanation of a decision and its trace. */
export function formatDecision(decision: Decision): string {
  const lines: string[] = []
  lines.push(`${HEADLINE[decision.decision]}  ${decision.action} on ${decision.resource}`)
  lines.push(
    `principal: ${decision.principalArn} (${decision.crossAccount ? 'cross-account' : 'same account'})`,
  )
  const by =
    decision.decidedBy === 'root-user'
      ? 'account root user'
      : decision.decidedBy === 'always-allowed'
        ? 'no permission needed'
        : POLICY_TYPE_LABEL[decision.decidedBy]
  lines.push(`decided by: ${by}`)
  if (decision.allowedBy.length > 0) {
    lines.push(`allowed by: ${decision.allowedBy.map((t) => POLICY_TYPE_LABEL[t]).join(', ')}`)
  }
  lines.push('', decision.summary, '')
  if (decision.trace !== undefined) {
    for (const policy of decision.trace) lines.push(...formatPolicy(policy), '')
  } else if (decision.matchedStatements.length > 0) {
    lines.push('matched statements:')
    for (const m of decision.matchedStatements) lines.push(formatMatched(m))
    lines.push('')
  }
  if (decision.missingContextKeys.length > 0) {
    lines.push(`missing context keys: ${decision.missingContextKeys.join(', ')}`)
  }
  while (lines[lines.length - 1] === '') lines.pop()
  return lines.join('\n')
}
