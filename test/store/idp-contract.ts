// The built-in IdP's part of the store contract (run by storeContract on every backend): users
// and groups round-trip every field (the TOTP seed opened again), names are unique per account
// without regard to case, memberships and assignments follow ids and go with the user or group,
// the app's settings and signing keys round-trip, and only the mutable fields change on update.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreConflictError, StoreReferenceError } from '../../src/store/errors.js'
import type {
  IdpAppRecord,
  IdpGroupRecord,
  IdpSigningKeyRecord,
  IdpUserRecord,
} from '../../src/store/idp-records.js'
import type { Store } from '../../src/store/ports.js'
import { rejectsWith, storeTest } from './contract-support.js'

const A = '111122223333'
const B = '444455556666'
const T1 = new Date('2024-02-29T23:59:59.999Z')
const T2 = new Date('2025-07-01T08:30:00.001Z')
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const HASH =
  '$scrypt$ln=15,r=8,p=3$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U'
const ROLE = `arn:aws:iam::${A}:role/OktaDeveloper`
const OTHER_ROLE = `arn:aws:iam::${A}:role/OktaProdAdminRole`

let counter = 0
const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(12, '0')}`

const idpUser = (userName: string, overrides: Partial<IdpUserRecord> = {}): IdpUserRecord => ({
  accountId: A,
  userId: nextId('IDPU'),
  userName,
  email: null,
  passwordHash: HASH,
  passwordChanged: T1,
  totpSeed: null,
  totpLastStep: null,
  sessionTags: [],
  createDate: T1,
  ...overrides,
})

const idpGroup = (groupName: string, accountId = A): IdpGroupRecord => ({
  accountId,
  groupId: nextId('IDPG'),
  groupName,
  createDate: T1,
})

const app = (accountId = A): IdpAppRecord => ({
  accountId,
  createDate: T1,
  accessKeyId: null,
  secretAccessKey: null,
  providerArn: null,
  sessionDuration: 3600,
  cookieKey: 'Y29va2llLWtleS1jb29raWUta2V5LWNvb2tpZS1rZXk=',
})

const signingKey = (keyId: string, overrides: Partial<IdpSigningKeyRecord> = {}) => ({
  accountId: A,
  keyId,
  privateKey: `-----BEGIN PRIVATE KEY-----\n${keyId}\n-----END PRIVATE KEY-----\n`,
  certificate: `-----BEGIN CERTIFICATE-----\n${keyId}\n-----END CERTIFICATE-----\n`,
  createDate: T1,
  signingSince: null,
  retireDate: null,
  ...overrides,
})

export function idpContract(open: () => Promise<Store>): void {
  const withStore = storeTest(open)

  test(
    'IdP users round-trip every field, and names are unique per account without regard to case',
    withStore(async (_store, tx) => {
      const plain = idpUser('bob')
      const full = idpUser('alice@example.com', {
        email: 'alice@example.com',
        totpSeed: SEED,
        totpLastStep: 58_000_123,
        passwordChanged: T2,
        sessionTags: [
          { key: 'team', value: 'Zürich — 東京' },
          { key: 'empty', value: '' },
        ],
      })
      await tx(async (r) => {
        await r.idpDirectory.insertUser(plain)
        await r.idpDirectory.insertUser(full)
      })
      assert.deepEqual(await tx((r) => r.idpDirectory.getUser(A, 'BOB')), plain)
      assert.deepEqual(await tx((r) => r.idpDirectory.getUser(A, 'Alice@Example.com')), full)
      assert.deepEqual(await tx((r) => r.idpDirectory.getUserById(full.userId)), full)
      assert.equal(await tx((r) => r.idpDirectory.getUser(B, 'bob')), undefined)
      await rejectsWith(
        tx((r) => r.idpDirectory.insertUser(idpUser('Bob'))),
        StoreConflictError,
      )
      await tx((r) => r.idpDirectory.insertUser(idpUser('bob', { accountId: B })))
      assert.deepEqual(
        (await tx((r) => r.idpDirectory.listUsers(A))).map((u) => u.userName),
        ['alice@example.com', 'bob'],
      )
    }),
  )

  test(
    'updating an IdP user replaces its password, email, TOTP and tags, never its name',
    withStore(async (_store, tx) => {
      const carol = idpUser('carol')
      await tx((r) => r.idpDirectory.insertUser(carol))
      const changed = {
        ...carol,
        userName: 'renamed',
        email: 'carol@example.com',
        passwordHash: `${HASH}x`,
        passwordChanged: T2,
        totpSeed: SEED,
        totpLastStep: 7,
        sessionTags: [{ key: 'k', value: 'v' }],
      }
      await tx((r) => r.idpDirectory.updateUser(changed))
      assert.deepEqual(await tx((r) => r.idpDirectory.getUser(A, 'carol')), {
        ...changed,
        userName: 'carol',
      })
      await tx((r) => r.idpDirectory.updateUser({ ...changed, totpSeed: null, totpLastStep: null }))
      const cleared = await tx((r) => r.idpDirectory.getUser(A, 'carol'))
      assert.equal(cleared?.totpSeed, null)
      assert.equal(cleared?.totpLastStep, null)
    }),
  )

  test(
    'groups, memberships and assignments follow ids and go with their user or group',
    withStore(async (_store, tx) => {
      const dana = idpUser('dana')
      const erin = idpUser('Erin')
      const devs = idpGroup('developers')
      const admins = idpGroup('Admins')
      await tx(async (r) => {
        await r.idpApps.insert(app())
        await r.idpDirectory.insertUser(dana)
        await r.idpDirectory.insertUser(erin)
        await r.idpDirectory.insertGroup(devs)
        await r.idpDirectory.insertGroup(admins)
        await r.idpDirectory.addMember(devs.groupId, dana.userId)
        await r.idpDirectory.addMember(devs.groupId, dana.userId)
        await r.idpDirectory.addMember(devs.groupId, erin.userId)
        await r.idpDirectory.addMember(admins.groupId, dana.userId)
      })
      assert.deepEqual(await tx((r) => r.idpDirectory.getGroup(A, 'DEVELOPERS')), devs)
      assert.equal(await tx((r) => r.idpDirectory.getGroup(B, 'developers')), undefined)
      await rejectsWith(
        tx((r) => r.idpDirectory.insertGroup(idpGroup('Developers'))),
        StoreConflictError,
      )
      assert.deepEqual(
        (await tx((r) => r.idpDirectory.listGroups(A))).map((g) => g.groupName),
        ['Admins', 'developers'],
      )
      assert.deepEqual(
        (await tx((r) => r.idpDirectory.listMembers(devs.groupId))).map((u) => u.userName),
        ['dana', 'Erin'],
      )
      assert.deepEqual(
        (await tx((r) => r.idpDirectory.listGroupsOf(dana.userId))).map((g) => g.groupName),
        ['Admins', 'developers'],
      )
      await rejectsWith(
        tx((r) => r.idpDirectory.addMember(devs.groupId, 'IDPU-none')),
        StoreReferenceError,
      )

      const at = { accountId: A, createDate: T2 }
      await tx(async (r) => {
        await r.idpApps.assign({
          ...at,
          principalType: 'group',
          principalId: devs.groupId,
          roleArn: ROLE,
        })
        await r.idpApps.assign({
          ...at,
          principalType: 'group',
          principalId: devs.groupId,
          roleArn: ROLE,
        })
        await r.idpApps.assign({
          ...at,
          principalType: 'user',
          principalId: dana.userId,
          roleArn: OTHER_ROLE,
        })
        await r.idpApps.assign({
          ...at,
          principalType: 'user',
          principalId: erin.userId,
          roleArn: ROLE,
        })
      })
      await rejectsWith(
        tx((r) =>
          r.idpApps.assign({
            ...at,
            principalType: 'user',
            principalId: devs.groupId,
            roleArn: ROLE,
          }),
        ),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.idpApps.listAssignments(A)), [
        { ...at, principalType: 'group', principalId: devs.groupId, roleArn: ROLE },
        { ...at, principalType: 'user', principalId: dana.userId, roleArn: OTHER_ROLE },
        { ...at, principalType: 'user', principalId: erin.userId, roleArn: ROLE },
      ])
      assert.deepEqual(await tx((r) => r.idpApps.listAssignments(B)), [])

      await tx((r) => r.idpApps.unassign('user', erin.userId, ROLE))
      await tx((r) => r.idpDirectory.removeMember(devs.groupId, erin.userId))
      assert.deepEqual(
        (await tx((r) => r.idpDirectory.listMembers(devs.groupId))).map((u) => u.userName),
        ['dana'],
      )
      // Deleting a user takes its memberships and assignments with it; a group likewise.
      await tx((r) => r.idpDirectory.deleteUser(dana.userId))
      assert.deepEqual(await tx((r) => r.idpDirectory.listMembers(devs.groupId)), [])
      assert.deepEqual(
        (await tx((r) => r.idpApps.listAssignments(A))).map((a) => a.principalId),
        [devs.groupId],
      )
      await tx((r) => r.idpDirectory.deleteGroup(devs.groupId))
      assert.deepEqual(await tx((r) => r.idpApps.listAssignments(A)), [])
      assert.equal(await tx((r) => r.idpDirectory.getGroup(A, 'developers')), undefined)
      assert.deepEqual(await tx((r) => r.idpDirectory.listGroupsOf(erin.userId)), [])
    }),
  )

  test(
    "an app's settings and signing keys round-trip; updates leave the cookie key and key material",
    withStore(async (_store, tx) => {
      const made = app()
      await tx((r) => r.idpApps.insert(made))
      assert.deepEqual(await tx((r) => r.idpApps.get(A)), made)
      assert.equal(await tx((r) => r.idpApps.get(B)), undefined)
      await rejectsWith(
        tx((r) => r.idpApps.insert(app())),
        StoreConflictError,
      )
      const configured = {
        ...made,
        accessKeyId: 'AKIAAPPKEY0000000001',
        secretAccessKey: 'app-secret/with+chars',
        providerArn: `arn:aws:iam::${A}:saml-provider/rolegate`,
        sessionDuration: 43200,
        cookieKey: 'ignored',
      }
      await tx((r) => r.idpApps.update(configured))
      assert.deepEqual(await tx((r) => r.idpApps.get(A)), {
        ...configured,
        cookieKey: made.cookieKey,
      })

      const older = signingKey('key-a', { signingSince: T1 })
      const newer = signingKey('key-b', { createDate: T2 })
      await tx(async (r) => {
        await r.idpApps.insertKey(older)
        await r.idpApps.insertKey(newer)
      })
      assert.deepEqual(await tx((r) => r.idpApps.listKeys(A)), [newer, older])
      await rejectsWith(
        tx((r) => r.idpApps.insertKey(signingKey('key-c', { accountId: B }))),
        StoreReferenceError,
      )
      await tx(async (r) => {
        await r.idpApps.updateKey({ ...older, retireDate: T2, privateKey: 'ignored' })
        await r.idpApps.updateKey({ ...newer, signingSince: T2 })
      })
      assert.deepEqual(await tx((r) => r.idpApps.listKeys(A)), [
        { ...newer, signingSince: T2 },
        { ...older, retireDate: T2 },
      ])
      await tx((r) => r.idpApps.deleteKey(A, 'key-a'))
      assert.deepEqual(
        (await tx((r) => r.idpApps.listKeys(A))).map((k) => k.keyId),
        ['key-b'],
      )
    }),
  )
}
