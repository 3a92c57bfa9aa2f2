// Whether one PolicyRule allows one request, as the apiserver's RBAC authorizer decides it
// (plugin/pkg/auth/authorizer/rbac RuleAllows over pkg/apis/rbac/v1 evaluation_helpers):
// case-sensitive, `*` the only wildcard but for `*/SUBRESOURCE` and a nonResourceURL's trailing `*`.
import type { PolicyRule, RequestAttributes } from '../objects.js'

const ALL = '*'

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((ruleVerb) => ruleVerb === ALL || ruleVerb === verb)
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((ruleGroup) => ruleGroup === ALL || ruleGroup === group)
}

/**
 * `combined` is `resource` or `resource/subresource`. `pods` never matches `pods/status`; a rule's
 * `*` matches everything, `*\/status` any resource's status subresource.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === ALL || ruleResource === combined) return true
    if (subresource !== '' && ruleResource === `*/${subresource}`) return true
  }
  return false
}

/**
 * A rule without resourceNames matches any name; one with them only those names. Requests that
 * carry no name (create, list and watch without a `metadata.name` field selector,
 * deletecollection) have the name '' and so never match a rule with resourceNames.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? []
  return names.length === 0 || names.includes(name)
}

/** `*` matches every path; a URL ending in `*` every path starting with what precedes its stars. */
export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) return true
  }
  return false
}

export function ruleAllows(request: RequestAttributes, rule: PolicyRule): boolean {
  if (!request.resourceRequest) {
    return verbMatches(rule, request.verb) && nonResourceUrlMatches(rule, request.path)
  }
  const combined =
    request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combined, request.subresource) &&
    resourceNameMatches(rule, request.name)
  )
}
