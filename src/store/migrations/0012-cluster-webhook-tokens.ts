// Each cluster's webhook token: the bearer credential its kube-apiserver presents to the cluster's
// webhooks, sealed like every other secret. Clusters made before this migration have none (NULL):
// a migration has no master key to seal with, so their webhooks refuse every caller until the
// token is first fetched (`rolegate cluster webhook-config`), which makes one.

import type { Kysely, Migration } from 'kysely'
import type { DialectName } from '../kysely/backend.js'

export const clusterWebhookTokensMigration = (_dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clusters').addColumn('webhook_token', 'text').execute()
  },
})
