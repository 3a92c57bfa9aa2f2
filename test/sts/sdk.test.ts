// STS through real clients over a real socket: the AWS SDK for JavaScript assumes a role and uses
// the session; the AWS CLI reports the caller; boto3 sees the encoded authorization message.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CreateRoleCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts'
import { awsCli, boto3Script, json } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const trust = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }],
  })

describe('STS with real clients', () => {
  let server: TestServer
  let roleArn = ''
  const config = () => ({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: server.admin,
  })

  before(async () => {
    server = await startTestServer()
    const iam = new IAMClient(config())
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'sdk-role',
        AssumeRolePolicyDocument: trust(server.accountId),
      }),
    )
    roleArn = created.Role?.Arn ?? ''
  })
  after(() => server.cleanup())

  test('SDK: AssumeRole, then GetCallerIdentity with the session shows the assumed role', async () => {
    const sts = new STSClient(config())
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'sdk-session',
        DurationSeconds: 900,
      }),
    )
    const credentials = assumed.Credentials
    if (!credentials?.AccessKeyId) throw new Error('AssumeRole returned no credentials')
    assert.match(credentials.AccessKeyId, /^ASIA/)
    assert.ok(credentials.Expiration instanceof Date)
    const accessKeyId = credentials.AccessKeyId
    assert.equal(
      assumed.AssumedRoleUser?.Arn,
      `arn:aws:sts::${server.accountId}:assumed-role/sdk-role/sdk-session`,
    )
    const session = new STSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId,
        secretAccessKey: credentials.SecretAccessKey ?? '',
        sessionToken: credentials.SessionToken ?? '',
      },
    })
    const who = await session.send(new GetCallerIdentityCommand({}))
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/sdk-role/sdk-session`)
    assert.equal(who.Account, server.accountId)
    assert.equal(who.UserId, assumed.AssumedRoleUser?.AssumedRoleId)

    // The role has no permissions: IAM refuses the session in AWS's words.
    const iam = new IAMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: session.config.credentials,
    })
    await assert.rejects(iam.send(new ListUsersCommand({})), (error: Error) => {
      assert.equal(error.name, 'AccessDenied')
      assert.match(
        error.message,
        /^User: arn:aws:sts::\d{12}:assumed-role\/sdk-role\/sdk-session is not authorized to perform: iam:ListUsers/,
      )
      return true
    })
    // Role sessions may not call GetSessionToken.
    await assert.rejects(session.send(new GetSessionTokenCommand({})), (error: Error) => {
      assert.equal(error.name, 'AccessDenied')
      assert.equal(error.message, 'Cannot call GetSessionToken with session credentials')
      return true
    })
  })

  test('AWS CLI: sts get-caller-identity, for the admin and for a role session', async () => {
    const admin = json<{ Arn: string; Account: string }>(
      await awsCli({ endpoint: server.url, credentials: server.admin }, [
        'sts',
        'get-caller-identity',
      ]),
    )
    assert.equal(admin.Arn, `arn:aws:iam::${server.accountId}:user/admin`)
    const assumed = json<{
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
    }>(
      await awsCli({ endpoint: server.url, credentials: server.admin }, [
        'sts',
        'assume-role',
        '--role-arn',
        roleArn,
        '--role-session-name',
        'cli-session',
      ]),
    )
    const who = json<{ Arn: string }>(
      await awsCli(
        {
          endpoint: server.url,
          credentials: {
            accessKeyId: assumed.Credentials.AccessKeyId,
            secretAccessKey: assumed.Credentials.SecretAccessKey,
            sessionToken: assumed.Credentials.SessionToken,
          },
        },
        ['sts', 'get-caller-identity'],
      ),
    )
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/sdk-role/cli-session`)
  })

  test('boto3: an AccessDenied carries EncodedAuthorizationMessage, and the admin decodes it', async () => {
    const result = await boto3Script(
      { endpoint: server.url, credentials: server.admin },
      `
import json, os, boto3, botocore
endpoint = os.environ['ROLEGATE_ENDPOINT']
sts = boto3.client('sts', endpoint_url=endpoint)
role = sts.assume_role(RoleArn=${JSON.stringify(roleArn)}, RoleSessionName='py')['Credentials']
iam = boto3.client('iam', endpoint_url=endpoint, aws_access_key_id=role['AccessKeyId'],
    aws_secret_access_key=role['SecretAccessKey'], aws_session_token=role['SessionToken'])
try:
    iam.list_roles()
    print(json.dumps({'error': None}))
except botocore.exceptions.ClientError as e:
    encoded = e.response['Error'].get('EncodedAuthorizationMessage')
    decoded = json.loads(sts.decode_authorization_message(EncodedMessage=encoded)['DecodedMessage'])
    print(json.dumps({'code': e.response['Error']['Code'], 'action': decoded['context']['action'],
        'allowed': decoded['allowed']}))
`,
    )
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(JSON.parse(result.stdout), {
      code: 'AccessDenied',
      action: 'iam:ListRoles',
      allowed: false,
    })
  })
})
