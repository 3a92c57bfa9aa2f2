// The one contract every Store backend passes (STYLE habit 8): each repository method round-trips
// every field, names match without regard to case, lists sort and filter, relations follow ids,
// and transactions commit whole, roll back whole, queue and bump the generation; recorded use
// moves last-used dates forward beside them without bumping it.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreConflictError, StoreReferenceError } from '../../src/store/errors.js'
import type {
  AccessKeyRecord,
  GroupRecord,
  IssuerKeyRecord,
  IssuerRecord,
  ManagedPolicyRecord,
  NamePage,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SamlProviderRecord,
  SessionKeyRecord,
  Store,
  UserRecord,
} from '../../src/store/ports.js'
import type { Repositories } from '../../src/store/repositories.js'
import { rejectsWith, storeTest } from './contract-support.js'
import { mfaDeviceContract } from './mfa-device-contract.js'
import { samlAssertionContract } from './saml-assertion-contract.js'
import { instanceProfileAndPasswordContract } from './contract-instance-profiles-and-passwords.js'
import { clusterContract } from './cluster-contract.js'
import { idpContract } from './idp-contract.js'

const A = '111122223333'
const B = '444455556666'

let counter = 0
const nextId = (prefix: string): string => `${prefix}${String(++counter).padStart(17, '0')}`

// Dates with milliseconds, including a leap day, so truncation or time-zone drift would show.
const T1 = new Date('2024-02-29T23:59:59.999Z')
const T2 = new Date('2025-07-01T08:30:00.001Z')
const T3 = new Date('2025-07-01T08:30:00.002Z')

const user = (overrides: Partial<UserRecord> = {}): UserRecord => {
  const userName = overrides.userName ?? `user-${counter + 1}`
  const accountId = overrides.accountId ?? A
  const path = overrides.path ?? '/'
  return {
    accountId,
    userId: nextId('AIDA'),
    userName,
    path,
    arn: `arn:aws:iam::${accountId}:user${path}${userName}`,
    createDate: T1,
    permissionsBoundaryArn: null,
    tags: [],
    ...overrides,
  }
}

const group = (overrides: Partial<GroupRecord> = {}): GroupRecord => {
  const groupName = overrides.groupName ?? `group-${counter + 1}`
  const accountId = overrides.accountId ?? A
  const path = overrides.path ?? '/'
  return {
    accountId,
    groupId: nextId('AGPA'),
    groupName,
    path,
    arn: `arn:aws:iam::${accountId}:group${path}${groupName}`,
    createDate: T1,
    ...overrides,
  }
}

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})

const role = (overrides: Partial<RoleRecord> = {}): RoleRecord => {
  const roleName = overrides.roleName ?? `role-${counter + 1}`
  const accountId = overrides.accountId ?? A
  const path = overrides.path ?? '/'
  return {
    accountId,
    roleId: nextId('AROA'),
    roleName,
    path,
    arn: `arn:aws:iam::${accountId}:role${path}${roleName}`,
    createDate: T1,
    assumeRolePolicyDocument: trust,
    description: null,
    maxSessionDuration: 3600,
    permissionsBoundaryArn: null,
    tags: [],
    lastUsed: null,
    ...overrides,
  }
}

const accessKey = (userId: string, overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
  accessKeyId: nextId('AKIA'),
  accountId: A,
  userId,
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  status: 'Active',
  createDate: T1,
  lastUsed: null,
  ...overrides,
})

const policy = (overrides: Partial<ManagedPolicyRecord> = {}): ManagedPolicyRecord => {
  const policyName = overrides.policyName ?? `policy-${counter + 1}`
  const accountId = overrides.accountId ?? A
  const path = overrides.path ?? '/'
  return {
    accountId,
    policyId: nextId('ANPA'),
    policyName,
    path,
    arn: `arn:aws:iam::${accountId}:policy${path}${policyName}`,
    description: null,
    defaultVersionId: 'v1',
    nextVersionNumber: 2,
    createDate: T1,
    updateDate: T1,
    tags: [],
    ...overrides,
  }
}

const document = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  })

const version = (
  p: ManagedPolicyRecord,
  versionId: string,
  overrides: Partial<PolicyVersionRecord> = {},
): PolicyVersionRecord => ({
  accountId: p.accountId,
  policyArn: p.arn,
  versionId,
  document: document(`s3:${versionId}`),
  createDate: T1,
  ...overrides,
})

const oidc = (overrides: Partial<OidcProviderRecord> = {}): OidcProviderRecord => {
  const url = overrides.url ?? `oidc.example.com/id/${nextId('X')}`
  const accountId = overrides.accountId ?? A
  return {
    accountId,
    url,
    arn: `arn:aws:iam::${accountId}:oidc-provider/${url}`,
    clientIds: ['sts.amazonaws.com'],
    thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    createDate: T1,
    tags: [],
    ...overrides,
  }
}

const saml = (overrides: Partial<SamlProviderRecord> = {}): SamlProviderRecord => {
  const name = overrides.name ?? `saml-${counter + 1}`
  const accountId = overrides.accountId ?? A
  return {
    accountId,
    name,
    arn: `arn:aws:iam::${accountId}:saml-provider/${name}`,
    metadataDocument: '<EntityDescriptor entityID="https://idp.example.com/"/>',
    certificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
    entityId: 'https://idp.example.com/',
    validUntil: T2,
    createDate: T1,
    tags: [],
    ...overrides,
  }
}

const sessionKey = (overrides: Partial<SessionKeyRecord> = {}): SessionKeyRecord => ({
  keyId: nextId('sk-'),
  secret: Buffer.alloc(32, counter).toString('base64'),
  createDate: T1,
  retireDate: null,
  ...overrides,
})

const issuer = (overrides: Partial<IssuerRecord> = {}): IssuerRecord => ({
  name: `issuer-${counter + 1}`,
  accountId: A,
  createDate: T1,
  ...overrides,
})

const issuerKey = (
  issuerName: string,
  overrides: Partial<IssuerKeyRecord> = {},
): IssuerKeyRecord => {
  const kid = overrides.kid ?? nextId('kid-')
  return {
    accountId: A,
    issuerName,
    kid,
    algorithm: 'RS256',
    privateJwk: JSON.stringify({ kty: 'RSA', kid, n: 'AQAB-private', d: 'secret' }),
    publicJwk: JSON.stringify({ kty: 'RSA', kid, n: 'AQAB-public', e: 'AQAB' }),
    createDate: T1,
    retireDate: null,
    ...overrides,
  }
}

const unicodeTags = [
  { key: 'zeta', value: 'last key first' },
  { key: 'Team', value: 'Zürich — 東京 🚀' },
  { key: 'empty', value: '' },
]

export const storeContract = (open: () => Promise<Store>): void => {
  // Each test gets a store of its own (fresh or wiped) and always closes it.
  const withStore = storeTest(open)

  // read transactions

  test(
    'a read transaction sees what is committed, refuses writes, and moves no generation',
    withStore(async (store, tx) => {
      await tx((r) => r.accounts.insert({ accountId: A, createDate: T1 }))
      const before = store.generation
      assert.deepEqual(await store.read((r) => r.accounts.get(A)), {
        accountId: A,
        createDate: T1,
      })
      await assert.rejects(
        store.read((r) => r.accounts.insert({ accountId: B, createDate: T1 })),
        /store: insertAccount inside a read transaction/,
      )
      assert.equal(await store.read((r) => r.accounts.get(B)), undefined)
      assert.equal(store.generation, before)
      // Not nested in a write transaction, nor one in it: that would wait on itself.
      await assert.rejects(
        tx(() => store.read((r) => r.accounts.get(A))),
        /cannot be nested/,
      )
    }),
  )

  // accounts and aliases

  test(
    'accounts round-trip and refuse a duplicate id',
    withStore(async (_store, tx) => {
      await tx((r) => r.accounts.insert({ accountId: A, createDate: T1 }))
      assert.deepEqual(await tx((r) => r.accounts.get(A)), { accountId: A, createDate: T1 })
      assert.equal(await tx((r) => r.accounts.get(B)), undefined)
      await rejectsWith(
        tx((r) => r.accounts.insert({ accountId: A, createDate: T2 })),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.accounts.get(A)), { accountId: A, createDate: T1 })
    }),
  )

  test(
    'account aliases are unique across accounts and listed in order',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.accounts.insertAlias(A, 'zeta-corp')
        await r.accounts.insertAlias(A, 'alpha-corp')
      })
      assert.deepEqual(await tx((r) => r.accounts.listAliases(A)), ['alpha-corp', 'zeta-corp'])
      assert.equal(await tx((r) => r.accounts.findByAlias('zeta-corp')), A)
      assert.equal(await tx((r) => r.accounts.findByAlias('nobody')), undefined)
      await rejectsWith(
        tx((r) => r.accounts.insertAlias(B, 'alpha-corp')),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.accounts.listAliases(B)), [])
      // Deleting names the account: another account cannot remove A's alias.
      await tx((r) => r.accounts.deleteAlias(B, 'alpha-corp'))
      assert.equal(await tx((r) => r.accounts.findByAlias('alpha-corp')), A)
      await tx((r) => r.accounts.deleteAlias(A, 'alpha-corp'))
      assert.deepEqual(await tx((r) => r.accounts.listAliases(A)), ['zeta-corp'])
      await tx((r) => r.accounts.insertAlias(B, 'alpha-corp'))
      assert.equal(await tx((r) => r.accounts.findByAlias('alpha-corp')), B)
    }),
  )

  // users

  test(
    'users round-trip every field, null and filled',
    withStore(async (_s, tx) => {
      const plain = user({ userName: 'Plain' })
      const full = user({
        userName: 'Full.User+x=y,z@example-1',
        path: '/division/team/',
        createDate: T2,
        permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
        tags: unicodeTags,
      })
      await tx(async (r) => {
        await r.users.insert(plain)
        await r.users.insert(full)
      })
      assert.deepEqual(await tx((r) => r.users.getById(plain.userId)), plain)
      assert.deepEqual(await tx((r) => r.users.getById(full.userId)), full)
      assert.deepEqual(await tx((r) => r.users.getByName(A, full.userName)), full)
      assert.equal(await tx((r) => r.users.getById('AIDANOSUCHUSER')), undefined)
      assert.equal(await tx((r) => r.users.getByName(A, 'nobody')), undefined)
    }),
  )

  test(
    'user names match without case, keep their case and are unique per account',
    withStore(async (_s, tx) => {
      const bob = user({ userName: 'BobSmith' })
      await tx((r) => r.users.insert(bob))
      assert.deepEqual(await tx((r) => r.users.getByName(A, 'bobsmith')), bob)
      assert.deepEqual(await tx((r) => r.users.getByName(A, 'BOBSMITH')), bob)
      assert.equal((await tx((r) => r.users.getByName(A, 'bobsmith')))?.userName, 'BobSmith')
      assert.equal(await tx((r) => r.users.getByName(B, 'BobSmith')), undefined)
      await rejectsWith(
        tx((r) => r.users.insert(user({ userName: 'BOBSMITH' }))),
        StoreConflictError,
      )
      // The same name in another account is another user.
      const other = user({ userName: 'bobsmith', accountId: B })
      await tx((r) => r.users.insert(other))
      assert.deepEqual(await tx((r) => r.users.getByName(B, 'BobSmith')), other)
      assert.equal((await tx((r) => r.users.list(A))).length, 1)
    }),
  )

  test(
    'users list by name without case, within the account',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        for (const name of ['carol', 'Bob', 'alice', 'ALBERT', 'b_ob'])
          await r.users.insert(user({ userName: name }))
        await r.users.insert(user({ userName: 'aaron', accountId: B }))
      })
      const names = (await tx((r) => r.users.list(A))).map((u) => u.userName)
      assert.deepEqual(names, ['ALBERT', 'alice', 'b_ob', 'Bob', 'carol'])
      assert.deepEqual(
        (await tx((r) => r.users.list(B))).map((u) => u.userName),
        ['aaron'],
      )
    }),
  )

  test(
    'lists page by name: after a name, from a name, a limit, a prefix; counts per account',
    withStore(async (_s, tx) => {
      // Stored out of order and in mixed case; listed by name without regard to case.
      const stored = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'Foxtrot']
      await tx(async (r) => {
        for (const [i, name] of stored.entries()) {
          const path = i % 2 === 0 ? '/even/' : '/'
          await r.users.insert(user({ userName: name, path }))
          await r.groups.insert(group({ groupName: name, path }))
          await r.roles.insert(role({ roleName: name, path }))
          await r.policies.insert(policy({ policyName: name, path }))
        }
        await r.users.insert(user({ userName: 'elsewhere', accountId: B }))
      })
      const names = async <T>(records: Promise<T[]>, name: (record: T) => string) =>
        (await records).map(name)
      const lists = [
        (r: Repositories, page?: NamePage) => names(r.users.list(A, page), (u) => u.userName),
        (r: Repositories, page?: NamePage) => names(r.groups.list(A, page), (g) => g.groupName),
        (r: Repositories, page?: NamePage) => names(r.roles.list(A, page), (x) => x.roleName),
        (r: Repositories, page?: NamePage) => names(r.policies.list(A, page), (p) => p.policyName),
      ]
      for (const list of lists) {
        const read = (page?: NamePage) => tx((r) => list(r, page))
        assert.deepEqual(await read(), ['Alpha', 'Bravo', 'charlie', 'delta', 'echo', 'Foxtrot'])
        assert.deepEqual(await read({ limit: 2 }), ['Alpha', 'Bravo'])
        // After a name, compared without regard to case; the name itself need not exist.
        assert.deepEqual(await read({ after: 'bravo', limit: 2 }), ['charlie', 'delta'])
        assert.deepEqual(await read({ after: 'CHARLIE' }), ['delta', 'echo', 'Foxtrot'])
        assert.deepEqual(await read({ after: 'cz' }), ['delta', 'echo', 'Foxtrot'])
        assert.deepEqual(await read({ after: 'foxtrot' }), [])
        // From a name on, that name included.
        assert.deepEqual(await read({ from: 'Delta', limit: 2 }), ['delta', 'echo'])
        // The prefix filters the page, and the page is filled from the names that pass it.
        // (delta, charlie and echo were stored under /even/.)
        assert.deepEqual(await read({ pathPrefix: '/even/', after: 'charlie', limit: 2 }), [
          'delta',
          'echo',
        ])
        assert.deepEqual(await read({ pathPrefix: '/even/', limit: 1 }), ['charlie'])
      }
      assert.equal(await tx((r) => r.users.count(A)), 6)
      assert.equal(await tx((r) => r.users.count(B)), 1)
      assert.equal(await tx((r) => r.groups.count(A)), 6)
      assert.equal(await tx((r) => r.roles.count(A)), 6)
      assert.equal(await tx((r) => r.policies.count(A)), 6)
      assert.equal(await tx((r) => r.policies.count(B)), 0)
    }),
  )

  test(
    'path prefixes filter exactly: case, % and _ are literal',
    withStore(async (_s, tx) => {
      const paths = [
        '/',
        '/eng/',
        '/eng/team/',
        '/engineering/',
        '/Eng/',
        '/a_b/',
        '/axb/',
        '/100%/',
        '/100x/',
      ]
      await tx(async (r) => {
        for (const [i, path] of paths.entries()) {
          await r.users.insert(user({ userName: `u${i}`, path }))
          await r.groups.insert(group({ groupName: `g${i}`, path }))
          await r.roles.insert(role({ roleName: `r${i}`, path }))
          await r.policies.insert(policy({ policyName: `p${i}`, path }))
        }
      })
      const check = async (prefix: string | undefined, expected: string[]) => {
        const byPath = (list: { path: string }[]) => list.map((e) => e.path).sort()
        const want = [...expected].sort()
        assert.deepEqual(
          byPath(await tx((r) => r.users.list(A, { pathPrefix: prefix }))),
          want,
          `users ${prefix}`,
        )
        assert.deepEqual(
          byPath(await tx((r) => r.groups.list(A, { pathPrefix: prefix }))),
          want,
          `groups ${prefix}`,
        )
        assert.deepEqual(
          byPath(await tx((r) => r.roles.list(A, { pathPrefix: prefix }))),
          want,
          `roles ${prefix}`,
        )
        assert.deepEqual(
          byPath(await tx((r) => r.policies.list(A, { pathPrefix: prefix }))),
          want,
          `policies ${prefix}`,
        )
      }
      await check(undefined, paths)
      await check('/', paths)
      await check('/eng/', ['/eng/', '/eng/team/'])
      await check('/eng', ['/eng/', '/eng/team/', '/engineering/'])
      await check('/Eng/', ['/Eng/'])
      await check('/a_b/', ['/a_b/'])
      await check('/100%/', ['/100%/'])
      await check('/nothing/', [])
    }),
  )

  test(
    'updating a user replaces its mutable fields and keeps its relations',
    withStore(async (_s, tx) => {
      const u = user({ userName: 'old-name', tags: [{ key: 'a', value: '1' }] })
      const g = group({ groupName: 'devs' })
      const key = accessKey(u.userId)
      const managed = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
      await tx(async (r) => {
        await r.users.insert(u)
        await r.groups.insert(g)
        await r.groups.addMember(g.groupId, u.userId)
        await r.accessKeys.insert(key)
        await r.attachments.attach({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyArn: managed,
        })
        await r.inlinePolicies.put({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyName: 'inline',
          document: document('s3:*'),
        })
      })
      const renamed: UserRecord = {
        ...u,
        userName: 'New-Name',
        path: '/moved/',
        arn: `arn:aws:iam::${A}:user/moved/New-Name`,
        permissionsBoundaryArn: 'arn:aws:iam::aws:policy/Boundary',
        tags: [
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ],
      }
      await tx((r) => r.users.update(renamed))
      assert.equal(await tx((r) => r.users.getByName(A, 'old-name')), undefined)
      assert.deepEqual(await tx((r) => r.users.getByName(A, 'new-name')), renamed)
      assert.deepEqual(await tx((r) => r.groups.listForUser(u.userId)), [g])
      assert.deepEqual(await tx((r) => r.groups.listMembers(g.groupId)), [renamed])
      assert.deepEqual(await tx((r) => r.accessKeys.listForUser(u.userId)), [key])
      assert.deepEqual(await tx((r) => r.attachments.listForEntity('user', u.userId)), [managed])
      assert.equal((await tx((r) => r.inlinePolicies.list('user', u.userId))).length, 1)
      assert.deepEqual(await tx((r) => r.attachments.listEntities(A, managed)), [
        { entityType: 'user', entityId: u.userId, entityName: 'New-Name' },
      ])
      // Clearing the boundary and tags writes null and [].
      await tx((r) => r.users.update({ ...renamed, permissionsBoundaryArn: null, tags: [] }))
      const cleared = await tx((r) => r.users.getById(u.userId))
      assert.equal(cleared?.permissionsBoundaryArn, null)
      assert.deepEqual(cleared?.tags, [])
    }),
  )

  test(
    'renaming onto a taken name (any case) is a conflict and changes nothing',
    withStore(async (_s, tx) => {
      const a = user({ userName: 'alpha' })
      const b = user({ userName: 'beta' })
      await tx(async (r) => {
        await r.users.insert(a)
        await r.users.insert(b)
      })
      await rejectsWith(
        tx((r) => r.users.update({ ...b, userName: 'ALPHA' })),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.users.getById(b.userId)), b)
    }),
  )

  test(
    'deleting a user that still has relations is refused; without them it goes',
    withStore(async (_s, tx) => {
      const u = user()
      const key = accessKey(u.userId)
      await tx(async (r) => {
        await r.users.insert(u)
        await r.accessKeys.insert(key)
      })
      await rejectsWith(
        tx((r) => r.users.delete(u.userId)),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.users.getById(u.userId)), u)
      await tx(async (r) => {
        await r.accessKeys.delete(key.accessKeyId)
        await r.users.delete(u.userId)
      })
      assert.equal(await tx((r) => r.users.getById(u.userId)), undefined)
      assert.equal(await tx((r) => r.users.getByName(A, u.userName)), undefined)
      // The name is free again.
      await tx((r) => r.users.insert(user({ userName: u.userName })))
    }),
  )

  // groups

  test(
    'groups round-trip, match names without case, list, update and delete',
    withStore(async (_s, tx) => {
      const g = group({ groupName: 'Admins', path: '/ops/', createDate: T2 })
      await tx(async (r) => {
        await r.groups.insert(g)
        await r.groups.insert(group({ groupName: 'developers' }))
        await r.groups.insert(group({ groupName: 'Billing' }))
        await r.groups.insert(group({ groupName: 'other', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.groups.getByName(A, 'ADMINS')), g)
      assert.equal(await tx((r) => r.groups.getByName(B, 'admins')), undefined)
      assert.deepEqual(
        (await tx((r) => r.groups.list(A))).map((x) => x.groupName),
        ['Admins', 'Billing', 'developers'],
      )
      await rejectsWith(
        tx((r) => r.groups.insert(group({ groupName: 'admins' }))),
        StoreConflictError,
      )
      const renamed = {
        ...g,
        groupName: 'Operators',
        path: '/',
        arn: `arn:aws:iam::${A}:group/Operators`,
      }
      await tx((r) => r.groups.update(renamed))
      assert.deepEqual(await tx((r) => r.groups.getByName(A, 'operators')), renamed)
      assert.equal(await tx((r) => r.groups.getByName(A, 'admins')), undefined)
      await rejectsWith(
        tx((r) => r.groups.update({ ...renamed, groupName: 'BILLING' })),
        StoreConflictError,
      )
      await tx((r) => r.groups.delete(g.groupId))
      assert.equal(await tx((r) => r.groups.getByName(A, 'operators')), undefined)
    }),
  )

  test(
    'group membership: add is idempotent, lists sort by name, remove and refusals',
    withStore(async (_s, tx) => {
      const users = ['zed', 'Amy', 'mike'].map((userName) => user({ userName }))
      const groups = ['Zoo', 'alpha', 'Mid'].map((groupName) => group({ groupName }))
      await tx(async (r) => {
        for (const u of users) await r.users.insert(u)
        for (const g of groups) await r.groups.insert(g)
        for (const g of groups) await r.groups.addMember(g.groupId, users[0]!.userId)
        for (const u of users) await r.groups.addMember(groups[0]!.groupId, u.userId)
        await r.groups.addMember(groups[0]!.groupId, users[0]!.userId)
      })
      assert.deepEqual(
        (await tx((r) => r.groups.listForUser(users[0]!.userId))).map((g) => g.groupName),
        ['alpha', 'Mid', 'Zoo'],
      )
      assert.deepEqual(
        (await tx((r) => r.groups.listMembers(groups[0]!.groupId))).map((u) => u.userName),
        ['Amy', 'mike', 'zed'],
      )
      assert.deepEqual(await tx((r) => r.groups.listForUser(users[1]!.userId)), [groups[0]])
      await tx((r) => r.groups.removeMember(groups[0]!.groupId, users[0]!.userId))
      assert.deepEqual(
        (await tx((r) => r.groups.listMembers(groups[0]!.groupId))).map((u) => u.userName),
        ['Amy', 'mike'],
      )
      assert.deepEqual(
        (await tx((r) => r.groups.listForUser(users[0]!.userId))).map((g) => g.groupName),
        ['alpha', 'Mid'],
      )
      await rejectsWith(
        tx((r) => r.groups.addMember(groups[1]!.groupId, 'AIDANOSUCHUSER')),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.groups.addMember('AGPANOSUCHGROUP', users[1]!.userId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.groups.delete(groups[0]!.groupId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.users.delete(users[1]!.userId)),
        StoreReferenceError,
      )
      assert.equal((await tx((r) => r.groups.listMembers(groups[0]!.groupId))).length, 2)
    }),
  )

  // roles

  test(
    'roles round-trip every field, null and filled',
    withStore(async (_s, tx) => {
      const plain = role({ roleName: 'plain' })
      const full = role({
        roleName: 'Full-Role',
        path: '/service-role/',
        createDate: T2,
        description: 'Résumé reader — 読み取り 🤖',
        maxSessionDuration: 43200,
        permissionsBoundaryArn: `arn:aws:iam::${A}:policy/boundary`,
        tags: unicodeTags,
        lastUsed: { date: T3, region: 'eu-west-1' },
      })
      await tx(async (r) => {
        await r.roles.insert(plain)
        await r.roles.insert(full)
      })
      assert.deepEqual(await tx((r) => r.roles.getById(plain.roleId)), plain)
      assert.deepEqual(await tx((r) => r.roles.getById(full.roleId)), full)
      assert.deepEqual(await tx((r) => r.roles.getByName(A, 'full-role')), full)
      assert.equal(await tx((r) => r.roles.getByName(A, 'nope')), undefined)
      assert.equal(await tx((r) => r.roles.getById('AROANOSUCHROLE')), undefined)
      // An empty description is not the same as none.
      const empty = role({ roleName: 'empty', description: '' })
      await tx((r) => r.roles.insert(empty))
      assert.equal((await tx((r) => r.roles.getById(empty.roleId)))?.description, '')
    }),
  )

  test(
    'roles: unique names without case, sorted lists, update and delete',
    withStore(async (_s, tx) => {
      const r1 = role({ roleName: 'Deployer' })
      await tx(async (r) => {
        await r.roles.insert(r1)
        await r.roles.insert(role({ roleName: 'admin' }))
        await r.roles.insert(role({ roleName: 'Cache' }))
        await r.roles.insert(role({ roleName: 'deployer', accountId: B }))
      })
      await rejectsWith(
        tx((r) => r.roles.insert(role({ roleName: 'DEPLOYER' }))),
        StoreConflictError,
      )
      assert.deepEqual(
        (await tx((r) => r.roles.list(A))).map((x) => x.roleName),
        ['admin', 'Cache', 'Deployer'],
      )
      const updated: RoleRecord = {
        ...r1,
        assumeRolePolicyDocument: document('sts:AssumeRoleWithWebIdentity'),
        description: 'now described',
        maxSessionDuration: 7200,
        permissionsBoundaryArn: 'arn:aws:iam::aws:policy/Boundary',
        tags: [{ key: 'k', value: 'v' }],
        lastUsed: { date: T2, region: 'us-east-1' },
      }
      await tx((r) => r.roles.update(updated))
      assert.deepEqual(await tx((r) => r.roles.getById(r1.roleId)), updated)
      await tx((r) =>
        r.roles.update({
          ...updated,
          description: null,
          lastUsed: null,
          permissionsBoundaryArn: null,
        }),
      )
      const back = await tx((r) => r.roles.getById(r1.roleId))
      assert.equal(back?.description, null)
      assert.equal(back?.lastUsed, null)
      assert.equal(back?.permissionsBoundaryArn, null)
      await tx((r) => r.roles.delete(r1.roleId))
      assert.equal(await tx((r) => r.roles.getById(r1.roleId)), undefined)
      assert.equal((await tx((r) => r.roles.list(B))).length, 1)
    }),
  )

  // access keys

  test(
    'access keys round-trip, list by age, update status and last use',
    withStore(async (_s, tx) => {
      const u = user()
      const other = user()
      const older = accessKey(u.userId, { createDate: T1 })
      const newer = accessKey(u.userId, {
        createDate: T2,
        status: 'Inactive',
        lastUsed: { date: T3, serviceName: 'sts', region: 'ap-northeast-1' },
      })
      await tx(async (r) => {
        await r.users.insert(u)
        await r.users.insert(other)
        await r.accessKeys.insert(newer)
        await r.accessKeys.insert(older)
        await r.accessKeys.insert(accessKey(other.userId))
      })
      assert.deepEqual(await tx((r) => r.accessKeys.get(older.accessKeyId)), older)
      assert.deepEqual(await tx((r) => r.accessKeys.get(newer.accessKeyId)), newer)
      assert.equal(await tx((r) => r.accessKeys.get('AKIANOSUCHKEY')), undefined)
      assert.deepEqual(await tx((r) => r.accessKeys.listForUser(u.userId)), [older, newer])
      const used: AccessKeyRecord = {
        ...older,
        status: 'Inactive',
        lastUsed: { date: T2, serviceName: 'iam', region: 'us-east-1' },
      }
      await tx((r) => r.accessKeys.update(used))
      assert.deepEqual(await tx((r) => r.accessKeys.get(older.accessKeyId)), used)
      await tx((r) => r.accessKeys.update({ ...used, status: 'Active', lastUsed: null }))
      assert.deepEqual(await tx((r) => r.accessKeys.get(older.accessKeyId)), {
        ...used,
        status: 'Active',
        lastUsed: null,
      })
      await rejectsWith(
        tx((r) => r.accessKeys.insert({ ...older, status: 'Active' })),
        StoreConflictError,
      )
      await rejectsWith(
        tx((r) => r.accessKeys.insert(accessKey('AIDANOSUCHUSER'))),
        StoreReferenceError,
      )
      await tx((r) => r.accessKeys.delete(older.accessKeyId))
      assert.deepEqual(await tx((r) => r.accessKeys.listForUser(u.userId)), [newer])
    }),
  )

  // managed policies and versions

  test(
    'policies round-trip, list by name without case, update and refuse duplicates',
    withStore(async (_s, tx) => {
      const p = policy({
        policyName: 'S3Reader',
        path: '/data/',
        description: 'Reads buckets — ünïcödé',
        defaultVersionId: 'v3',
        nextVersionNumber: 4,
        createDate: T1,
        updateDate: T2,
        tags: unicodeTags,
      })
      await tx(async (r) => {
        await r.policies.insert(p)
        await r.policies.insert(policy({ policyName: 'admin' }))
        await r.policies.insert(policy({ policyName: 'Zed' }))
        await r.policies.insert(policy({ policyName: 's3reader', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.policies.get(p.arn)), p)
      assert.equal(await tx((r) => r.policies.get(`arn:aws:iam::${A}:policy/none`)), undefined)
      assert.deepEqual(
        (await tx((r) => r.policies.list(A))).map((x) => x.policyName),
        ['admin', 'S3Reader', 'Zed'],
      )
      await rejectsWith(
        tx((r) => r.policies.insert(policy({ policyName: 's3READER' }))),
        StoreConflictError,
      )
      const updated = {
        ...p,
        description: null,
        defaultVersionId: 'v4',
        nextVersionNumber: 5,
        updateDate: T3,
        tags: [],
      }
      await tx((r) => r.policies.update(updated))
      assert.deepEqual(await tx((r) => r.policies.get(p.arn)), updated)
    }),
  )

  test(
    'policy versions list oldest first, v2 before v10, and go with their policy',
    withStore(async (_s, tx) => {
      const p = policy()
      const versions = [
        version(p, 'v1', { createDate: T1 }),
        version(p, 'v2', { createDate: T2 }),
        version(p, 'v10', {
          createDate: T2,
          document: '{"Version":"2012-10-17","Statement":[]} 🙂',
        }),
        version(p, 'v11', { createDate: T3 }),
      ]
      await tx(async (r) => {
        await r.policies.insert(p)
        for (const v of [versions[3]!, versions[2]!, versions[0]!, versions[1]!])
          await r.policies.insertVersion(v)
      })
      assert.deepEqual(await tx((r) => r.policies.listVersions(p.arn)), versions)
      assert.deepEqual(await tx((r) => r.policies.getVersion(p.arn, 'v10')), versions[2])
      assert.equal(await tx((r) => r.policies.getVersion(p.arn, 'v3')), undefined)
      await rejectsWith(
        tx((r) => r.policies.insertVersion(version(p, 'v2'))),
        StoreConflictError,
      )
      await rejectsWith(
        tx((r) => r.policies.insertVersion(version(policy(), 'v1'))),
        StoreReferenceError,
      )
      await tx((r) => r.policies.deleteVersion(p.arn, 'v2'))
      assert.deepEqual(
        (await tx((r) => r.policies.listVersions(p.arn))).map((v) => v.versionId),
        ['v1', 'v10', 'v11'],
      )
      await tx((r) => r.policies.delete(p.arn))
      assert.equal(await tx((r) => r.policies.get(p.arn)), undefined)
      assert.deepEqual(await tx((r) => r.policies.listVersions(p.arn)), [])
      // A policy of the same name can be made again, with fresh versions.
      const again = policy({ policyName: p.policyName })
      await tx(async (r) => {
        await r.policies.insert(again)
        await r.policies.insertVersion(version(again, 'v1'))
      })
      assert.equal((await tx((r) => r.policies.listVersions(again.arn))).length, 1)
    }),
  )

  // attachments

  test(
    'attachments keep attachment order and re-attaching is a no-op',
    withStore(async (_s, tx) => {
      const r1 = role()
      const arns = [
        'arn:aws:iam::aws:policy/Zeta',
        `arn:aws:iam::${A}:policy/alpha`,
        'arn:aws:iam::aws:policy/Middle',
      ]
      await tx(async (r) => {
        await r.roles.insert(r1)
        for (const policyArn of arns)
          await r.attachments.attach({
            accountId: A,
            entityType: 'role',
            entityId: r1.roleId,
            policyArn,
          })
        await r.attachments.attach({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        })
      })
      assert.deepEqual(await tx((r) => r.attachments.listForEntity('role', r1.roleId)), arns)
      await tx((r) =>
        r.attachments.detach({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        }),
      )
      assert.deepEqual(
        await tx((r) => r.attachments.listForEntity('role', r1.roleId)),
        arns.slice(1),
      )
      // Attaching again after detaching puts it last.
      await tx((r) =>
        r.attachments.attach({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        }),
      )
      assert.deepEqual(await tx((r) => r.attachments.listForEntity('role', r1.roleId)), [
        arns[1],
        arns[2],
        arns[0],
      ])
      assert.deepEqual(await tx((r) => r.attachments.listForEntity('user', r1.roleId)), [])
      assert.deepEqual(await tx((r) => r.attachments.listForEntity('role', 'AROANOSUCHROLE')), [])
    }),
  )

  test(
    'entities for a policy, counts and account-wide listings',
    withStore(async (_s, tx) => {
      const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
      const elsewhere = 'arn:aws:iam::aws:policy/Other'
      const users = [user({ userName: 'zoe' }), user({ userName: 'Adam' })]
      const g = group({ groupName: 'Readers' })
      const roles = [role({ roleName: 'reader' }), role({ roleName: 'Auditor' })]
      const foreign = role({ roleName: 'foreign', accountId: B })
      await tx(async (r) => {
        for (const u of users) await r.users.insert(u)
        await r.groups.insert(g)
        for (const x of [...roles, foreign]) await r.roles.insert(x)
        await r.attachments.attach({
          accountId: A,
          entityType: 'role',
          entityId: roles[0]!.roleId,
          policyArn: arn,
        })
        await r.attachments.attach({
          accountId: A,
          entityType: 'user',
          entityId: users[0]!.userId,
          policyArn: arn,
        })
        await r.attachments.attach({
          accountId: A,
          entityType: 'group',
          entityId: g.groupId,
          policyArn: arn,
        })
        await r.attachments.attach({
          accountId: A,
          entityType: 'role',
          entityId: roles[1]!.roleId,
          policyArn: arn,
        })
        await r.attachments.attach({
          accountId: A,
          entityType: 'user',
          entityId: users[1]!.userId,
          policyArn: arn,
        })
        await r.attachments.attach({
          accountId: A,
          entityType: 'user',
          entityId: users[1]!.userId,
          policyArn: elsewhere,
        })
        await r.attachments.attach({
          accountId: B,
          entityType: 'role',
          entityId: foreign.roleId,
          policyArn: arn,
        })
      })
      assert.deepEqual(await tx((r) => r.attachments.listEntities(A, arn)), [
        { entityType: 'user', entityId: users[1]!.userId, entityName: 'Adam' },
        { entityType: 'user', entityId: users[0]!.userId, entityName: 'zoe' },
        { entityType: 'group', entityId: g.groupId, entityName: 'Readers' },
        { entityType: 'role', entityId: roles[1]!.roleId, entityName: 'Auditor' },
        { entityType: 'role', entityId: roles[0]!.roleId, entityName: 'reader' },
      ])
      assert.deepEqual(await tx((r) => r.attachments.listEntities(B, arn)), [
        { entityType: 'role', entityId: foreign.roleId, entityName: 'foreign' },
      ])
      const uses = async (account: string, arns?: string[]) => {
        const counted = await tx((r) => r.attachments.countUses(account, arns))
        return {
          attachments: Object.fromEntries(counted.attachments),
          boundaries: Object.fromEntries(counted.boundaries),
        }
      }
      assert.deepEqual(await uses(A, [arn]), { attachments: { [arn]: 5 }, boundaries: {} })
      assert.deepEqual(await uses(B, [arn]), { attachments: { [arn]: 1 }, boundaries: {} })
      const unused = 'arn:aws:iam::aws:policy/Unused'
      assert.deepEqual(await uses(A, [unused]), { attachments: {}, boundaries: {} })
      assert.deepEqual(await uses(A, []), { attachments: {}, boundaries: {} })
      assert.deepEqual(
        await tx((r) => r.attachments.listEntities(A, 'arn:aws:iam::aws:policy/Unused')),
        [],
      )
      // A permissions boundary is not an attachment: it is counted apart, for users and roles.
      await tx((r) => r.users.insert(user({ permissionsBoundaryArn: arn })))
      await tx((r) => r.roles.insert(role({ permissionsBoundaryArn: arn })))
      await tx((r) => r.roles.insert(role({ permissionsBoundaryArn: unused })))
      assert.deepEqual(await uses(A, [arn]), {
        attachments: { [arn]: 5 },
        boundaries: { [arn]: 2 },
      })
      // Without a list, every policy the account uses.
      assert.deepEqual(await uses(A), {
        attachments: { [arn]: 5, [elsewhere]: 1 },
        boundaries: { [arn]: 2, [unused]: 1 },
      })
      assert.deepEqual(await tx((r) => r.attachments.listInAccount(B)), [
        { accountId: B, entityType: 'role', entityId: foreign.roleId, policyArn: arn },
      ])
      const all = await tx((r) => r.attachments.listInAccount(A))
      assert.equal(all.length, 6)
      assert.deepEqual(all[0], {
        accountId: A,
        entityType: 'role',
        entityId: roles[0]!.roleId,
        policyArn: arn,
      })
      assert.deepEqual(all[5], {
        accountId: A,
        entityType: 'user',
        entityId: users[1]!.userId,
        policyArn: elsewhere,
      })
    }),
  )

  test(
    'attachments must name an existing entity, which then cannot be deleted',
    withStore(async (_s, tx) => {
      const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
      const u = user()
      await tx((r) => r.users.insert(u))
      await rejectsWith(
        tx((r) =>
          r.attachments.attach({
            accountId: A,
            entityType: 'role',
            entityId: 'AROANOSUCHROLE',
            policyArn: arn,
          }),
        ),
        StoreReferenceError,
      )
      // A user's id named as a group's is no group.
      await rejectsWith(
        tx((r) =>
          r.attachments.attach({
            accountId: A,
            entityType: 'group',
            entityId: u.userId,
            policyArn: arn,
          }),
        ),
        StoreReferenceError,
      )
      await tx((r) =>
        r.attachments.attach({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyArn: arn,
        }),
      )
      await rejectsWith(
        tx((r) => r.users.delete(u.userId)),
        StoreReferenceError,
      )
      await tx(async (r) => {
        await r.attachments.detach({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyArn: arn,
        })
        await r.users.delete(u.userId)
      })
      assert.equal(await tx((r) => r.users.getById(u.userId)), undefined)
    }),
  )

  // inline policies

  test(
    'inline policies: upsert, names without case, sorted per entity',
    withStore(async (_s, tx) => {
      const u = user()
      const r1 = role()
      await tx(async (r) => {
        await r.users.insert(u)
        await r.roles.insert(r1)
        for (const policyName of ['Zeta', 'alpha', 'Mid']) {
          await r.inlinePolicies.put({
            accountId: A,
            entityType: 'user',
            entityId: u.userId,
            policyName,
            document: document(`s3:${policyName}`),
          })
        }
        await r.inlinePolicies.put({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyName: 'alpha',
          document: document('ec2:*'),
        })
      })
      assert.deepEqual(
        (await tx((r) => r.inlinePolicies.list('user', u.userId))).map((p) => p.policyName),
        ['alpha', 'Mid', 'Zeta'],
      )
      assert.deepEqual(await tx((r) => r.inlinePolicies.get('user', u.userId, 'ALPHA')), {
        accountId: A,
        entityType: 'user',
        entityId: u.userId,
        policyName: 'alpha',
        document: document('s3:alpha'),
      })
      assert.deepEqual(await tx((r) => r.inlinePolicies.list('role', r1.roleId)), [
        {
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyName: 'alpha',
          document: document('ec2:*'),
        },
      ])
      // Putting the same name replaces the document; there is still one policy of that name.
      const replaced = document('s3:GetObject — ✓')
      await tx((r) =>
        r.inlinePolicies.put({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyName: 'Alpha',
          document: replaced,
        }),
      )
      const list = await tx((r) => r.inlinePolicies.list('user', u.userId))
      assert.equal(list.length, 3)
      assert.deepEqual(list[0], {
        accountId: A,
        entityType: 'user',
        entityId: u.userId,
        policyName: 'Alpha',
        document: replaced,
      })
      assert.equal(
        (await tx((r) => r.inlinePolicies.get('role', r1.roleId, 'alpha')))?.document,
        document('ec2:*'),
      )
      await tx((r) => r.inlinePolicies.delete('user', u.userId, 'ZETA'))
      assert.equal(await tx((r) => r.inlinePolicies.get('user', u.userId, 'zeta')), undefined)
      assert.equal((await tx((r) => r.inlinePolicies.list('user', u.userId))).length, 2)
      await rejectsWith(
        tx((r) => r.roles.delete(r1.roleId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) =>
          r.inlinePolicies.put({
            accountId: A,
            entityType: 'group',
            entityId: 'AGPANOSUCH',
            policyName: 'x',
            document: '{}',
          }),
        ),
        StoreReferenceError,
      )
    }),
  )

  // identity providers

  test(
    'OIDC providers round-trip lists in order, update, delete and refuse duplicates',
    withStore(async (_s, tx) => {
      const full = oidc({
        url: 'token.actions.githubusercontent.com',
        clientIds: ['sts.amazonaws.com', 'another-client', 'a-client'],
        thumbprints: [
          '6938fd4d98bab03faadb97b34396831e3780aea1',
          '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
        ],
        createDate: T2,
        tags: unicodeTags,
      })
      const empty = oidc({ url: 'accounts.google.com', clientIds: [], thumbprints: [] })
      const theirs = oidc({ accountId: B, url: full.url })
      await tx(async (r) => {
        await r.oidcProviders.insert(full)
        await r.oidcProviders.insert(empty)
        await r.oidcProviders.insert(theirs)
      })
      // By URL, across accounts, exactly as registered.
      assert.deepEqual(await tx((r) => r.oidcProviders.listByUrl(full.url)), [full, theirs])
      assert.deepEqual(await tx((r) => r.oidcProviders.listByUrl(`${full.url}/`)), [])
      assert.deepEqual(await tx((r) => r.oidcProviders.listByUrl(full.url.toUpperCase())), [])
      assert.deepEqual(await tx((r) => r.oidcProviders.get(full.arn)), full)
      assert.deepEqual(await tx((r) => r.oidcProviders.get(empty.arn)), empty)
      assert.equal(
        await tx((r) => r.oidcProviders.get(`arn:aws:iam::${A}:oidc-provider/none`)),
        undefined,
      )
      assert.deepEqual(await tx((r) => r.oidcProviders.list(A)), [empty, full])
      await rejectsWith(
        tx((r) => r.oidcProviders.insert(oidc({ url: full.url }))),
        StoreConflictError,
      )
      const updated = { ...full, clientIds: ['z', 'a'], thumbprints: [], tags: [] }
      await tx((r) => r.oidcProviders.update(updated))
      assert.deepEqual(await tx((r) => r.oidcProviders.get(full.arn)), updated)
      await tx((r) => r.oidcProviders.delete(full.arn))
      assert.deepEqual(await tx((r) => r.oidcProviders.list(A)), [empty])
      assert.equal((await tx((r) => r.oidcProviders.list(B))).length, 1)
    }),
  )

  test(
    'SAML providers round-trip, list by name, update, delete and refuse duplicates',
    withStore(async (_s, tx) => {
      const okta = saml({ name: 'Okta', tags: unicodeTags, certificates: ['cert-b', 'cert-a'] })
      const adfs = saml({ name: 'adfs', certificates: [], validUntil: T3 })
      await tx(async (r) => {
        await r.samlProviders.insert(okta)
        await r.samlProviders.insert(adfs)
        await r.samlProviders.insert(saml({ name: 'Okta', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.samlProviders.get(okta.arn)), okta)
      assert.deepEqual(await tx((r) => r.samlProviders.list(A)), [adfs, okta])
      assert.equal(
        await tx((r) => r.samlProviders.get(`arn:aws:iam::${A}:saml-provider/none`)),
        undefined,
      )
      await rejectsWith(
        tx((r) => r.samlProviders.insert(saml({ name: 'OKTA' }))),
        StoreConflictError,
      )
      const updated: SamlProviderRecord = {
        ...okta,
        metadataDocument: '<EntityDescriptor entityID="urn:new"/>',
        certificates: ['cert-c'],
        entityId: 'urn:new',
        validUntil: T1,
        tags: [],
      }
      await tx((r) => r.samlProviders.update(updated))
      assert.deepEqual(await tx((r) => r.samlProviders.get(okta.arn)), updated)
      await tx((r) => r.samlProviders.delete(okta.arn))
      assert.deepEqual(await tx((r) => r.samlProviders.list(A)), [adfs])
    }),
  )

  // credential reports and service-linked role deletion tasks

  test(
    'a credential report is kept per account; putting another replaces it',
    withStore(async (store, tx) => {
      assert.equal(await tx((r) => r.credentialReports.get(A)), undefined)
      const csv = 'user,arn\n<root_account>,arn:aws:iam::111122223333:root\nZürich,x\n'
      await tx((r) => r.credentialReports.put({ accountId: A, generatedTime: T1, content: csv }))
      await tx((r) =>
        r.credentialReports.put({ accountId: B, generatedTime: T2, content: 'user,arn\n' }),
      )
      assert.deepEqual(await store.read((r) => r.credentialReports.get(A)), {
        accountId: A,
        generatedTime: T1,
        content: csv,
      })
      await tx((r) => r.credentialReports.put({ accountId: A, generatedTime: T3, content: 'new' }))
      assert.deepEqual(await tx((r) => r.credentialReports.get(A)), {
        accountId: A,
        generatedTime: T3,
        content: 'new',
      })
      assert.equal((await tx((r) => r.credentialReports.get(B)))?.content, 'user,arn\n')
      await store.wipe()
      assert.equal(await tx((r) => r.credentialReports.get(A)), undefined)
    }),
  )

  test(
    'deletion tasks round-trip by id and refuse a duplicate id',
    withStore(async (store, tx) => {
      const task = {
        deletionTaskId: 'task/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch/1',
        accountId: A,
        status: 'SUCCEEDED' as const,
        createDate: T2,
      }
      await tx((r) => r.serviceLinkedRoleDeletions.insert(task))
      assert.deepEqual(
        await store.read((r) => r.serviceLinkedRoleDeletions.get(task.deletionTaskId)),
        task,
      )
      // Ids compare exactly: another case is another task.
      assert.equal(
        await tx((r) => r.serviceLinkedRoleDeletions.get(task.deletionTaskId.toUpperCase())),
        undefined,
      )
      await rejectsWith(
        tx((r) => r.serviceLinkedRoleDeletions.insert({ ...task, status: 'FAILED' })),
        StoreConflictError,
      )
      assert.equal(
        (await tx((r) => r.serviceLinkedRoleDeletions.get(task.deletionTaskId)))?.status,
        'SUCCEEDED',
      )
      await store.wipe()
      assert.equal(
        await tx((r) => r.serviceLinkedRoleDeletions.get(task.deletionTaskId)),
        undefined,
      )
    }),
  )

  // transactions

  test(
    'a transaction that throws after several writes writes nothing',
    withStore(async (store, tx) => {
      const existing = user({ userName: 'existing' })
      await tx((r) => r.users.insert(existing))
      const generation = store.generation
      const failure = new Error('boom')
      const u = user({ userName: 'ghost' })
      const p = policy()
      await assert.rejects(
        tx(async (r) => {
          await r.accounts.insert({ accountId: A, createDate: T1 })
          await r.users.insert(u)
          await r.accessKeys.insert(accessKey(u.userId))
          await r.policies.insert(p)
          await r.policies.insertVersion(version(p, 'v1'))
          await r.users.update({ ...existing, userName: 'renamed' })
          await r.oidcProviders.insert(oidc())
          throw failure
        }),
        (error) => error === failure,
      )
      assert.equal(store.generation, generation)
      assert.equal(await tx((r) => r.accounts.get(A)), undefined)
      assert.deepEqual(await tx((r) => r.users.list(A)), [existing])
      assert.equal(await tx((r) => r.policies.get(p.arn)), undefined)
      assert.deepEqual(await tx((r) => r.oidcProviders.list(A)), [])
    }),
  )

  // the session keyring

  test(
    'session keys round-trip, list newest first and refuse a duplicate id',
    withStore(async (_s, tx) => {
      const old = sessionKey({ keyId: 'sk-b', createDate: T1, retireDate: T2 })
      const tieLow = sessionKey({ keyId: 'sk-a', createDate: T3 })
      const tieHigh = sessionKey({ keyId: 'sk-c', createDate: T3 })
      const middle = sessionKey({ keyId: 'sk-z', createDate: T2 })
      await tx(async (r) => {
        for (const k of [old, tieLow, middle, tieHigh]) await r.sessionKeys.insert(k)
      })
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [tieHigh, tieLow, middle, old])
      await rejectsWith(
        tx((r) => r.sessionKeys.insert(sessionKey({ keyId: 'sk-a', secret: 'other' }))),
        StoreConflictError,
      )
      // Key ids match exactly: another case is another key, and ties sort bytewise ('s' > 'S').
      const upper = sessionKey({ keyId: 'SK-A', createDate: T1 })
      await tx((r) => r.sessionKeys.insert(upper))
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [tieHigh, tieLow, middle, old, upper])
    }),
  )

  test(
    'updating a session key retires it and changes nothing else; delete removes one key',
    withStore(async (_s, tx) => {
      const sealing = sessionKey({ createDate: T2 })
      const other = sessionKey({ createDate: T1 })
      await tx(async (r) => {
        await r.sessionKeys.insert(sealing)
        await r.sessionKeys.insert(other)
      })
      await tx((r) =>
        r.sessionKeys.update({ ...sealing, retireDate: T3, secret: 'changed', createDate: T3 }),
      )
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [
        { ...sealing, retireDate: T3 },
        other,
      ])
      await tx((r) => r.sessionKeys.update({ ...sealing, retireDate: null }))
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [sealing, other])
      // Updating or deleting a key that is not there changes nothing.
      await tx((r) => r.sessionKeys.update(sessionKey({ retireDate: T3 })))
      await tx((r) => r.sessionKeys.delete('sk-none'))
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [sealing, other])
      await tx((r) => r.sessionKeys.delete(sealing.keyId))
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [other])
    }),
  )

  // built-in OIDC issuers and their keys

  test(
    'issuers round-trip; names are per account, exact in case and listed bytewise per account',
    withStore(async (_s, tx) => {
      const team = issuer({ name: 'Team', createDate: T2 })
      const lower = issuer({ name: 'team' })
      const alpha = issuer({ name: 'alpha' })
      const zed = issuer({ name: 'Zed' })
      const elsewhere = issuer({ name: 'beta', accountId: B })
      await tx(async (r) => {
        for (const i of [team, lower, alpha, zed, elsewhere]) await r.issuers.insert(i)
      })
      assert.deepEqual(await tx((r) => r.issuers.get(A, 'Team')), team)
      assert.deepEqual(await tx((r) => r.issuers.get(A, 'team')), lower)
      assert.equal(await tx((r) => r.issuers.get(A, 'TEAM')), undefined)
      // Another account's issuer is not found under this one's id.
      assert.equal(await tx((r) => r.issuers.get(A, 'beta')), undefined)
      assert.equal(await tx((r) => r.issuers.get(B, 'Team')), undefined)
      assert.deepEqual(await tx((r) => r.issuers.list(A)), [team, zed, alpha, lower])
      assert.deepEqual(await tx((r) => r.issuers.list(B)), [elsewhere])
      // A name is unique within its account.
      await rejectsWith(
        tx((r) => r.issuers.insert(issuer({ name: 'Team', createDate: T3 }))),
        StoreConflictError,
      )
      // The same name in another account is another issuer.
      const theirs = issuer({ name: 'Team', accountId: B })
      await tx((r) => r.issuers.insert(theirs))
      assert.deepEqual(await tx((r) => r.issuers.get(B, 'Team')), theirs)
      assert.deepEqual(await tx((r) => r.issuers.get(A, 'Team')), team)
      await tx((r) => r.issuers.delete(A, 'Team'))
      assert.equal(await tx((r) => r.issuers.get(A, 'Team')), undefined)
      assert.deepEqual(await tx((r) => r.issuers.get(A, 'team')), lower)
      assert.deepEqual(await tx((r) => r.issuers.get(B, 'Team')), theirs)
      assert.deepEqual(
        (await tx((r) => r.issuers.list(B))).map((i) => i.name),
        ['Team', 'beta'],
      )
    }),
  )

  test(
    'issuer keys round-trip, list newest first per issuer and are unique per issuer and kid',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.issuers.insert(issuer({ name: 'one' }))
        await r.issuers.insert(issuer({ name: 'two' }))
        await r.issuers.insert(issuer({ name: 'one', accountId: B }))
      })
      const retired = issuerKey('one', { kid: 'k2', createDate: T1, retireDate: T3 })
      const tieLow = issuerKey('one', { kid: 'k1', createDate: T2, algorithm: 'ES256' })
      const tieHigh = issuerKey('one', { kid: 'k3', createDate: T2 })
      const sameKid = issuerKey('two', { kid: 'k1', createDate: T3 })
      const otherAccount = issuerKey('one', { kid: 'k1', accountId: B })
      await tx(async (r) => {
        for (const k of [retired, tieLow, tieHigh, sameKid, otherAccount]) {
          await r.issuers.insertKey(k)
        }
      })
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [tieHigh, tieLow, retired])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'two')), [sameKid])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(B, 'one')), [otherAccount])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'One')), [])
      await rejectsWith(
        tx((r) => r.issuers.insertKey(issuerKey('one', { kid: 'k1', createDate: T3 }))),
        StoreConflictError,
      )
      // A key needs its issuer, in its own account.
      await rejectsWith(
        tx((r) => r.issuers.insertKey(issuerKey('nobody'))),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.issuers.insertKey(issuerKey('ONE'))),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.issuers.insertKey(issuerKey('two', { accountId: B }))),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'nobody')), [])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [tieHigh, tieLow, retired])
    }),
  )

  test(
    'updating an issuer key retires it only; deleting a key or its issuer removes it',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.issuers.insert(issuer({ name: 'one' }))
        await r.issuers.insert(issuer({ name: 'two' }))
        await r.issuers.insert(issuer({ name: 'one', accountId: B }))
      })
      const a = issuerKey('one', { createDate: T2 })
      const b = issuerKey('one', { createDate: T1 })
      const c = issuerKey('two', { kid: a.kid })
      const d = issuerKey('one', { kid: a.kid, accountId: B })
      await tx(async (r) => {
        for (const k of [a, b, c, d]) await r.issuers.insertKey(k)
      })
      await tx((r) =>
        r.issuers.updateKey({ ...a, retireDate: T3, privateJwk: '{}', algorithm: 'none' }),
      )
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [{ ...a, retireDate: T3 }, b])
      // The same kid under the other issuers is untouched.
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'two')), [c])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(B, 'one')), [d])
      await tx((r) => r.issuers.deleteKey(A, 'two', b.kid))
      await tx((r) => r.issuers.deleteKey(B, 'one', b.kid))
      await tx((r) => r.issuers.deleteKey(A, 'one', b.kid))
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [{ ...a, retireDate: T3 }])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'two')), [c])
      await tx((r) => r.issuers.delete(A, 'one'))
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'two')), [c])
      assert.deepEqual(await tx((r) => r.issuers.listKeys(B, 'one')), [d])
      // A new issuer of the same name starts with no keys and can reuse the kid.
      await tx(async (r) => {
        await r.issuers.insert(issuer({ name: 'one' }))
        await r.issuers.insertKey(a)
      })
      assert.deepEqual(await tx((r) => r.issuers.listKeys(A, 'one')), [a])
    }),
  )

  test(
    'keyring and issuer writes roll back whole and bump the generation on commit',
    withStore(async (store, tx) => {
      const kept = sessionKey()
      await tx(async (r) => {
        await r.sessionKeys.insert(kept)
        await r.issuers.insert(issuer({ name: 'kept' }))
        await r.issuers.insertKey(issuerKey('kept', { kid: 'k1' }))
      })
      const start = store.generation
      await assert.rejects(
        tx(async (r) => {
          await r.sessionKeys.insert(sessionKey())
          await r.sessionKeys.update({ ...kept, retireDate: T3 })
          await r.issuers.insert(issuer({ name: 'gone' }))
          await r.issuers.insertKey(issuerKey('gone'))
          await r.issuers.updateKey(issuerKey('kept', { kid: 'k1', retireDate: T3 }))
          await r.issuers.deleteKey(A, 'kept', 'k1')
          await r.issuers.delete(A, 'kept')
          throw new Error('undo')
        }),
        /undo/,
      )
      assert.equal(store.generation, start)
      assert.deepEqual(await tx((r) => r.sessionKeys.list()), [kept])
      assert.equal(await tx((r) => r.issuers.get(A, 'gone')), undefined)
      assert.deepEqual(
        (await tx((r) => r.issuers.list(A))).map((i) => i.name),
        ['kept'],
      )
      assert.deepEqual(
        (await tx((r) => r.issuers.listKeys(A, 'kept'))).map((k) => [k.kid, k.retireDate]),
        [['k1', null]],
      )
      for (const write of [
        (r: Repositories) => r.sessionKeys.insert(sessionKey()),
        (r: Repositories) => r.sessionKeys.update({ ...kept, retireDate: T2 }),
        (r: Repositories) => r.sessionKeys.delete('sk-none'),
        (r: Repositories) => r.issuers.insert(issuer()),
        (r: Repositories) => r.issuers.delete(A, 'none'),
        (r: Repositories) => r.issuers.insertKey(issuerKey('kept')),
        (r: Repositories) => r.issuers.updateKey(issuerKey('kept', { kid: 'k1' })),
        (r: Repositories) => r.issuers.deleteKey(A, 'kept', 'none'),
      ]) {
        const before = store.generation
        await tx(write)
        assert.equal(store.generation, before + 1)
      }
      const before = store.generation
      await tx(async (r) => {
        await r.sessionKeys.list()
        await r.issuers.get(A, 'kept')
        await r.issuers.list(A)
        await r.issuers.listKeys(A, 'kept')
      })
      assert.equal(store.generation, before)
    }),
  )

  test(
    'a caught issuer-key conflict leaves the transaction usable',
    withStore(async (_s, tx) => {
      const outcome = await tx(async (r) => {
        await r.issuers.insert(issuer({ name: 'one' }))
        await r.issuers.insertKey(issuerKey('one', { kid: 'k1' }))
        const clash = await r.issuers.insertKey(issuerKey('one', { kid: 'k1' })).then(
          () => 'inserted',
          (error: unknown) =>
            error instanceof StoreConflictError ? 'conflict' : `other: ${String(error)}`,
        )
        await r.issuers.insertKey(issuerKey('one', { kid: 'k2' }))
        return clash
      })
      assert.equal(outcome, 'conflict')
      assert.deepEqual((await tx((r) => r.issuers.listKeys(A, 'one'))).map((k) => k.kid).sort(), [
        'k1',
        'k2',
      ])
    }),
  )

  test(
    'a caught conflict leaves the transaction usable',
    withStore(async (_s, tx) => {
      const first = user({ userName: 'taken' })
      const third = user({ userName: 'third' })
      const outcome = await tx(async (r) => {
        await r.users.insert(first)
        const clash = await r.users.insert(user({ userName: 'TAKEN' })).then(
          () => 'inserted',
          (error: unknown) =>
            error instanceof StoreConflictError ? 'conflict' : `other: ${String(error)}`,
        )
        await r.users.insert(third)
        return clash
      })
      assert.equal(outcome, 'conflict')
      assert.deepEqual(
        (await tx((r) => r.users.list(A))).map((u) => u.userName),
        ['taken', 'third'],
      )
    }),
  )

  // recorded use (last used), written beside the transactions

  test(
    'recordUse moves last use forward only, skips unknown ids and keeps the generation',
    withStore(async (store, tx) => {
      const T4 = new Date('2025-07-01T08:30:00.003Z')
      const u = user()
      const k1 = accessKey(u.userId)
      const k2 = accessKey(u.userId)
      const r1 = role()
      const r2 = role({ lastUsed: { date: T3, region: 'sa-east-1' } })
      await tx(async (r) => {
        await r.users.insert(u)
        await r.accessKeys.insert(k1)
        await r.accessKeys.insert(k2)
        await r.roles.insert(r1)
        await r.roles.insert(r2)
      })
      const start = store.generation
      const keyOf = (id: string) => tx((r) => r.accessKeys.get(id))
      const roleOf = (id: string) => tx((r) => r.roles.getById(id))

      await store.recordUse({
        accessKeys: [
          { accessKeyId: k1.accessKeyId, date: T2, serviceName: 'iam', region: 'us-east-1' },
          { accessKeyId: 'AKIANOSUCHKEY', date: T2, serviceName: 'iam', region: 'us-east-1' },
        ],
        roles: [
          { roleId: r1.roleId, date: T2, region: 'eu-west-1' },
          // Older than what the role holds: nothing changes.
          { roleId: r2.roleId, date: T2, region: 'us-east-1' },
          { roleId: 'AROANOSUCHROLE', date: T2, region: 'us-east-1' },
        ],
      })
      assert.deepEqual(await keyOf(k1.accessKeyId), {
        ...k1,
        lastUsed: { date: T2, serviceName: 'iam', region: 'us-east-1' },
      })
      assert.deepEqual(await keyOf(k2.accessKeyId), k2)
      assert.deepEqual(await roleOf(r1.roleId), {
        ...r1,
        lastUsed: { date: T2, region: 'eu-west-1' },
      })
      assert.deepEqual(await roleOf(r2.roleId), r2)

      // The same date again, or an older one, changes nothing; a newer one replaces every field.
      const k1Use = (date: Date, serviceName: string, region: string) =>
        store.recordUse({
          accessKeys: [{ accessKeyId: k1.accessKeyId, date, serviceName, region }],
          roles: [],
        })
      await k1Use(T2, 'sts', 'ap-south-1')
      await k1Use(T1, 'sts', 'ap-south-1')
      assert.deepEqual((await keyOf(k1.accessKeyId))?.lastUsed, {
        date: T2,
        serviceName: 'iam',
        region: 'us-east-1',
      })
      await k1Use(T3, 'sts', 'ap-south-1')
      assert.deepEqual((await keyOf(k1.accessKeyId))?.lastUsed, {
        date: T3,
        serviceName: 'sts',
        region: 'ap-south-1',
      })

      // One batch naming an id twice keeps the newer use, whatever the order.
      await store.recordUse({
        accessKeys: [
          { accessKeyId: k2.accessKeyId, date: T4, serviceName: 'sts', region: 'eu-north-1' },
          { accessKeyId: k2.accessKeyId, date: T3, serviceName: 'iam', region: 'us-west-2' },
        ],
        roles: [
          { roleId: r2.roleId, date: T4, region: 'eu-north-1' },
          { roleId: r2.roleId, date: T3, region: 'us-west-2' },
        ],
      })
      assert.deepEqual((await keyOf(k2.accessKeyId))?.lastUsed, {
        date: T4,
        serviceName: 'sts',
        region: 'eu-north-1',
      })
      assert.deepEqual((await roleOf(r2.roleId))?.lastUsed, { date: T4, region: 'eu-north-1' })
      await store.recordUse({ accessKeys: [], roles: [] })

      // Recorded use is no change the caches track.
      assert.equal(store.generation, start)
    }),
  )

  test(
    'a transaction rewriting a key or role keeps a use recorded while it ran',
    withStore(async (store, tx) => {
      const u = user()
      const k = accessKey(u.userId)
      const r1 = role()
      await tx(async (r) => {
        await r.users.insert(u)
        await r.accessKeys.insert(k)
        await r.roles.insert(r1)
      })
      const rewrite = store.transaction(async (r) => {
        const readKey = await r.accessKeys.get(k.accessKeyId)
        const readRole = await r.roles.getById(r1.roleId)
        await new Promise((resolve) => setTimeout(resolve, 30))
        await r.accessKeys.update({ ...readKey!, status: 'Inactive' })
        await r.roles.update({ ...readRole!, description: 'rewritten' })
      })
      await new Promise((resolve) => setTimeout(resolve, 5))
      const recorded = store.recordUse({
        accessKeys: [{ accessKeyId: k.accessKeyId, date: T2, serviceName: 'iam', region: 'x-1' }],
        roles: [{ roleId: r1.roleId, date: T2, region: 'x-1' }],
      })
      await Promise.all([rewrite, recorded])
      assert.deepEqual(await tx((r) => r.accessKeys.get(k.accessKeyId)), {
        ...k,
        status: 'Inactive',
        lastUsed: { date: T2, serviceName: 'iam', region: 'x-1' },
      })
      assert.deepEqual(await tx((r) => r.roles.getById(r1.roleId)), {
        ...r1,
        description: 'rewritten',
        lastUsed: { date: T2, region: 'x-1' },
      })
      await store.close()
      await assert.rejects(store.recordUse({ accessKeys: [], roles: [] }), /closed/)
      // A request that arrives while the server closes looks for other writers first.
      const generation = store.generation
      assert.doesNotThrow(() => store.noticeOtherWriters())
      assert.equal(store.generation, generation)
    }),
  )

  test(
    'the generation bumps only on commits that called a write method',
    withStore(async (store, tx) => {
      const start = store.generation
      await tx((r) => r.users.list(A))
      assert.equal(store.generation, start)
      await tx((r) => r.users.insert(user()))
      assert.equal(store.generation, start + 1)
      // A write that matched nothing was still a write call.
      await tx((r) => r.users.delete('AIDANOSUCHUSER'))
      assert.equal(store.generation, start + 2)
      await assert.rejects(
        tx(async (r) => {
          await r.users.insert(user())
          throw new Error('undo')
        }),
      )
      assert.equal(store.generation, start + 2)
      await assert.rejects(
        tx(async () => {
          throw new Error('read-only failure')
        }),
      )
      assert.equal(store.generation, start + 2)
      await store.wipe()
      assert.equal(store.generation, start + 3)
    }),
  )

  test(
    'wipe removes every row and keeps the schema',
    withStore(async (store, tx) => {
      const u = user()
      const g = group()
      const r1 = role()
      const p = policy()
      const seed = async () =>
        tx(async (r) => {
          await r.accounts.insert({ accountId: A, createDate: T1 })
          await r.accounts.insertAlias(A, 'corp')
          await r.users.insert(u)
          await r.groups.insert(g)
          await r.groups.addMember(g.groupId, u.userId)
          await r.roles.insert(r1)
          await r.accessKeys.insert(accessKey(u.userId, { accessKeyId: 'AKIAWIPETEST00000001' }))
          await r.policies.insert(p)
          await r.policies.insertVersion(version(p, 'v1'))
          await r.attachments.attach({
            accountId: A,
            entityType: 'role',
            entityId: r1.roleId,
            policyArn: p.arn,
          })
          await r.inlinePolicies.put({
            accountId: A,
            entityType: 'group',
            entityId: g.groupId,
            policyName: 'x',
            document: '{}',
          })
          await r.oidcProviders.insert(oidc({ url: 'wipe.example.com' }))
          await r.samlProviders.insert(saml({ name: 'wipe' }))
          await r.sessionKeys.insert(sessionKey({ keyId: 'sk-wipe' }))
          await r.issuers.insert(issuer({ name: 'wipe' }))
          await r.issuers.insertKey(issuerKey('wipe', { kid: 'wipe-1' }))
        })
      await seed()
      await store.wipe()
      await tx(async (r) => {
        assert.equal(await r.accounts.get(A), undefined)
        assert.deepEqual(await r.accounts.listAliases(A), [])
        assert.deepEqual(await r.users.list(A), [])
        assert.deepEqual(await r.groups.list(A), [])
        assert.deepEqual(await r.roles.list(A), [])
        assert.equal(await r.accessKeys.get('AKIAWIPETEST00000001'), undefined)
        assert.deepEqual(await r.policies.list(A), [])
        assert.deepEqual(await r.policies.listVersions(p.arn), [])
        assert.deepEqual(await r.attachments.listInAccount(A), [])
        assert.deepEqual(await r.inlinePolicies.list('group', g.groupId), [])
        assert.deepEqual(await r.oidcProviders.list(A), [])
        assert.deepEqual(await r.samlProviders.list(A), [])
        // The keyring goes too: a reset bootstraps a new one, and old session tokens stop opening.
        assert.deepEqual(await r.sessionKeys.list(), [])
        assert.equal(await r.issuers.get(A, 'wipe'), undefined)
        assert.deepEqual(await r.issuers.listKeys(A, 'wipe'), [])
      })
      // Same keys again: nothing of the old rows is left to clash with.
      await seed()
      assert.equal((await tx((r) => r.users.list(A))).length, 1)
    }),
  )

  test(
    'concurrent transactions do not interleave',
    withStore(async (store, tx) => {
      const p = policy({ nextVersionNumber: 1 })
      await tx((r) => r.policies.insert(p))
      // Each reads the counter, yields, then writes it plus one: interleaving would lose updates.
      const n = 12
      await Promise.all(
        Array.from({ length: n }, () =>
          store.transaction(async (r) => {
            const current = await r.policies.get(p.arn)
            await new Promise((resolve) => setTimeout(resolve, 1))
            await r.policies.update({
              ...current!,
              nextVersionNumber: current!.nextVersionNumber + 1,
            })
            await r.policies.insertVersion(version(p, `v${current!.nextVersionNumber}`))
          }),
        ),
      )
      assert.equal((await tx((r) => r.policies.get(p.arn)))?.nextVersionNumber, n + 1)
      assert.equal((await tx((r) => r.policies.listVersions(p.arn))).length, n)
    }),
  )

  test(
    'a repository cannot be used after its transaction or nested in another',
    withStore(async (store, tx) => {
      let leaked: Repositories | undefined
      await tx(async (r) => {
        leaked = r
      })
      await assert.rejects(leaked!.users.list(A), /after its transaction ended/)
      await assert.rejects(leaked!.users.insert(user()), /after its transaction ended/)
      await assert.rejects(
        tx(() => store.transaction((r) => r.users.list(A))),
        /cannot be nested/,
      )
      assert.deepEqual(await tx((r) => r.users.list(A)), [])
    }),
  )

  test(
    'calls not awaited by the work still finish inside the transaction',
    withStore(async (_s, tx) => {
      const users = [user(), user(), user()]
      await tx(async (r) => {
        for (const u of users) void r.users.insert(u)
      })
      assert.equal((await tx((r) => r.users.list(A))).length, 3)
    }),
  )

  mfaDeviceContract(open)
  instanceProfileAndPasswordContract(open)
  clusterContract(open)
  samlAssertionContract(open)
  idpContract(open)
}

/** Looks until `store` notices another process's write (NOTIFY arrives a little after commit). */
/**
 * A read transaction runs while a write transaction is open: it neither waits for the write nor
 * sees it, and the write commits after it. For stores whose reads have a connection of their own.
 */
export async function readsGoOnDuringWrites(store: Store): Promise<void> {
  await store.transaction((r) => r.accounts.insert({ accountId: A, createDate: T1 }))
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let inserted!: () => void
  const insertedNow = new Promise<void>((resolve) => (inserted = resolve))
  const writing = store.transaction(async (r) => {
    await r.accounts.insert({ accountId: B, createDate: T2 })
    inserted()
    await held
  })
  await insertedNow
  // The write transaction is open, holding its lock, with a row not yet committed.
  const seen = await Promise.race([
    store.read(async (r) => [await r.accounts.get(A), await r.accounts.get(B)]),
    new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 3000)),
  ])
  release()
  await writing
  assert.deepEqual(seen, [{ accountId: A, createDate: T1 }, undefined])
  assert.deepEqual(await store.read((r) => r.accounts.get(B)), { accountId: B, createDate: T2 })
}

export async function noticedWithin(store: Store, before: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    store.noticeOtherWriters()
    if (store.generation !== before) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Two stores on one database, as two processes would hold it: each notices the other's commits
 * and wipes, neither notices its own writes again, and reads move nothing.
 */
export async function othersWritesAreNoticed(one: Store, two: Store): Promise<void> {
  // A watcher that has just started knows nothing of what came before it: drain that first.
  await noticedWithin(one, one.generation, 0)
  await noticedWithin(two, two.generation, 0)
  const quiet = 200

  let mine = one.generation
  let theirs = two.generation
  await one.transaction((r) => r.accounts.insert({ accountId: A, createDate: T1 }))
  assert.equal(one.generation, mine + 1)
  assert.equal(await noticedWithin(two, theirs, 5000), true, 'the other store notices the write')
  assert.equal(two.generation, theirs + 1)
  assert.equal(await noticedWithin(one, mine + 1, quiet), false, 'its own write is not noticed')

  mine = one.generation
  theirs = two.generation
  await one.transaction((r) => r.accounts.get(A))
  assert.equal(await noticedWithin(two, theirs, quiet), false, 'a read is no change')

  await two.wipe()
  assert.equal(await noticedWithin(one, mine, 5000), true, 'a wipe is noticed')
  assert.equal(await one.transaction((r) => r.accounts.get(A)), undefined)
}

/** What a test passes to open a store whose freshness runs on its own clock. */
export interface FreshnessOptions {
  /** A monotonic clock in milliseconds. */
  now: () => number
  maxStalenessMs: number
}

/**
 * However quiet the database, a look moves the generation once the maximum staleness has passed
 * since it last moved, and not before; a write of its own starts the count again. Health reads
 * the age of the data caches may serve and the bound.
 */
export async function generationFollowsMaxStaleness(
  open: (options: FreshnessOptions) => Promise<Store>,
  notifications: string,
): Promise<void> {
  let now = 10_000
  const store = await open({ now: () => now, maxStalenessMs: 1000 })
  try {
    // A watcher that has just started knows nothing of what came before it: drain that first.
    store.noticeOtherWriters()
    const start = store.generation
    now += 400
    assert.deepEqual(store.freshness(), { notifications, cacheAgeMs: 400, maxStalenessMs: 1000 })
    now += 599
    store.noticeOtherWriters()
    assert.equal(store.generation, start, 'younger than the bound: caches keep what they hold')
    now += 1
    store.noticeOtherWriters()
    assert.equal(store.generation, start + 1, 'as old as the bound: every cache reads again')
    assert.equal(store.freshness().cacheAgeMs, 0)
    store.noticeOtherWriters()
    assert.equal(store.generation, start + 1, 'once')

    now += 500
    await store.transaction((r) => r.accounts.insert({ accountId: A, createDate: T1 }))
    assert.equal(store.generation, start + 2)
    now += 999
    store.noticeOtherWriters()
    assert.equal(store.generation, start + 2, 'the write started the count again')
    now += 1
    store.noticeOtherWriters()
    assert.equal(store.generation, start + 3)
  } finally {
    await store.close()
  }
}
