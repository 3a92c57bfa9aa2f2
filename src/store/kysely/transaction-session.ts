// What the repositories of one transaction share: its connection, the backend's rules, the sealed
// columns, and a queue that runs their calls one at a time and remembers whether any wrote.

import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { StoreConflictError, StoreReferenceError } from '../errors.js'
import type { Backend } from './backend.js'
import type { Database } from './schema.js'
import type { SealedColumns } from './sealed-columns.js'

export class TransactionSession {
  #tail: Promise<void> = Promise.resolve()
  #ended = false
  #wrote = false

  constructor(
    readonly db: Kysely<Database>,
    readonly backend: Backend,
    readonly sealed: SealedColumns,
    private readonly options: { readOnly?: boolean } = {},
  ) {}

  /** Whether any write was made, whatever it changed. */
  get wrote(): boolean {
    return this.#wrote
  }

  /** Refuses new calls and waits for the ones already made, before the transaction ends. */
  async end(): Promise<void> {
    this.#ended = true
    await this.#tail
  }

  read<T>(query: () => Promise<T>): Promise<T> {
    return this.#enqueue(query)
  }

  write(what: string, statement: () => Promise<unknown>): Promise<void> {
    return this.#change(what, statement, true).then(() => undefined)
  }

  /**
   * A write that no cached decision reads (a one-time use recorded): made like any other, but it
   * does not count as the transaction having written, so the generation stays and no other
   * process is told to drop its caches. Resolves to what the statement returned.
   */
  note<T>(what: string, statement: () => Promise<T>): Promise<T> {
    return this.#change(what, statement, false)
  }

  #change<T>(what: string, statement: () => Promise<T>, counts: boolean): Promise<T> {
    if (this.options.readOnly === true) {
      return Promise.reject(new Error(`store: ${what} inside a read transaction`))
    }
    if (counts) this.#wrote = true
    return this.#enqueue(async () => {
      try {
        if (!this.backend.savepointWrites) return await statement()
        await sql`savepoint rolegate_write`.execute(this.db)
        let result: T
        try {
          result = await statement()
        } catch (error) {
          await sql`rollback to savepoint rolegate_write`.execute(this.db)
          throw error
        }
        await sql`release savepoint rolegate_write`.execute(this.db)
        return result
      } catch (error) {
        throw this.#translate(what, error)
      }
    })
  }

  // One call at a time: a connection runs one statement at a time anyway, and a failed write on
  // PostgreSQL must be rolled back to its savepoint before anything else runs.
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (this.#ended) {
      return Promise.reject(new Error('store: repository used after its transaction ended'))
    }
    const result = this.#tail.then(op)
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  #translate(what: string, error: unknown): unknown {
    const detail = error instanceof Error ? error.message : String(error)
    switch (this.backend.classify(error)) {
      case 'unique':
        return new StoreConflictError(`${what}: a row with this key already exists (${detail})`, {
          cause: error,
        })
      case 'reference':
        return new StoreReferenceError(`${what}: a related row is missing or remains (${detail})`, {
          cause: error,
        })
      default:
        return error
    }
  }
}
