// Cross-account AssumeRole through the real AWS CLI: account B (made with `rolegate accounts
// create`) has a role that trusts a user of account A. Both sides must allow: B's trust policy and
// A's identity policy for sts:AssumeRole. The credentials then act in B with the role's policies.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Credentials } from '../support/aws-cli.js'
import { startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { stsCli } from '../support/web-identity.js'

const A = '123456789012'
const B = '210987654321'
const ROLE_ARN = `arn:aws:iam::${B}:role/cross`

interface AccessKey {
  AccessKey: { AccessKeyId: string; SecretAccessKey: string }
}

interface Assumed {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  AssumedRoleUser: { AssumedRoleId: string; Arn: string }
}

const keyOf = (created: AccessKey): Credentials => ({
  accessKeyId: created.AccessKey.AccessKeyId,
  secretAccessKey: created.AccessKey.SecretAccessKey,
})

const allowAssumeRole = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }],
})

describe('cross-account AssumeRole through the AWS CLI', () => {
  let server: FederationServer
  let adminA: IamCli
  let alice: Credentials
  let bob: Credentials

  before(async () => {
    server = await startFederationServer()
    adminA = iamCli(server.url, server.admin)
    for (const user of ['alice', 'bob']) await adminA.ok('create-user', '--user-name', user)
    alice = keyOf(await adminA.ok<AccessKey>('create-access-key', '--user-name', 'alice'))
    bob = keyOf(await adminA.ok<AccessKey>('create-access-key', '--user-name', 'bob'))
    // bob may call sts:AssumeRole on the role from the start; only the trust policy stops him.
    await adminA.ok(
      'put-user-policy',
      '--user-name',
      'bob',
      '--policy-name',
      'assume-cross',
      '--policy-document',
      allowAssumeRole,
    )

    const created = JSON.parse(await server.rolegateOk(['accounts', 'create', B])) as AccessKey
    const adminB = iamCli(server.url, keyOf(created))
    await adminB.ok(
      'create-role',
      '--role-name',
      'cross',
      '--assume-role-policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${A}:user/alice` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    )
    await adminB.ok(
      'attach-role-policy',
      '--role-name',
      'cross',
      '--policy-arn',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    )
  })
  after(() => server.cleanup())

  const assumeArgs = ['assume-role', '--role-arn', ROLE_ARN, '--role-session-name', 'from-a']

  test("the trust policy alone is not enough: A's user needs an identity policy too", async () => {
    await stsCli({ endpoint: server.url, credentials: alice }).refuses(
      {
        code: 'AccessDenied',
        operation: 'AssumeRole',
        message: `User: arn:aws:iam::${A}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN} because no identity-based policy allows the sts:AssumeRole action`,
      },
      ...assumeArgs,
    )
  })

  test('the identity policy alone is not enough: the trust policy must name the caller', async () => {
    await stsCli({ endpoint: server.url, credentials: bob }).refuses(
      {
        code: 'AccessDenied',
        operation: 'AssumeRole',
        message: `User: arn:aws:iam::${A}:user/bob is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      },
      ...assumeArgs,
    )
  })

  test('with both, the credentials are a session in B, held to the role there', async () => {
    await adminA.ok(
      'put-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'assume-cross',
      '--policy-document',
      allowAssumeRole,
    )
    const assumed = await stsCli({ endpoint: server.url, credentials: alice }).ok<Assumed>(
      ...assumeArgs,
    )
    assert.equal(assumed.AssumedRoleUser.Arn, `arn:aws:sts::${B}:assumed-role/cross/from-a`)
    assert.match(assumed.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]{17}:from-a$/)
    assert.match(assumed.Credentials.AccessKeyId, /^ASIA/)
    const session: Credentials = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    }
    const identity = await stsCli({ endpoint: server.url, credentials: session }).ok<{
      Account: string
      Arn: string
    }>('get-caller-identity')
    assert.deepEqual(
      { Account: identity.Account, Arn: identity.Arn },
      { Account: B, Arn: `arn:aws:sts::${B}:assumed-role/cross/from-a` },
    )
    const asRole = iamCli(server.url, session)
    const role = await asRole.ok<{ Role: { Arn: string } }>('get-role', '--role-name', 'cross')
    assert.equal(role.Role.Arn, ROLE_ARN)
    await asRole.fails(
      {
        code: 'AccessDenied',
        operation: 'DeleteRole',
        message: `User: arn:aws:sts::${B}:assumed-role/cross/from-a is not authorized to perform: iam:DeleteRole on resource: ${ROLE_ARN} because no identity-based policy allows the iam:DeleteRole action`,
      },
      'delete-role',
      '--role-name',
      'cross',
    )
  })
})
