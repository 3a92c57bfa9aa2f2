import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { accountOperations } from '../../src/iam/account.js'
import { iamHarness, rejectsWithAwsError, rootCaller, testScope } from '../support/iam.js'
import type { IamHarness } from '../support/iam.js'

const OTHER = '210987654321'

async function withHarness(work: (h: IamHarness) => Promise<void>): Promise<void> {
  const h = await iamHarness()
  await h.store.transaction((repo) =>
    repo.accounts.insert({ accountId: OTHER, createDate: new Date() }),
  )
  try {
    await work(h)
  } finally {
    await h.close()
  }
}

const aliases = async (h: IamHarness, accountId?: string) =>
  (await h.call('ListAccountAliases', {}, accountId ? rootCaller(accountId) : undefined))?.[
    'AccountAliases'
  ]

const INVALID =
  'The specified value for accountAlias is invalid. It must be a minimum length of 3 characters and maximum length of 63 characters, contain only digits, lowercase letters, and hyphens (-), but cannot begin or end with a hyphen.'

describe('account aliases', () => {
  test('create, list and delete (recorded: empty results)', () =>
    withHarness(async (h) => {
      assert.deepEqual(await h.call('ListAccountAliases'), {
        AccountAliases: [],
        IsTruncated: false,
      })
      assert.equal(await h.call('CreateAccountAlias', { AccountAlias: 'example-corp' }), undefined)
      assert.deepEqual(await h.call('ListAccountAliases'), {
        AccountAliases: ['example-corp'],
        IsTruncated: false,
      })
      assert.equal(await h.call('DeleteAccountAlias', { AccountAlias: 'example-corp' }), undefined)
      assert.deepEqual(await aliases(h), [])
    }))

  test('a second alias replaces the first: an account has one', () =>
    withHarness(async (h) => {
      await h.call('CreateAccountAlias', { AccountAlias: 'first-name' })
      await h.call('CreateAccountAlias', { AccountAlias: 'second-name' })
      assert.deepEqual(await aliases(h), ['second-name'])
      // The old name is free again, for anyone.
      await h.call('CreateAccountAlias', { AccountAlias: 'first-name' }, rootCaller(OTHER))
      assert.deepEqual(await aliases(h, OTHER), ['first-name'])
    }))

  test('an alias is unique across accounts, including the one holding it', () =>
    withHarness(async (h) => {
      await h.call('CreateAccountAlias', { AccountAlias: 'security' })
      await rejectsWithAwsError(
        h.call('CreateAccountAlias', { AccountAlias: 'security' }, rootCaller(OTHER)),
        'EntityAlreadyExists',
        409,
        'The account alias security already exists.',
      )
      await rejectsWithAwsError(
        h.call('CreateAccountAlias', { AccountAlias: 'security' }),
        'EntityAlreadyExists',
        409,
        'The account alias security already exists.',
      )
      assert.deepEqual(await aliases(h), ['security'])
      assert.deepEqual(await aliases(h, OTHER), [])
    }))

  test('deleting an alias the account does not hold is NoSuchEntity, and deletes nothing', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        h.call('DeleteAccountAlias', { AccountAlias: 'nobody-has-this' }),
        'NoSuchEntity',
        404,
        'The account alias nobody-has-this cannot be found.',
      )
      await h.call('CreateAccountAlias', { AccountAlias: 'theirs' }, rootCaller(OTHER))
      await rejectsWithAwsError(
        h.call('DeleteAccountAlias', { AccountAlias: 'theirs' }),
        'NoSuchEntity',
        404,
        'The account alias theirs cannot be found.',
      )
      assert.deepEqual(await aliases(h, OTHER), ['theirs'])
    }))

  const badCharacters = [
    '-leading',
    'trailing-',
    'two--dashes',
    'Upper-case',
    'under_score',
    'dot.ted',
  ]
  for (const alias of badCharacters) {
    test(`refuses the alias ${alias} in AWS words`, () =>
      withHarness(async (h) => {
        await rejectsWithAwsError(
          h.call('CreateAccountAlias', { AccountAlias: alias }),
          'ValidationError',
          400,
          INVALID,
        )
        await rejectsWithAwsError(
          h.call('DeleteAccountAlias', { AccountAlias: alias }),
          'ValidationError',
          400,
          INVALID,
        )
        assert.deepEqual(await aliases(h), [])
      }))
  }

  test('length and presence are checked first', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        h.call('CreateAccountAlias', { AccountAlias: 'ab' }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must have length greater than or equal to 3",
      )
      await rejectsWithAwsError(
        h.call('CreateAccountAlias', { AccountAlias: 'a'.repeat(64) }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must have length less than or equal to 63",
      )
      await rejectsWithAwsError(
        h.call('CreateAccountAlias', {}),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must not be null",
      )
      // The bounds themselves are fine.
      await h.call('CreateAccountAlias', { AccountAlias: 'a1b' })
      await h.call('CreateAccountAlias', { AccountAlias: 'a'.repeat(63) })
      assert.deepEqual(await aliases(h), ['a'.repeat(63)])
    }))

  test('ListAccountAliases checks its paging parameters', () =>
    withHarness(async (h) => {
      await h.call('CreateAccountAlias', { AccountAlias: 'paged' })
      assert.deepEqual(await h.call('ListAccountAliases', { MaxItems: '1' }), {
        AccountAliases: ['paged'],
        IsTruncated: false,
      })
      await rejectsWithAwsError(
        h.call('ListAccountAliases', { MaxItems: '0' }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
      )
    }))

  test('every alias action is authorised against *', async () => {
    const scope = await testScope()
    assert.deepEqual(
      await Promise.all(
        accountOperations.map(async (operation) => [
          operation.name,
          await operation.resource({ AccountAlias: 'x' }, scope),
        ]),
      ),
      [
        ['CreateAccountAlias', '*'],
        ['DeleteAccountAlias', '*'],
        ['ListAccountAliases', '*'],
      ],
    )
    assert.equal(accountOperations.find((o) => o.name === 'ListAccountAliases')?.store, 'read')
  })
})
