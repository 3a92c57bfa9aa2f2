import assert from 'node:assert/strict'
import { AwsError } from '../../src/core/errors.js'
// Runs IAM operations the way the operation pipeline does (input check, then the transaction the
// operation declares) against a real SQLite store, for unit tests of the operation families, as
// any caller. Authorisation is tested on its own.
import type { Caller } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import type { Params } from '../../src/core/input.js'
import { readInput } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import { iamOperations } from '../../src/iam/operations.js'
import { PolicyCache } from '../../src/policy/policy-cache.js'
import type { ResourceScope } from '../../src/iam/operation.js'
import { resourceScope } from '../../src/operation/resource-scope.js'
import type { Repositories } from '../../src/store/repositories.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

export const ACCOUNT = '123456789012'

export const rootCaller = (accountId = ACCOUNT): Caller => ({
  type: 'root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
  principalId: '',
  name: 'root',
  accessKeyId: 'AKIAROOTTEST',
})

export interface IamHarness {
  store: Store
  /** Calls `Action` with Query `params` as `caller` (default: the account root). */
  call(action: string, params?: Params, caller?: Caller): Promise<ResultObject | undefined>
  close(): Promise<void>
}

export async function iamHarness(now: () => Date = () => new Date()): Promise<IamHarness> {
  const store = await openSqliteStore({ file: ':memory:' })
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date('2024-01-01T00:00:00Z') }),
  )
  const policies = new PolicyCache()
  return {
    store,
    async call(action, params = {}, caller = rootCaller()) {
      const operation = iamOperations.find((candidate) => candidate.name === action)
      if (!operation) throw new Error(`no IAM operation ${action}`)
      const input = readInput(operation.input, params)
      // Slow work before the transaction, with a snapshot to read from, as the pipeline does it.
      const at = now()
      const request = {
        requestId: 'test-request',
        region: 'us-east-1',
        sourceIp: '127.0.0.1',
        userAgent: 'rolegate-test',
        secureTransport: false,
        now: at,
      }
      const prepared = await operation.prepare?.(input, {
        caller,
        request,
        read: (work) => store.read(work),
      })
      const run = (repo: Repositories) =>
        operation.run(
          input,
          {
            accountId: caller.accountId,
            caller,
            repo,
            ids: randomIds,
            now: at,
            region: 'us-east-1',
            policies,
          },
          prepared,
        )
      // The store access the operation declares, as the pipeline gives it.
      return operation.store === 'read' ? store.read(run) : store.transaction(run)
    },
    close: () => store.close(),
  }
}

let scopeStore: Promise<Store> | undefined

/** The real resource scope over an empty store: entities resolve to path `/` ARNs. */
export async function testScope(caller: Caller = rootCaller()): Promise<ResourceScope> {
  scopeStore ??= openSqliteStore({ file: ':memory:' })
  return resourceScope(await scopeStore, caller)
}

/** Runs `work` against a fresh harness whose clock reads `now`, and closes it. */
export async function withHarness(
  work: (h: IamHarness) => Promise<void>,
  now: Date = new Date('2025-06-01T12:00:00Z'),
): Promise<void> {
  const h = await iamHarness(() => now)
  try {
    await work(h)
  } finally {
    await h.close()
  }
}

/** The call fails with exactly this AWS code, HTTP status and message, as a Sender fault. */
export async function rejectsWithAwsError(
  call: Promise<unknown>,
  code: string,
  status: number,
  message: string,
): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof AwsError, String(error))
    assert.deepEqual(
      { code: error.code, status: error.status, type: error.type, message: error.message },
      { code, status, type: 'Sender', message },
    )
    return true
  })
}

/** `Tags.member.N.Key` / `.Value` parameters for the given pairs. */
export const tagPairs = (pairs: [string, string][]): Params =>
  Object.fromEntries(
    pairs.flatMap(([key, value], i) => [
      [`Tags.member.${i + 1}.Key`, key],
      [`Tags.member.${i + 1}.Value`, value],
    ]),
  )
