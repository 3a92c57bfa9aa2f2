// A built-in issuer's tokens are verified in process: a token from `rolegate token` is exchanged
// with AssumeRoleWithWebIdentity with no discovery or JWKS fetch (the public URL resolves nowhere),
// keeps working across a key rotation, and stops when the issuer is deleted.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { pino } from 'pino'
import { runCli } from '../../src/cli/run-cli.js'
import { startRolegate } from '../../src/main.js'
import type { RunningRolegate } from '../../src/main.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { TEST_ADMIN_KEY } from '../support/server.js'

// IAM takes provider URLs without a port; `.invalid` never resolves, so any fetch would fail.
const PUBLIC_URL = 'https://rolegate.invalid'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/payments-api'

describe('built-in issuer tokens through AssumeRoleWithWebIdentity', () => {
  let dir: string
  let running: RunningRolegate
  let env: NodeJS.ProcessEnv
  let sts: STSClient

  const cli = async (args: string[]) => {
    let out = ''
    let err = ''
    const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env })
    assert.equal(code, 0, err)
    return out
  }
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
    dir = mkdtempSync(join(tmpdir(), 'rolegate-web-identity-'))
    running = await startRolegate({
      host: '127.0.0.1',
      port: 0,
      dataDir: dir,
      accountId: '123456789012',
      region: 'us-east-1',
      publicUrl: PUBLIC_URL,
      allowReset: false,
      adminKey: TEST_ADMIN_KEY,
      logger: pino({ level: 'silent' }),
    })
    env = {
      HOME: dir,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: running.url,
    }
    sts = new STSClient({
      endpoint: running.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      maxAttempts: 1,
    })
    await cli(['issuer', 'create', 'cluster'])
    const iam = iamSdk(running.url, TEST_ADMIN_KEY)
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
    await running.close()
    rmSync(dir, { recursive: true, force: true })
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
