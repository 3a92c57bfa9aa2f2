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
  IamRepository,
  IssuerKeyRecord,
  IssuerRecord,
  ManagedPolicyRecord,
  OidcProviderRecord,
  PolicyVersionRecord,
  RoleRecord,
  SamlProviderRecord,
  SessionKeyRecord,
  Store,
  UserRecord,
} from '../../src/store/ports.js'

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
  const withStore =
    (
      body: (
        store: Store,
        tx: <T>(work: (repo: IamRepository) => Promise<T>) => Promise<T>,
      ) => Promise<void>,
    ) =>
    async () => {
      const store = await open()
      try {
        await body(store, (work) => store.transaction(work))
      } finally {
        await store.close()
      }
    }

  const rejectsWith = async (promise: Promise<unknown>, type: new (...args: never[]) => Error) => {
    await assert.rejects(promise, (error) => {
      assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`)
      return true
    })
  }

  // accounts and aliases

  test(
    'accounts round-trip and refuse a duplicate id',
    withStore(async (_store, tx) => {
      await tx((r) => r.insertAccount({ accountId: A, createDate: T1 }))
      assert.deepEqual(await tx((r) => r.getAccount(A)), { accountId: A, createDate: T1 })
      assert.equal(await tx((r) => r.getAccount(B)), undefined)
      await rejectsWith(
        tx((r) => r.insertAccount({ accountId: A, createDate: T2 })),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.getAccount(A)), { accountId: A, createDate: T1 })
    }),
  )

  test(
    'account aliases are unique across accounts and listed in order',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.insertAccountAlias(A, 'zeta-corp')
        await r.insertAccountAlias(A, 'alpha-corp')
      })
      assert.deepEqual(await tx((r) => r.listAccountAliases(A)), ['alpha-corp', 'zeta-corp'])
      assert.equal(await tx((r) => r.findAccountByAlias('zeta-corp')), A)
      assert.equal(await tx((r) => r.findAccountByAlias('nobody')), undefined)
      await rejectsWith(
        tx((r) => r.insertAccountAlias(B, 'alpha-corp')),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.listAccountAliases(B)), [])
      // Deleting names the account: another account cannot remove A's alias.
      await tx((r) => r.deleteAccountAlias(B, 'alpha-corp'))
      assert.equal(await tx((r) => r.findAccountByAlias('alpha-corp')), A)
      await tx((r) => r.deleteAccountAlias(A, 'alpha-corp'))
      assert.deepEqual(await tx((r) => r.listAccountAliases(A)), ['zeta-corp'])
      await tx((r) => r.insertAccountAlias(B, 'alpha-corp'))
      assert.equal(await tx((r) => r.findAccountByAlias('alpha-corp')), B)
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
        await r.insertUser(plain)
        await r.insertUser(full)
      })
      assert.deepEqual(await tx((r) => r.getUserById(plain.userId)), plain)
      assert.deepEqual(await tx((r) => r.getUserById(full.userId)), full)
      assert.deepEqual(await tx((r) => r.getUserByName(A, full.userName)), full)
      assert.equal(await tx((r) => r.getUserById('AIDANOSUCHUSER')), undefined)
      assert.equal(await tx((r) => r.getUserByName(A, 'nobody')), undefined)
    }),
  )

  test(
    'user names match without case, keep their case and are unique per account',
    withStore(async (_s, tx) => {
      const bob = user({ userName: 'BobSmith' })
      await tx((r) => r.insertUser(bob))
      assert.deepEqual(await tx((r) => r.getUserByName(A, 'bobsmith')), bob)
      assert.deepEqual(await tx((r) => r.getUserByName(A, 'BOBSMITH')), bob)
      assert.equal((await tx((r) => r.getUserByName(A, 'bobsmith')))?.userName, 'BobSmith')
      assert.equal(await tx((r) => r.getUserByName(B, 'BobSmith')), undefined)
      await rejectsWith(
        tx((r) => r.insertUser(user({ userName: 'BOBSMITH' }))),
        StoreConflictError,
      )
      // The same name in another account is another user.
      const other = user({ userName: 'bobsmith', accountId: B })
      await tx((r) => r.insertUser(other))
      assert.deepEqual(await tx((r) => r.getUserByName(B, 'BobSmith')), other)
      assert.equal((await tx((r) => r.listUsers(A))).length, 1)
    }),
  )

  test(
    'users list by name without case, within the account',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        for (const name of ['carol', 'Bob', 'alice', 'ALBERT', 'b_ob'])
          await r.insertUser(user({ userName: name }))
        await r.insertUser(user({ userName: 'aaron', accountId: B }))
      })
      const names = (await tx((r) => r.listUsers(A))).map((u) => u.userName)
      assert.deepEqual(names, ['ALBERT', 'alice', 'b_ob', 'Bob', 'carol'])
      assert.deepEqual(
        (await tx((r) => r.listUsers(B))).map((u) => u.userName),
        ['aaron'],
      )
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
          await r.insertUser(user({ userName: `u${i}`, path }))
          await r.insertGroup(group({ groupName: `g${i}`, path }))
          await r.insertRole(role({ roleName: `r${i}`, path }))
          await r.insertPolicy(policy({ policyName: `p${i}`, path }))
        }
      })
      const check = async (prefix: string | undefined, expected: string[]) => {
        const byPath = (list: { path: string }[]) => list.map((e) => e.path).sort()
        const want = [...expected].sort()
        assert.deepEqual(byPath(await tx((r) => r.listUsers(A, prefix))), want, `users ${prefix}`)
        assert.deepEqual(byPath(await tx((r) => r.listGroups(A, prefix))), want, `groups ${prefix}`)
        assert.deepEqual(byPath(await tx((r) => r.listRoles(A, prefix))), want, `roles ${prefix}`)
        assert.deepEqual(
          byPath(await tx((r) => r.listPolicies(A, prefix))),
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
        await r.insertUser(u)
        await r.insertGroup(g)
        await r.addUserToGroup(g.groupId, u.userId)
        await r.insertAccessKey(key)
        await r.attachPolicy({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyArn: managed,
        })
        await r.putInlinePolicy({
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
      await tx((r) => r.updateUser(renamed))
      assert.equal(await tx((r) => r.getUserByName(A, 'old-name')), undefined)
      assert.deepEqual(await tx((r) => r.getUserByName(A, 'new-name')), renamed)
      assert.deepEqual(await tx((r) => r.listGroupsForUser(u.userId)), [g])
      assert.deepEqual(await tx((r) => r.listUsersInGroup(g.groupId)), [renamed])
      assert.deepEqual(await tx((r) => r.listAccessKeys(u.userId)), [key])
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('user', u.userId)), [managed])
      assert.equal((await tx((r) => r.listInlinePolicies('user', u.userId))).length, 1)
      assert.deepEqual(await tx((r) => r.listEntitiesForPolicy(A, managed)), [
        { entityType: 'user', entityId: u.userId, entityName: 'New-Name' },
      ])
      // Clearing the boundary and tags writes null and [].
      await tx((r) => r.updateUser({ ...renamed, permissionsBoundaryArn: null, tags: [] }))
      const cleared = await tx((r) => r.getUserById(u.userId))
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
        await r.insertUser(a)
        await r.insertUser(b)
      })
      await rejectsWith(
        tx((r) => r.updateUser({ ...b, userName: 'ALPHA' })),
        StoreConflictError,
      )
      assert.deepEqual(await tx((r) => r.getUserById(b.userId)), b)
    }),
  )

  test(
    'deleting a user that still has relations is refused; without them it goes',
    withStore(async (_s, tx) => {
      const u = user()
      const key = accessKey(u.userId)
      await tx(async (r) => {
        await r.insertUser(u)
        await r.insertAccessKey(key)
      })
      await rejectsWith(
        tx((r) => r.deleteUser(u.userId)),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.getUserById(u.userId)), u)
      await tx(async (r) => {
        await r.deleteAccessKey(key.accessKeyId)
        await r.deleteUser(u.userId)
      })
      assert.equal(await tx((r) => r.getUserById(u.userId)), undefined)
      assert.equal(await tx((r) => r.getUserByName(A, u.userName)), undefined)
      // The name is free again.
      await tx((r) => r.insertUser(user({ userName: u.userName })))
    }),
  )

  // groups

  test(
    'groups round-trip, match names without case, list, update and delete',
    withStore(async (_s, tx) => {
      const g = group({ groupName: 'Admins', path: '/ops/', createDate: T2 })
      await tx(async (r) => {
        await r.insertGroup(g)
        await r.insertGroup(group({ groupName: 'developers' }))
        await r.insertGroup(group({ groupName: 'Billing' }))
        await r.insertGroup(group({ groupName: 'other', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.getGroupByName(A, 'ADMINS')), g)
      assert.equal(await tx((r) => r.getGroupByName(B, 'admins')), undefined)
      assert.deepEqual(
        (await tx((r) => r.listGroups(A))).map((x) => x.groupName),
        ['Admins', 'Billing', 'developers'],
      )
      await rejectsWith(
        tx((r) => r.insertGroup(group({ groupName: 'admins' }))),
        StoreConflictError,
      )
      const renamed = {
        ...g,
        groupName: 'Operators',
        path: '/',
        arn: `arn:aws:iam::${A}:group/Operators`,
      }
      await tx((r) => r.updateGroup(renamed))
      assert.deepEqual(await tx((r) => r.getGroupByName(A, 'operators')), renamed)
      assert.equal(await tx((r) => r.getGroupByName(A, 'admins')), undefined)
      await rejectsWith(
        tx((r) => r.updateGroup({ ...renamed, groupName: 'BILLING' })),
        StoreConflictError,
      )
      await tx((r) => r.deleteGroup(g.groupId))
      assert.equal(await tx((r) => r.getGroupByName(A, 'operators')), undefined)
    }),
  )

  test(
    'group membership: add is idempotent, lists sort by name, remove and refusals',
    withStore(async (_s, tx) => {
      const users = ['zed', 'Amy', 'mike'].map((userName) => user({ userName }))
      const groups = ['Zoo', 'alpha', 'Mid'].map((groupName) => group({ groupName }))
      await tx(async (r) => {
        for (const u of users) await r.insertUser(u)
        for (const g of groups) await r.insertGroup(g)
        for (const g of groups) await r.addUserToGroup(g.groupId, users[0]!.userId)
        for (const u of users) await r.addUserToGroup(groups[0]!.groupId, u.userId)
        await r.addUserToGroup(groups[0]!.groupId, users[0]!.userId)
      })
      assert.deepEqual(
        (await tx((r) => r.listGroupsForUser(users[0]!.userId))).map((g) => g.groupName),
        ['alpha', 'Mid', 'Zoo'],
      )
      assert.deepEqual(
        (await tx((r) => r.listUsersInGroup(groups[0]!.groupId))).map((u) => u.userName),
        ['Amy', 'mike', 'zed'],
      )
      assert.deepEqual(await tx((r) => r.listGroupsForUser(users[1]!.userId)), [groups[0]])
      await tx((r) => r.removeUserFromGroup(groups[0]!.groupId, users[0]!.userId))
      assert.deepEqual(
        (await tx((r) => r.listUsersInGroup(groups[0]!.groupId))).map((u) => u.userName),
        ['Amy', 'mike'],
      )
      assert.deepEqual(
        (await tx((r) => r.listGroupsForUser(users[0]!.userId))).map((g) => g.groupName),
        ['alpha', 'Mid'],
      )
      await rejectsWith(
        tx((r) => r.addUserToGroup(groups[1]!.groupId, 'AIDANOSUCHUSER')),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.addUserToGroup('AGPANOSUCHGROUP', users[1]!.userId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.deleteGroup(groups[0]!.groupId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.deleteUser(users[1]!.userId)),
        StoreReferenceError,
      )
      assert.equal((await tx((r) => r.listUsersInGroup(groups[0]!.groupId))).length, 2)
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
        await r.insertRole(plain)
        await r.insertRole(full)
      })
      assert.deepEqual(await tx((r) => r.getRoleById(plain.roleId)), plain)
      assert.deepEqual(await tx((r) => r.getRoleById(full.roleId)), full)
      assert.deepEqual(await tx((r) => r.getRoleByName(A, 'full-role')), full)
      assert.equal(await tx((r) => r.getRoleByName(A, 'nope')), undefined)
      assert.equal(await tx((r) => r.getRoleById('AROANOSUCHROLE')), undefined)
      // An empty description is not the same as none.
      const empty = role({ roleName: 'empty', description: '' })
      await tx((r) => r.insertRole(empty))
      assert.equal((await tx((r) => r.getRoleById(empty.roleId)))?.description, '')
    }),
  )

  test(
    'roles: unique names without case, sorted lists, update and delete',
    withStore(async (_s, tx) => {
      const r1 = role({ roleName: 'Deployer' })
      await tx(async (r) => {
        await r.insertRole(r1)
        await r.insertRole(role({ roleName: 'admin' }))
        await r.insertRole(role({ roleName: 'Cache' }))
        await r.insertRole(role({ roleName: 'deployer', accountId: B }))
      })
      await rejectsWith(
        tx((r) => r.insertRole(role({ roleName: 'DEPLOYER' }))),
        StoreConflictError,
      )
      assert.deepEqual(
        (await tx((r) => r.listRoles(A))).map((x) => x.roleName),
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
      await tx((r) => r.updateRole(updated))
      assert.deepEqual(await tx((r) => r.getRoleById(r1.roleId)), updated)
      await tx((r) =>
        r.updateRole({
          ...updated,
          description: null,
          lastUsed: null,
          permissionsBoundaryArn: null,
        }),
      )
      const back = await tx((r) => r.getRoleById(r1.roleId))
      assert.equal(back?.description, null)
      assert.equal(back?.lastUsed, null)
      assert.equal(back?.permissionsBoundaryArn, null)
      await tx((r) => r.deleteRole(r1.roleId))
      assert.equal(await tx((r) => r.getRoleById(r1.roleId)), undefined)
      assert.equal((await tx((r) => r.listRoles(B))).length, 1)
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
        await r.insertUser(u)
        await r.insertUser(other)
        await r.insertAccessKey(newer)
        await r.insertAccessKey(older)
        await r.insertAccessKey(accessKey(other.userId))
      })
      assert.deepEqual(await tx((r) => r.getAccessKey(older.accessKeyId)), older)
      assert.deepEqual(await tx((r) => r.getAccessKey(newer.accessKeyId)), newer)
      assert.equal(await tx((r) => r.getAccessKey('AKIANOSUCHKEY')), undefined)
      assert.deepEqual(await tx((r) => r.listAccessKeys(u.userId)), [older, newer])
      const used: AccessKeyRecord = {
        ...older,
        status: 'Inactive',
        lastUsed: { date: T2, serviceName: 'iam', region: 'us-east-1' },
      }
      await tx((r) => r.updateAccessKey(used))
      assert.deepEqual(await tx((r) => r.getAccessKey(older.accessKeyId)), used)
      await tx((r) => r.updateAccessKey({ ...used, status: 'Active', lastUsed: null }))
      assert.deepEqual(await tx((r) => r.getAccessKey(older.accessKeyId)), {
        ...used,
        status: 'Active',
        lastUsed: null,
      })
      await rejectsWith(
        tx((r) => r.insertAccessKey({ ...older, status: 'Active' })),
        StoreConflictError,
      )
      await rejectsWith(
        tx((r) => r.insertAccessKey(accessKey('AIDANOSUCHUSER'))),
        StoreReferenceError,
      )
      await tx((r) => r.deleteAccessKey(older.accessKeyId))
      assert.deepEqual(await tx((r) => r.listAccessKeys(u.userId)), [newer])
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
        await r.insertPolicy(p)
        await r.insertPolicy(policy({ policyName: 'admin' }))
        await r.insertPolicy(policy({ policyName: 'Zed' }))
        await r.insertPolicy(policy({ policyName: 's3reader', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.getPolicy(p.arn)), p)
      assert.equal(await tx((r) => r.getPolicy(`arn:aws:iam::${A}:policy/none`)), undefined)
      assert.deepEqual(
        (await tx((r) => r.listPolicies(A))).map((x) => x.policyName),
        ['admin', 'S3Reader', 'Zed'],
      )
      await rejectsWith(
        tx((r) => r.insertPolicy(policy({ policyName: 's3READER' }))),
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
      await tx((r) => r.updatePolicy(updated))
      assert.deepEqual(await tx((r) => r.getPolicy(p.arn)), updated)
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
        await r.insertPolicy(p)
        for (const v of [versions[3]!, versions[2]!, versions[0]!, versions[1]!])
          await r.insertPolicyVersion(v)
      })
      assert.deepEqual(await tx((r) => r.listPolicyVersions(p.arn)), versions)
      assert.deepEqual(await tx((r) => r.getPolicyVersion(p.arn, 'v10')), versions[2])
      assert.equal(await tx((r) => r.getPolicyVersion(p.arn, 'v3')), undefined)
      await rejectsWith(
        tx((r) => r.insertPolicyVersion(version(p, 'v2'))),
        StoreConflictError,
      )
      await rejectsWith(
        tx((r) => r.insertPolicyVersion(version(policy(), 'v1'))),
        StoreReferenceError,
      )
      await tx((r) => r.deletePolicyVersion(p.arn, 'v2'))
      assert.deepEqual(
        (await tx((r) => r.listPolicyVersions(p.arn))).map((v) => v.versionId),
        ['v1', 'v10', 'v11'],
      )
      await tx((r) => r.deletePolicy(p.arn))
      assert.equal(await tx((r) => r.getPolicy(p.arn)), undefined)
      assert.deepEqual(await tx((r) => r.listPolicyVersions(p.arn)), [])
      // A policy of the same name can be made again, with fresh versions.
      const again = policy({ policyName: p.policyName })
      await tx(async (r) => {
        await r.insertPolicy(again)
        await r.insertPolicyVersion(version(again, 'v1'))
      })
      assert.equal((await tx((r) => r.listPolicyVersions(again.arn))).length, 1)
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
        await r.insertRole(r1)
        for (const policyArn of arns)
          await r.attachPolicy({ accountId: A, entityType: 'role', entityId: r1.roleId, policyArn })
        await r.attachPolicy({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        })
      })
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('role', r1.roleId)), arns)
      await tx((r) =>
        r.detachPolicy({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        }),
      )
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('role', r1.roleId)), arns.slice(1))
      // Attaching again after detaching puts it last.
      await tx((r) =>
        r.attachPolicy({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyArn: arns[0]!,
        }),
      )
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('role', r1.roleId)), [
        arns[1],
        arns[2],
        arns[0],
      ])
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('user', r1.roleId)), [])
      assert.deepEqual(await tx((r) => r.listAttachedPolicies('role', 'AROANOSUCHROLE')), [])
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
        for (const u of users) await r.insertUser(u)
        await r.insertGroup(g)
        for (const x of [...roles, foreign]) await r.insertRole(x)
        await r.attachPolicy({
          accountId: A,
          entityType: 'role',
          entityId: roles[0]!.roleId,
          policyArn: arn,
        })
        await r.attachPolicy({
          accountId: A,
          entityType: 'user',
          entityId: users[0]!.userId,
          policyArn: arn,
        })
        await r.attachPolicy({
          accountId: A,
          entityType: 'group',
          entityId: g.groupId,
          policyArn: arn,
        })
        await r.attachPolicy({
          accountId: A,
          entityType: 'role',
          entityId: roles[1]!.roleId,
          policyArn: arn,
        })
        await r.attachPolicy({
          accountId: A,
          entityType: 'user',
          entityId: users[1]!.userId,
          policyArn: arn,
        })
        await r.attachPolicy({
          accountId: A,
          entityType: 'user',
          entityId: users[1]!.userId,
          policyArn: elsewhere,
        })
        await r.attachPolicy({
          accountId: B,
          entityType: 'role',
          entityId: foreign.roleId,
          policyArn: arn,
        })
      })
      assert.deepEqual(await tx((r) => r.listEntitiesForPolicy(A, arn)), [
        { entityType: 'user', entityId: users[1]!.userId, entityName: 'Adam' },
        { entityType: 'user', entityId: users[0]!.userId, entityName: 'zoe' },
        { entityType: 'group', entityId: g.groupId, entityName: 'Readers' },
        { entityType: 'role', entityId: roles[1]!.roleId, entityName: 'Auditor' },
        { entityType: 'role', entityId: roles[0]!.roleId, entityName: 'reader' },
      ])
      assert.deepEqual(await tx((r) => r.listEntitiesForPolicy(B, arn)), [
        { entityType: 'role', entityId: foreign.roleId, entityName: 'foreign' },
      ])
      assert.equal(await tx((r) => r.countAttachments(A, arn)), 5)
      assert.equal(await tx((r) => r.countAttachments(B, arn)), 1)
      assert.equal(await tx((r) => r.countAttachments(A, 'arn:aws:iam::aws:policy/Unused')), 0)
      assert.deepEqual(
        await tx((r) => r.listEntitiesForPolicy(A, 'arn:aws:iam::aws:policy/Unused')),
        [],
      )
      // A permissions boundary is not an attachment.
      await tx((r) => r.insertUser(user({ permissionsBoundaryArn: arn })))
      assert.equal(await tx((r) => r.countAttachments(A, arn)), 5)
      assert.deepEqual(await tx((r) => r.listAttachments(B)), [
        { accountId: B, entityType: 'role', entityId: foreign.roleId, policyArn: arn },
      ])
      const all = await tx((r) => r.listAttachments(A))
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
      await tx((r) => r.insertUser(u))
      await rejectsWith(
        tx((r) =>
          r.attachPolicy({
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
          r.attachPolicy({ accountId: A, entityType: 'group', entityId: u.userId, policyArn: arn }),
        ),
        StoreReferenceError,
      )
      await tx((r) =>
        r.attachPolicy({ accountId: A, entityType: 'user', entityId: u.userId, policyArn: arn }),
      )
      await rejectsWith(
        tx((r) => r.deleteUser(u.userId)),
        StoreReferenceError,
      )
      await tx(async (r) => {
        await r.detachPolicy({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyArn: arn,
        })
        await r.deleteUser(u.userId)
      })
      assert.equal(await tx((r) => r.getUserById(u.userId)), undefined)
    }),
  )

  // inline policies

  test(
    'inline policies: upsert, names without case, sorted per entity',
    withStore(async (_s, tx) => {
      const u = user()
      const r1 = role()
      await tx(async (r) => {
        await r.insertUser(u)
        await r.insertRole(r1)
        for (const policyName of ['Zeta', 'alpha', 'Mid']) {
          await r.putInlinePolicy({
            accountId: A,
            entityType: 'user',
            entityId: u.userId,
            policyName,
            document: document(`s3:${policyName}`),
          })
        }
        await r.putInlinePolicy({
          accountId: A,
          entityType: 'role',
          entityId: r1.roleId,
          policyName: 'alpha',
          document: document('ec2:*'),
        })
      })
      assert.deepEqual(
        (await tx((r) => r.listInlinePolicies('user', u.userId))).map((p) => p.policyName),
        ['alpha', 'Mid', 'Zeta'],
      )
      assert.deepEqual(await tx((r) => r.getInlinePolicy('user', u.userId, 'ALPHA')), {
        accountId: A,
        entityType: 'user',
        entityId: u.userId,
        policyName: 'alpha',
        document: document('s3:alpha'),
      })
      assert.deepEqual(await tx((r) => r.listInlinePolicies('role', r1.roleId)), [
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
        r.putInlinePolicy({
          accountId: A,
          entityType: 'user',
          entityId: u.userId,
          policyName: 'Alpha',
          document: replaced,
        }),
      )
      const list = await tx((r) => r.listInlinePolicies('user', u.userId))
      assert.equal(list.length, 3)
      assert.deepEqual(list[0], {
        accountId: A,
        entityType: 'user',
        entityId: u.userId,
        policyName: 'Alpha',
        document: replaced,
      })
      assert.equal(
        (await tx((r) => r.getInlinePolicy('role', r1.roleId, 'alpha')))?.document,
        document('ec2:*'),
      )
      await tx((r) => r.deleteInlinePolicy('user', u.userId, 'ZETA'))
      assert.equal(await tx((r) => r.getInlinePolicy('user', u.userId, 'zeta')), undefined)
      assert.equal((await tx((r) => r.listInlinePolicies('user', u.userId))).length, 2)
      await rejectsWith(
        tx((r) => r.deleteRole(r1.roleId)),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) =>
          r.putInlinePolicy({
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
        await r.insertOidcProvider(full)
        await r.insertOidcProvider(empty)
        await r.insertOidcProvider(theirs)
      })
      // By URL, across accounts, exactly as registered.
      assert.deepEqual(await tx((r) => r.listOidcProvidersByUrl(full.url)), [full, theirs])
      assert.deepEqual(await tx((r) => r.listOidcProvidersByUrl(`${full.url}/`)), [])
      assert.deepEqual(await tx((r) => r.listOidcProvidersByUrl(full.url.toUpperCase())), [])
      assert.deepEqual(await tx((r) => r.getOidcProvider(full.arn)), full)
      assert.deepEqual(await tx((r) => r.getOidcProvider(empty.arn)), empty)
      assert.equal(
        await tx((r) => r.getOidcProvider(`arn:aws:iam::${A}:oidc-provider/none`)),
        undefined,
      )
      assert.deepEqual(await tx((r) => r.listOidcProviders(A)), [empty, full])
      await rejectsWith(
        tx((r) => r.insertOidcProvider(oidc({ url: full.url }))),
        StoreConflictError,
      )
      const updated = { ...full, clientIds: ['z', 'a'], thumbprints: [], tags: [] }
      await tx((r) => r.updateOidcProvider(updated))
      assert.deepEqual(await tx((r) => r.getOidcProvider(full.arn)), updated)
      await tx((r) => r.deleteOidcProvider(full.arn))
      assert.deepEqual(await tx((r) => r.listOidcProviders(A)), [empty])
      assert.equal((await tx((r) => r.listOidcProviders(B))).length, 1)
    }),
  )

  test(
    'SAML providers round-trip, list by name, update, delete and refuse duplicates',
    withStore(async (_s, tx) => {
      const okta = saml({ name: 'Okta', tags: unicodeTags, certificates: ['cert-b', 'cert-a'] })
      const adfs = saml({ name: 'adfs', certificates: [], validUntil: T3 })
      await tx(async (r) => {
        await r.insertSamlProvider(okta)
        await r.insertSamlProvider(adfs)
        await r.insertSamlProvider(saml({ name: 'Okta', accountId: B }))
      })
      assert.deepEqual(await tx((r) => r.getSamlProvider(okta.arn)), okta)
      assert.deepEqual(await tx((r) => r.listSamlProviders(A)), [adfs, okta])
      assert.equal(
        await tx((r) => r.getSamlProvider(`arn:aws:iam::${A}:saml-provider/none`)),
        undefined,
      )
      await rejectsWith(
        tx((r) => r.insertSamlProvider(saml({ name: 'OKTA' }))),
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
      await tx((r) => r.updateSamlProvider(updated))
      assert.deepEqual(await tx((r) => r.getSamlProvider(okta.arn)), updated)
      await tx((r) => r.deleteSamlProvider(okta.arn))
      assert.deepEqual(await tx((r) => r.listSamlProviders(A)), [adfs])
    }),
  )

  // transactions

  test(
    'a transaction that throws after several writes writes nothing',
    withStore(async (store, tx) => {
      const existing = user({ userName: 'existing' })
      await tx((r) => r.insertUser(existing))
      const generation = store.generation
      const failure = new Error('boom')
      const u = user({ userName: 'ghost' })
      const p = policy()
      await assert.rejects(
        tx(async (r) => {
          await r.insertAccount({ accountId: A, createDate: T1 })
          await r.insertUser(u)
          await r.insertAccessKey(accessKey(u.userId))
          await r.insertPolicy(p)
          await r.insertPolicyVersion(version(p, 'v1'))
          await r.updateUser({ ...existing, userName: 'renamed' })
          await r.insertOidcProvider(oidc())
          throw failure
        }),
        (error) => error === failure,
      )
      assert.equal(store.generation, generation)
      assert.equal(await tx((r) => r.getAccount(A)), undefined)
      assert.deepEqual(await tx((r) => r.listUsers(A)), [existing])
      assert.equal(await tx((r) => r.getPolicy(p.arn)), undefined)
      assert.deepEqual(await tx((r) => r.listOidcProviders(A)), [])
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
        for (const k of [old, tieLow, middle, tieHigh]) await r.insertSessionKey(k)
      })
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [tieHigh, tieLow, middle, old])
      await rejectsWith(
        tx((r) => r.insertSessionKey(sessionKey({ keyId: 'sk-a', secret: 'other' }))),
        StoreConflictError,
      )
      // Key ids match exactly: another case is another key, and ties sort bytewise ('s' > 'S').
      const upper = sessionKey({ keyId: 'SK-A', createDate: T1 })
      await tx((r) => r.insertSessionKey(upper))
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [tieHigh, tieLow, middle, old, upper])
    }),
  )

  test(
    'updating a session key retires it and changes nothing else; delete removes one key',
    withStore(async (_s, tx) => {
      const sealing = sessionKey({ createDate: T2 })
      const other = sessionKey({ createDate: T1 })
      await tx(async (r) => {
        await r.insertSessionKey(sealing)
        await r.insertSessionKey(other)
      })
      await tx((r) =>
        r.updateSessionKey({ ...sealing, retireDate: T3, secret: 'changed', createDate: T3 }),
      )
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [
        { ...sealing, retireDate: T3 },
        other,
      ])
      await tx((r) => r.updateSessionKey({ ...sealing, retireDate: null }))
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [sealing, other])
      // Updating or deleting a key that is not there changes nothing.
      await tx((r) => r.updateSessionKey(sessionKey({ retireDate: T3 })))
      await tx((r) => r.deleteSessionKey('sk-none'))
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [sealing, other])
      await tx((r) => r.deleteSessionKey(sealing.keyId))
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [other])
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
        for (const i of [team, lower, alpha, zed, elsewhere]) await r.insertIssuer(i)
      })
      assert.deepEqual(await tx((r) => r.getIssuer(A, 'Team')), team)
      assert.deepEqual(await tx((r) => r.getIssuer(A, 'team')), lower)
      assert.equal(await tx((r) => r.getIssuer(A, 'TEAM')), undefined)
      // Another account's issuer is not found under this one's id.
      assert.equal(await tx((r) => r.getIssuer(A, 'beta')), undefined)
      assert.equal(await tx((r) => r.getIssuer(B, 'Team')), undefined)
      assert.deepEqual(await tx((r) => r.listIssuers(A)), [team, zed, alpha, lower])
      assert.deepEqual(await tx((r) => r.listIssuers(B)), [elsewhere])
      // A name is unique within its account.
      await rejectsWith(
        tx((r) => r.insertIssuer(issuer({ name: 'Team', createDate: T3 }))),
        StoreConflictError,
      )
      // The same name in another account is another issuer.
      const theirs = issuer({ name: 'Team', accountId: B })
      await tx((r) => r.insertIssuer(theirs))
      assert.deepEqual(await tx((r) => r.getIssuer(B, 'Team')), theirs)
      assert.deepEqual(await tx((r) => r.getIssuer(A, 'Team')), team)
      await tx((r) => r.deleteIssuer(A, 'Team'))
      assert.equal(await tx((r) => r.getIssuer(A, 'Team')), undefined)
      assert.deepEqual(await tx((r) => r.getIssuer(A, 'team')), lower)
      assert.deepEqual(await tx((r) => r.getIssuer(B, 'Team')), theirs)
      assert.deepEqual(
        (await tx((r) => r.listIssuers(B))).map((i) => i.name),
        ['Team', 'beta'],
      )
    }),
  )

  test(
    'issuer keys round-trip, list newest first per issuer and are unique per issuer and kid',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.insertIssuer(issuer({ name: 'one' }))
        await r.insertIssuer(issuer({ name: 'two' }))
        await r.insertIssuer(issuer({ name: 'one', accountId: B }))
      })
      const retired = issuerKey('one', { kid: 'k2', createDate: T1, retireDate: T3 })
      const tieLow = issuerKey('one', { kid: 'k1', createDate: T2, algorithm: 'ES256' })
      const tieHigh = issuerKey('one', { kid: 'k3', createDate: T2 })
      const sameKid = issuerKey('two', { kid: 'k1', createDate: T3 })
      const otherAccount = issuerKey('one', { kid: 'k1', accountId: B })
      await tx(async (r) => {
        for (const k of [retired, tieLow, tieHigh, sameKid, otherAccount]) {
          await r.insertIssuerKey(k)
        }
      })
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [tieHigh, tieLow, retired])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'two')), [sameKid])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(B, 'one')), [otherAccount])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'One')), [])
      await rejectsWith(
        tx((r) => r.insertIssuerKey(issuerKey('one', { kid: 'k1', createDate: T3 }))),
        StoreConflictError,
      )
      // A key needs its issuer, in its own account.
      await rejectsWith(
        tx((r) => r.insertIssuerKey(issuerKey('nobody'))),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.insertIssuerKey(issuerKey('ONE'))),
        StoreReferenceError,
      )
      await rejectsWith(
        tx((r) => r.insertIssuerKey(issuerKey('two', { accountId: B }))),
        StoreReferenceError,
      )
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'nobody')), [])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [tieHigh, tieLow, retired])
    }),
  )

  test(
    'updating an issuer key retires it only; deleting a key or its issuer removes it',
    withStore(async (_s, tx) => {
      await tx(async (r) => {
        await r.insertIssuer(issuer({ name: 'one' }))
        await r.insertIssuer(issuer({ name: 'two' }))
        await r.insertIssuer(issuer({ name: 'one', accountId: B }))
      })
      const a = issuerKey('one', { createDate: T2 })
      const b = issuerKey('one', { createDate: T1 })
      const c = issuerKey('two', { kid: a.kid })
      const d = issuerKey('one', { kid: a.kid, accountId: B })
      await tx(async (r) => {
        for (const k of [a, b, c, d]) await r.insertIssuerKey(k)
      })
      await tx((r) =>
        r.updateIssuerKey({ ...a, retireDate: T3, privateJwk: '{}', algorithm: 'none' }),
      )
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [{ ...a, retireDate: T3 }, b])
      // The same kid under the other issuers is untouched.
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'two')), [c])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(B, 'one')), [d])
      await tx((r) => r.deleteIssuerKey(A, 'two', b.kid))
      await tx((r) => r.deleteIssuerKey(B, 'one', b.kid))
      await tx((r) => r.deleteIssuerKey(A, 'one', b.kid))
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [{ ...a, retireDate: T3 }])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'two')), [c])
      await tx((r) => r.deleteIssuer(A, 'one'))
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'two')), [c])
      assert.deepEqual(await tx((r) => r.listIssuerKeys(B, 'one')), [d])
      // A new issuer of the same name starts with no keys and can reuse the kid.
      await tx(async (r) => {
        await r.insertIssuer(issuer({ name: 'one' }))
        await r.insertIssuerKey(a)
      })
      assert.deepEqual(await tx((r) => r.listIssuerKeys(A, 'one')), [a])
    }),
  )

  test(
    'keyring and issuer writes roll back whole and bump the generation on commit',
    withStore(async (store, tx) => {
      const kept = sessionKey()
      await tx(async (r) => {
        await r.insertSessionKey(kept)
        await r.insertIssuer(issuer({ name: 'kept' }))
        await r.insertIssuerKey(issuerKey('kept', { kid: 'k1' }))
      })
      const start = store.generation
      await assert.rejects(
        tx(async (r) => {
          await r.insertSessionKey(sessionKey())
          await r.updateSessionKey({ ...kept, retireDate: T3 })
          await r.insertIssuer(issuer({ name: 'gone' }))
          await r.insertIssuerKey(issuerKey('gone'))
          await r.updateIssuerKey(issuerKey('kept', { kid: 'k1', retireDate: T3 }))
          await r.deleteIssuerKey(A, 'kept', 'k1')
          await r.deleteIssuer(A, 'kept')
          throw new Error('undo')
        }),
        /undo/,
      )
      assert.equal(store.generation, start)
      assert.deepEqual(await tx((r) => r.listSessionKeys()), [kept])
      assert.equal(await tx((r) => r.getIssuer(A, 'gone')), undefined)
      assert.deepEqual(
        (await tx((r) => r.listIssuers(A))).map((i) => i.name),
        ['kept'],
      )
      assert.deepEqual(
        (await tx((r) => r.listIssuerKeys(A, 'kept'))).map((k) => [k.kid, k.retireDate]),
        [['k1', null]],
      )
      for (const write of [
        (r: IamRepository) => r.insertSessionKey(sessionKey()),
        (r: IamRepository) => r.updateSessionKey({ ...kept, retireDate: T2 }),
        (r: IamRepository) => r.deleteSessionKey('sk-none'),
        (r: IamRepository) => r.insertIssuer(issuer()),
        (r: IamRepository) => r.deleteIssuer(A, 'none'),
        (r: IamRepository) => r.insertIssuerKey(issuerKey('kept')),
        (r: IamRepository) => r.updateIssuerKey(issuerKey('kept', { kid: 'k1' })),
        (r: IamRepository) => r.deleteIssuerKey(A, 'kept', 'none'),
      ]) {
        const before = store.generation
        await tx(write)
        assert.equal(store.generation, before + 1)
      }
      const before = store.generation
      await tx(async (r) => {
        await r.listSessionKeys()
        await r.getIssuer(A, 'kept')
        await r.listIssuers(A)
        await r.listIssuerKeys(A, 'kept')
      })
      assert.equal(store.generation, before)
    }),
  )

  test(
    'a caught issuer-key conflict leaves the transaction usable',
    withStore(async (_s, tx) => {
      const outcome = await tx(async (r) => {
        await r.insertIssuer(issuer({ name: 'one' }))
        await r.insertIssuerKey(issuerKey('one', { kid: 'k1' }))
        const clash = await r.insertIssuerKey(issuerKey('one', { kid: 'k1' })).then(
          () => 'inserted',
          (error: unknown) =>
            error instanceof StoreConflictError ? 'conflict' : `other: ${String(error)}`,
        )
        await r.insertIssuerKey(issuerKey('one', { kid: 'k2' }))
        return clash
      })
      assert.equal(outcome, 'conflict')
      assert.deepEqual((await tx((r) => r.listIssuerKeys(A, 'one'))).map((k) => k.kid).sort(), [
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
        await r.insertUser(first)
        const clash = await r.insertUser(user({ userName: 'TAKEN' })).then(
          () => 'inserted',
          (error: unknown) =>
            error instanceof StoreConflictError ? 'conflict' : `other: ${String(error)}`,
        )
        await r.insertUser(third)
        return clash
      })
      assert.equal(outcome, 'conflict')
      assert.deepEqual(
        (await tx((r) => r.listUsers(A))).map((u) => u.userName),
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
        await r.insertUser(u)
        await r.insertAccessKey(k1)
        await r.insertAccessKey(k2)
        await r.insertRole(r1)
        await r.insertRole(r2)
      })
      const start = store.generation
      const keyOf = (id: string) => tx((r) => r.getAccessKey(id))
      const roleOf = (id: string) => tx((r) => r.getRoleById(id))

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
        await r.insertUser(u)
        await r.insertAccessKey(k)
        await r.insertRole(r1)
      })
      const rewrite = store.transaction(async (r) => {
        const readKey = await r.getAccessKey(k.accessKeyId)
        const readRole = await r.getRoleById(r1.roleId)
        await new Promise((resolve) => setTimeout(resolve, 30))
        await r.updateAccessKey({ ...readKey!, status: 'Inactive' })
        await r.updateRole({ ...readRole!, description: 'rewritten' })
      })
      await new Promise((resolve) => setTimeout(resolve, 5))
      const recorded = store.recordUse({
        accessKeys: [{ accessKeyId: k.accessKeyId, date: T2, serviceName: 'iam', region: 'x-1' }],
        roles: [{ roleId: r1.roleId, date: T2, region: 'x-1' }],
      })
      await Promise.all([rewrite, recorded])
      assert.deepEqual(await tx((r) => r.getAccessKey(k.accessKeyId)), {
        ...k,
        status: 'Inactive',
        lastUsed: { date: T2, serviceName: 'iam', region: 'x-1' },
      })
      assert.deepEqual(await tx((r) => r.getRoleById(r1.roleId)), {
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
      await tx((r) => r.listUsers(A))
      assert.equal(store.generation, start)
      await tx((r) => r.insertUser(user()))
      assert.equal(store.generation, start + 1)
      // A write that matched nothing was still a write call.
      await tx((r) => r.deleteUser('AIDANOSUCHUSER'))
      assert.equal(store.generation, start + 2)
      await assert.rejects(
        tx(async (r) => {
          await r.insertUser(user())
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
          await r.insertAccount({ accountId: A, createDate: T1 })
          await r.insertAccountAlias(A, 'corp')
          await r.insertUser(u)
          await r.insertGroup(g)
          await r.addUserToGroup(g.groupId, u.userId)
          await r.insertRole(r1)
          await r.insertAccessKey(accessKey(u.userId, { accessKeyId: 'AKIAWIPETEST00000001' }))
          await r.insertPolicy(p)
          await r.insertPolicyVersion(version(p, 'v1'))
          await r.attachPolicy({
            accountId: A,
            entityType: 'role',
            entityId: r1.roleId,
            policyArn: p.arn,
          })
          await r.putInlinePolicy({
            accountId: A,
            entityType: 'group',
            entityId: g.groupId,
            policyName: 'x',
            document: '{}',
          })
          await r.insertOidcProvider(oidc({ url: 'wipe.example.com' }))
          await r.insertSamlProvider(saml({ name: 'wipe' }))
          await r.insertSessionKey(sessionKey({ keyId: 'sk-wipe' }))
          await r.insertIssuer(issuer({ name: 'wipe' }))
          await r.insertIssuerKey(issuerKey('wipe', { kid: 'wipe-1' }))
        })
      await seed()
      await store.wipe()
      await tx(async (r) => {
        assert.equal(await r.getAccount(A), undefined)
        assert.deepEqual(await r.listAccountAliases(A), [])
        assert.deepEqual(await r.listUsers(A), [])
        assert.deepEqual(await r.listGroups(A), [])
        assert.deepEqual(await r.listRoles(A), [])
        assert.equal(await r.getAccessKey('AKIAWIPETEST00000001'), undefined)
        assert.deepEqual(await r.listPolicies(A), [])
        assert.deepEqual(await r.listPolicyVersions(p.arn), [])
        assert.deepEqual(await r.listAttachments(A), [])
        assert.deepEqual(await r.listInlinePolicies('group', g.groupId), [])
        assert.deepEqual(await r.listOidcProviders(A), [])
        assert.deepEqual(await r.listSamlProviders(A), [])
        // The keyring goes too: a reset bootstraps a new one, and old session tokens stop opening.
        assert.deepEqual(await r.listSessionKeys(), [])
        assert.equal(await r.getIssuer(A, 'wipe'), undefined)
        assert.deepEqual(await r.listIssuerKeys(A, 'wipe'), [])
      })
      // Same keys again: nothing of the old rows is left to clash with.
      await seed()
      assert.equal((await tx((r) => r.listUsers(A))).length, 1)
    }),
  )

  test(
    'concurrent transactions do not interleave',
    withStore(async (store, tx) => {
      const p = policy({ nextVersionNumber: 1 })
      await tx((r) => r.insertPolicy(p))
      // Each reads the counter, yields, then writes it plus one: interleaving would lose updates.
      const n = 12
      await Promise.all(
        Array.from({ length: n }, () =>
          store.transaction(async (r) => {
            const current = await r.getPolicy(p.arn)
            await new Promise((resolve) => setTimeout(resolve, 1))
            await r.updatePolicy({ ...current!, nextVersionNumber: current!.nextVersionNumber + 1 })
            await r.insertPolicyVersion(version(p, `v${current!.nextVersionNumber}`))
          }),
        ),
      )
      assert.equal((await tx((r) => r.getPolicy(p.arn)))?.nextVersionNumber, n + 1)
      assert.equal((await tx((r) => r.listPolicyVersions(p.arn))).length, n)
    }),
  )

  test(
    'a repository cannot be used after its transaction or nested in another',
    withStore(async (store, tx) => {
      let leaked: IamRepository | undefined
      await tx(async (r) => {
        leaked = r
      })
      await assert.rejects(leaked!.listUsers(A), /after its transaction ended/)
      await assert.rejects(leaked!.insertUser(user()), /after its transaction ended/)
      await assert.rejects(
        tx(() => store.transaction((r) => r.listUsers(A))),
        /cannot be nested/,
      )
      assert.deepEqual(await tx((r) => r.listUsers(A)), [])
    }),
  )

  test(
    'calls not awaited by the work still finish inside the transaction',
    withStore(async (_s, tx) => {
      const users = [user(), user(), user()]
      await tx(async (r) => {
        for (const u of users) void r.insertUser(u)
      })
      assert.equal((await tx((r) => r.listUsers(A))).length, 3)
    }),
  )
}

/** Looks until `store` notices another process's write (NOTIFY arrives a little after commit). */
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
  await one.transaction((r) => r.insertAccount({ accountId: A, createDate: T1 }))
  assert.equal(one.generation, mine + 1)
  assert.equal(await noticedWithin(two, theirs, 5000), true, 'the other store notices the write')
  assert.equal(two.generation, theirs + 1)
  assert.equal(await noticedWithin(one, mine + 1, quiet), false, 'its own write is not noticed')

  mine = one.generation
  theirs = two.generation
  await one.transaction((r) => r.getAccount(A))
  assert.equal(await noticedWithin(two, theirs, quiet), false, 'a read is no change')

  await two.wipe()
  assert.equal(await noticedWithin(one, mine, 5000), true, 'a wipe is noticed')
  assert.equal(await one.transaction((r) => r.getAccount(A)), undefined)
}
