// One cluster's RBAC objects made ready to decide on: ClusterRoles aggregated, each binding's
// roleRef resolved to its rules (or to the error the apiserver's listers give for a missing role),
// and bindings indexed by the usernames and groups their subjects name, so a decision looks only
// at bindings that can apply. A policy is immutable; its owner keeps it as long as the objects.
import type { ClusterObject, ClusterRole, PolicyRule, Role, RoleRef, Subject } from '../objects.js'
import { aggregatedRules } from './aggregate-cluster-roles.js'
import { goQuote } from './go-quote.js'
import { serviceAccountUsername } from './user-info.js'

/**
 * A role's effective rules, and for each verb they name the rules naming it or `*` (in order), so
 * a decision looks only at rules that can match its verb: skipping the others never changes which
 * rule allows first.
 */
export interface RuleSet {
  readonly all: readonly PolicyRule[]
  readonly byVerb: ReadonlyMap<string, readonly PolicyRule[]>
  /** The rules naming `*`, for a verb no rule names. */
  readonly anyVerb: readonly PolicyRule[]
}

export const rulesForVerb = (set: RuleSet, verb: string): readonly PolicyRule[] =>
  set.byVerb.get(verb) ?? set.anyVerb

function ruleSet(all: readonly PolicyRule[]): RuleSet {
  const verbs = new Set(all.flatMap((rule) => rule.verbs))
  verbs.delete('*')
  const byVerb = new Map<string, readonly PolicyRule[]>()
  for (const verb of verbs) {
    byVerb.set(
      verb,
      all.filter((rule) => rule.verbs.includes(verb) || rule.verbs.includes('*')),
    )
  }
  return { all, byVerb, anyVerb: all.filter((rule) => rule.verbs.includes('*')) }
}

/** A RoleBinding or ClusterRoleBinding with its role's rules, or why it has none. */
export interface CompiledBinding {
  readonly kind: 'ClusterRoleBinding' | 'RoleBinding'
  readonly name: string
  /** '' for a ClusterRoleBinding. */
  readonly namespace: string
  readonly subjects: readonly Subject[]
  readonly roleRef: RoleRef
  /** The referenced role's effective rules; absent when the role could not be found. */
  readonly rules?: RuleSet
  /** The lister's error for a missing role, e.g. `clusterrole.rbac.authorization.k8s.io "x" not found`. */
  readonly error?: string
  /** Position in the order bindings are visited: by name, as a kube-apiserver lists them. */
  readonly ordinal: number
}

interface BindingIndex {
  readonly byUsername: ReadonlyMap<string, readonly CompiledBinding[]>
  readonly byGroup: ReadonlyMap<string, readonly CompiledBinding[]>
}

export interface RbacPolicy {
  /** Every ClusterRole's effective (aggregated) rules, by name. */
  readonly clusterRoleRules: ReadonlyMap<string, readonly PolicyRule[]>
  readonly clusterRoleBindings: BindingIndex
  /** RoleBindings by namespace. */
  readonly roleBindings: ReadonlyMap<string, BindingIndex>
}

const NO_BINDINGS: BindingIndex = { byUsername: new Map(), byGroup: new Map() }

const byName = <T extends { metadata: { name: string } }>(a: T, b: T) =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0

/** The error the apiserver's generated listers give for an object they do not hold. */
const notFound = (resource: string, name: string) =>
  `${resource}.rbac.authorization.k8s.io ${goQuote(name)} not found`

function resolveRoleRef(
  roleRef: RoleRef,
  bindingNamespace: string,
  clusterRoleRules: ReadonlyMap<string, RuleSet>,
  roleRules: ReadonlyMap<string, RuleSet>,
): { rules: RuleSet } | { error: string } {
  // Stored objects were validated, but a kind outside the type must still decide as upstream does.
  const kind: string = roleRef.kind
  if (kind === 'Role') {
    const rules = roleRules.get(`${bindingNamespace}/${roleRef.name}`)
    return rules === undefined ? { error: notFound('role', roleRef.name) } : { rules }
  }
  if (kind === 'ClusterRole') {
    const rules = clusterRoleRules.get(roleRef.name)
    return rules === undefined ? { error: notFound('clusterrole', roleRef.name) } : { rules }
  }
  return { error: `unsupported role reference kind: ${goQuote(kind)}` }
}

function add(map: Map<string, CompiledBinding[]>, key: string, binding: CompiledBinding) {
  const list = map.get(key)
  if (list === undefined) map.set(key, [binding])
  else if (list[list.length - 1] !== binding) list.push(binding)
}

/**
 * Files each binding under the usernames and groups its subjects can match: User subjects under
 * their name, ServiceAccount subjects under their `system:serviceaccount:` username (namespace
 * defaulting to the binding's; none at all for a ClusterRoleBinding), Group subjects under the group.
 */
function indexBindings(bindings: readonly CompiledBinding[]): BindingIndex {
  const byUsername = new Map<string, CompiledBinding[]>()
  const byGroup = new Map<string, CompiledBinding[]>()
  for (const binding of bindings) {
    for (const subject of binding.subjects) {
      const kind: string = subject.kind
      if (kind === 'User') add(byUsername, subject.name, binding)
      else if (kind === 'Group') add(byGroup, subject.name, binding)
      else if (kind === 'ServiceAccount') {
        const namespace = subject.namespace || binding.namespace
        if (namespace !== '') {
          add(byUsername, serviceAccountUsername(namespace, subject.name), binding)
        }
      }
    }
  }
  return { byUsername, byGroup }
}

/**
 * Compiles a cluster's objects (pass `withBootstrap(objects)` for the default roles and bindings);
 * kinds other than the four RBAC kinds are ignored.
 */
export function compileRbacPolicy(objects: readonly ClusterObject[]): RbacPolicy {
  const clusterRoles: ClusterRole[] = []
  const roleRules = new Map<string, readonly PolicyRule[]>()
  const roleBindings = []
  const clusterRoleBindings = []
  for (const object of objects) {
    switch (object.kind) {
      case 'ClusterRole':
        clusterRoles.push(object)
        break
      case 'Role':
        roleRules.set(roleKey(object), object.rules ?? [])
        break
      case 'RoleBinding':
        roleBindings.push(object)
        break
      case 'ClusterRoleBinding':
        clusterRoleBindings.push(object)
        break
    }
  }
  const clusterRoleRules = aggregatedRules(clusterRoles)
  const clusterRoleSets = new Map(
    [...clusterRoleRules].map(([name, rules]) => [name, ruleSet(rules)]),
  )
  const roleSets = new Map([...roleRules].map(([key, rules]) => [key, ruleSet(rules)]))

  let ordinal = 0
  const compiled = clusterRoleBindings.sort(byName).map((binding): CompiledBinding => {
    const resolved = resolveRoleRef(binding.roleRef, '', clusterRoleSets, roleSets)
    return {
      kind: 'ClusterRoleBinding',
      name: binding.metadata.name,
      namespace: '',
      subjects: binding.subjects ?? [],
      roleRef: binding.roleRef,
      ...resolved,
      ordinal: ordinal++,
    }
  })

  const inNamespace = new Map<string, CompiledBinding[]>()
  for (const binding of roleBindings.sort(byName)) {
    const namespace = binding.metadata.namespace ?? ''
    const resolved = resolveRoleRef(binding.roleRef, namespace, clusterRoleSets, roleSets)
    const entry: CompiledBinding = {
      kind: 'RoleBinding',
      name: binding.metadata.name,
      namespace,
      subjects: binding.subjects ?? [],
      roleRef: binding.roleRef,
      ...resolved,
      ordinal: ordinal++,
    }
    const list = inNamespace.get(namespace)
    if (list === undefined) inNamespace.set(namespace, [entry])
    else list.push(entry)
  }

  return {
    clusterRoleRules,
    clusterRoleBindings: indexBindings(compiled),
    roleBindings: new Map([...inNamespace].map(([ns, list]) => [ns, indexBindings(list)])),
  }
}

function roleKey(role: Role): string {
  return `${role.metadata.namespace ?? ''}/${role.metadata.name}`
}

/** The bindings in `index` that name the user or one of its groups, in visiting order. */
export function candidateBindings(
  index: BindingIndex,
  username: string,
  groups: readonly string[],
): readonly CompiledBinding[] {
  const lists: (readonly CompiledBinding[])[] = []
  const forUser = index.byUsername.get(username)
  if (forUser !== undefined) lists.push(forUser)
  for (const group of groups) {
    const forGroup = index.byGroup.get(group)
    if (forGroup !== undefined) lists.push(forGroup)
  }
  if (lists.length === 0) return []
  if (lists.length === 1) return lists[0] ?? []
  // Each list is in visiting order already: merge them, taking a binding filed twice once.
  const merged: CompiledBinding[] = []
  const heads = lists.map(() => 0)
  for (;;) {
    let next: CompiledBinding | undefined
    let from = -1
    for (let i = 0; i < lists.length; i++) {
      const candidate = lists[i]?.[heads[i] ?? 0]
      if (candidate !== undefined && (next === undefined || candidate.ordinal < next.ordinal)) {
        next = candidate
        from = i
      }
    }
    if (next === undefined) return merged
    heads[from] = (heads[from] ?? 0) + 1
    if (merged[merged.length - 1] !== next) merged.push(next)
  }
}

/** RoleBindings of a namespace, or none. */
export const roleBindingsIn = (policy: RbacPolicy, namespace: string): BindingIndex =>
  policy.roleBindings.get(namespace) ?? NO_BINDINGS
