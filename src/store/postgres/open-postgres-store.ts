// Opens a PostgreSQL database as a Store through a pg connection pool. Transactions run
// serialisable, so concurrent ones behave as if run one after another, and are retried when
// PostgreSQL reports they lost a race.

import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
import type { Store } from '../ports.js'
import type { Backend } from '../kysely/backend.js'
import { errorCode } from '../kysely/backend.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { Database as Tables } from '../kysely/schema.js'
import { migrateToLatest } from '../migrations/migrations.js'

export interface PostgresStoreOptions {
  /** e.g. `postgres://user:password@host:5432/rolegate` */
  connectionString: string
}

const postgresBackend: Backend = {
  dialect: 'postgres',
  begin: 'begin isolation level serializable',
  savepointWrites: true,
  maxAttempts: 12,
  classify(error) {
    switch (errorCode(error)) {
      case '23505': // unique_violation
        return 'unique'
      case '23503': // foreign_key_violation
        return 'reference'
      case '40001': // serialization_failure
      case '40P01': // deadlock_detected
        return 'retry'
      default:
        return undefined
    }
  },
}

export const openPostgresStore = async (options: PostgresStoreOptions): Promise<Store> => {
  const pool = new pg.Pool({ connectionString: options.connectionString })
  // An idle client that loses its server emits 'error' on the pool; unhandled, that would end the
  // process. The pool drops the client and the next query reports any lasting trouble.
  pool.on('error', () => undefined)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  try {
    await migrateToLatest(db, 'postgres')
  } catch (error) {
    await db.destroy()
    throw error
  }
  return new KyselyStore(db, postgresBackend)
}
