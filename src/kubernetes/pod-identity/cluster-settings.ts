// The webhook's settings for one cluster snapshot, as EKS runs the webhook: the cluster's region
// for AWS_REGION and AWS_DEFAULT_REGION, regional STS endpoints unless a service account says
// otherwise, the default mount path, and the snapshot's ServiceAccounts and Namespaces indexed
// once (the caller keeps the index per snapshot, e.g. with ClusterSnapshots.derived).
import type { ClusterSnapshot, ServiceAccount } from '../objects.js'
import type { MutationSettings } from './admission-review.js'

const key = (namespace: string, name: string) => `${namespace}\u0000${name}`

/** The snapshot's service accounts by namespace and name, and its namespaces. */
export interface ClusterIndex {
  serviceAccounts: ReadonlyMap<string, ServiceAccount>
  namespaces: ReadonlySet<string>
}

export function indexCluster(snapshot: ClusterSnapshot): ClusterIndex {
  const serviceAccounts = new Map<string, ServiceAccount>()
  const namespaces = new Set<string>()
  for (const object of snapshot.objects) {
    if (object.kind === 'ServiceAccount') {
      serviceAccounts.set(key(object.metadata.namespace ?? '', object.metadata.name), object)
    } else if (object.kind === 'Namespace') {
      namespaces.add(object.metadata.name)
    }
  }
  return { serviceAccounts, namespaces }
}

/** How rolegate runs the webhook for `snapshot`'s cluster. */
export function clusterMutationSettings(
  snapshot: ClusterSnapshot,
  index: ClusterIndex = indexCluster(snapshot),
): MutationSettings {
  return {
    clusterName: snapshot.cluster.name,
    region: snapshot.cluster.region,
    regionalSts: true,
    serviceAccount: (namespace, name) => index.serviceAccounts.get(key(namespace, name)),
    namespaceExists: (namespace) => index.namespaces.has(namespace),
  }
}
