// Web identity credentials through the SDKs' own providers, end to end over a socket: the AWS SDK
// for JavaScript's `fromTokenFile` (AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN, its STS client
// pointed at rolegate) and boto3's default chain (the same variables plus AWS_ENDPOINT_URL_STS),
// each then calling GetCallerIdentity with the session credentials it obtained.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromTokenFile } from '@aws-sdk/credential-providers'
import { awsCli, boto3Script, json } from '../support/aws-cli.js'
import { startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { hostPath, webIdentityTrustPolicy } from '../support/web-identity.js'

const PUBLIC_URL = 'https://rolegate.invalid'
const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/sdk-app`
const SUBJECT = 'system:serviceaccount:apps:sdk'

describe('SDK web identity credential providers', () => {
  let server: FederationServer
  let dir: string
  let tokenFile: string

  before(async () => {
    server = await startFederationServer({ publicUrl: PUBLIC_URL })
    dir = mkdtempSync(join(tmpdir(), 'rolegate-sdk-token-'))
    await server.rolegateOk(['issuer', 'create', 'cluster'])
    const issuerUrl = `${PUBLIC_URL}/issuers/${ACCOUNT}/cluster`
    const iam = (args: string[]) =>
      awsCli({ endpoint: server.url, credentials: server.admin }, ['iam', ...args])
    const { OpenIDConnectProviderArn } = json<{ OpenIDConnectProviderArn: string }>(
      await iam([
        'create-open-id-connect-provider',
        '--url',
        issuerUrl,
        '--client-id-list',
        'sts.amazonaws.com',
      ]),
    )
    json(
      await iam([
        'create-role',
        '--role-name',
        'sdk-app',
        '--assume-role-policy-document',
        webIdentityTrustPolicy(OpenIDConnectProviderArn, {
          StringEquals: {
            [`${hostPath(issuerUrl)}:aud`]: 'sts.amazonaws.com',
            [`${hostPath(issuerUrl)}:sub`]: SUBJECT,
          },
        }),
      ]),
    )
    const token = await server.rolegateOk([
      'token',
      '--issuer',
      'cluster',
      '--sub',
      SUBJECT,
      '--aud',
      'sts.amazonaws.com',
    ])
    tokenFile = join(dir, 'token')
    writeFileSync(tokenFile, token.trim())
  })
  after(async () => {
    await server.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('@aws-sdk/credential-providers fromTokenFile, then @aws-sdk/client-sts GetCallerIdentity', async () => {
    const variables = {
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_ROLE_SESSION_NAME: 'js-sdk',
    }
    const saved = Object.fromEntries(
      Object.keys(variables).map((name) => [name, process.env[name]]),
    )
    Object.assign(process.env, variables)
    try {
      const credentials = fromTokenFile({
        clientConfig: { endpoint: server.url, region: 'us-east-1', maxAttempts: 1 },
      })
      const resolved = await credentials()
      assert.match(resolved.accessKeyId, /^ASIA/)
      assert.ok(resolved.sessionToken, 'session credentials')
      const sts = new STSClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      })
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/sdk-app/js-sdk`)
      assert.equal(identity.Account, ACCOUNT)
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })

  test("boto3's default chain: web identity variables and AWS_ENDPOINT_URL_STS", async () => {
    const result = await boto3Script(
      {
        endpoint: server.url,
        env: {
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
          AWS_ROLE_ARN: ROLE_ARN,
          AWS_ROLE_SESSION_NAME: 'boto3',
          AWS_ENDPOINT_URL_STS: server.url,
        },
      },
      [
        'import boto3, json',
        'session = boto3.session.Session()',
        'credentials = session.get_credentials()',
        'identity = session.client("sts").get_caller_identity()',
        'print(json.dumps({"method": credentials.method, "arn": identity["Arn"],',
        '                  "key": credentials.get_frozen_credentials().access_key}))',
      ].join('\n'),
    )
    assert.equal(result.code, 0, result.stderr)
    const printed = JSON.parse(result.stdout) as { method: string; arn: string; key: string }
    assert.equal(printed.method, 'assume-role-with-web-identity')
    assert.equal(printed.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/sdk-app/boto3`)
    assert.match(printed.key, /^ASIA/)
  })
})
