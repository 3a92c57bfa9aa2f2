// The face's authorizer and object view over src/kubernetes/rbac: each snapshot's objects over the
// bootstrap policy, compiled once and kept as long as the snapshot is (a new snapshot comes with
// every change), decided as the apiserver's system:masters-then-RBAC chain decides.
import type {
  ClusterObject,
  ClusterRole,
  ClusterSnapshot,
  RequestAttributes,
  UserInfo,
} from '../objects.js'
import {
  aggregateClusterRoles,
  authorize,
  compileRbacPolicy,
  forbiddenStatus,
  rulesFor,
  withBootstrap,
} from '../rbac/index.js'
import type { RbacPolicy } from '../rbac/index.js'
import type { AuthorizationDecision, ClusterAuthorizer, RulesReview } from './ports.js'
import type { Status } from './status.js'

interface Compiled {
  policy: RbacPolicy
  /** What the face serves: the cluster's objects over the defaults, ClusterRoles aggregated. */
  objects: readonly ClusterObject[]
}

export class RbacClusterAuthorizer implements ClusterAuthorizer {
  /** Keyed by the snapshot itself: a snapshot is immutable and replaced on every change. */
  readonly #compiled = new WeakMap<ClusterSnapshot, Compiled>()

  #compile(snapshot: ClusterSnapshot): Compiled {
    let compiled = this.#compiled.get(snapshot)
    if (compiled === undefined) {
      const objects = withBootstrap(snapshot.objects)
      const isClusterRole = (object: ClusterObject): object is ClusterRole =>
        object.kind === 'ClusterRole'
      const aggregated = aggregateClusterRoles(objects.filter(isClusterRole))
      compiled = {
        policy: compileRbacPolicy(objects),
        objects: [...aggregated, ...objects.filter((object) => !isClusterRole(object))],
      }
      this.#compiled.set(snapshot, compiled)
    }
    return compiled
  }

  authorize(snapshot: ClusterSnapshot, attributes: RequestAttributes): AuthorizationDecision {
    const decision = authorize(this.#compile(snapshot).policy, attributes)
    return { allowed: decision.decision === 'Allow', reason: decision.reason }
  }

  rules(snapshot: ClusterSnapshot, user: UserInfo, namespace: string): RulesReview {
    return rulesFor(this.#compile(snapshot).policy, user, namespace)
  }

  forbidden(attributes: RequestAttributes, decision: AuthorizationDecision): Status {
    return forbiddenStatus(attributes, decision.reason)
  }

  /** The objects the face lists and gets: the cluster's own and the bootstrap defaults. */
  objectsOf(snapshot: ClusterSnapshot): readonly ClusterObject[] {
    return this.#compile(snapshot).objects
  }
}
