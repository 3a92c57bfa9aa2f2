// Lists that grow with the account page by name: ListUsers, ListGroups and ListRoles walk every
// entity once, in IAM's order, MaxItems at a time, and each page reads only that page (plus one
// row to know whether more follow) from the store, however many the account holds. ListPolicies
// pages AWS's catalogue and the account's own policies together.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { iamArn } from '../../src/core/arn.js'
import type { ResultObject } from '../../src/core/result.js'
import type { NamePage, Store } from '../../src/store/ports.js'
import type { Repositories } from '../../src/store/repositories.js'
import { ACCOUNT, rejectsWithAwsError, withHarness } from '../support/iam.js'
import type { IamHarness } from '../support/iam.js'

const T = new Date('2025-01-01T00:00:00Z')
const COUNT = 1234

/** Every page of `action` with `params`, MaxItems at a time: the items and the pages' sizes. */
async function walk(
  h: IamHarness,
  action: string,
  listName: string,
  params: Record<string, string>,
) {
  const items: ResultObject[] = []
  const sizes: number[] = []
  let marker: string | undefined
  for (;;) {
    const result = (await h.call(action, {
      ...params,
      ...(marker === undefined ? {} : { Marker: marker }),
    })) as ResultObject
    const page = result[listName] as ResultObject[]
    items.push(...page)
    sizes.push(page.length)
    if (result['IsTruncated'] !== true) {
      assert.equal(result['Marker'], undefined)
      return { items, sizes }
    }
    marker = String(result['Marker'])
  }
}

/** Watches, on the real store, how many users each list call asked for and read. */
function watchUserReads(store: Store): { reads: { page: NamePage | undefined; rows: number }[] } {
  const reads: { page: NamePage | undefined; rows: number }[] = []
  const watch =
    <T>(open: (work: (repo: Repositories) => Promise<T>) => Promise<T>) =>
    (work: (repo: Repositories) => Promise<T>) =>
      open((repo) => {
        const users = repo.users
        const watched: Repositories = {
          ...repo,
          users: Object.assign(Object.create(users) as typeof users, {
            list: async (accountId: string, page?: NamePage) => {
              const rows = await users.list(accountId, page)
              reads.push({ page, rows: rows.length })
              return rows
            },
          }),
        }
        return work(watched)
      })
  store.transaction = watch(store.transaction.bind(store))
  store.read = watch(store.read.bind(store))
  return { reads }
}

describe('paging by name', () => {
  test('ListUsers walks every user once in IAM order, each page reading only itself', () =>
    withHarness(async (h) => {
      // Names stored in no order, mixed case: IAM lists them by name without regard to case.
      const names = Array.from(
        { length: COUNT },
        (_, i) => `${i % 2 === 0 ? 'U' : 'u'}${(i * 7919) % COUNT}`,
      )
      await h.store.transaction(async (repo) => {
        for (const [i, name] of names.entries()) {
          await repo.users.insert({
            accountId: ACCOUNT,
            userId: `AIDA${i}`,
            userName: name,
            path: i % 3 === 0 ? '/ops/' : '/',
            arn: iamArn(ACCOUNT, 'user', '/', name),
            createDate: T,
            permissionsBoundaryArn: null,
            tags: [],
          })
        }
      })
      const { reads } = watchUserReads(h.store)
      const { items, sizes } = await walk(h, 'ListUsers', 'Users', { MaxItems: '100' })
      const listed = items.map((user) => String(user['UserName']))
      assert.deepEqual(
        listed,
        [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
      )
      assert.equal(new Set(listed).size, COUNT)
      assert.deepEqual(sizes, [...Array<number>(12).fill(100), 34])
      // Each call read one page through the index: 101 rows at most, never the whole account.
      assert.equal(reads.length, 13)
      for (const read of reads) {
        assert.equal(read.page?.limit, 101)
        assert.ok(read.rows <= 101)
      }
      const ops = await walk(h, 'ListUsers', 'Users', { PathPrefix: '/ops/', MaxItems: '50' })
      assert.equal(ops.items.length, names.filter((_, i) => i % 3 === 0).length)
      await rejectsWithAwsError(
        h.call('ListUsers', { Marker: Buffer.from('rolegate:7').toString('base64') }),
        'InvalidInput',
        400,
        'Invalid Marker.',
      )
    }))

  test('ListGroups and ListRoles page the same way', () =>
    withHarness(async (h) => {
      for (let i = 0; i < 7; i += 1) {
        await h.call('CreateGroup', { GroupName: `group-${i}` })
        await h.call('CreateRole', {
          RoleName: `role-${i}`,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'ec2.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        })
      }
      const groups = await walk(h, 'ListGroups', 'Groups', { MaxItems: '3' })
      assert.deepEqual(groups.sizes, [3, 3, 1])
      assert.deepEqual(
        groups.items.map((group) => group['GroupName']),
        Array.from({ length: 7 }, (_, i) => `group-${i}`),
      )
      const roles = await walk(h, 'ListRoles', 'Roles', { MaxItems: '4' })
      assert.deepEqual(roles.sizes, [4, 3])
    }))

  test("ListPolicies pages AWS's catalogue and the account's own policies as one list", () =>
    withHarness(async (h) => {
      const document = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      })
      // The account may name a policy as AWS named one: both are listed, each once.
      for (const name of ['ReadOnlyAccess', 'zz-last', 'aaa-first', 'Mine']) {
        await h.call('CreatePolicy', { PolicyName: name, PolicyDocument: document })
      }
      const all = await walk(h, 'ListPolicies', 'Policies', { MaxItems: '250' })
      const arns = all.items.map((policy) => String(policy['Arn']))
      assert.equal(new Set(arns).size, arns.length)
      const names = all.items.map((policy) => String(policy['PolicyName']).toLowerCase())
      assert.deepEqual(names, [...names].sort())
      assert.deepEqual(arns.filter((arn) => arn.endsWith('/ReadOnlyAccess')).sort(), [
        iamArn(ACCOUNT, 'policy', '/', 'ReadOnlyAccess'),
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ])
      assert.equal(names[0], 'aaa-first')
      assert.equal(names.at(-1), 'zz-last')
      // Page sizes do not change what is listed.
      const small = await walk(h, 'ListPolicies', 'Policies', { MaxItems: '37' })
      assert.deepEqual(
        small.items.map((policy) => policy['Arn']),
        arns,
      )
      const local = await walk(h, 'ListPolicies', 'Policies', { Scope: 'Local', MaxItems: '3' })
      assert.deepEqual(
        local.items.map((policy) => policy['PolicyName']),
        ['aaa-first', 'Mine', 'ReadOnlyAccess', 'zz-last'],
      )
      await h.call('CreateUser', { UserName: 'attached' })
      await h.call('AttachUserPolicy', {
        UserName: 'attached',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      })
      await h.call('AttachUserPolicy', {
        UserName: 'attached',
        PolicyArn: iamArn(ACCOUNT, 'policy', '/', 'zz-last'),
      })
      const attached = await walk(h, 'ListPolicies', 'Policies', {
        OnlyAttached: 'true',
        MaxItems: '1',
      })
      assert.deepEqual(
        attached.items.map((policy) => [policy['Arn'], policy['AttachmentCount']]),
        [
          ['arn:aws:iam::aws:policy/ReadOnlyAccess', 1],
          [iamArn(ACCOUNT, 'policy', '/', 'zz-last'), 1],
        ],
      )
    }))
})
