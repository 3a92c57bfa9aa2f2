// Typed failures a store reports, so services can tell "already exists" and "still referenced"
// apart from a broken database without knowing which database it is.

/** A write would duplicate a unique key: a name (any case) in the account, an id, an alias. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError'

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
  }
}

/**
 * A write would leave a relation dangling: deleting an entity that still has members, keys,
 * attachments or inline policies, or relating rows to an entity that does not exist.
 */
export class StoreReferenceError extends Error {
  override readonly name = 'StoreReferenceError'

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
  }
}
