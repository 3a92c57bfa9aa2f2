// The policy engine's public API: parse, compile, cache, evaluate, explain, simulate.

// parsePolicy, PolicyKind and the parser's other public helpers.
export * from './parse-policy.js'
export type * from './document.js'

export { compilePolicy, actionMatches } from './compile-policy.js'
export type { CompiledPolicy, CompiledPolicyKind, CompiledStatement } from './compile-policy.js'
export { PolicyCache } from './policy-cache.js'
export type { PolicyCacheOptions } from './policy-cache.js'

export { RequestContext, buildRequestContext, isoSeconds, scalarToString } from './context.js'
export type {
  ContextScalar,
  ContextValue,
  GlobalContextInput,
  PrincipalTypeValue,
} from './context.js'
export type { GrantKind, PrincipalKind, RequestPrincipal } from './principal.js'

export { ActionNames } from './action-names.js'
export { evaluate, resourceAccountOf } from './evaluate.js'
export type { EvaluateOptions, EvaluationRequest, OrganizationPolicies } from './evaluate.js'
export { POLICY_TYPE_LABEL } from './decision.js'
export type {
  Decision,
  DecisionKind,
  MatchedStatement,
  PolicyTrace,
  PolicyType,
  StatementTrace,
  TypeOutcome,
} from './decision.js'
export type { ConditionTrace } from './evaluate-condition.js'

export { accessDeniedMessage } from './access-denied-message.js'
export { formatDecision } from './format-decision.js'
export { summarize } from './summarize.js'
export { contextKeysInPolicy, contextKeysInPolicies } from './context-keys.js'
export { simulatePolicies, simulationDecision } from './simulate.js'
export type {
  SimulationDecision,
  SimulationInput,
  SimulationResult,
  SimulationStatement,
  SourcePolicyType,
} from './simulate.js'
export { conditionOperators, resolveOperator } from './conditions/registry.js'
