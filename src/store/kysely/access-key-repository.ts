// Users' long-term access keys over Kysely; their secrets are sealed on the way in and opened on
// the way out.

import type { AccessKeyRecord } from '../ports.js'
import type { AccessKeyRepository } from '../repositories.js'
import { accessKeyRecord, accessKeyRow } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyAccessKeyRepository implements AccessKeyRepository {
  constructor(private readonly session: TransactionSession) {}

  get(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('access_keys')
        .selectAll()
        .where('access_key_id', '=', accessKeyId)
        .executeTakeFirst()
      return row && accessKeyRecord(this.session.sealed.openAccessKey(row))
    })
  }

  listForUser(userId: string): Promise<AccessKeyRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('access_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('create_date')
        .orderBy('access_key_id')
        .execute()
      return rows.map((row) => accessKeyRecord(this.session.sealed.openAccessKey(row)))
    })
  }

  insert(key: AccessKeyRecord): Promise<void> {
    return this.session.write('insertAccessKey', () =>
      this.session.db
        .insertInto('access_keys')
        .values(this.session.sealed.sealAccessKey(accessKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the status and last-used fields; the secret, owner and creation date never change. */
  update(key: AccessKeyRecord): Promise<void> {
    const row = accessKeyRow(key)
    return this.session.write('updateAccessKey', () =>
      this.session.db
        .updateTable('access_keys')
        .set({
          status: row.status,
          last_used_date: row.last_used_date,
          last_used_service: row.last_used_service,
          last_used_region: row.last_used_region,
        })
        .where('access_key_id', '=', key.accessKeyId)
        .execute(),
    )
  }

  delete(accessKeyId: string): Promise<void> {
    return this.session.write('deleteAccessKey', () =>
      this.session.db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).execute(),
    )
  }
}
