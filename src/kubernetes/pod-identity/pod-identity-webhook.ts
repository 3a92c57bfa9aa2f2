// The pod identity webhook as the cluster face calls it: one AdmissionReview body against one
// cluster snapshot, the snapshot's ServiceAccounts and Namespaces indexed once per snapshot (kept
// by identity, so a write to the cluster, which makes a new snapshot, makes a new index).
import type { ClusterSnapshot } from '../objects.js'
import { reviewPodAdmission } from './admission-review.js'
import type { MutationSettings, WebhookAnswer } from './admission-review.js'
import { clusterMutationSettings } from './cluster-settings.js'

export class PodIdentityWebhook {
  readonly #settings = new WeakMap<ClusterSnapshot, MutationSettings>()

  /** The answer to `body` (parsed JSON) for the cluster `snapshot` holds. */
  review(snapshot: ClusterSnapshot, body: unknown): WebhookAnswer {
    let settings = this.#settings.get(snapshot)
    if (settings === undefined) {
      settings = clusterMutationSettings(snapshot)
      this.#settings.set(snapshot, settings)
    }
    return reviewPodAdmission(body, settings)
  }
}
