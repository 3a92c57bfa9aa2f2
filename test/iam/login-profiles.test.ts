// Login profiles and ChangePassword: passwords checked against the account's policy (or AWS's
// default), kept only as scrypt hashes, PasswordResetRequired stored and cleared, reuse
// prevention, DeleteUser refused while a password remains, and every refusal in AWS's code and
// words with nothing written.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Caller } from '../../src/core/caller.js'
import type { Params } from '../../src/core/input.js'
import { readInput } from '../../src/core/input.js'
import { randomIds } from '../../src/core/ids.js'
import { loginProfileOperations } from '../../src/iam/login-profiles.js'
import { PasswordCandidate } from '../../src/core/password-hash.js'
import { PolicyCache } from '../../src/policy/policy-cache.js'
import type { LoginProfileRecord } from '../../src/store/ports.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, rootCaller, testScope } from '../support/iam.js'
import {
  NOW,
  expectAwsError,
  member,
  presentKeys,
  roleCaller,
  userCaller,
  withHarness,
} from './entity-helpers.js'

const GOOD = 'Correct-Horse-1'
const OTHER = 'Battery-Staple-2'
const THIRD = 'Tr0ub4dor&3x'
const PHC = /^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/

const VIOLATION = {
  code: 'PasswordPolicyViolation',
  message: 'Password does not conform to the account password policy.',
  status: 400,
}
const noLoginProfile = (name: string) => ({
  code: 'NoSuchEntity',
  message: `Login Profile for User ${name} cannot be found.`,
  status: 404,
})

/** Creates the user and answers the caller that signs as that user. */
async function createUser(h: IamHarness, name: string): Promise<Caller> {
  const user = member(await h.call('CreateUser', { UserName: name }), 'User')
  return userCaller(String(user['UserId']), name)
}

const storedProfile = (h: IamHarness, caller: Caller) =>
  h.store.read((repo) => repo.loginProfiles.get(caller.principalId))

const getLoginProfile = async (h: IamHarness, params: Params = {}, caller?: Caller) =>
  member(await h.call('GetLoginProfile', params, caller), 'LoginProfile')

describe('CreateLoginProfile', () => {
  test('stores only an scrypt hash and answers with AWS members', async () => {
    await withHarness(async (h) => {
      const bob = await createUser(h, 'Bob')
      const created = member(
        await h.call('CreateLoginProfile', { UserName: 'bob', Password: GOOD }),
        'LoginProfile',
      )
      assert.deepEqual(created, { UserName: 'Bob', CreateDate: NOW, PasswordResetRequired: false })
      assert.deepEqual(presentKeys(created), ['UserName', 'CreateDate', 'PasswordResetRequired'])
      const stored = await storedProfile(h, bob)
      assert.ok(stored)
      assert.match(stored.passwordHash, PHC)
      assert.ok(!JSON.stringify(stored).includes(GOOD), 'the password itself is not stored')
      assert.deepEqual(stored.passwordHistory, [stored.passwordHash])
      assert.deepEqual(stored.passwordLastChanged, NOW)
      assert.equal(await new PasswordCandidate(GOOD).matches(stored.passwordHash), true)
      assert.deepEqual(await getLoginProfile(h, { UserName: 'BOB' }), created)
    })
  })

  test('keeps PasswordResetRequired; without UserName it is the calling user', async () => {
    await withHarness(async (h) => {
      const carol = await createUser(h, 'carol')
      const created = member(
        await h.call(
          'CreateLoginProfile',
          { Password: GOOD, PasswordResetRequired: 'true' },
          carol,
        ),
        'LoginProfile',
      )
      assert.equal(created['UserName'], 'carol')
      assert.equal(created['PasswordResetRequired'], true)
      assert.equal((await getLoginProfile(h, {}, carol))['PasswordResetRequired'], true)
    })
  })

  test('refusals are AWS errors and write nothing', async () => {
    await withHarness(async (h) => {
      const dave = await createUser(h, 'dave')
      await expectAwsError(h.call('CreateLoginProfile', { UserName: 'nobody', Password: GOOD }), {
        code: 'NoSuchEntity',
        message: 'The user with name nobody cannot be found.',
        status: 404,
      })
      await expectAwsError(h.call('CreateLoginProfile', { Password: GOOD }, rootCaller()), {
        code: 'ValidationError',
        message: 'Must specify userName when calling with non-User credentials',
        status: 400,
      })
      await expectAwsError(h.call('CreateLoginProfile', { Password: GOOD }, roleCaller), {
        code: 'ValidationError',
        message: 'Must specify userName when calling with non-User credentials',
        status: 400,
      })
      // AWS's default policy: 8 characters and three kinds of character.
      for (const weak of ['Sh0rt!', 'alllowercase1', 'NoDigitsOrSymbols']) {
        await expectAwsError(
          h.call('CreateLoginProfile', { UserName: 'dave', Password: weak }),
          VIOLATION,
        )
      }
      assert.equal(await storedProfile(h, dave), undefined)
      await expectAwsError(h.call('GetLoginProfile', { UserName: 'dave' }), noLoginProfile('dave'))

      await h.call('CreateLoginProfile', { UserName: 'dave', Password: GOOD })
      const first = await storedProfile(h, dave)
      await expectAwsError(h.call('CreateLoginProfile', { UserName: 'DAVE', Password: OTHER }), {
        code: 'EntityAlreadyExists',
        message: 'Login Profile for user dave already exists.',
        status: 409,
      })
      assert.deepEqual(await storedProfile(h, dave), first)
    })
  })

  test('the password is checked against the custom policy instead of the default one', async () => {
    await withHarness(async (h) => {
      const erin = await createUser(h, 'erin')
      await h.call('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '6' })
      // Six lowercase letters: too weak for the default policy, enough for this one.
      await h.call('CreateLoginProfile', { UserName: 'erin', Password: 'simple' })
      assert.ok(await storedProfile(h, erin))
      await h.call('DeleteLoginProfile', { UserName: 'erin' })
      await h.call('UpdateAccountPasswordPolicy', {
        MinimumPasswordLength: '16',
        RequireSymbols: 'true',
      })
      await expectAwsError(
        h.call('CreateLoginProfile', { UserName: 'erin', Password: GOOD }),
        VIOLATION,
      )
      assert.equal(await storedProfile(h, erin), undefined)
      await h.call('CreateLoginProfile', { UserName: 'erin', Password: 'a-longer-password!' })
    })
  })

  test('the password parameter is checked as AWS does, without echoing it', async () => {
    await withHarness(async (h) => {
      await createUser(h, 'frank')
      const problem = (text: string) => ({
        code: 'ValidationError',
        message: `1 validation error detected: Value at 'password' failed to satisfy constraint: ${text}`,
        status: 400,
      })
      await expectAwsError(
        h.call('CreateLoginProfile', { UserName: 'frank' }),
        problem('Member must not be null'),
      )
      await expectAwsError(
        h.call('CreateLoginProfile', { UserName: 'frank', Password: `Aa1!${'x'.repeat(125)}` }),
        problem('Member must have length less than or equal to 128'),
      )
      await expectAwsError(
        h.call('CreateLoginProfile', { UserName: 'frank', Password: 'Secret-1\u0001' }),
        problem(
          'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
        ),
      )
      await expectAwsError(
        h.call('CreateLoginProfile', { UserName: 'frank', Password: 'Secret-1\u0100' }),
        problem(
          'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
        ),
      )
      // Tab, Latin-1 and 128 characters are all allowed.
      await h.call('CreateLoginProfile', {
        UserName: 'frank',
        Password: `Ab1\tÿ${'é'.repeat(123)}`,
      })
    })
  })
})

describe('GetLoginProfile and DeleteLoginProfile', () => {
  test('a user without a password has no login profile; delete removes it', async () => {
    await withHarness(async (h) => {
      const gina = await createUser(h, 'gina')
      await expectAwsError(h.call('GetLoginProfile', { UserName: 'gina' }), noLoginProfile('gina'))
      await expectAwsError(h.call('DeleteLoginProfile', {}, gina), noLoginProfile('gina'))
      await expectAwsError(h.call('GetLoginProfile', { UserName: 'nobody' }), {
        code: 'NoSuchEntity',
        message: 'The user with name nobody cannot be found.',
        status: 404,
      })
      await h.call('CreateLoginProfile', { UserName: 'gina', Password: GOOD })
      assert.equal(await h.call('DeleteLoginProfile', {}, gina), undefined)
      await expectAwsError(h.call('GetLoginProfile', {}, gina), noLoginProfile('gina'))
    })
  })

  test('DeleteUser is refused while the user has a password, in AWS words', async () => {
    await withHarness(async (h) => {
      await createUser(h, 'hank')
      await h.call('CreateLoginProfile', { UserName: 'hank', Password: GOOD })
      await expectAwsError(h.call('DeleteUser', { UserName: 'hank' }), {
        code: 'DeleteConflict',
        message: 'Cannot delete entity, must delete login profile first.',
        status: 409,
      })
      assert.ok(await h.store.read((repo) => repo.users.getByName(ACCOUNT, 'hank')))
      await h.call('DeleteLoginProfile', { UserName: 'hank' })
      await h.call('DeleteUser', { UserName: 'hank' })
    })
  })
})

describe('UpdateLoginProfile', () => {
  test('sets a new password, and PasswordResetRequired only when given', async () => {
    await withHarness(async (h) => {
      const ivan = await createUser(h, 'ivan')
      await h.call('CreateLoginProfile', {
        UserName: 'ivan',
        Password: GOOD,
        PasswordResetRequired: 'true',
      })
      const before = (await storedProfile(h, ivan))!
      assert.equal(
        await h.call('UpdateLoginProfile', { UserName: 'ivan', Password: OTHER }),
        undefined,
      )
      const after = (await storedProfile(h, ivan))!
      assert.equal(after.passwordResetRequired, true)
      assert.equal(await new PasswordCandidate(OTHER).matches(after.passwordHash), true)
      assert.equal(await new PasswordCandidate(GOOD).matches(after.passwordHash), false)
      assert.deepEqual(after.createDate, before.createDate)
      // The new entry heads the history, under the salt of the history's first one.
      assert.equal(after.passwordHistory.length, 2)
      assert.equal(after.passwordHistory[1], before.passwordHash)
      assert.equal(after.passwordHistory[0]!.split('$')[3], before.passwordHash.split('$')[3])

      await h.call('UpdateLoginProfile', { UserName: 'ivan', PasswordResetRequired: 'false' })
      const cleared = (await storedProfile(h, ivan))!
      assert.equal(cleared.passwordResetRequired, false)
      assert.equal(cleared.passwordHash, after.passwordHash)
      assert.equal((await getLoginProfile(h, { UserName: 'ivan' }))['PasswordResetRequired'], false)
    })
  })

  test('refusals write nothing', async () => {
    await withHarness(async (h) => {
      const judy = await createUser(h, 'judy')
      await expectAwsError(
        h.call('UpdateLoginProfile', { UserName: 'judy', Password: GOOD }),
        noLoginProfile('judy'),
      )
      await expectAwsError(h.call('UpdateLoginProfile', { UserName: 'nobody', Password: GOOD }), {
        code: 'NoSuchEntity',
        message: 'The user with name nobody cannot be found.',
        status: 404,
      })
      await h.call('CreateLoginProfile', { UserName: 'judy', Password: GOOD })
      const before = await storedProfile(h, judy)
      await expectAwsError(
        h.call('UpdateLoginProfile', {
          UserName: 'judy',
          Password: 'weak',
          PasswordResetRequired: 'true',
        }),
        VIOLATION,
      )
      assert.deepEqual(await storedProfile(h, judy), before)
      await expectAwsError(h.call('UpdateLoginProfile', { Password: GOOD }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null",
        status: 400,
      })
    })
  })

  test('the history keeps the last 24 passwords', async () => {
    await withHarness(async (h) => {
      const kate = await createUser(h, 'kate')
      const profile: LoginProfileRecord = {
        accountId: ACCOUNT,
        userId: kate.principalId,
        createDate: NOW,
        passwordHash: await new PasswordCandidate(GOOD).hash(),
        passwordResetRequired: false,
        passwordLastChanged: NOW,
        passwordHistory: Array.from({ length: 24 }, (_, i) => `$scrypt$old${i}`),
      }
      await h.store.transaction((repo) => repo.loginProfiles.insert(profile))
      await h.call('UpdateLoginProfile', { UserName: 'kate', Password: OTHER })
      const history = (await storedProfile(h, kate))!.passwordHistory
      assert.equal(history.length, 24)
      assert.match(history[0]!, PHC)
      assert.deepEqual(history.slice(1), profile.passwordHistory.slice(0, 23))
    })
  })
})

describe('ChangePassword', () => {
  const setUp = async (h: IamHarness, name: string, resetRequired = false) => {
    const caller = await createUser(h, name)
    await h.call('CreateLoginProfile', {
      UserName: name,
      Password: GOOD,
      PasswordResetRequired: String(resetRequired),
    })
    return caller
  }

  test('the calling user changes their own password and clears PasswordResetRequired', async () => {
    await withHarness(async (h) => {
      const lee = await setUp(h, 'lee', true)
      const before = (await storedProfile(h, lee))!
      assert.equal(
        await h.call('ChangePassword', { OldPassword: GOOD, NewPassword: OTHER }, lee),
        undefined,
      )
      const after = (await storedProfile(h, lee))!
      assert.equal(after.passwordResetRequired, false)
      assert.equal(await new PasswordCandidate(OTHER).matches(after.passwordHash), true)
      assert.deepEqual(after.passwordHistory.slice(1), before.passwordHistory)
      assert.equal((await getLoginProfile(h, {}, lee))['PasswordResetRequired'], false)
    })
  })

  test('a wrong old password, the wrong kind of caller or no password: AWS errors, nothing written', async () => {
    await withHarness(async (h) => {
      const mia = await setUp(h, 'mia', true)
      const before = await storedProfile(h, mia)
      await expectAwsError(
        h.call('ChangePassword', { OldPassword: OTHER, NewPassword: THIRD }, mia),
        {
          code: 'AccessDenied',
          message: 'The old password is incorrect.',
          status: 403,
        },
      )
      assert.deepEqual(await storedProfile(h, mia), before)
      for (const caller of [rootCaller(), roleCaller]) {
        await expectAwsError(
          h.call('ChangePassword', { OldPassword: GOOD, NewPassword: THIRD }, caller),
          {
            code: 'InvalidUserType',
            message: 'Only IAM Users can change their own password.',
            status: 400,
          },
        )
      }
      const ned = await createUser(h, 'ned')
      await expectAwsError(
        h.call('ChangePassword', { OldPassword: GOOD, NewPassword: THIRD }, ned),
        noLoginProfile('ned'),
      )
      await expectAwsError(
        h.call('ChangePassword', { OldPassword: GOOD, NewPassword: 'weak' }, mia),
        VIOLATION,
      )
      assert.deepEqual(await storedProfile(h, mia), before)
    })
  })

  test('reuse prevention refuses the last N passwords, the current one included', async () => {
    await withHarness(async (h) => {
      const olga = await setUp(h, 'olga')
      await h.call('ChangePassword', { OldPassword: GOOD, NewPassword: OTHER }, olga)
      // No reuse prevention: the same password again is a change like any other.
      await h.call('ChangePassword', { OldPassword: OTHER, NewPassword: OTHER }, olga)
      await h.call('UpdateAccountPasswordPolicy', { PasswordReusePrevention: '2' })
      const before = await storedProfile(h, olga)
      // History, newest first: OTHER, OTHER, GOOD. The last two are OTHER, OTHER.
      await expectAwsError(
        h.call('ChangePassword', { OldPassword: OTHER, NewPassword: OTHER }, olga),
        VIOLATION,
      )
      assert.deepEqual(await storedProfile(h, olga), before)
      await h.call('ChangePassword', { OldPassword: OTHER, NewPassword: GOOD }, olga)
      await h.call('UpdateAccountPasswordPolicy', { PasswordReusePrevention: '4' })
      await expectAwsError(
        h.call('ChangePassword', { OldPassword: GOOD, NewPassword: OTHER }, olga),
        VIOLATION,
      )
      await h.call('ChangePassword', { OldPassword: GOOD, NewPassword: THIRD }, olga)
      const history = (await storedProfile(h, olga))!.passwordHistory
      assert.equal(history.length, 5)
      assert.equal(new Set(history.map((entry) => entry.split('$')[3])).size, 1, 'one salt')
    })
  })

  test('a change made between the check and the write is refused, not lost', async () => {
    await withHarness(async (h) => {
      const pat = await setUp(h, 'pat')
      const operation = loginProfileOperations.find((o) => o.name === 'ChangePassword')!
      const input = readInput(operation.input, { OldPassword: GOOD, NewPassword: THIRD })
      const request = {
        requestId: 'r',
        region: 'us-east-1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
        secureTransport: false,
        now: NOW,
      }
      const prepared = await operation.prepare!(input, {
        caller: pat,
        request,
        read: (work) => h.store.read(work),
      })
      // An administrator resets the password meanwhile.
      await h.call('UpdateLoginProfile', { UserName: 'pat', Password: OTHER })
      const changed = await storedProfile(h, pat)
      await expectAwsError(
        h.store.transaction((repo) =>
          operation.run(
            input,
            {
              accountId: ACCOUNT,
              caller: pat,
              repo,
              ids: randomIds,
              now: NOW,
              region: 'us-east-1',
              policies: new PolicyCache(),
            },
            prepared,
          ),
        ),
        {
          code: 'EntityTemporarilyUnmodifiable',
          message:
            'Login Profile for User pat cannot be modified while its password is being changed.',
          status: 409,
        },
      )
      assert.deepEqual(await storedProfile(h, pat), changed)
    })
  })

  test('is authorised as iam:ChangePassword on the caller’s own user ARN', async () => {
    const quinn = userCaller('AIDAQUINN000000000000', 'quinn')
    const operation = loginProfileOperations.find((o) => o.name === 'ChangePassword')!
    const input = readInput(operation.input, { OldPassword: GOOD, NewPassword: OTHER })
    assert.equal(await operation.resource(input, await testScope(quinn)), quinn.arn)
    const create = loginProfileOperations.find((o) => o.name === 'CreateLoginProfile')!
    const named = readInput(create.input, { UserName: 'rita', Password: GOOD })
    assert.equal(
      await create.resource(named, await testScope(quinn)),
      `arn:aws:iam::${ACCOUNT}:user/rita`,
    )
    const own = readInput(create.input, { Password: GOOD })
    assert.equal(await create.resource(own, await testScope(quinn)), quinn.arn)
  })
})
