// The MFA device part of the store contract (run by storeContract on every backend): devices
// round-trip every field with the seed opened again, path and name are unique per account without
// regard to case, lists page in name order filtered by assignment, an assigned user cannot be
// deleted from under a device, and only the mutable fields change on update.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreConflictError, StoreReferenceError } from '../../src/store/errors.js'
import type { MfaDeviceRecord, Store, UserRecord } from '../../src/store/ports.js'
import { rejectsWith, storeTest } from './contract-support.js'

const A = '111122223333'
const B = '444455556666'
const T1 = new Date('2024-02-29T23:59:59.999Z')
const T2 = new Date('2025-07-01T08:30:00.001Z')
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

const device = (
  name: string,
  overrides: Partial<MfaDeviceRecord> = {},
  accountId = overrides.accountId ?? A,
): MfaDeviceRecord => {
  const path = overrides.path ?? '/'
  return {
    accountId,
    serialNumber: `arn:aws:iam::${accountId}:mfa${path}${name}`,
    name,
    path,
    seed: SEED,
    userId: null,
    enableDate: null,
    lastStep: null,
    stepOffset: 0,
    createDate: T1,
    tags: [],
    ...overrides,
  }
}

const user = (name: string, userId: string): UserRecord => ({
  accountId: A,
  userId,
  userName: name,
  path: '/',
  arn: `arn:aws:iam::${A}:user/${name}`,
  createDate: T1,
  permissionsBoundaryArn: null,
  tags: [],
})

export function mfaDeviceContract(open: () => Promise<Store>): void {
  const withStore = storeTest(open)

  test(
    'MFA devices round-trip every field, and path and name are unique per account without case',
    withStore(async (_store, tx) => {
      const alice = user('alice', 'AIDAALICE0000000001')
      const plain = device('Plain')
      const full = device('full.device+x=y,z@e-1', {
        path: '/division/team/',
        userId: alice.userId,
        enableDate: T2,
        lastStep: 58_000_123,
        stepOffset: -2,
        tags: [
          { key: 'zeta', value: 'Zürich — 東京 🚀' },
          { key: 'empty', value: '' },
        ],
      })
      await tx(async (r) => {
        await r.users.insert(alice)
        await r.mfaDevices.insert(plain)
        await r.mfaDevices.insert(full)
      })
      assert.deepEqual(await tx((r) => r.mfaDevices.get(plain.serialNumber)), plain)
      assert.deepEqual(await tx((r) => r.mfaDevices.get(full.serialNumber)), full)
      assert.deepEqual(await tx((r) => r.mfaDevices.getByName(A, '/', 'PLAIN')), plain)
      assert.deepEqual(
        await tx((r) => r.mfaDevices.getByName(A, '/DIVISION/team/', 'FULL.device+x=y,z@e-1')),
        full,
      )
      assert.equal(await tx((r) => r.mfaDevices.getByName(B, '/', 'plain')), undefined)
      assert.equal(await tx((r) => r.mfaDevices.get(`arn:aws:iam::${A}:mfa/none`)), undefined)
      // The same path and name in any case is taken; another account may use it.
      await rejectsWith(
        tx((r) => r.mfaDevices.insert(device('PLAIN', { serialNumber: 'x-other-serial' }))),
        StoreConflictError,
      )
      await tx((r) => r.mfaDevices.insert(device('plain', {}, B)))
      assert.equal(await tx((r) => r.mfaDevices.count(A)), 2)
      assert.equal(await tx((r) => r.mfaDevices.count(B)), 1)
    }),
  )

  test(
    'MFA devices list by path and name, filtered by assignment and paged after a name',
    withStore(async (_store, tx) => {
      const alice = user('alice', 'AIDAALICE0000000002')
      const names = ['delta', 'Alpha', 'charlie', 'Bravo']
      await tx(async (r) => {
        await r.users.insert(alice)
        for (const name of names) {
          const assigned = name === 'Bravo' || name === 'delta'
          await r.mfaDevices.insert(
            device(name, assigned ? { userId: alice.userId, enableDate: T2 } : {}),
          )
        }
        await r.mfaDevices.insert(device('aardvark', { path: '/z/' }))
        await r.mfaDevices.insert(device('zulu', {}, B))
      })
      const namesOf = (devices: MfaDeviceRecord[]) => devices.map((d) => d.path + d.name)
      assert.deepEqual(namesOf(await tx((r) => r.mfaDevices.list(A))), [
        '/Alpha',
        '/Bravo',
        '/charlie',
        '/delta',
        '/z/aardvark',
      ])
      assert.deepEqual(namesOf(await tx((r) => r.mfaDevices.list(A, { assignment: 'Assigned' }))), [
        '/Bravo',
        '/delta',
      ])
      assert.deepEqual(
        namesOf(await tx((r) => r.mfaDevices.list(A, { assignment: 'Unassigned' }))),
        ['/Alpha', '/charlie', '/z/aardvark'],
      )
      assert.deepEqual(
        namesOf(await tx((r) => r.mfaDevices.list(A, { after: '/bravo', limit: 2 }))),
        ['/charlie', '/delta'],
      )
      assert.equal(await tx((r) => r.mfaDevices.count(A, 'Assigned')), 2)
      assert.equal(await tx((r) => r.mfaDevices.count(A, 'Unassigned')), 3)
      assert.deepEqual(namesOf(await tx((r) => r.mfaDevices.listForUser(alice.userId))), [
        '/Bravo',
        '/delta',
      ])
    }),
  )

  test(
    'updating an MFA device changes its assignment, steps and tags, never its seed; a user it is assigned to cannot be deleted',
    withStore(async (_store, tx) => {
      const bob = user('bob', 'AIDABOB000000000001')
      const created = device('bob')
      await tx(async (r) => {
        await r.users.insert(bob)
        await r.mfaDevices.insert(created)
      })
      const enabled: MfaDeviceRecord = {
        ...created,
        userId: bob.userId,
        enableDate: T2,
        lastStep: 12,
        stepOffset: 1,
        tags: [{ key: 'k', value: 'v' }],
      }
      await tx((r) => r.mfaDevices.update({ ...enabled, seed: 'AAAA', name: 'renamed' }))
      assert.deepEqual(await tx((r) => r.mfaDevices.get(created.serialNumber)), enabled)
      await rejectsWith(
        tx((r) => r.users.delete(bob.userId)),
        StoreReferenceError,
      )
      await tx((r) => r.mfaDevices.update({ ...enabled, userId: null, enableDate: null }))
      await tx((r) => r.users.delete(bob.userId))
      await tx((r) => r.mfaDevices.delete(created.serialNumber))
      assert.equal(await tx((r) => r.mfaDevices.get(created.serialNumber)), undefined)
      // Assigning to a user that does not exist is refused.
      await rejectsWith(
        tx((r) => r.mfaDevices.insert(device('ghost', { userId: 'AIDANOSUCHUSER0001' }))),
        StoreReferenceError,
      )
    }),
  )
}
