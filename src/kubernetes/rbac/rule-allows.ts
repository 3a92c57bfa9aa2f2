// Whether one PolicyRule allows one request, as the apiserver's RBAC authorizer decides it
// (plugin/pkg/auth/authorizer/rbac RuleAllows over pkg/apis/rbac/v1 evaluation_helpers):
// case-sensitive, `*` the only wildcard but for `*/SUBRESOURCE` and a nonResourceURL's trailing `*`.
import type { PolicyRule, RequestAttributes } from '../objects.js'

const ALL = '*'

/** Whether `list` holds `value` or `*`. */
function includesOrAll(list: readonly string[] | undefined, value: string): boolean {
  if (list === undefined) return false
  for (const entry of list) if (entry === ALL || entry === value) return true
  return false
}

export const verbMatches = (rule: PolicyRule, verb: string) => includesOrAll(rule.verbs, verb)

export const apiGroupMatches = (rule: PolicyRule, group: string) =>
  includesOrAll(rule.apiGroups, group)

/**
 * `combined` is `resource` or `resource/subresource`; `starSubresource` is `*\/subresource`, or
 * undefined without a subresource. `pods` never matches `pods/status`; a rule's `*` matches
 * everything, `*\/status` any resource's status subresource.
 */
function resourceMatches(
  rule: PolicyRule,
  combined: string,
  starSubresource: string | undefined,
): boolean {
  for (const resource of rule.resources ?? []) {
    if (resource === ALL || resource === combined || resource === starSubresource) return true
  }
  return false
}

/**
 * A rule without resourceNames matches any name; one with them only those names. Requests that
 * carry no name (create, list and watch without a `metadata.name` field selector,
 * deletecollection) have the name '' and so never match a rule with resourceNames.
 */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames
  return names === undefined || names.length === 0 || names.includes(name)
}

/** `*` matches every path; a URL ending in `*` every path starting with what precedes its stars. */
export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) return true
  }
  return false
}

/** One request's test of rules, with what every rule compares against worked out once. */
export function requestMatcher(request: RequestAttributes): (rule: PolicyRule) => boolean {
  const verb = request.verb
  if (!request.resourceRequest) {
    const path = request.path
    return (rule) => includesOrAll(rule.verbs, verb) && nonResourceUrlMatches(rule, path)
  }
  const { apiGroup, resource, subresource, name } = request
  const combined = subresource === '' ? resource : `${resource}/${subresource}`
  const starSubresource = subresource === '' ? undefined : `*/${subresource}`
  return (rule) =>
    includesOrAll(rule.verbs, verb) &&
    includesOrAll(rule.apiGroups, apiGroup) &&
    resourceMatches(rule, combined, starSubresource) &&
    resourceNameMatches(rule, name)
}

export const ruleAllows = (request: RequestAttributes, rule: PolicyRule): boolean =>
  requestMatcher(request)(rule)
