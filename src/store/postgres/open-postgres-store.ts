// Opens a PostgreSQL database as a Store through a pg connection pool. Transactions run
// serialisable, so concurrent ones behave as if run one after another, and are retried when
// PostgreSQL reports they lost a race. Every write is announced with NOTIFY so the caches of other
// processes on the same database (replicas, --workers siblings) drop what it changed; a heartbeat
// proves the announcements are heard (notification-watch.ts).

import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
import type { Store } from '../ports.js'
import type { Backend } from '../kysely/backend.js'
import { errorCode } from '../kysely/backend.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { Database as Tables } from '../kysely/schema.js'
import { migrateToLatest, requireCurrentSchema } from '../migrations/migrations.js'
import type { SecretSealer } from '../secrets/master-keyring.js'
import { SealedColumns } from '../kysely/sealed-columns.js'
import { NotificationWatch } from './notification-watch.js'
import type { DeafEpisode } from './notification-watch.js'

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
  /** The longest a cache may serve what it read (`--max-staleness`), in milliseconds. */
  maxStalenessMs?: number | undefined
  /** A monotonic clock in milliseconds, for freshness only; tests pass their own. */
  now?: (() => number) | undefined
  /** How often the listener proves it hears, in milliseconds; 0 turns the heartbeat off. */
  heartbeatMs?: number | undefined
  /** Told once per time the listener could not hear, when it hears again (for the log). */
  onDeafEpisode?: ((episode: DeafEpisode) => void) | undefined
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

export const openPostgresStore = async (options: PostgresStoreOptions): Promise<Store> => {
  // TCP keepalive, so a connection whose peer silently went away fails instead of hanging.
  const pool = new pg.Pool({ connectionString: options.connectionString, keepAlive: true })
  // An idle client that loses its server emits 'error' on the pool; unhandled, that would end the
  // process. The pool drops the client and the next query reports any lasting trouble.
  pool.on('error', () => undefined)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  const sealed = new SealedColumns(options.secrets)
  const freshness = { maxStalenessMs: options.maxStalenessMs, now: options.now }
  let store: KyselyStore
  try {
    if (options.readOnly === true) {
      await requireCurrentSchema(db, 'postgres')
      const reader = { db, backend: readOnlyBackend }
      store = new KyselyStore({ writer: reader, reader, sealed, ...freshness })
    } else {
      await migrateToLatest(db, 'postgres')
      const others = new NotificationWatch({
        connectionString: options.connectionString,
        heartbeatMs: options.heartbeatMs,
        onEpisode: options.onDeafEpisode,
      })
      await others.start()
      store = new KyselyStore({
        writer: { db, backend: postgresBackend },
        // Reads take a pooled connection of their own, as writes do, and begin READ ONLY.
        reader: { db, backend: readOnlyBackend },
        sealed,
        others,
        ...freshness,
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
