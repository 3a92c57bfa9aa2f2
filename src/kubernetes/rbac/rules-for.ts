// The rules a user has in a namespace, for SelfSubjectRulesReview (`kubectl auth can-i --list`):
// the RBAC authorizer's RulesFor, every applying rule in visiting order, duplicates kept, split
// into resource rules (those naming resources) and non-resource rules (those naming URLs).
import type { UserInfo } from '../objects.js'
import type { RbacPolicy } from './compile-policy.js'
import { aggregateErrors, visitRulesFor } from './visit-rules.js'

/** authorization/v1 ResourceRule; empty lists are left out, as the API's JSON omits them. */
export interface ResourceRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
}

/** authorization/v1 NonResourceRule. */
export interface NonResourceRule {
  verbs: string[]
  nonResourceURLs?: string[]
}

/** authorization/v1 SubjectRulesReviewStatus. */
export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[]
  nonResourceRules: NonResourceRule[]
  /** Always false: RBAC, the only rule resolver rolegate has, knows every rule it holds. */
  incomplete: boolean
  /** The errors met resolving roles (a binding to a missing role), as the apiserver words them. */
  evaluationError?: string
}

const nonEmpty = <K extends string>(key: K, list: readonly string[] | undefined) =>
  (list === undefined || list.length === 0 ? {} : { [key]: [...list] }) as Partial<
    Record<K, string[]>
  >

/** The user's rules in `namespace` ('' for cluster-wide rules only). */
export function rulesFor(
  policy: RbacPolicy,
  user: UserInfo,
  namespace: string,
): SubjectRulesReviewStatus {
  const resourceRules: ResourceRule[] = []
  const nonResourceRules: NonResourceRule[] = []
  const errors: string[] = []
  visitRulesFor(policy, user, namespace, (_source, rule, error) => {
    if (error !== undefined) errors.push(error)
    if (rule === undefined) return true
    if ((rule.resources ?? []).length > 0) {
      resourceRules.push({
        verbs: [...rule.verbs],
        ...nonEmpty('apiGroups', rule.apiGroups),
        ...nonEmpty('resources', rule.resources),
        ...nonEmpty('resourceNames', rule.resourceNames),
      })
    }
    if ((rule.nonResourceURLs ?? []).length > 0) {
      nonResourceRules.push({
        verbs: [...rule.verbs],
        ...nonEmpty('nonResourceURLs', rule.nonResourceURLs),
      })
    }
    return true
  })
  return {
    resourceRules,
    nonResourceRules,
    incomplete: false,
    ...(errors.length === 0 ? {} : { evaluationError: aggregateErrors(errors) }),
  }
}
