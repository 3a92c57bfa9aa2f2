// A SAML assertion is redeemed once, wherever it is sent: to two rolegate replicas on one
// throwaway PostgreSQL, and to the two processes of `rolegate serve --workers 2` on one SQLite file.
// The same assertion goes to every process at once over real sockets (the AWS SDK for JavaScript,
// a new connection per call); exactly one call gets credentials, every other AWS's refusal.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CreateRoleCommand, CreateSAMLProviderCommand, IAMClient } from '@aws-sdk/client-iam'
import { AssumeRoleWithSAMLCommand, STSClient } from '@aws-sdk/client-sts'
import type { Credentials } from '../support/aws-cli.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import type { PostgresCluster } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import { makeIdp, samlAssertion } from '../support/saml-idp.js'
import type { TestIdp } from '../support/saml-idp.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/okta`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`

const freshConnections = { httpAgent: new Agent({ keepAlive: false }) }

/** The provider and a role trusting it, made through `endpoint`. */
async function setUp(endpoint: string, admin: Credentials, idp: TestIdp): Promise<void> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: admin, maxAttempts: 1 })
  await iam.send(
    new CreateSAMLProviderCommand({ Name: 'okta', SAMLMetadataDocument: idp.metadata }),
  )
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'OktaDeveloper',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: PROVIDER },
            Action: 'sts:AssumeRoleWithSAML',
          },
        ],
      }),
    }),
  )
}

/** Sends one assertion to every endpoint given, all at once; 'ok' or the error's name each. */
async function redeemEverywhere(endpoints: string[], assertion: string): Promise<string[]> {
  return Promise.all(
    endpoints.map(async (endpoint) => {
      // Unsigned: AssumeRoleWithSAML needs no credentials (the SDK sends none for it).
      const sts = new STSClient({
        endpoint,
        region: 'us-east-1',
        maxAttempts: 1,
        requestHandler: freshConnections,
      })
      try {
        const answer = await sts.send(
          new AssumeRoleWithSAMLCommand({
            RoleArn: ROLE,
            PrincipalArn: PROVIDER,
            SAMLAssertion: assertion,
          }),
        )
        assert.match(answer.Credentials?.AccessKeyId ?? '', /^ASIA/)
        return 'ok'
      } catch (error) {
        const failure = error as Error & { message: string }
        assert.equal(failure.message, 'The SAML assertion has already been used')
        return failure.name
      }
    }),
  )
}

const roles = [`${ROLE},${PROVIDER}`]

describe(
  'one assertion, two replicas on one PostgreSQL',
  {
    skip: requireOrSkip(postgresUnavailable()),
  },
  () => {
    let cluster: PostgresCluster
    let a: TestServer
    let b: TestServer
    const idp = makeIdp()

    before(async () => {
      cluster = await startPostgres()
      const databaseUrl = await cluster.createDatabase('saml_replay')
      a = await startTestServer({ databaseUrl })
      b = await startTestServer({ databaseUrl })
      await setUp(a.url, a.admin, idp)
    })
    after(async () => {
      await a?.cleanup()
      await b?.cleanup()
      await cluster?.stop()
    })

    test('sent to both at once, four times each: one success in all', async () => {
      const assertion = samlAssertion(idp, { roles })
      const outcomes = await redeemEverywhere(
        [a.url, b.url, a.url, b.url, a.url, b.url, a.url, b.url],
        assertion,
      )
      assert.deepEqual(
        outcomes.filter((o) => o === 'ok'),
        ['ok'],
        outcomes.join(', '),
      )
      assert.ok(outcomes.every((o) => o === 'ok' || o === 'InvalidIdentityTokenException'))
    })

    test('redeemed at one replica, refused at the other later', async () => {
      const assertion = samlAssertion(idp, { roles })
      assert.deepEqual(await redeemEverywhere([b.url], assertion), ['ok'])
      assert.deepEqual(await redeemEverywhere([a.url], assertion), [
        'InvalidIdentityTokenException',
      ])
      // Another assertion of the same user is not held up.
      assert.deepEqual(await redeemEverywhere([a.url], samlAssertion(idp, { roles })), ['ok'])
    })
  },
)

describe('one assertion, rolegate serve --workers 2 on SQLite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-saml-workers-'))
  let child: ChildProcessWithoutNullStreams
  let url = ''
  const idp = makeIdp()

  before(async () => {
    child = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', 'src/cli/main.ts', 'serve'],
        ...['--workers', '2', '--port', '0', '--data', dataDir, '--quiet'],
      ],
      {
        env: {
          ...process.env,
          ROLEGATE_ADMIN_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
          ROLEGATE_ADMIN_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
        },
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const deadline = Date.now() + 30_000
    while (!/listening on (\S+)/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`no listening line; stderr: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    url = /listening on (\S+)/.exec(stdout)![1]!
    await setUp(url, TEST_ADMIN_KEY, idp)
  })
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('sent eight times at once over new connections (both workers answer): one success', async () => {
    const assertion = samlAssertion(idp, { roles })
    const outcomes = await redeemEverywhere(Array(8).fill(url) as string[], assertion)
    assert.deepEqual(
      outcomes.filter((o) => o === 'ok'),
      ['ok'],
      outcomes.join(', '),
    )
  })
})
