// The rules that apply to a user in a namespace, in the apiserver's order (DefaultRuleResolver
// VisitRulesFor): ClusterRoleBindings first, then the RoleBindings of the namespace; for each
// binding whose subjects include the user, its role's rules, or the error resolving the role.
import type { PolicyRule, Subject, UserInfo } from '../objects.js'
import type { CompiledBinding, RbacPolicy } from './compile-policy.js'
import { candidateBindings, roleBindingsIn, rulesForVerb } from './compile-policy.js'
import { goQuote } from './go-quote.js'
import { serviceAccountUsername } from './user-info.js'

/** Where a rule came from: the binding and the first of its subjects that names the user. */
export interface RuleSource {
  readonly binding: CompiledBinding
  readonly subject: Subject
}

/** Return false to stop visiting. */
export type RuleVisitor = (
  source: RuleSource | undefined,
  rule: PolicyRule | undefined,
  error: string | undefined,
) => boolean

/** appliesToUser: `namespace` is the binding's for a RoleBinding and '' for a ClusterRoleBinding. */
export function subjectAppliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  const kind: string = subject.kind
  switch (kind) {
    case 'User':
      return user.username === subject.name
    case 'Group':
      return user.groups.includes(subject.name)
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace
      return (
        saNamespace !== '' && user.username === serviceAccountUsername(saNamespace, subject.name)
      )
    }
    default:
      return false
  }
}

/** Visits one list of bindings; false when the visitor asked to stop. */
function visitBindings(
  bindings: readonly CompiledBinding[],
  user: UserInfo,
  verb: string | undefined,
  visitor: RuleVisitor,
): boolean {
  for (const binding of bindings) {
    const subject = binding.subjects.find((s) => subjectAppliesTo(user, s, binding.namespace))
    if (subject === undefined) continue
    if (binding.rules === undefined) {
      if (!visitor(undefined, undefined, binding.error)) return false
      continue
    }
    const source: RuleSource = { binding, subject }
    const rules = verb === undefined ? binding.rules.all : rulesForVerb(binding.rules, verb)
    for (const rule of rules) {
      if (!visitor(source, rule, undefined)) return false
    }
  }
  return true
}

/**
 * Given a verb, only the rules naming it or `*` are visited (for a decision, where no other rule
 * can match); without one, every rule (for RulesFor).
 */
export function visitRulesFor(
  policy: RbacPolicy,
  user: UserInfo,
  namespace: string,
  visitor: RuleVisitor,
  verb?: string,
): void {
  const clusterWide = candidateBindings(policy.clusterRoleBindings, user.username, user.groups)
  if (!visitBindings(clusterWide, user, verb, visitor) || namespace === '') return
  const local = candidateBindings(roleBindingsIn(policy, namespace), user.username, user.groups)
  visitBindings(local, user, verb, visitor)
}

/** describeSubject: a ServiceAccount as `name/namespace`, its namespace defaulting to the binding's. */
function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`
  }
  return `${subject.kind} ${goQuote(subject.name)}`
}

/**
 * The source as the apiserver's describers print it, e.g. `ClusterRoleBinding "x" of ClusterRole
 * "y" to Group "z"` or `RoleBinding "x/ns" of Role "y" to User "z"`.
 */
export function describeSource({ binding, subject }: RuleSource): string {
  const name =
    binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name
  return (
    `${binding.kind} ${goQuote(name)} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)}` +
    ` to ${describeSubject(subject, binding.namespace)}`
  )
}

/** utilerrors.NewAggregate(errors).Error(): one message alone, several distinct ones in brackets. */
export function aggregateErrors(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0] ?? ''
  const distinct = [...new Set(errors)]
  return distinct.length === 1 ? (distinct[0] ?? '') : `[${distinct.join(', ')}]`
}
