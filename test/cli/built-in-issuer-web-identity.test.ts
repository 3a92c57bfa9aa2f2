// A built-in issuer's tokens are verified in process: a token from `rolegate token` is exchanged
// with AssumeRoleWithWebIdentity with no discovery or JWKS fetch (the public URL resolves nowhere),
// keeps working across a key rotation, and stops when the issuer is deleted.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { rolegateOk } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

// IAM takes provider URLs without a port; `.invalid` never resolves, so any fetch would fail.
const PUBLIC_URL = 'https://rolegate.invalid'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/payments-api'

describe('built-in issuer tokens through AssumeRoleWithWebIdentity', () => {
  let server: TestServer
  let env: NodeJS.ProcessEnv
  let sts: STSClient

  const cli = (args: string[]) => rolegateOk(args, env)
  const token = async (sub = 'system:serviceaccount:payments:api') =>
    (await cli(['token', '--issuer', 'cluster', '--sub', sub, '--aud', 'sts.amazonaws.com'])).trim()
  const assume = (webIdentityToken: string) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'pod',
        WebIdentityToken: webIdentityToken,
      }),
    )

  before(async () => {
    server = await startTestServer({ publicUrl: PUBLIC_URL })
    env = {
      HOME: server.dataDir,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: server.url,
    }
    sts = new STSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      maxAttempts: 1,
    })
    await cli(['issuer', 'create', 'cluster'])
    const iam = iamSdk(server.url, TEST_ADMIN_KEY)
    const { OpenIDConnectProviderArn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `${PUBLIC_URL}/issuers/123456789012/cluster`,
        ClientIDList: ['sts.amazonaws.com'],
      }),
    )
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'payments-api',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: OpenIDConnectProviderArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: {
                  'rolegate.invalid/issuers/123456789012/cluster:aud': 'sts.amazonaws.com',
                  'rolegate.invalid/issuers/123456789012/cluster:sub':
                    'system:serviceaccount:payments:api',
                },
              },
            },
          ],
        }),
      }),
    )
  })
  after(async () => {
    await server.cleanup()
  })

  test('a minted token is exchanged for role credentials', async () => {
    const answer = await assume(await token())
    assert.equal(answer.SubjectFromWebIdentityToken, 'system:serviceaccount:payments:api')
    assert.equal(answer.Provider, `${PUBLIC_URL}/issuers/123456789012/cluster`)
    assert.match(answer.Credentials?.AccessKeyId ?? '', /^ASIA/)
  })

  test('the trust policy still decides', async () => {
    const error = await rejection(assume(await token('system:serviceaccount:payments:other')))
    assert.equal(error.name, 'AccessDenied')
  })

  test('tokens signed before and after a rotation both verify', async () => {
    const before = await token()
    await cli(['issuer', 'rotate-key', 'cluster'])
    await assume(before)
    await assume(await token())
  })

  test('deleting the issuer (forced: a provider trusts it) stops its tokens', async () => {
    const minted = await token()
    await cli(['issuer', 'delete', 'cluster', '--force'])
    const error = await rejection(assume(minted))
    // The SDK names the InvalidIdentityToken code by its exception class.
    assert.equal(error.name, 'InvalidIdentityTokenException')
    assert.equal(
      error.message,
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    )
  })
})
