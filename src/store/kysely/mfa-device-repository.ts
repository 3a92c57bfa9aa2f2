// Virtual MFA devices over Kysely; their seeds are sealed on the way in and opened on the way out.
// Lists read a page through the (account, path and name) index.

import type { MfaAssignment, MfaDeviceRecord } from '../ports.js'
import type { MfaDeviceRepository } from '../repositories.js'
import { mfaDeviceRecord, mfaDeviceRow, mfaNameKey, nameKey } from './records.js'
import type { TransactionSession } from './transaction-session.js'

export class KyselyMfaDeviceRepository implements MfaDeviceRepository {
  constructor(private readonly session: TransactionSession) {}

  get(serialNumber: string): Promise<MfaDeviceRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('mfa_devices')
        .selectAll()
        .where('serial_number', '=', serialNumber)
        .executeTakeFirst()
      return row && mfaDeviceRecord(this.session.sealed.openMfaSeed(row))
    })
  }

  getByName(accountId: string, path: string, name: string): Promise<MfaDeviceRecord | undefined> {
    return this.session.read(async () => {
      const row = await this.session.db
        .selectFrom('mfa_devices')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('name_key', '=', mfaNameKey(path, name))
        .executeTakeFirst()
      return row && mfaDeviceRecord(this.session.sealed.openMfaSeed(row))
    })
  }

  list(
    accountId: string,
    page: { assignment?: MfaAssignment; after?: string | undefined; limit?: number } = {},
  ): Promise<MfaDeviceRecord[]> {
    return this.session.read(async () => {
      let query = this.session.db
        .selectFrom('mfa_devices')
        .selectAll()
        .where('account_id', '=', accountId)
      if (page.assignment === 'Assigned') query = query.where('user_id', 'is not', null)
      if (page.assignment === 'Unassigned') query = query.where('user_id', 'is', null)
      if (page.after !== undefined) query = query.where('name_key', '>', nameKey(page.after))
      query = query.orderBy('name_key')
      if (page.limit !== undefined) query = query.limit(page.limit)
      const rows = await query.execute()
      return rows.map((row) => mfaDeviceRecord(this.session.sealed.openMfaSeed(row)))
    })
  }

  listForUser(userId: string): Promise<MfaDeviceRecord[]> {
    return this.session.read(async () => {
      const rows = await this.session.db
        .selectFrom('mfa_devices')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('enable_date')
        .orderBy('serial_number')
        .execute()
      return rows.map((row) => mfaDeviceRecord(this.session.sealed.openMfaSeed(row)))
    })
  }

  count(accountId: string, assignment: MfaAssignment = 'Any'): Promise<number> {
    return this.session.read(async () => {
      let query = this.session.db
        .selectFrom('mfa_devices')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('account_id', '=', accountId)
      if (assignment === 'Assigned') query = query.where('user_id', 'is not', null)
      if (assignment === 'Unassigned') query = query.where('user_id', 'is', null)
      return Number((await query.executeTakeFirstOrThrow()).n)
    })
  }

  insert(device: MfaDeviceRecord): Promise<void> {
    return this.session.write('insertMfaDevice', () =>
      this.session.db
        .insertInto('mfa_devices')
        .values(this.session.sealed.sealMfaSeed(mfaDeviceRow(device)))
        .execute(),
    )
  }

  update(device: MfaDeviceRecord): Promise<void> {
    const row = mfaDeviceRow(device)
    return this.session.write('updateMfaDevice', () =>
      this.session.db
        .updateTable('mfa_devices')
        .set({
          user_id: row.user_id,
          enable_date: row.enable_date,
          last_step: row.last_step,
          step_offset: row.step_offset,
          tags: row.tags,
        })
        .where('serial_number', '=', device.serialNumber)
        .execute(),
    )
  }

  delete(serialNumber: string): Promise<void> {
    return this.session.write('deleteMfaDevice', () =>
      this.session.db.deleteFrom('mfa_devices').where('serial_number', '=', serialNumber).execute(),
    )
  }
}
