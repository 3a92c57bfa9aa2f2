// The context keys a policy refers to, for GetContextKeysForCustomPolicy / ...PrincipalPolicy:
// condition keys, and the keys policy variables read (2012-10-17 policies only).

import type { PolicyDocument } from './document.js'
import { resolveOperator } from './conditions/registry.js'
import { parseTemplate } from './variables.js'

/** Keys in order of first appearance, compared without regard to case. */
export function contextKeysInPolicy(doc: PolicyDocument): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  const add = (key: string): void => {
    const lower = key.toLowerCase()
    if (seen.has(lower)) return
    seen.add(lower)
    out.push(key)
  }
  const variables = doc.version === '2012-10-17'
  const addVariables = (value: string): void => {
    if (!variables) return
    for (const part of parseTemplate(value, true).parts) if (part.kind === 'variable') add(part.key)
  }
  for (const statement of doc.statements) {
    for (const value of statement.resource ?? statement.notResource ?? []) addVariables(value)
    for (const clause of statement.conditions) {
      add(clause.key)
      if (resolveOperator(clause.operator)?.operator.variables === true) {
        for (const value of clause.values) addVariables(value)
      }
    }
  }
  return out
}

/** The union over several policies, for GetContextKeysForPrincipalPolicy. */
export function contextKeysInPolicies(docs: readonly PolicyDocument[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const doc of docs) {
    for (const key of contextKeysInPolicy(doc)) {
      if (seen.has(key.toLowerCase())) continue
      seen.add(key.toLowerCase())
      out.push(key)
    }
  }
  return out
}
