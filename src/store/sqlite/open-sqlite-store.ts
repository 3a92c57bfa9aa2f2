// Opens (creating if needed) a SQLite database file as a Store: WAL so readers in other processes
// never block, foreign keys enforced, and every transaction on the one connection in turn.

import { mkdirSync } from 'node:fs'
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
    close: () => Promise.resolve(),
  }
}

function openReadOnly(file: string): Store {
  const database = new Database(file, { readonly: true, fileMustExist: true })
  database.pragma('busy_timeout = 5000')
  return new KyselyStore(
    new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) }),
    readOnlyBackend,
  )
}

export const openSqliteStore = async (options: SqliteStoreOptions): Promise<Store> => {
  if (options.readOnly) return openReadOnly(options.file)
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true })
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
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: cachingStatements(database) }),
  })
  try {
    await migrateToLatest(db, 'sqlite')
  } catch (error) {
    await db.destroy()
    throw error
  }
  return new KyselyStore(
    db,
    sqliteBackend,
    options.shared === true ? dataVersionWatch(database) : undefined,
  )
}
