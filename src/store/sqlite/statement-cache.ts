// Kysely's SQLite driver prepares every query again; this hands it the better-sqlite3 database with
// `prepare` remembered by SQL text (a bounded LRU), so the hot lookups skip SQLite's compiler.

import type { Database, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

export const DEFAULT_STATEMENT_CACHE_SIZE = 200

/**
 * The database as Kysely's SqliteDialect wants it, preparing each distinct SQL text once. A
 * statement still being iterated (a streamed query) is never handed out twice: a fresh one is.
 */
export function cachingStatements(
  database: Database,
  maxEntries = DEFAULT_STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    close: () => {
      statements.clear()
      database.close()
    },
    prepare(sql) {
      const cached = statements.get(sql)
      if (cached !== undefined && !cached.busy) {
        // Most recently used last, so the first key is the one to evict.
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const statement = database.prepare(sql)
      if (cached !== undefined) return statement
      statements.set(sql, statement)
      if (statements.size > maxEntries) {
        const oldest = statements.keys().next().value
        if (oldest !== undefined) statements.delete(oldest)
      }
      return statement
    },
  }
}
