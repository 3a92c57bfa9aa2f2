// The account password policy: Update replaces it whole with AWS's defaults for what is left out,
// Get renders it in AWS's members, Delete removes it, bad ranges write nothing, and the password
// check follows the custom policy or, without one, AWS's default policy.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../src/core/errors.js'
import { checkPassword } from '../../src/iam/password-policy.js'
import type { PasswordPolicyRecord } from '../../src/store/ports.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT } from '../support/iam.js'
import { expectAwsError, member, presentKeys, withHarness } from './entity-helpers.js'

const getPolicy = async (h: IamHarness) =>
  member(await h.call('GetAccountPasswordPolicy'), 'PasswordPolicy')

const noPolicy = {
  code: 'NoSuchEntity',
  message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
  status: 404,
}

describe('UpdateAccountPasswordPolicy and GetAccountPasswordPolicy', () => {
  test('with no parameters, the policy takes AWS defaults: length 6, nothing required, no expiry', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('GetAccountPasswordPolicy'), noPolicy)
      assert.equal(await h.call('UpdateAccountPasswordPolicy'), undefined)
      const policy = await getPolicy(h)
      assert.deepEqual(policy, {
        MinimumPasswordLength: 6,
        RequireSymbols: false,
        RequireNumbers: false,
        RequireUppercaseCharacters: false,
        RequireLowercaseCharacters: false,
        AllowUsersToChangePassword: false,
        ExpirePasswords: false,
        MaxPasswordAge: undefined,
        PasswordReusePrevention: undefined,
        HardExpiry: false,
      })
      // The counts appear only when set (their ranges start at 1).
      assert.deepEqual(presentKeys(policy), [
        'MinimumPasswordLength',
        'RequireSymbols',
        'RequireNumbers',
        'RequireUppercaseCharacters',
        'RequireLowercaseCharacters',
        'AllowUsersToChangePassword',
        'ExpirePasswords',
        'HardExpiry',
      ])
    })
  })

  test('stores every setting; ExpirePasswords follows MaxPasswordAge', async () => {
    await withHarness(async (h) => {
      await h.call('UpdateAccountPasswordPolicy', {
        MinimumPasswordLength: '14',
        RequireSymbols: 'true',
        RequireNumbers: 'true',
        RequireUppercaseCharacters: 'true',
        RequireLowercaseCharacters: 'true',
        AllowUsersToChangePassword: 'true',
        MaxPasswordAge: '90',
        PasswordReusePrevention: '24',
        HardExpiry: 'true',
      })
      assert.deepEqual(await getPolicy(h), {
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 24,
        HardExpiry: true,
      })
    })
  })

  test('an update is not partial: what it leaves out goes back to the default', async () => {
    await withHarness(async (h) => {
      await h.call('UpdateAccountPasswordPolicy', {
        MinimumPasswordLength: '20',
        RequireNumbers: 'true',
        MaxPasswordAge: '30',
      })
      await h.call('UpdateAccountPasswordPolicy', { RequireSymbols: 'true' })
      const policy = await getPolicy(h)
      assert.equal(policy['MinimumPasswordLength'], 6)
      assert.equal(policy['RequireNumbers'], false)
      assert.equal(policy['RequireSymbols'], true)
      assert.equal(policy['ExpirePasswords'], false)
      assert.equal(policy['MaxPasswordAge'], undefined)
    })
  })

  test('values outside the documented ranges are refused in AWS words and change nothing', async () => {
    await withHarness(async (h) => {
      await h.call('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '10' })
      // moto's tests/test_iam/test_iam.py (test_update_account_password_policy_errors) records
      // AWS's wording for this operation: the value echoed in double quotes, and this order.
      const refusals: [Record<string, string>, string][] = [
        [
          { MinimumPasswordLength: '5' },
          'Value "5" at "minimumPasswordLength" failed to satisfy constraint: Member must have value greater than or equal to 6',
        ],
        [
          { MinimumPasswordLength: '129' },
          'Value "129" at "minimumPasswordLength" failed to satisfy constraint: Member must have value less than or equal to 128',
        ],
        [
          { MaxPasswordAge: '0' },
          'Value "0" at "maxPasswordAge" failed to satisfy constraint: Member must have value greater than or equal to 1',
        ],
        [
          { MaxPasswordAge: '1096' },
          'Value "1096" at "maxPasswordAge" failed to satisfy constraint: Member must have value less than or equal to 1095',
        ],
        [
          { PasswordReusePrevention: '0' },
          'Value "0" at "passwordReusePrevention" failed to satisfy constraint: Member must have value greater than or equal to 1',
        ],
        [
          { PasswordReusePrevention: '25' },
          'Value "25" at "passwordReusePrevention" failed to satisfy constraint: Member must have value less than or equal to 24',
        ],
      ]
      for (const [params, problem] of refusals) {
        await expectAwsError(h.call('UpdateAccountPasswordPolicy', params), {
          code: 'ValidationError',
          message: `1 validation error detected: ${problem}`,
          status: 400,
        })
      }
      await expectAwsError(
        h.call('UpdateAccountPasswordPolicy', {
          MaxPasswordAge: '1096',
          MinimumPasswordLength: '129',
          PasswordReusePrevention: '25',
        }),
        {
          code: 'ValidationError',
          message:
            '3 validation errors detected: Value "129" at "minimumPasswordLength" failed to satisfy constraint: Member must have value less than or equal to 128; Value "25" at "passwordReusePrevention" failed to satisfy constraint: Member must have value less than or equal to 24; Value "1096" at "maxPasswordAge" failed to satisfy constraint: Member must have value less than or equal to 1095',
          status: 400,
        },
      )
      await expectAwsError(h.call('UpdateAccountPasswordPolicy', { RequireSymbols: 'yes' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'requireSymbols' failed to satisfy constraint: Member must be a boolean",
        status: 400,
      })
      assert.equal((await getPolicy(h))['MinimumPasswordLength'], 10)
    })
  })

  test('the policy belongs to the calling account', async () => {
    await withHarness(async (h) => {
      await h.call('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '12' })
      const other = '210987654321'
      await h.store.transaction((repo) =>
        repo.accounts.insert({ accountId: other, createDate: new Date() }),
      )
      const otherRoot = {
        type: 'root' as const,
        accountId: other,
        arn: `arn:aws:iam::${other}:root`,
        userId: other,
        principalId: '',
        name: 'root',
        accessKeyId: 'AKIAOTHERROOT',
      }
      await expectAwsError(h.call('GetAccountPasswordPolicy', {}, otherRoot), {
        ...noPolicy,
        message: `The Password Policy with domain name ${other} cannot be found.`,
      })
    })
  })
})

describe('DeleteAccountPasswordPolicy', () => {
  test('removes the policy; without one it is NoSuchEntity in AWS words', async () => {
    await withHarness(async (h) => {
      await expectAwsError(h.call('DeleteAccountPasswordPolicy'), {
        code: 'NoSuchEntity',
        message: 'The account policy with name PasswordPolicy cannot be found.',
        status: 404,
      })
      await h.call('UpdateAccountPasswordPolicy', { RequireNumbers: 'true' })
      assert.equal(await h.call('DeleteAccountPasswordPolicy'), undefined)
      await expectAwsError(h.call('GetAccountPasswordPolicy'), noPolicy)
    })
  })
})

const custom = (overrides: Partial<PasswordPolicyRecord>): PasswordPolicyRecord => ({
  accountId: ACCOUNT,
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

const passes = (password: string, policy: PasswordPolicyRecord | undefined) => {
  try {
    checkPassword(password, policy)
    return true
  } catch (error) {
    assert.ok(error instanceof AwsError)
    assert.deepEqual(
      { code: error.code, status: error.status, message: error.message },
      {
        code: 'PasswordPolicyViolation',
        status: 400,
        message: 'Password does not conform to the account password policy.',
      },
    )
    return false
  }
}

describe('the password check', () => {
  // IAM User Guide, "Default password policy": at least 8 characters, and at least three of
  // uppercase, lowercase, numbers and the non-alphanumeric characters ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
  const defaults: [string, boolean][] = [
    ['Abcdef1!', true],
    ['Abcdefg1', true],
    ['abcdef1!', true],
    ['ABCDEF1!', true],
    ["abcdefg'", false],
    ["Abcdefg'", true],
    ['Abcde1!', false],
    ['abcdefgh', false],
    ['abcdefg1', false],
    ['ABCDEFG!', false],
    ['12345678', false],
    ['abcdEFGH', false],
    ['Abcdefg~', false],
    ['abcd1234~~~~', false],
    ['abcd1234|', true],
    ['ÀÉÎÕÜàéî1', false],
  ]
  for (const [password, expected] of defaults) {
    test(`default policy: ${JSON.stringify(password)} ${expected ? 'passes' : 'is refused'}`, () => {
      assert.equal(passes(password, undefined), expected)
    })
  }

  const customCases: [string, Partial<PasswordPolicyRecord>, string, boolean][] = [
    ['6 characters, nothing else', {}, 'aaaaaa', true],
    ['too short for the minimum', { minimumPasswordLength: 12 }, 'Abcdef1!xyz', false],
    ['the minimum exactly', { minimumPasswordLength: 12 }, 'aaaaaaaaaaaa', true],
    ['no symbol', { requireSymbols: true }, 'Abcdef123', false],
    ['a listed symbol', { requireSymbols: true }, 'abcdef{', true],
    ['an unlisted symbol', { requireSymbols: true }, 'abcdef~', false],
    ['no number', { requireNumbers: true }, 'Abcdefgh!', false],
    ['a number', { requireNumbers: true }, 'abcdef9', true],
    ['no uppercase', { requireUppercaseCharacters: true }, 'abcdef1!', false],
    ['an uppercase letter', { requireUppercaseCharacters: true }, 'abcdeF', true],
    ['a Latin-1 capital is not A to Z', { requireUppercaseCharacters: true }, 'abcdeÉ', false],
    ['no lowercase', { requireLowercaseCharacters: true }, 'ABCDEF1!', false],
    ['a lowercase letter', { requireLowercaseCharacters: true }, 'ABCDEf', true],
    [
      'everything required',
      {
        minimumPasswordLength: 10,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercaseCharacters: true,
        requireLowercaseCharacters: true,
      },
      'Aa1!Aa1!Aa',
      true,
    ],
    // A custom policy replaces the default: three character types are no longer asked for.
    ['only the custom rules apply', { minimumPasswordLength: 6 }, 'abcdef', true],
  ]
  for (const [name, overrides, password, expected] of customCases) {
    test(`custom policy, ${name}: ${expected ? 'passes' : 'is refused'}`, () => {
      assert.equal(passes(password, custom(overrides)), expected)
    })
  }
})
