// Kubernetes RBAC as a kube-apiserver decides it, pure and synchronous: compile a cluster's
// objects (over the bootstrap layer) once, then authorize requests, list a user's rules for
// SelfSubjectRulesReview, and word a denial as the apiserver's 403.
//
//   const policy = compileRbacPolicy(withBootstrap(snapshot.objects))
//   const decision = authorize(policy, request)      // Allow | NoOpinion (denied)
//   if (decision.decision !== 'Allow') send(403, encodeStatusJson(forbiddenStatus(request, decision.reason)))

export { withBootstrap, bootstrapClusterRoles, bootstrapClusterRoleBindings } from './bootstrap.js'
export { compileRbacPolicy } from './compile-policy.js'
export type { CompiledBinding, RbacPolicy, RuleSet } from './compile-policy.js'
export { authorize, rbacAuthorize } from './authorize.js'
export type { RbacDecision } from './authorize.js'
export { rulesFor } from './rules-for.js'
export type { NonResourceRule, ResourceRule, SubjectRulesReviewStatus } from './rules-for.js'
export { describeSource, subjectAppliesTo } from './visit-rules.js'
export type { RuleSource } from './visit-rules.js'
export { aggregateClusterRoles, aggregatedRules } from './aggregate-cluster-roles.js'
export { ruleAllows } from './rule-allows.js'
export {
  encodeStatusJson,
  forbiddenMessage,
  forbiddenStatus,
  userCannotMessage,
} from './forbidden.js'
export type { ForbiddenDetails, ForbiddenStatus } from './forbidden.js'
export { goQuote } from './go-quote.js'
export {
  ALL_AUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  SYSTEM_MASTERS,
  anonymousUser,
  parseServiceAccountUsername,
  serviceAccountNamespaceGroup,
  serviceAccountUser,
  serviceAccountUsername,
  withAuthenticatedGroup,
} from './user-info.js'
