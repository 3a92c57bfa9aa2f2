// Opens (creating if needed) a SQLite database file as a Store: WAL so readers in other processes
// never block, foreign keys enforced, and every transaction on the one connection in turn. The file
// is its owner's alone (0600, and SQLite gives its -wal and -shm files the database's mode).

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import type { Store } from '../ports.js'
import type { Backend } from '../kysely/backend.js'
import { errorCode } from '../kysely/backend.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { OtherWriters } from '../kysely/kysely-store.js'
import type { Database as Tables } from '../kysely/schema.js'
import { migrateToLatest } from '../migrations/migrations.js'
import { generateMasterKey, MasterKeyring } from '../secrets/master-keyring.js'
import type { SecretSealer } from '../secrets/master-keyring.js'
import { SealedColumns } from '../kysely/sealed-columns.js'
import { cachingStatements } from './statement-cache.js'

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for a private database that lives as long as the store. */
  file: string
  /**
   * Open an existing database to read only: never created or migrated, and no write lock taken,
   * so another process serving from the same file is never held up (e.g. `rolegate explain`).
   */
  readOnly?: boolean
  /**
   * Other processes write to this file too (`serve --workers`): noticeOtherWriters then asks
   * SQLite whether any did (PRAGMA data_version, two fcntl calls). Alone, there is nothing to ask.
   */
  shared?: boolean
  /**
   * Seals the secrets kept in the file; its key never enters the database. Required for a file;
   * a `:memory:` database, which outlives no process, gets a key of its own when none is given.
   */
  secrets?: SecretSealer
  /** The longest a cache may serve what it read (`--max-staleness`), in milliseconds. */
  maxStalenessMs?: number | undefined
  /** A monotonic clock in milliseconds, for freshness only; tests pass their own. */
  now?: (() => number) | undefined
}

function sealerFor(options: SqliteStoreOptions): SecretSealer {
  if (options.secrets) return options.secrets
  if (options.file === ':memory:') return new MasterKeyring([generateMasterKey()])
  throw new Error(`store: ${options.file} needs a master key to seal its secrets`)
}

const OWNER_ONLY = 0o600

/**
 * The database file and any WAL files left beside it, created or narrowed to 0600 before SQLite
 * opens them: SQLite creates its -wal and -shm files with the database file's permissions.
 */
function ownerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  if (!existsSync(file)) closeSync(openSync(file, 'a', OWNER_ONLY))
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, OWNER_ONLY)
  }
}

const sqliteBackend: Backend = {
  dialect: 'sqlite',
  // Take the write lock up front: a deferred transaction that later writes can fail with
  // SQLITE_BUSY at once when another process wrote in between, with no wait for busy_timeout.
  begin: 'begin immediate',
  savepointWrites: false,
  maxAttempts: 1,
  classify(error) {
    switch (errorCode(error)) {
      case 'SQLITE_CONSTRAINT_UNIQUE':
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
        return 'unique'
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
        return 'reference'
      default:
        return undefined
    }
  },
}

const readOnlyBackend: Backend = {
  ...sqliteBackend,
  // A deferred `begin` takes no lock until it reads.
  begin: 'begin',
  classify: () => undefined,
}

/**
 * SQLite's data_version moves for a connection when any other connection commits to the file, and
 * never for its own commits: one statement tells whether another process wrote.
 */
function dataVersionWatch(database: Database.Database): OtherWriters {
  const version = database.prepare('pragma data_version').pluck()
  let seen = version.get()
  return {
    changed() {
      const now = version.get()
      if (now === seen) return false
      seen = now
      return true
    },
    // Asked before every request, so there is nothing to miss.
    status: () => ({ notifications: 'data-version' }),
    close: () => Promise.resolve(),
  }
}

const sqliteKysely = (database: Database.Database) =>
  new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) })

/** A second connection to the file, for read transactions: it can never write. */
function openReader(file: string): Database.Database {
  const database = new Database(file, { readonly: true, fileMustExist: true })
  database.pragma('busy_timeout = 5000')
  return database
}

async function openReadOnly(file: string, secrets: SecretSealer): Promise<Store> {
  const reader = { db: sqliteKysely(openReader(file)), backend: readOnlyBackend }
  const store = new KyselyStore({ writer: reader, reader, sealed: new SealedColumns(secrets) })
  try {
    await store.prepare({ readOnly: true })
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

export const openSqliteStore = async (options: SqliteStoreOptions): Promise<Store> => {
  const secrets = sealerFor(options)
  if (options.readOnly) return openReadOnly(options.file, secrets)
  if (options.file !== ':memory:') ownerOnly(options.file)
  const database = new Database(options.file)
  try {
    database.pragma('journal_mode = WAL')
    // NORMAL is durable across application crashes in WAL mode; only power loss can lose the tail.
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    database.pragma('busy_timeout = 5000')
  } catch (error) {
    database.close()
    throw error
  }
  const db = sqliteKysely(database)
  try {
    await migrateToLatest(db, 'sqlite')
  } catch (error) {
    await db.destroy()
    throw error
  }
  const store = new KyselyStore({
    writer: { db, backend: sqliteBackend },
    // A file is read on a second connection, which WAL lets read while the first writes; a
    // private in-memory database has only the one.
    reader: {
      db: options.file === ':memory:' ? db : sqliteKysely(openReader(options.file)),
      backend: readOnlyBackend,
    },
    sealed: new SealedColumns(secrets),
    others: options.shared === true ? dataVersionWatch(database) : undefined,
    maxStalenessMs: options.maxStalenessMs,
    now: options.now,
  })
  try {
    await store.prepare({ readOnly: false })
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}
