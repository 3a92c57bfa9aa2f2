// ClusterRole aggregation as the clusterrole-aggregation controller settles it: an aggregated
// role's rules become, selector by selector and then by role name, the rules of every other
// ClusterRole whose labels match, each distinct rule once. Edit is aggregated into admin and view
// into edit, so aggregated roles are resolved before the roles that select them.
import type { ClusterRole, PolicyRule } from '../objects.js'
import { compileLabelSelector } from './label-selector.js'

/** Rules compare as the controller's semantic DeepEqual does: an absent list equals an empty one. */
export function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([
    rule.verbs,
    rule.apiGroups ?? [],
    rule.resources ?? [],
    rule.resourceNames ?? [],
    rule.nonResourceURLs ?? [],
  ])
}

const byName = (a: ClusterRole, b: ClusterRole) =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0

/**
 * Each ClusterRole's effective rules by name. A role that selects itself is skipped, as the
 * controller skips it; a cycle of aggregated roles sees the stored rules of the role it loops
 * back to; a malformed selector leaves the role's stored rules, as the controller gives up on it.
 */
export function aggregatedRules(
  clusterRoles: readonly ClusterRole[],
): Map<string, readonly PolicyRule[]> {
  const sorted = [...clusterRoles].sort(byName)
  const named = new Map(sorted.map((role) => [role.metadata.name, role]))
  const resolved = new Map<string, readonly PolicyRule[]>()
  const resolving = new Set<string>()

  const rulesOf = (role: ClusterRole): readonly PolicyRule[] => {
    const name = role.metadata.name
    const stored = role.rules ?? []
    if (role.aggregationRule === undefined) return stored
    const done = resolved.get(name)
    if (done !== undefined) return done
    if (resolving.has(name)) return stored
    resolving.add(name)
    const rules: PolicyRule[] = []
    const seen = new Set<string>()
    let result: readonly PolicyRule[] = rules
    for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
      const matches = compileLabelSelector(selector)
      if (matches === undefined) {
        result = stored
        break
      }
      for (const other of sorted) {
        if (other.metadata.name === name || !matches(other.metadata.labels ?? {})) continue
        for (const rule of rulesOf(other)) {
          const key = ruleKey(rule)
          if (seen.has(key)) continue
          seen.add(key)
          rules.push(rule)
        }
      }
    }
    resolving.delete(name)
    resolved.set(name, result)
    return result
  }

  const effective = new Map<string, readonly PolicyRule[]>()
  for (const [name, role] of named) effective.set(name, rulesOf(role))
  return effective
}

/** The ClusterRoles with aggregated roles' rules filled in, as `kubectl get` shows them. */
export function aggregateClusterRoles(clusterRoles: readonly ClusterRole[]): ClusterRole[] {
  const effective = aggregatedRules(clusterRoles)
  return clusterRoles.map((role) =>
    role.aggregationRule === undefined
      ? role
      : { ...role, rules: [...(effective.get(role.metadata.name) ?? [])] },
  )
}
