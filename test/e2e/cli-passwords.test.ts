// Console passwords through the real AWS CLI and boto3 over a socket: the account password policy
// (update, get, delete), login profiles (create, get, update, delete) checked against it, a user
// changing their own password with their own keys (wrong old password, reuse prevention,
// PasswordResetRequired cleared), DeleteUser refused while a password remains, and no password
// anywhere in the data directory in plaintext.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const FIRST = 'Initial-Passw0rd!'
const SECOND = 'Second-Passw0rd!'
const THIRD = 'Third-Passw0rd!x'
const RESET = 'Admin-Reset-0ne!'

const VIOLATION = 'Password does not conform to the account password policy.'

// The policy AWS's own guide gives for letting users change their own password (IAM User Guide,
// "Permitting IAM users to change their own passwords").
const CHANGE_OWN_PASSWORD = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['iam:ChangePassword', 'iam:GetLoginProfile'],
      Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
    },
  ],
})

interface LoginProfile {
  UserName: string
  CreateDate: string
  PasswordResetRequired?: boolean
}

describe('AWS CLI: password policy, login profiles and change-password', () => {
  let server: TestServer
  let admin: IamCli
  before(async () => {
    server = await startTestServer()
    admin = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  test('the account password policy: none, set, read back, deleted', async () => {
    const none = {
      code: 'NoSuchEntity',
      operation: 'GetAccountPasswordPolicy',
      message: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
    }
    await admin.fails(none, 'get-account-password-policy')
    await admin.ok('update-account-password-policy')
    assert.deepEqual(await admin.ok('get-account-password-policy'), {
      PasswordPolicy: {
        MinimumPasswordLength: 6,
        RequireSymbols: false,
        RequireNumbers: false,
        RequireUppercaseCharacters: false,
        RequireLowercaseCharacters: false,
        AllowUsersToChangePassword: false,
        ExpirePasswords: false,
        HardExpiry: false,
      },
    })
    await admin.ok(
      'update-account-password-policy',
      '--minimum-password-length',
      '12',
      '--require-numbers',
      '--require-symbols',
      '--require-uppercase-characters',
      '--require-lowercase-characters',
      '--allow-users-to-change-password',
      '--max-password-age',
      '90',
      '--password-reuse-prevention',
      '2',
    )
    assert.deepEqual(await admin.ok('get-account-password-policy'), {
      PasswordPolicy: {
        MinimumPasswordLength: 12,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        ExpirePasswords: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 2,
        HardExpiry: false,
      },
    })
    await admin.fails(
      {
        code: 'ValidationError',
        operation: 'UpdateAccountPasswordPolicy',
        message:
          '1 validation error detected: Value "129" at "minimumPasswordLength" failed to satisfy constraint: Member must have value less than or equal to 128',
      },
      'update-account-password-policy',
      '--minimum-password-length',
      '129',
    )
    assert.equal(
      (
        await admin.ok<{ PasswordPolicy: { MinimumPasswordLength: number } }>(
          'get-account-password-policy',
        )
      ).PasswordPolicy.MinimumPasswordLength,
      12,
    )
  })

  test('login profiles, and a user changing their own password with their own keys', async () => {
    await admin.ok('create-user', '--user-name', 'alice')
    await admin.fails(
      { code: 'PasswordPolicyViolation', operation: 'CreateLoginProfile', message: VIOLATION },
      'create-login-profile',
      '--user-name',
      'alice',
      '--password',
      'short-1A!',
    )
    await admin.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetLoginProfile',
        message: 'Login Profile for User alice cannot be found.',
      },
      'get-login-profile',
      '--user-name',
      'alice',
    )
    const created = await admin.ok<{ LoginProfile: LoginProfile }>(
      'create-login-profile',
      '--user-name',
      'alice',
      '--password',
      FIRST,
      '--password-reset-required',
    )
    assert.equal(created.LoginProfile.UserName, 'alice')
    assert.equal(created.LoginProfile.PasswordResetRequired, true)
    assert.ok(!Number.isNaN(Date.parse(created.LoginProfile.CreateDate)))
    await admin.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateLoginProfile',
        message: 'Login Profile for user alice already exists.',
      },
      'create-login-profile',
      '--user-name',
      'alice',
      '--password',
      SECOND,
    )
    const got = await admin.ok<{ LoginProfile: LoginProfile }>(
      'get-login-profile',
      '--user-name',
      'alice',
    )
    assert.deepEqual(got, created)
    await admin.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteUser',
        message: 'Cannot delete entity, must delete login profile first.',
      },
      'delete-user',
      '--user-name',
      'alice',
    )

    // Alice signs with her own key, allowed to change her own password only.
    await admin.ok(
      'put-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'change-own-password',
      '--policy-document',
      CHANGE_OWN_PASSWORD,
    )
    const key = await admin.ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
      'create-access-key',
      '--user-name',
      'alice',
    )
    const credentials: Credentials = {
      accessKeyId: key.AccessKey.AccessKeyId,
      secretAccessKey: key.AccessKey.SecretAccessKey,
    }
    const alice = iamCli(server.url, credentials)
    await alice.fails(
      {
        code: 'AccessDenied',
        operation: 'ChangePassword',
        message: 'The old password is incorrect.',
      },
      'change-password',
      '--old-password',
      SECOND,
      '--new-password',
      THIRD,
    )
    await alice.ok('change-password', '--old-password', FIRST, '--new-password', SECOND)
    const own = await alice.ok<{ LoginProfile: LoginProfile }>('get-login-profile')
    assert.equal(own.LoginProfile.UserName, 'alice')
    assert.equal(own.LoginProfile.PasswordResetRequired, false)
    assert.equal(own.LoginProfile.CreateDate, created.LoginProfile.CreateDate)
    // The policy keeps the last two passwords from coming back, and asks for a strong one.
    await alice.fails(
      { code: 'PasswordPolicyViolation', operation: 'ChangePassword', message: VIOLATION },
      'change-password',
      '--old-password',
      SECOND,
      '--new-password',
      FIRST,
    )
    await alice.fails(
      { code: 'PasswordPolicyViolation', operation: 'ChangePassword', message: VIOLATION },
      'change-password',
      '--old-password',
      SECOND,
      '--new-password',
      'nouppercase-0ne!',
    )
    await alice.ok('change-password', '--old-password', SECOND, '--new-password', THIRD)
    // Her key does not reach other users' passwords.
    await admin.ok('create-user', '--user-name', 'bob')
    await alice.fails(
      {
        code: 'AccessDenied',
        operation: 'UpdateLoginProfile',
        message: `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:UpdateLoginProfile on resource: arn:aws:iam::${ACCOUNT}:user/bob because no identity-based policy allows the iam:UpdateLoginProfile action`,
      },
      'update-login-profile',
      '--user-name',
      'bob',
      '--password',
      RESET,
    )

    // An administrator resets it and asks for a new one at next sign-in.
    await admin.ok(
      'update-login-profile',
      '--user-name',
      'alice',
      '--password',
      RESET,
      '--password-reset-required',
    )
    const reset = await admin.ok<{ LoginProfile: LoginProfile }>(
      'get-login-profile',
      '--user-name',
      'alice',
    )
    assert.equal(reset.LoginProfile.PasswordResetRequired, true)
    await alice.fails(
      {
        code: 'AccessDenied',
        operation: 'ChangePassword',
        message: 'The old password is incorrect.',
      },
      'change-password',
      '--old-password',
      THIRD,
      '--new-password',
      'Another-Passw0rd!',
    )
    await alice.ok(
      'change-password',
      '--old-password',
      RESET,
      '--new-password',
      'Another-Passw0rd!',
    )

    // No password is in the data directory as it was typed; the user's name is (the files scanned
    // hold the data: the database and its write-ahead log).
    const files = readdirSync(server.dataDir).filter((file) => file.startsWith('rolegate.db'))
    const contents = files.map((file) => readFileSync(join(server.dataDir, file)))
    assert.ok(contents.some((bytes) => bytes.includes(Buffer.from('change-own-password'))))
    for (const password of [FIRST, SECOND, THIRD, RESET, 'Another-Passw0rd!']) {
      for (const bytes of contents) assert.equal(bytes.includes(Buffer.from(password)), false)
    }

    await admin.ok('delete-login-profile', '--user-name', 'alice')
    await admin.fails(
      {
        code: 'NoSuchEntity',
        operation: 'DeleteLoginProfile',
        message: 'Login Profile for User alice cannot be found.',
      },
      'delete-login-profile',
      '--user-name',
      'alice',
    )
    await admin.ok(
      'delete-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'change-own-password',
    )
    await admin.ok(
      'delete-access-key',
      '--user-name',
      'alice',
      '--access-key-id',
      credentials.accessKeyId,
    )
    await admin.ok('delete-user', '--user-name', 'alice')
  })

  test('boto3 raises its modelled exceptions and parses the members', async () => {
    await admin.ok('create-user', '--user-name', 'carol')
    const script = String.raw`
import json, os
import boto3
iam = boto3.client('iam', endpoint_url=os.environ['ROLEGATE_ENDPOINT'], region_name='us-east-1')
out = {}
try:
    iam.create_login_profile(UserName='carol', Password='weak')
except iam.exceptions.PasswordPolicyViolationException as error:
    out['violation'] = [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]
profile = iam.create_login_profile(UserName='carol', Password='Carols-Passw0rd!', PasswordResetRequired=True)['LoginProfile']
out['created'] = [profile['UserName'], profile['PasswordResetRequired'], type(profile['CreateDate']).__name__]
iam.update_login_profile(UserName='carol', PasswordResetRequired=False)
out['reset'] = iam.get_login_profile(UserName='carol')['LoginProfile']['PasswordResetRequired']
policy = iam.get_account_password_policy()['PasswordPolicy']
out['policy'] = [policy['MinimumPasswordLength'], policy['ExpirePasswords'], policy['PasswordReusePrevention']]
iam.delete_account_password_policy()
try:
    iam.get_account_password_policy()
except iam.exceptions.NoSuchEntityException as error:
    out['gone'] = error.response['Error']['Message']
iam.delete_login_profile(UserName='carol')
print(json.dumps(out))
`
    const result = await boto3Script({ endpoint: server.url, credentials: server.admin }, script)
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(JSON.parse(result.stdout), {
      violation: ['PasswordPolicyViolation', 400],
      created: ['carol', true, 'datetime'],
      reset: false,
      policy: [12, true, 2],
      gone: `The Password Policy with domain name ${ACCOUNT} cannot be found.`,
    })
    // With the policy gone, AWS's default policy applies again: eight characters, three kinds.
    await admin.fails(
      { code: 'PasswordPolicyViolation', operation: 'CreateLoginProfile', message: VIOLATION },
      'create-login-profile',
      '--user-name',
      'carol',
      '--password',
      'alllowercase',
    )
    await admin.ok('create-login-profile', '--user-name', 'carol', '--password', 'lower-and-1')
    await admin.fails(
      {
        code: 'NoSuchEntity',
        operation: 'DeleteAccountPasswordPolicy',
        message: 'The account policy with name PasswordPolicy cannot be found.',
      },
      'delete-account-password-policy',
    )
  })
})
