// Opens a PostgreSQL database as a Store through a pg connection pool. Transactions run
// serialisable, so concurrent ones behave as if run one after another, and are retried when
// PostgreSQL reports they lost a race. Every write is announced with NOTIFY so the caches of other
// processes on the same database (replicas, --workers siblings) drop what it changed.

import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { Store } from '../ports.js'
import type { Backend } from '../kysely/backend.js'
import { errorCode } from '../kysely/backend.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { OtherWriters } from '../kysely/kysely-store.js'
import type { Database as Tables } from '../kysely/schema.js'
import { migrateToLatest, requireCurrentSchema } from '../migrations/migrations.js'
import type { SecretSealer } from '../secrets/master-keyring.js'
import { SealedColumns } from '../kysely/sealed-columns.js'

export interface PostgresStoreOptions {
  /** e.g. `postgres://user:password@host:5432/rolegate` */
  connectionString: string
  /** Seals the secrets kept in the database; its key never enters the database. */
  secrets: SecretSealer
  /**
   * Only read an existing rolegate database (e.g. `rolegate explain`): never created or migrated,
   * every transaction READ ONLY, and no listener for other processes' writes.
   */
  readOnly?: boolean
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

const readOnlyBackend: Backend = {
  ...postgresBackend,
  // PostgreSQL itself refuses any write, and one snapshot serves the whole transaction.
  begin: 'begin isolation level repeatable read, read only',
}

const CHANNEL = 'rolegate_writes'
const RECONNECT_MS = 1000

/**
 * Listens on one dedicated connection for the writes other processes announce. NOTIFY is
 * delivered at commit, so a write is noticed within a round trip of committing. While the listener
 * is down nothing can be known, so every look reports a change and caches hold nothing.
 */
async function notificationWatch(connectionString: string): Promise<OtherWriters> {
  // Our own announcements come back to us too; this process's writes already moved its generation.
  const self = randomUUID()
  let pending = false
  let client: pg.Client | undefined
  let closed = false
  const lost = (which: pg.Client) => {
    if (client !== which) return
    client = undefined
    if (!closed) setTimeout(reconnect, RECONNECT_MS).unref()
  }
  const connect = async () => {
    const next = new pg.Client({ connectionString })
    next.on('notification', (message) => {
      if (message.payload !== self) pending = true
    })
    next.on('error', () => lost(next))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(`listen ${CHANNEL}`)
    } catch (error) {
      next.end().catch(() => undefined)
      throw error
    }
    client = next
    // What was committed while nobody listened is unknown.
    pending = true
  }
  const reconnect = () => {
    connect().catch(() => {
      if (!closed) setTimeout(reconnect, RECONNECT_MS).unref()
    })
  }
  await connect()
  return {
    changed() {
      if (client === undefined) return true
      const was = pending
      pending = false
      return was
    },
    async announce(conn) {
      await sql`select pg_notify(${CHANNEL}, ${self})`.execute(conn)
    },
    async close() {
      closed = true
      const last = client
      client = undefined
      await last?.end()
    },
  }
}

export const openPostgresStore = async (options: PostgresStoreOptions): Promise<Store> => {
  const pool = new pg.Pool({ connectionString: options.connectionString })
  // An idle client that loses its server emits 'error' on the pool; unhandled, that would end the
  // process. The pool drops the client and the next query reports any lasting trouble.
  pool.on('error', () => undefined)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  const sealed = new SealedColumns(options.secrets)
  let store: KyselyStore
  try {
    if (options.readOnly === true) {
      await requireCurrentSchema(db, 'postgres')
      const reader = { db, backend: readOnlyBackend }
      store = new KyselyStore({ writer: reader, reader, sealed })
    } else {
      await migrateToLatest(db, 'postgres')
      const others: OtherWriters = await notificationWatch(options.connectionString)
      store = new KyselyStore({
        writer: { db, backend: postgresBackend },
        // Reads take a pooled connection of their own, as writes do, and begin READ ONLY.
        reader: { db, backend: readOnlyBackend },
        sealed,
        others,
      })
    }
  } catch (error) {
    await db.destroy()
    throw error
  }
  try {
    await store.prepare({ readOnly: options.readOnly === true })
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}
