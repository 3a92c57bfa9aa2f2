// Test helpers shared by the user, group, access key and role tests: a harness per test, exact
// AwsError assertions, result-tree accessors, callers, and rows only other families create.
import assert from 'node:assert/strict'
import type { Caller } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import type { ResultObject } from '../../src/core/result.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, withHarness as withFreshHarness } from '../support/iam.js'

export const NOW = new Date('2025-06-01T12:00:00Z')
export const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
export const PERMISSIONS =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'

export const withHarness = (work: (h: IamHarness) => Promise<void>) => withFreshHarness(work, NOW)

export interface ExpectedError {
  code: string
  message: string
  status: number
}

/** The call fails with exactly this AWS code, message and HTTP status. */
export async function expectAwsError(call: Promise<unknown>, expected: ExpectedError) {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof AwsError, `expected AwsError, got ${String(error)}`)
    assert.deepEqual({ code: error.code, message: error.message, status: error.status }, expected)
    return true
  })
}

export function member(result: ResultObject | undefined, name: string): ResultObject {
  const value = result?.[name]
  assert.ok(
    value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date),
    `${name} is not an element`,
  )
  return value as ResultObject
}

export function list(result: ResultObject | undefined, name: string): ResultObject[] {
  const value = result?.[name]
  assert.ok(Array.isArray(value), `${name} is not a list`)
  return value as ResultObject[]
}

/** Element names that are present (undefined members are not written). */
export const presentKeys = (element: ResultObject | undefined): string[] =>
  Object.keys(element ?? {}).filter((key) => element?.[key] !== undefined)

/** Numbered `Tags.member.N` parameters with keys `${prefix}${i}`, i from..to. */
export function tagParams(from: number, to: number, prefix = 'key'): Record<string, string> {
  const params: Record<string, string> = {}
  for (let i = from; i <= to; i++) {
    params[`Tags.member.${i - from + 1}.Key`] = `${prefix}${i}`
    params[`Tags.member.${i - from + 1}.Value`] = `value${i}`
  }
  return params
}

/** A customer managed policy row, as CreatePolicy (another family) would leave it. */
export async function insertCustomerPolicy(h: IamHarness, name: string, accountId = ACCOUNT) {
  const arn = `arn:aws:iam::${accountId}:policy/${name}`
  await h.store.transaction(async (repo) => {
    if (!(await repo.accounts.get(accountId)))
      await repo.accounts.insert({ accountId, createDate: NOW })
    await repo.policies.insert({
      accountId,
      policyId: randomIds.uniqueId('policy'),
      policyName: name,
      path: '/',
      arn,
      description: null,
      defaultVersionId: 'v1',
      nextVersionNumber: 2,
      createDate: NOW,
      updateDate: NOW,
      tags: [],
    })
    await repo.policies.insertVersion({
      accountId,
      policyArn: arn,
      versionId: 'v1',
      document: PERMISSIONS,
      createDate: NOW,
    })
  })
  return arn
}

export const userCaller = (userId: string, name: string): Caller => ({
  type: 'user',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  userId,
  principalId: userId,
  name,
  accessKeyId: 'AKIAUSERCALLER00000',
})

export const roleCaller: Caller = {
  type: 'assumed-role',
  accountId: ACCOUNT,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/session`,
  userId: 'AROAEXAMPLEROLEID0000:session',
  principalId: 'AROAEXAMPLEROLEID0000',
  name: 'deployer',
  accessKeyId: 'ASIAROLECALLER00000',
  sessionName: 'session',
}
