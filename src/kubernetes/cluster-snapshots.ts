// One consistent view of a cluster (its record and every object it holds), read in one read-only
// snapshot and kept until the store's generation moves: a write through this process moves it at
// commit, a write through another replica once the next request notices it
// (Store.noticeOtherWriters, called first thing for every request), so the next request after any
// change sees it, and requests in between cost a Map lookup.
//
// The interface the authenticator, RBAC and the API faces call (one instance per server, made by
// the composition root and handed to each; never module state):
//
//   const clusters = new ClusterSnapshots(store)
//   await clusters.get(accountId, name)     // ClusterSnapshot | undefined
//   await clusters.withName(name)           // every account's cluster of that name (URL lookups)
//   await clusters.webhookTokens(name)      // their webhook tokens' digests (webhook callers)
//   clusters.awsAuth(snapshot)              // { awsAuth, warnings }: aws-auth parsed once per snapshot
//   clusters.derived(snapshot, 'rbac', build) // anything else worth computing once per snapshot
//
// The same snapshot object is answered until something changes, so work derived from it is kept by
// identity (`derived`, `awsAuth`), in a WeakMap that lets go of snapshots nobody holds. Treat a
// snapshot as read-only: it is shared by every request that reads it.
import type { Store } from '../store/ports.js'
import type { LoadedAwsAuth } from './aws-auth.js'
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE, EMPTY_AWS_AUTH, parseAwsAuth } from './aws-auth.js'
import { fromRecord } from './cluster-objects.js'
import type { ClusterRecord, ClusterSnapshot } from './objects.js'
import { webhookTokenDigest } from './webhook-credential.js'
import type { WebhookTokenDigest } from './webhook-credential.js'

export interface ClusterSnapshotsOptions {
  /** Entries kept at most before the cache starts over (names that do not exist count too). */
  limit?: number
}

export class ClusterSnapshots {
  private generation = -1
  private readonly entries = new Map<string, Promise<unknown>>()
  private readonly perSnapshot = new WeakMap<ClusterSnapshot, Map<string, unknown>>()
  private readonly limit: number

  constructor(
    private readonly store: Pick<Store, 'generation' | 'read'>,
    options: ClusterSnapshotsOptions = {},
  ) {
    this.limit = options.limit ?? 1000
  }

  /** The cluster `name` of `accountId` with its objects, or undefined when there is none. */
  get(accountId: string, name: string): Promise<ClusterSnapshot | undefined> {
    return this.cached(`cluster\u0000${accountId}\u0000${name}`, () =>
      this.store.read(async (repo) => {
        const cluster = await repo.clusters.get(accountId, name)
        if (cluster === undefined) return undefined
        const records = await repo.clusters.listObjects(accountId, name)
        return { cluster, objects: records.map(fromRecord) }
      }),
    )
  }

  /** The clusters of every account named `name`, by account: what a URL naming no account finds. */
  withName(name: string): Promise<readonly ClusterRecord[]> {
    return this.cached(`name\u0000${name}`, () =>
      this.store.read((repo) => repo.clusters.listByName(name)),
    )
  }

  /**
   * The digests of the webhook tokens of every account's cluster named `name` that has one: what a
   * webhook caller's token is checked against. The tokens themselves are not kept.
   */
  webhookTokens(name: string): Promise<readonly WebhookTokenDigest[]> {
    return this.cached(`webhook\u0000${name}`, () =>
      this.store.read(async (repo) =>
        (await repo.clusters.webhookTokensByName(name)).map(({ accountId, token }) => ({
          accountId,
          digest: webhookTokenDigest(token),
        })),
      ),
    )
  }

  /** The snapshot's aws-auth mapping, parsed once per snapshot; empty when it has none. */
  awsAuth(snapshot: ClusterSnapshot): LoadedAwsAuth {
    return this.derived(snapshot, 'aws-auth', () => {
      const configMap = snapshot.objects.find(
        (object) =>
          object.kind === 'ConfigMap' &&
          object.metadata.name === AWS_AUTH_NAME &&
          object.metadata.namespace === AWS_AUTH_NAMESPACE,
      )
      if (configMap === undefined || configMap.kind !== 'ConfigMap') {
        return { awsAuth: EMPTY_AWS_AUTH, warnings: [] }
      }
      // What was stored passed the same parser when it was applied, so no errors remain.
      const { awsAuth, warnings } = parseAwsAuth(configMap.data)
      return { awsAuth, warnings }
    })
  }

  /** `build(snapshot)`, computed once per snapshot and `key`. */
  derived<T>(snapshot: ClusterSnapshot, key: string, build: (snapshot: ClusterSnapshot) => T): T {
    let values = this.perSnapshot.get(snapshot)
    if (values === undefined) {
      values = new Map()
      this.perSnapshot.set(snapshot, values)
    }
    if (values.has(key)) return values.get(key) as T
    const value = build(snapshot)
    values.set(key, value)
    return value
  }

  /**
   * One load per key and generation, shared by the requests that ask meanwhile. A load that a
   * write overtook is answered to those requests but not kept.
   */
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const generation = this.store.generation
    if (generation !== this.generation) {
      this.entries.clear()
      this.generation = generation
    }
    const hit = this.entries.get(key)
    if (hit !== undefined) return hit as Promise<T>
    if (this.entries.size >= this.limit) this.entries.clear()
    const loading = load()
    this.entries.set(key, loading)
    const forget = () => {
      if (this.entries.get(key) === loading) this.entries.delete(key)
    }
    loading.then(() => {
      if (this.store.generation !== generation) forget()
    }, forget)
    return loading
  }
}
