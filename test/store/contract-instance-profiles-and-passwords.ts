// The store contract for instance profiles, login profiles and account password policies, run by
// storeContract against every backend: every field round-trips, names match without regard to
// case, lists page by name, the role and user references refuse deleting what they point at, and
// a wipe leaves none of them.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreConflictError, StoreReferenceError } from '../../src/store/errors.js'
import type {
  InstanceProfileRecord,
  LoginProfileRecord,
  NamePage,
  PasswordPolicyRecord,
  RoleRecord,
  Store,
  UserRecord,
} from '../../src/store/ports.js'
import { rejectsWith, storeTest } from './contract-support.js'

const A = '111122223333'
const B = '444455556666'

const T1 = new Date('2024-02-29T23:59:59.999Z')
const T2 = new Date('2025-07-01T08:30:00.001Z')

let counter = 0
const nextId = (prefix: string): string => `${prefix}${String(++counter).padStart(17, '0')}`

const user = (overrides: Partial<UserRecord> = {}): UserRecord => {
  const userName = overrides.userName ?? `user-${counter + 1}`
  return {
    accountId: A,
    userId: nextId('AIDA'),
    userName,
    path: '/',
    arn: `arn:aws:iam::${A}:user/${userName}`,
    createDate: T1,
    permissionsBoundaryArn: null,
    tags: [],
    ...overrides,
  }
}

const role = (overrides: Partial<RoleRecord> = {}): RoleRecord => {
  const roleName = overrides.roleName ?? `role-${counter + 1}`
  return {
    accountId: A,
    roleId: nextId('AROA'),
    roleName,
    path: '/',
    arn: `arn:aws:iam::${A}:role/${roleName}`,
    createDate: T1,
    assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    description: null,
    maxSessionDuration: 3600,
    permissionsBoundaryArn: null,
    tags: [],
    lastUsed: null,
    ...overrides,
  }
}

const profile = (overrides: Partial<InstanceProfileRecord> = {}): InstanceProfileRecord => {
  const name = overrides.instanceProfileName ?? `profile-${counter + 1}`
  const accountId = overrides.accountId ?? A
  const path = overrides.path ?? '/'
  return {
    accountId,
    instanceProfileId: nextId('AIPA'),
    instanceProfileName: name,
    path,
    arn: `arn:aws:iam::${accountId}:instance-profile${path}${name}`,
    createDate: T1,
    tags: [],
    roleId: null,
    ...overrides,
  }
}

// Hash-shaped text: the store keeps whatever the IAM layer hands it, and must not alter it.
const hash = (n: number) => `$scrypt$ln=15,r=8,p=3$c2FsdHNhbHQ${n}$aGFzaGhhc2hoYXNo${n}`

const loginProfile = (
  userId: string,
  overrides: Partial<LoginProfileRecord> = {},
): LoginProfileRecord => ({
  accountId: A,
  userId,
  createDate: T1,
  passwordHash: hash(1),
  passwordResetRequired: false,
  passwordLastChanged: T1,
  passwordHistory: [hash(1)],
  ...overrides,
})

const passwordPolicy = (overrides: Partial<PasswordPolicyRecord> = {}): PasswordPolicyRecord => ({
  accountId: A,
  minimumPasswordLength: 6,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  allowUsersToChangePassword: false,
  maxPasswordAge: null,
  passwordReusePrevention: null,
  hardExpiry: false,
  ...overrides,
})

export const instanceProfileAndPasswordContract = (open: () => Promise<Store>): void => {
  const withStore = storeTest(open)

  // instance profiles

  test(
    'instance profiles round-trip every field; names match without case and are unique per account',
    withStore(async (store, tx) => {
      const r1 = role({ roleName: 'web' })
      const plain = profile({ instanceProfileName: 'Plain' })
      const full = profile({
        instanceProfileName: 'Full.Profile+x=y,z@example-1',
        path: '/division/team/',
        createDate: T2,
        tags: [
          { key: 'zeta', value: 'last key first' },
          { key: 'Team', value: 'Zürich — 東京 🚀' },
          { key: 'empty', value: '' },
        ],
        roleId: r1.roleId,
      })
      await tx(async (r) => {
        await r.roles.insert(r1)
        await r.instanceProfiles.insert(plain)
        await r.instanceProfiles.insert(full)
      })
      assert.deepEqual(await tx((r) => r.instanceProfiles.getByName(A, 'plain')), plain)
      assert.deepEqual(await tx((r) => r.instanceProfiles.getByName(A, 'PLAIN')), plain)
      assert.deepEqual(
        await store.read((r) => r.instanceProfiles.getByName(A, full.instanceProfileName)),
        full,
      )
      assert.equal(await tx((r) => r.instanceProfiles.getByName(B, 'plain')), undefined)
      assert.equal(await tx((r) => r.instanceProfiles.getByName(A, 'nope')), undefined)
      await rejectsWith(
        tx((r) => r.instanceProfiles.insert(profile({ instanceProfileName: 'pLaIn' }))),
        StoreConflictError,
      )
      // The same name in another account is another profile.
      const other = profile({ instanceProfileName: 'plain', accountId: B })
      await tx((r) => r.instanceProfiles.insert(other))
      assert.deepEqual(await tx((r) => r.instanceProfiles.getByName(B, 'Plain')), other)
      assert.equal(await tx((r) => r.instanceProfiles.count(A)), 2)
      assert.equal(await tx((r) => r.instanceProfiles.count(B)), 1)
    }),
  )

  test(
    'instance profiles list by name: after, from, limit and path prefix, within the account',
    withStore(async (_s, tx) => {
      const stored = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'Foxtrot']
      await tx(async (r) => {
        for (const [i, name] of stored.entries()) {
          const path = i % 2 === 0 ? '/even/' : '/'
          await r.instanceProfiles.insert(profile({ instanceProfileName: name, path }))
        }
        await r.instanceProfiles.insert(profile({ instanceProfileName: 'aaa', accountId: B }))
      })
      const read = async (page?: NamePage) =>
        (await tx((r) => r.instanceProfiles.list(A, page))).map((p) => p.instanceProfileName)
      assert.deepEqual(await read(), ['Alpha', 'Bravo', 'charlie', 'delta', 'echo', 'Foxtrot'])
      assert.deepEqual(await read({ limit: 2 }), ['Alpha', 'Bravo'])
      assert.deepEqual(await read({ after: 'BRAVO', limit: 2 }), ['charlie', 'delta'])
      assert.deepEqual(await read({ after: 'cz' }), ['delta', 'echo', 'Foxtrot'])
      assert.deepEqual(await read({ from: 'Delta', limit: 2 }), ['delta', 'echo'])
      assert.deepEqual(await read({ pathPrefix: '/even/', after: 'charlie' }), ['delta', 'echo'])
      assert.deepEqual(await read({ pathPrefix: '/ev' }), ['charlie', 'delta', 'echo'])
      assert.deepEqual(await read({ pathPrefix: '/Even/' }), [])
    }),
  )

  test(
    'the profiles of a role list by name, page, and follow updates of the role reference',
    withStore(async (_s, tx) => {
      const web = role({ roleName: 'web' })
      const db = role({ roleName: 'db' })
      const names = ['web-b', 'Web-A', 'web-c']
      await tx(async (r) => {
        await r.roles.insert(web)
        await r.roles.insert(db)
        for (const name of names) {
          await r.instanceProfiles.insert(
            profile({ instanceProfileName: name, roleId: web.roleId }),
          )
        }
        await r.instanceProfiles.insert(profile({ instanceProfileName: 'db-a', roleId: db.roleId }))
        await r.instanceProfiles.insert(profile({ instanceProfileName: 'empty' }))
      })
      const forRole = async (roleId: string, page?: NamePage) =>
        (await tx((r) => r.instanceProfiles.listForRole(roleId, page))).map(
          (p) => p.instanceProfileName,
        )
      assert.deepEqual(await forRole(web.roleId), ['Web-A', 'web-b', 'web-c'])
      assert.deepEqual(await forRole(web.roleId, { limit: 2 }), ['Web-A', 'web-b'])
      assert.deepEqual(await forRole(web.roleId, { after: 'WEB-B' }), ['web-c'])
      assert.deepEqual(await forRole(db.roleId), ['db-a'])
      assert.deepEqual(await forRole('AROANOSUCHROLE'), [])

      // Moving a profile to another role, and emptying one.
      const a = await tx((r) => r.instanceProfiles.getByName(A, 'web-a'))
      await tx((r) => r.instanceProfiles.update({ ...a!, roleId: db.roleId }))
      const c = await tx((r) => r.instanceProfiles.getByName(A, 'web-c'))
      await tx((r) => r.instanceProfiles.update({ ...c!, roleId: null }))
      assert.deepEqual(await forRole(web.roleId), ['web-b'])
      assert.deepEqual(await forRole(db.roleId), ['db-a', 'Web-A'])
      assert.equal((await tx((r) => r.instanceProfiles.getByName(A, 'web-c')))?.roleId, null)
    }),
  )

  test(
    'updating a profile replaces its tags and role, not its name or path; the role reference must exist',
    withStore(async (_s, tx) => {
      const r1 = role()
      const p = profile({
        instanceProfileName: 'app',
        path: '/a/',
        tags: [{ key: 'a', value: '1' }],
      })
      await tx(async (r) => {
        await r.roles.insert(r1)
        await r.instanceProfiles.insert(p)
      })
      const updated: InstanceProfileRecord = {
        ...p,
        tags: [
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ],
        roleId: r1.roleId,
      }
      await tx((r) =>
        r.instanceProfiles.update({ ...updated, instanceProfileName: 'moved', path: '/b/' }),
      )
      assert.deepEqual(await tx((r) => r.instanceProfiles.getByName(A, 'app')), updated)
      await rejectsWith(
        tx((r) => r.instanceProfiles.update({ ...updated, roleId: 'AROANOSUCHROLE' })),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.instanceProfiles.insert(profile({ roleId: 'AROANOSUCHROLE' }))),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.instanceProfiles.getByName(A, 'app')), updated)
    }),
  )

  test(
    'a role held by a profile cannot be deleted; without it, it goes, and so does the profile',
    withStore(async (_s, tx) => {
      const r1 = role()
      const p = profile({ roleId: r1.roleId })
      await tx(async (r) => {
        await r.roles.insert(r1)
        await r.instanceProfiles.insert(p)
      })
      await rejectsWith(
        tx((r) => r.roles.delete(r1.roleId)),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.roles.getById(r1.roleId)), r1)
      await tx(async (r) => {
        await r.instanceProfiles.update({ ...p, roleId: null })
        await r.roles.delete(r1.roleId)
        await r.instanceProfiles.delete(p.instanceProfileId)
      })
      assert.equal(await tx((r) => r.roles.getById(r1.roleId)), undefined)
      assert.equal(
        await tx((r) => r.instanceProfiles.getByName(A, p.instanceProfileName)),
        undefined,
      )
      assert.equal(await tx((r) => r.instanceProfiles.count(A)), 0)
      // The name is free again.
      await tx((r) =>
        r.instanceProfiles.insert(profile({ instanceProfileName: p.instanceProfileName })),
      )
    }),
  )

  // login profiles

  test(
    'login profiles round-trip every field, one per user',
    withStore(async (store, tx) => {
      const alice = user({ userName: 'alice' })
      const bob = user({ userName: 'bob' })
      const plain = loginProfile(alice.userId)
      const full = loginProfile(bob.userId, {
        createDate: T2,
        passwordHash: hash(3),
        passwordResetRequired: true,
        passwordLastChanged: T2,
        passwordHistory: [hash(3), hash(2), hash(1)],
      })
      await tx(async (r) => {
        await r.users.insert(alice)
        await r.users.insert(bob)
        await r.loginProfiles.insert(plain)
        await r.loginProfiles.insert(full)
      })
      assert.deepEqual(await tx((r) => r.loginProfiles.get(alice.userId)), plain)
      assert.deepEqual(await store.read((r) => r.loginProfiles.get(bob.userId)), full)
      assert.equal(await tx((r) => r.loginProfiles.get('AIDANOSUCHUSER')), undefined)
      await rejectsWith(
        tx((r) => r.loginProfiles.insert(loginProfile(alice.userId, { passwordHash: hash(9) }))),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.loginProfiles.get(alice.userId)), plain)
      await rejectsWith(
        tx((r) => r.loginProfiles.insert(loginProfile('AIDANOSUCHUSER'))),
        StoreReferenceError,
      )
    }),
  )

  test(
    'updating a login profile replaces the password, its history and the reset flag',
    withStore(async (_s, tx) => {
      const u = user()
      const created = loginProfile(u.userId, { passwordResetRequired: true })
      await tx(async (r) => {
        await r.users.insert(u)
        await r.loginProfiles.insert(created)
      })
      const changed: LoginProfileRecord = {
        ...created,
        passwordHash: hash(2),
        passwordResetRequired: false,
        passwordLastChanged: T2,
        passwordHistory: [hash(2), hash(1)],
      }
      // The creation date is the first password's, whatever the update says.
      await tx((r) => r.loginProfiles.update({ ...changed, createDate: T2 }))
      assert.deepEqual(await tx((r) => r.loginProfiles.get(u.userId)), changed)
    }),
  )

  test(
    'a user with a login profile cannot be deleted; without it, it goes',
    withStore(async (_s, tx) => {
      const u = user()
      await tx(async (r) => {
        await r.users.insert(u)
        await r.loginProfiles.insert(loginProfile(u.userId))
      })
      await rejectsWith(
        tx((r) => r.users.delete(u.userId)),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.users.getById(u.userId)), u)
      await tx(async (r) => {
        await r.loginProfiles.delete(u.userId)
        await r.users.delete(u.userId)
      })
      assert.equal(await tx((r) => r.loginProfiles.get(u.userId)), undefined)
      assert.equal(await tx((r) => r.users.getById(u.userId)), undefined)
    }),
  )

  // password policies

  test(
    'password policies: none until put, replaced whole, per account, deleted',
    withStore(async (store, tx) => {
      assert.equal(await tx((r) => r.passwordPolicies.get(A)), undefined)
      const strict = passwordPolicy({
        minimumPasswordLength: 128,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercaseCharacters: true,
        requireLowercaseCharacters: true,
        allowUsersToChangePassword: true,
        maxPasswordAge: 1095,
        passwordReusePrevention: 24,
        hardExpiry: true,
      })
      await tx((r) => r.passwordPolicies.put(strict))
      assert.deepEqual(await store.read((r) => r.passwordPolicies.get(A)), strict)
      assert.equal(await tx((r) => r.passwordPolicies.get(B)), undefined)
      // A second put replaces every setting, back to the defaults where none is given.
      const relaxed = passwordPolicy({ minimumPasswordLength: 8, requireNumbers: true })
      await tx((r) => r.passwordPolicies.put(relaxed))
      assert.deepEqual(await tx((r) => r.passwordPolicies.get(A)), relaxed)
      const other = passwordPolicy({ accountId: B, maxPasswordAge: 1, passwordReusePrevention: 1 })
      await tx((r) => r.passwordPolicies.put(other))
      await tx((r) => r.passwordPolicies.delete(A))
      assert.equal(await tx((r) => r.passwordPolicies.get(A)), undefined)
      assert.deepEqual(await tx((r) => r.passwordPolicies.get(B)), other)
    }),
  )

  test(
    'a wipe removes instance profiles, login profiles and password policies',
    withStore(async (store, tx) => {
      const u = user()
      const r1 = role()
      const seed = () =>
        tx(async (r) => {
          await r.users.insert(u)
          await r.roles.insert(r1)
          await r.loginProfiles.insert(loginProfile(u.userId))
          await r.instanceProfiles.insert(
            profile({ instanceProfileName: 'wipe', roleId: r1.roleId }),
          )
          await r.passwordPolicies.put(passwordPolicy())
        })
      await seed()
      await store.wipe()
      await tx(async (r) => {
        assert.equal(await r.loginProfiles.get(u.userId), undefined)
        assert.deepEqual(await r.instanceProfiles.list(A), [])
        assert.equal(await r.passwordPolicies.get(A), undefined)
      })
      await seed()
      assert.equal((await tx((r) => r.instanceProfiles.list(A))).length, 1)
    }),
  )
}
