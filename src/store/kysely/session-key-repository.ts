// The STS session keyring over Kysely, newest key first; secrets are sealed at rest.

import type { SessionKeyRecord } from '../ports.js'
import type { SessionKeyRepository } from '../repositories.js'
import { sessionKeyRecord, sessionKeyRow } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselySessionKeyRepository implements SessionKeyRepository {
  constructor(private readonly session: TransactionSession) {}

  /** Newest first; keys made in the same millisecond come by key id, highest first. */
  list(): Promise<SessionKeyRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('session_keys')
        .selectAll()
        .orderBy('create_date', 'desc')
        .orderBy('key_id', 'desc')
        .execute()
      return rows.map((row) => sessionKeyRecord(this.session.sealed.openSessionKey(row)))
    })
  }

  insert(key: SessionKeyRecord): Promise<void> {
    return this.session.write('insertSessionKey', () =>
      this.session.db
        .insertInto('session_keys')
        .values(this.session.sealed.sealSessionKey(sessionKeyRow(key)))
        .execute(),
    )
  }

  /** Replaces the retire date; the secret and creation date never change. */
  update(key: SessionKeyRecord): Promise<void> {
    const row = sessionKeyRow(key)
    return this.session.write('updateSessionKey', () =>
      this.session.db
        .updateTable('session_keys')
        .set({ retire_date: row.retire_date })
        .where('key_id', '=', key.keyId)
        .execute(),
    )
  }

  delete(keyId: string): Promise<void> {
    return this.session.write('deleteSessionKey', () =>
      this.session.db.deleteFrom('session_keys').where('key_id', '=', keyId).execute(),
    )
  }
}
