// What every part of the store contract shares: each test gets a store of its own (fresh or wiped)
// and always closes it, and a refusal is checked by the store's error class.

import assert from 'node:assert/strict'
import type { Store } from '../../src/store/ports.js'
import type { Repositories } from '../../src/store/repositories.js'

/** Runs work in one write transaction of the test's store. */
export type Transact = <T>(work: (repo: Repositories) => Promise<T>) => Promise<T>

/** Wraps a test body: opens the store, hands it and its transaction over, closes it whatever happens. */
export const storeTest =
  (open: () => Promise<Store>) =>
  (body: (store: Store, tx: Transact) => Promise<void>) =>
  async (): Promise<void> => {
    const store = await open()
    try {
      await body(store, (work) => store.transaction(work))
    } finally {
      await store.close()
    }
  }

/** Asserts that the promise rejects with an instance of `type` (a StoreConflictError, ...). */
export const rejectsWith = async (
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
): Promise<void> => {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`)
    return true
  })
}
