// The one operation pipeline, through the real IAM service, authoriser and a SQLite file: input is
// checked before anything else, the caller authorised on the named resource before any work, a
// failed call writes nothing, and operations that only read run in a read transaction, which goes
// on while a write transaction holds the database (a write waits for it) and refuses writes.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Caller, RequestInfo } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import { requiredString } from '../../src/core/input.js'
import { IamAuthorizer } from '../../src/iam/authorize.js'
import { defineOperation } from '../../src/iam/operation.js'
import { iamOperations } from '../../src/iam/operations.js'
import { IamService } from '../../src/iam/service.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { rootCaller } from '../support/iam.js'
import { testSecrets } from '../support/secrets.js'

const ACCOUNT = '123456789012'
const root = rootCaller(ACCOUNT)
const nobody: Caller = {
  type: 'user',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/nobody`,
  userId: 'AIDANOBODY',
  principalId: 'AIDANOBODY',
  name: 'nobody',
  accessKeyId: 'AKIANOBODY',
}
const request = (): RequestInfo => ({
  requestId: randomIds.requestId(),
  region: 'us-east-1',
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  secureTransport: true,
  now: new Date(),
})

// Read-only operations that write, and one that writes then fails: what the pipeline must stop.
const writesWhileReading = defineOperation({
  name: 'WritesWhileReading',
  input: { UserName: requiredString({ min: 1, max: 64 }) },
  resource: () => '*',
  store: 'read',
  async run(input, { repo, accountId, now }) {
    await repo.users.insert({
      accountId,
      userId: 'AIDASNEAKY',
      userName: input.UserName,
      path: '/',
      arn: `arn:aws:iam::${accountId}:user/${input.UserName}`,
      createDate: now,
      permissionsBoundaryArn: null,
      tags: [],
    })
    return undefined
  },
})

const settle = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(
      (value) => ({ settled: true as const, value }),
      (error: unknown) => ({ settled: true as const, error }),
    ),
    new Promise<{ settled: false }>((resolve) => setTimeout(() => resolve({ settled: false }), ms)),
  ])

describe('the operation pipeline', () => {
  let dir: string
  let store: Store
  let iam: IamService
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-pipeline-'))
    store = await openSqliteStore({ file: join(dir, 'rolegate.db'), secrets: testSecrets() })
    await store.transaction((repo) =>
      repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date() }),
    )
    iam = new IamService(store, new IamAuthorizer(store), randomIds, [
      ...iamOperations,
      writesWhileReading,
    ])
  })
  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('input is checked first, then the caller authorised, and a refusal writes nothing', async () => {
    await assert.rejects(iam.call(nobody, 'CreateUser', { UserName: '' }, request()), {
      code: 'ValidationError',
    })
    await assert.rejects(iam.call(nobody, 'CreateUser', { UserName: 'blocked' }, request()), {
      code: 'AccessDenied',
      message: `User: ${nobody.arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/blocked because no identity-based policy allows the iam:CreateUser action`,
    })
    assert.equal(await store.read((repo) => repo.users.getByName(ACCOUNT, 'blocked')), undefined)
  })

  test('an operation declared read-only that writes is refused, and nothing is written', async () => {
    await assert.rejects(
      iam.call(root, 'WritesWhileReading', { UserName: 'sneaky' }, request()),
      /store: insertUser inside a read transaction/,
    )
    assert.equal(await store.read((repo) => repo.users.getByName(ACCOUNT, 'sneaky')), undefined)
  })

  test('a read-only operation goes on while a write transaction holds the database; a write waits', async () => {
    await iam.call(root, 'CreateUser', { UserName: 'before' }, request())
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let open!: () => void
    const opened = new Promise<void>((resolve) => (open = resolve))
    const holding = store.transaction(async (repo) => {
      await repo.accounts.insertAlias(ACCOUNT, 'held-alias')
      open()
      await held
    })
    await opened
    try {
      const listed = await settle(iam.call(root, 'ListUsers', {}, request()), 3000)
      assert.equal(listed.settled, true, 'ListUsers waited for the write transaction')
      assert.ok(listed.settled && 'value' in listed)
      const names = (listed.value?.['Users'] as { UserName: string }[]).map((user) => user.UserName)
      assert.deepEqual(names, ['before'])
      const aliases = await settle(iam.call(root, 'ListAccountAliases', {}, request()), 3000)
      // The uncommitted alias is not seen: a snapshot of what was committed.
      assert.ok(aliases.settled && 'value' in aliases)
      assert.deepEqual(aliases.value?.['AccountAliases'], [])
      const created = iam.call(root, 'CreateUser', { UserName: 'after' }, request())
      assert.equal((await settle(created, 300)).settled, false, 'CreateUser did not wait')
      release()
      await holding
      await created
    } finally {
      release()
      await holding
    }
    const users = await iam.call(root, 'ListUsers', {}, request())
    assert.deepEqual(
      (users?.['Users'] as { UserName: string }[]).map((user) => user.UserName),
      ['after', 'before'],
    )
  })

  test('a failed call writes nothing: a unique key lost to a racing write is EntityAlreadyExists', async () => {
    const racing = defineOperation({
      name: 'CreateTwice',
      input: {},
      resource: () => '*',
      async run(_input, { repo, accountId, now }) {
        for (const userId of ['AIDATWICE1', 'AIDATWICE2']) {
          await repo.users.insert({
            accountId,
            userId,
            userName: 'twice',
            path: '/',
            arn: `arn:aws:iam::${accountId}:user/twice`,
            createDate: now,
            permissionsBoundaryArn: null,
            tags: [],
          })
        }
        return undefined
      },
    })
    const service = new IamService(store, new IamAuthorizer(store), randomIds, [racing])
    await assert.rejects(service.call(root, 'CreateTwice', {}, request()), (error: unknown) => {
      assert.ok(error instanceof AwsError)
      assert.equal(error.code, 'EntityAlreadyExists')
      return true
    })
    assert.equal(await store.read((repo) => repo.users.getByName(ACCOUNT, 'twice')), undefined)
  })
})
