// Authorisation end to end: users other than the admin call IAM through the real AWS CLI with their
// own keys, and AWS's AccessDenied messages (identity policy, explicit deny, permissions boundary)
// and refused keys come back word for word; a refused call creates nothing.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetRoleCommand,
  NoSuchEntityException,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import type { IAMClient } from '@aws-sdk/client-iam'
import type { Credentials } from '../support/aws-cli.js'
import { iamCli } from '../support/iam-cli.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'
const ADMINISTRATOR = 'arn:aws:iam::aws:policy/AdministratorAccess'
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
})

const denied = (user: string, role: string, reason: string) => ({
  code: 'AccessDenied',
  operation: 'CreateRole',
  message: `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/${role} ${reason}`,
})

describe('authorisation through the AWS CLI', () => {
  let server: TestServer
  let admin: IAMClient
  before(async () => {
    server = await startTestServer()
    admin = iamSdk(server.url, server.admin)
    await admin.send(
      new CreateRoleCommand({ RoleName: 'existing', AssumeRolePolicyDocument: TRUST }),
    )
  })
  after(() => server.cleanup())

  /** A new user with the given managed policies and an access key. */
  async function userWithKey(name: string, policyArns: string[]): Promise<Credentials> {
    await admin.send(new CreateUserCommand({ UserName: name }))
    for (const arn of policyArns) {
      await admin.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }))
    }
    const key = await admin.send(new CreateAccessKeyCommand({ UserName: name }))
    return {
      accessKeyId: key.AccessKey?.AccessKeyId ?? '',
      secretAccessKey: key.AccessKey?.SecretAccessKey ?? '',
    }
  }

  async function assertNoRole(name: string) {
    const error = await rejection(admin.send(new GetRoleCommand({ RoleName: name })))
    assert.ok(error instanceof NoSuchEntityException, String(error))
  }

  const createRole = (name: string) => [
    'create-role',
    '--role-name',
    name,
    '--assume-role-policy-document',
    TRUST,
  ]

  test('IAMReadOnlyAccess: list-roles works, create-role is denied and creates nothing', async () => {
    const reader = iamCli(server.url, await userWithKey('reader', [READ_ONLY]))
    const roles = await reader.ok<{ Roles: Array<{ RoleName: string }> }>('list-roles')
    assert.deepEqual(
      roles.Roles.map((role) => role.RoleName),
      ['existing'],
    )
    const me = await reader.ok<{ User: { UserName: string } }>('get-user')
    assert.equal(me.User.UserName, 'reader')
    await reader.fails(
      denied('reader', 'x', 'because no identity-based policy allows the iam:CreateRole action'),
      ...createRole('x'),
    )
    await assertNoRole('x')
  })

  test('an explicit Deny in an inline policy beats AdministratorAccess', async () => {
    const key = await userWithKey('restricted', [ADMINISTRATOR])
    await admin.send(
      new PutUserPolicyCommand({
        UserName: 'restricted',
        PolicyName: 'no-roles',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' }],
        }),
      }),
    )
    const restricted = iamCli(server.url, key)
    await restricted.fails(
      denied('restricted', 'y', 'with an explicit deny in an identity-based policy'),
      ...createRole('y'),
    )
    await assertNoRole('y')
    // Everything else AdministratorAccess grants still works.
    await restricted.ok('create-group', '--group-name', 'made-by-restricted')
  })

  test('a permissions boundary limits an administrator', async () => {
    const key = await userWithKey('bounded', [ADMINISTRATOR])
    await admin.send(
      new PutUserPermissionsBoundaryCommand({
        UserName: 'bounded',
        PermissionsBoundary: READ_ONLY,
      }),
    )
    const bounded = iamCli(server.url, key)
    const roles = await bounded.ok<{ Roles: Array<{ RoleName: string }> }>('list-roles')
    assert.deepEqual(
      roles.Roles.map((role) => role.RoleName),
      ['existing'],
    )
    await bounded.fails(
      denied('bounded', 'z', 'because no permissions boundary allows the iam:CreateRole action'),
      ...createRole('z'),
    )
    await assertNoRole('z')
  })

  test('an inactive key is refused until reactivated; a deleted key is refused for good', async () => {
    const key = await userWithKey('rotating', [READ_ONLY])
    const rotating = iamCli(server.url, key)
    const invalid = {
      code: 'InvalidClientTokenId',
      operation: 'ListRoles',
      message: 'The security token included in the request is invalid.',
    }
    const setStatus = (Status: 'Active' | 'Inactive') =>
      admin.send(
        new UpdateAccessKeyCommand({ UserName: 'rotating', AccessKeyId: key.accessKeyId, Status }),
      )
    await setStatus('Inactive')
    await rotating.fails(invalid, 'list-roles')
    await setStatus('Active')
    await rotating.ok('list-roles')
    await admin.send(
      new DeleteAccessKeyCommand({ UserName: 'rotating', AccessKeyId: key.accessKeyId }),
    )
    await rotating.fails(invalid, 'list-roles')
  })

  test('a wrong secret for a real key is refused with SignatureDoesNotMatch', async () => {
    const key = await userWithKey('typo', [READ_ONLY])
    await iamCli(server.url, { ...key, secretAccessKey: 'not-the-secret' }).fails(
      {
        code: 'SignatureDoesNotMatch',
        operation: 'ListRoles',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      },
      'list-roles',
    )
  })
})
