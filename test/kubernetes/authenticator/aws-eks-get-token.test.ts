// End to end: tokens made by the real `aws eks get-token --cluster-name NAME` (AWS CLI v1, which
// presigns for AWS_ENDPOINT_URL_STS) verified in process by a running server's TokenVerifier, with
// an IAM user's key, with the role session `--role-arn` assumes through rolegate's STS, and with
// session credentials from `aws sts assume-role`; the identity must be what GetCallerIdentity
// answers over the socket for the same credentials.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../../support/aws-cli.js'
import type { Credentials } from '../../support/aws-cli.js'
import { iamCli } from '../../support/iam-cli.js'
import type { IamCli } from '../../support/iam-cli.js'
import { startTestServer } from '../../support/server.js'
import type { TestServer } from '../../support/server.js'
import { TokenAuthenticator } from '../../../src/kubernetes/authenticator/index.js'
import type { ClusterSnapshot } from '../../../src/kubernetes/objects.js'
import { urlOf } from './tokens.js'

const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`

interface ExecCredential {
  kind: string
  apiVersion: string
  status: { expirationTimestamp: string; token: string }
}

interface CallerIdentity {
  Arn: string
  Account: string
  UserId: string
}

const cluster = (name: string): ClusterSnapshot => ({
  cluster: {
    accountId: ACCOUNT,
    name,
    id: '0123456789ABCDEF0123456789ABCDEF',
    arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/${name}`,
    region: 'us-east-1',
    issuerName: 'eks-0123456789ABCDEF0123456789ABCDEF',
    createdAt: new Date(),
  },
  objects: [],
})

describe('aws eks get-token, verified by a running server', () => {
  let server: TestServer
  let admin: IamCli
  let dev: Credentials

  const cli = (credentials: Credentials, args: string[]) =>
    awsCli({ endpoint: server.url, credentials, env: { AWS_ENDPOINT_URL_STS: server.url } }, args)

  const getToken = async (credentials: Credentials, ...args: string[]): Promise<string> => {
    const credential = json<ExecCredential>(await cli(credentials, ['eks', 'get-token', ...args]))
    assert.equal(credential.kind, 'ExecCredential')
    return credential.status.token
  }

  const callerIdentity = async (credentials: Credentials): Promise<CallerIdentity> =>
    json<CallerIdentity>(await cli(credentials, ['sts', 'get-caller-identity']))

  before(async () => {
    server = await startTestServer()
    admin = iamCli(server.url, server.admin)
    await admin.ok('create-user', '--user-name', 'kube-dev')
    const key = await admin.ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
      'create-access-key',
      '--user-name',
      'kube-dev',
    )
    dev = {
      accessKeyId: key.AccessKey.AccessKeyId,
      secretAccessKey: key.AccessKey.SecretAccessKey,
    }
    await admin.ok(
      'create-role',
      '--role-name',
      'OktaProdAdminRole',
      '--assume-role-policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    )
  })

  after(() => server?.cleanup())

  test("an IAM user's token: the user GetCallerIdentity names, for its cluster only", async () => {
    const token = await getToken(dev, '--cluster-name', 'prod')
    const url = new URL(urlOf(token))
    assert.equal(url.origin, server.url, 'the CLI presigned for AWS_ENDPOINT_URL_STS')
    assert.equal(url.searchParams.get('X-Amz-Expires'), '60')

    const verified = await server.running.eksTokens.verify(token, 'prod')
    assert.ok('identity' in verified, JSON.stringify(verified))
    const answer = await callerIdentity(dev)
    assert.equal(verified.identity.arn, answer.Arn)
    assert.equal(verified.identity.accountId, answer.Account)
    assert.equal(verified.identity.userId, answer.UserId)
    assert.equal(verified.identity.canonicalArn, `arn:aws:iam::${ACCOUNT}:user/kube-dev`)
    assert.equal(verified.identity.accessKeyId, dev.accessKeyId)
    assert.equal(verified.identity.sessionName, '')

    const elsewhere = await server.running.eksTokens.verify(token, 'staging')
    assert.ok('error' in elsewhere)
    assert.match(elsewhere.error, /SignatureDoesNotMatch.*checked for cluster "staging"/)
  })

  test('--role-arn: the session rolegate issued signs, and aws-auth maps its role', async () => {
    const token = await getToken(server.admin, '--cluster-name', 'prod', '--role-arn', ROLE_ARN)
    const query = new URL(urlOf(token)).searchParams
    assert.ok(query.get('X-Amz-Security-Token'), 'signed with session credentials')
    assert.match(query.get('X-Amz-Credential') ?? '', /^ASIA/)

    const authenticator = new TokenAuthenticator({
      verifier: server.running.eksTokens,
      awsAuthOf: () => ({
        mapRoles: [
          {
            rolearn: `arn:aws:iam::${ACCOUNT}:role/teams/OktaProdAdminRole`,
            username: 'production-admin-user',
            groups: ['prod-admin-group'],
          },
        ],
        mapUsers: [],
        mapAccounts: [],
      }),
    })
    const result = await authenticator.authenticateToken(token, cluster('prod'))
    assert.ok('user' in result, JSON.stringify(result))
    assert.equal(result.user.username, 'production-admin-user')
    assert.deepEqual(result.user.groups, ['prod-admin-group', 'system:authenticated'])
    // The AWS CLI's own session name for --role-arn.
    assert.deepEqual(result.user.extra?.['sessionName'], ['EKSGetTokenAuth'])
    assert.deepEqual(result.user.extra?.['arn'], [
      `arn:aws:sts::${ACCOUNT}:assumed-role/OktaProdAdminRole/EKSGetTokenAuth`,
    ])
    assert.match(result.user.uid ?? '', new RegExp(`^aws-iam-authenticator:${ACCOUNT}:AROA`))

    const unmapped = new TokenAuthenticator({
      verifier: server.running.eksTokens,
      awsAuthOf: () => ({ mapRoles: [], mapUsers: [], mapAccounts: [] }),
    })
    const refused = await unmapped.authenticateToken(token, cluster('prod'))
    assert.ok('error' in refused)
    assert.match(refused.error, new RegExp(`^identity is not mapped: ${ROLE_ARN} \\(from `))
  })

  test('session credentials from aws sts assume-role', async () => {
    const assumed = json<{
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
    }>(
      await cli(server.admin, [
        'sts',
        'assume-role',
        '--role-arn',
        ROLE_ARN,
        '--role-session-name',
        'jane@example.com',
      ]),
    )
    const session: Credentials = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    }
    const token = await getToken(session, '--cluster-name', 'prod')
    const verified = await server.running.eksTokens.verify(token, 'prod')
    assert.ok('identity' in verified, JSON.stringify(verified))
    const answer = await callerIdentity(session)
    assert.equal(verified.identity.arn, answer.Arn)
    assert.equal(`${verified.identity.userId}:${verified.identity.sessionName}`, answer.UserId)
    assert.equal(verified.identity.canonicalArn, ROLE_ARN)
    assert.equal(verified.identity.sessionName, 'jane@example.com')
  })

  test('a token whose key has since been deleted is refused', async () => {
    await admin.ok('create-user', '--user-name', 'leaver')
    const key = await admin.ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
      'create-access-key',
      '--user-name',
      'leaver',
    )
    const leaver = {
      accessKeyId: key.AccessKey.AccessKeyId,
      secretAccessKey: key.AccessKey.SecretAccessKey,
    }
    const token = await getToken(leaver, '--cluster-name', 'prod')
    assert.ok('identity' in (await server.running.eksTokens.verify(token, 'prod')))
    await admin.ok(
      'delete-access-key',
      '--user-name',
      'leaver',
      '--access-key-id',
      leaver.accessKeyId,
    )
    assert.deepEqual(await server.running.eksTokens.verify(token, 'prod'), {
      error:
        'sts getCallerIdentity failed: error from STS (expected 200, got 403): InvalidClientTokenId:' +
        ' The security token included in the request is invalid.',
      kind: 'sts',
    })
  })

  test('a token for AWS itself (no AWS_ENDPOINT_URL_STS) is refused without a request', async () => {
    const credential = json<ExecCredential>(
      await awsCli({ endpoint: server.url, credentials: dev }, [
        'eks',
        'get-token',
        '--cluster-name',
        'prod',
      ]),
    )
    const result = await server.running.eksTokens.verify(credential.status.token, 'prod')
    assert.deepEqual(result, {
      error: 'input token was not properly formatted: unexpected scheme "https" in pre-signed URL',
      kind: 'format',
    })
  })
})
