// The SAML assertion part of the store contract (run by storeContract on every backend): a key is
// claimed once until pruned, concurrent claims of one key have one winner, a rolled-back claim
// leaves nothing, claims move no generation (no cached decision reads them), and pruning drops
// exactly the expired records.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Store } from '../../src/store/ports.js'
import { storeTest } from './contract-support.js'

const T1 = new Date('2025-07-01T08:30:00.001Z')
const T2 = new Date('2025-07-01T08:35:00.000Z')
const T3 = new Date('2025-07-01T09:00:00.000Z')

// Keys as STS makes them: hex SHA-256, here of made-up issuers and ids.
const key = (n: number) => n.toString(16).padStart(64, 'a')

export function samlAssertionContract(open: () => Promise<Store>): void {
  const withStore = storeTest(open)

  test(
    'a SAML assertion is claimed once: the second claim of its key is refused, others are not',
    withStore(async (_store, tx) => {
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(1), expiresAt: T2 })), true)
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(1), expiresAt: T3 })), false)
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(2), expiresAt: T2 })), true)
      // Within one transaction too.
      assert.deepEqual(
        await tx(async (r) => [
          await r.samlAssertions.claim({ key: key(3), expiresAt: T2 }),
          await r.samlAssertions.claim({ key: key(3), expiresAt: T2 }),
        ]),
        [true, false],
      )
    }),
  )

  test(
    'claims move no generation, and a rolled-back claim leaves nothing behind',
    withStore(async (store, tx) => {
      const before = store.generation
      await tx((r) => r.samlAssertions.claim({ key: key(4), expiresAt: T2 }))
      await tx((r) => r.samlAssertions.prune(T1))
      assert.equal(store.generation, before)
      await assert.rejects(
        tx(async (r) => {
          await r.samlAssertions.claim({ key: key(5), expiresAt: T2 })
          throw new Error('the issuance failed')
        }),
        /the issuance failed/,
      )
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(5), expiresAt: T2 })), true)
      await assert.rejects(
        store.read((r) => r.samlAssertions.claim({ key: key(6), expiresAt: T2 })),
        /inside a read transaction/,
      )
    }),
  )

  test(
    'concurrent claims of one key have exactly one winner',
    withStore(async (_store, tx) => {
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          tx((r) => r.samlAssertions.claim({ key: key(7), expiresAt: T3 })),
        ),
      )
      assert.deepEqual(
        results.filter((won) => won),
        [true],
      )
    }),
  )

  test(
    'pruning drops the records expired before the time given, and only those',
    withStore(async (store, tx) => {
      await tx(async (r) => {
        await r.samlAssertions.claim({ key: key(8), expiresAt: T1 })
        await r.samlAssertions.claim({ key: key(9), expiresAt: T2 })
        await r.samlAssertions.claim({ key: key(10), expiresAt: T3 })
      })
      assert.equal(await tx((r) => r.samlAssertions.prune(T2)), 1)
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(8), expiresAt: T3 })), true)
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(9), expiresAt: T3 })), false)
      assert.equal(await tx((r) => r.samlAssertions.prune(T3)), 1)
      await store.wipe()
      assert.equal(await tx((r) => r.samlAssertions.claim({ key: key(10), expiresAt: T3 })), true)
    }),
  )
}
