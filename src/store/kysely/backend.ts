// The few things that differ between SQL backends behind the one shared Kysely implementation:
// how a transaction begins, how a failed statement affects it, and what its error codes mean.

export type DialectName = 'sqlite' | 'postgres'

/** What a driver error means to the store. */
export type ErrorKind = 'unique' | 'reference' | 'retry'

export interface Backend {
  readonly dialect: DialectName
  /** The statement that opens a transaction, e.g. `begin immediate`. */
  readonly begin: string
  /**
   * Whether a failed statement aborts the whole transaction (PostgreSQL), so each write runs
   * inside a savepoint to keep the transaction usable after a caught conflict, as on SQLite.
   */
  readonly savepointWrites: boolean
  /** How many times a transaction is tried before a retryable failure is given up on. */
  readonly maxAttempts: number
  classify(error: unknown): ErrorKind | undefined
}

export const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  const code = error.code
  return typeof code === 'string' ? code : undefined
}
