// GetFederationToken end to end: boto3 gets a federated user session (checked against the answer
// recorded from AWS, aws-shapes test_sts test_get_federation_token) and uses it; the AWS CLI does
// the same with a session policy from a file, and its session is refused what AWS refuses.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awsCli, boto3Script, json } from '../support/aws-cli.js'
import { tempFileUrl } from '../support/iam-cli.js'
import { corpus } from '../support/requirements.js'
import { runRolegate } from '../support/rolegate-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const SCRIPT = String.raw`
import json, os
import boto3
from botocore.exceptions import ClientError

endpoint = os.environ['ROLEGATE_ENDPOINT']
sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1')
out = {}

def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k != 'ResponseMetadata'}
    return type(value).__name__

token = sts.get_federation_token(Name='TestNameabc123', DurationSeconds=900)
out['shape'] = shape(token)
out['federatedUser'] = token['FederatedUser']
out['packedPolicySize'] = token['PackedPolicySize']
creds = token['Credentials']
session = boto3.session.Session(aws_access_key_id=creds['AccessKeyId'],
    aws_secret_access_key=creds['SecretAccessKey'], aws_session_token=creds['SessionToken'],
    region_name='us-east-1')
who = session.client('sts', endpoint_url=endpoint).get_caller_identity()
out['who'] = {k: who[k] for k in ('UserId', 'Account', 'Arn')}
try:
    session.client('iam', endpoint_url=endpoint).list_users()
    out['iam'] = None
except ClientError as error:
    out['iam'] = [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]
try:
    sts.get_federation_token(Name='app:x')
    out['badName'] = None
except ClientError as error:
    out['badName'] = [error.response['Error']['Code'], error.response['Error']['Message']]
print(json.dumps(out))
`

describe('GetFederationToken end to end', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.cleanup())

  const { path: snapshotFile, skip } = corpus('aws-shapes/sts/test_sts.snapshot.json')

  test(
    'boto3: the session AWS was recorded answering, used and refused IAM',
    { skip },
    async () => {
      const result = await boto3Script({ endpoint: server.url, credentials: server.admin }, SCRIPT)
      assert.equal(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout) as Record<string, unknown>
      const recorded = (
        JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<
          string,
          { 'recorded-content': Record<string, Record<string, unknown>> }
        >
      )['tests/aws/services/sts/test_sts.py::TestSTSIntegrations::test_get_federation_token']?.[
        'recorded-content'
      ]['get-federation-token']
      assert.ok(recorded)
      // The same members, each of the type boto3 parses it into.
      assert.deepEqual(out['shape'], {
        Credentials: {
          AccessKeyId: 'str',
          SecretAccessKey: 'str',
          SessionToken: 'str',
          Expiration: 'datetime',
        },
        FederatedUser: { FederatedUserId: 'str', Arn: 'str' },
        PackedPolicySize: 'int',
      })
      assert.deepEqual(
        Object.keys(out['shape'] as object).sort(),
        Object.keys(recorded)
          .filter((k) => k !== 'ResponseMetadata')
          .sort(),
      )
      assert.deepEqual(out['federatedUser'], {
        FederatedUserId: '123456789012:TestNameabc123',
        Arn: 'arn:aws:sts::123456789012:federated-user/TestNameabc123',
      })
      assert.equal(out['packedPolicySize'], recorded['PackedPolicySize'])
      assert.deepEqual(out['who'], {
        UserId: '123456789012:TestNameabc123',
        Account: '123456789012',
        Arn: 'arn:aws:sts::123456789012:federated-user/TestNameabc123',
      })
      assert.deepEqual(out['iam'], ['InvalidClientTokenId', 403])
      // botocore checks lengths itself; the pattern is the server's to check.
      assert.deepEqual(out['badName'], [
        'ValidationError',
        "1 validation error detected: Value 'app:x' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ])
    },
  )

  test('AWS CLI: a session policy from a file, and the session it bounds', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'rolegate:ListIssuers', Resource: '*' }],
    }
    const token = json<{
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
      FederatedUser: { Arn: string }
      PackedPolicySize: number
    }>(
      await awsCli({ endpoint: server.url, credentials: server.admin }, [
        'sts',
        'get-federation-token',
        '--name',
        'cli-user',
        '--policy',
        tempFileUrl('session.json', policy),
        '--duration-seconds',
        '3600',
      ]),
    )
    assert.equal(token.FederatedUser.Arn, 'arn:aws:sts::123456789012:federated-user/cli-user')
    assert.ok(token.PackedPolicySize > 0 && token.PackedPolicySize <= 100)
    const session = {
      accessKeyId: token.Credentials.AccessKeyId,
      secretAccessKey: token.Credentials.SecretAccessKey,
      sessionToken: token.Credentials.SessionToken,
    }
    const who = json<{ Arn: string }>(
      await awsCli({ endpoint: server.url, credentials: session }, ['sts', 'get-caller-identity']),
    )
    assert.equal(who.Arn, 'arn:aws:sts::123456789012:federated-user/cli-user')
    // rolegate's own client, through the AWS SDK's credential chain: the session policy allows
    // listing issuers and nothing else, though the admin it came from may do everything.
    const home = mkdtempSync(join(tmpdir(), 'rolegate-fed-home-'))
    const env = {
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
    }
    const run = (args: string[]) => runRolegate(args, env)
    const listed = await run(['issuer', 'list'])
    assert.equal(listed.code, 0, listed.err)
    assert.deepEqual(JSON.parse(listed.out), { Issuers: [] })
    const created = await run(['issuer', 'create', 'fed'])
    assert.equal(created.code, 1)
    assert.equal(
      created.err,
      'An error occurred (AccessDenied) when calling the CreateIssuer operation: User: arn:aws:sts::123456789012:federated-user/cli-user is not authorized to perform: rolegate:CreateIssuer on resource: arn:aws:rolegate::123456789012:issuer/fed because no session policy allows the rolegate:CreateIssuer action\n',
    )

    const refused = await awsCli({ endpoint: server.url, credentials: session }, [
      'sts',
      'get-session-token',
    ])
    assert.notEqual(refused.code, 0)
    assert.equal(
      refused.stderr.trim(),
      'An error occurred (AccessDenied) when calling the GetSessionToken operation: Cannot call GetSessionToken with session credentials',
    )
  })
})
