// The SAML seed flow with the real AWS CLI and the built-in IdP, as the README walks it: the
// admin works through a named profile; the SAML provider is made from `rolegate idp metadata`;
// `rolegate idp assertion --user alice@example.com` fetches a signed response (both her roles) and
// `aws sts assume-role-with-saml`, unsigned, exchanges it; the session's keys then work from the
// environment and from a named profile, as assumed-role/OktaDeveloper/alice@example.com, and an
// IAM write is AccessDenied in AWS's words. The response is good once: redeemed again, for either
// role, STS refuses it, and /saml shows that refusal exactly as the AWS CLI prints it.
// (test/e2e/saml-cli.test.ts covers AssumeRoleWithSAML's checks with responses the test signs.)
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import { cliErrorLine } from '../support/iam-cli.js'
import {
  ALICE,
  OKTA_DEVELOPER,
  OKTA_PROD_ADMIN,
  SEED_ACCOUNT,
  SEED_PROVIDER,
  seedIdp,
} from '../support/idp-seed.js'
import type { IdpSeed } from '../support/idp-seed.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Assumed {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  AssumedRoleUser: { Arn: string; AssumedRoleId: string }
  Subject: string
  SubjectType: string
  Issuer: string
  Audience: string
}

interface Identity {
  UserId: string
  Account: string
  Arn: string
}

describe('SAML seed flow: the built-in IdP, the AWS CLI and the session it gives', () => {
  let server: TestServer
  let seed: IdpSeed
  let dir: string
  /** The response alice's first sign-in fetched, as a file the CLI reads. */
  let responseFile: string
  let session: Credentials

  /** `aws sts assume-role-with-saml` with no credentials at all: the call is unsigned. */
  const assumeWithSaml = (role: string, file: string) =>
    awsCli({ endpoint: server.url }, [
      'sts',
      'assume-role-with-saml',
      '--role-arn',
      role,
      '--principal-arn',
      SEED_PROVIDER,
      '--saml-assertion',
      `file://${file}`,
    ])

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-idp-saml-cli-'))
    server = await startTestServer()
    seed = await seedIdp(server, dir)
  })
  after(async () => {
    await server?.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('the admin works through a named profile; the provider holds the metadata unchanged', async () => {
    const caller = json<Identity>(await seed.aws(['sts', 'get-caller-identity']))
    assert.equal(caller.Arn, `arn:aws:iam::${SEED_ACCOUNT}:user/admin`)
    const provider = json<{ SAMLMetadataDocument: string }>(
      await seed.aws(['iam', 'get-saml-provider', '--saml-provider-arn', SEED_PROVIDER]),
    )
    assert.equal(provider.SAMLMetadataDocument, seed.metadata)
  })

  test('idp assertion -> assume-role-with-saml -> assumed-role/OktaDeveloper/alice@example.com', async () => {
    responseFile = join(dir, 'response.b64')
    writeFileSync(
      responseFile,
      (await seed.rolegate(['idp', 'assertion', '--user', ALICE.name])).trim(),
    )
    const answer = json<Assumed>(await assumeWithSaml(OKTA_DEVELOPER, responseFile))
    assert.match(answer.Credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/)
    assert.equal(
      answer.AssumedRoleUser.Arn,
      `arn:aws:sts::${SEED_ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com`,
    )
    assert.equal(answer.Subject, ALICE.name)
    assert.equal(answer.SubjectType, 'persistent')
    assert.equal(answer.Issuer, `${server.url}/idp/${SEED_ACCOUNT}`)
    assert.equal(answer.Audience, 'https://signin.aws.amazon.com/saml')
    session = {
      accessKeyId: answer.Credentials.AccessKeyId,
      secretAccessKey: answer.Credentials.SecretAccessKey,
      sessionToken: answer.Credentials.SessionToken,
    }

    // Access keys in the environment.
    const fromEnvironment = json<Identity>(await seed.aws(['sts', 'get-caller-identity'], session))
    assert.equal(
      fromEnvironment.Arn,
      `arn:aws:sts::${SEED_ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com`,
    )
    assert.equal(fromEnvironment.Account, SEED_ACCOUNT)
    assert.equal(fromEnvironment.UserId, answer.AssumedRoleUser.AssumedRoleId)

    // A named profile holding the session.
    const profiles = join(dir, 'alice-credentials')
    writeFileSync(
      profiles,
      `[okta-developer]\naws_access_key_id = ${session.accessKeyId}\naws_secret_access_key = ${session.secretAccessKey}\naws_session_token = ${session.sessionToken}\n`,
    )
    const fromProfile = json<Identity>(
      await awsCli(
        {
          endpoint: server.url,
          env: { AWS_SHARED_CREDENTIALS_FILE: profiles, AWS_PROFILE: 'okta-developer' },
        },
        ['sts', 'get-caller-identity'],
      ),
    )
    assert.deepEqual(fromProfile, fromEnvironment)
  })

  test('AmazonEC2ReadOnlyAccess allows no IAM write: AccessDenied in AWS words', async () => {
    const write = await seed.aws(['iam', 'create-user', '--user-name', 'mallory'], session)
    assert.notEqual(write.code, 0)
    assert.equal(
      write.stderr.trim(),
      cliErrorLine(
        'AccessDenied',
        'CreateUser',
        `User: arn:aws:sts::${SEED_ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${SEED_ACCOUNT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
      ),
    )
    const users = json<{ Users: { UserName: string }[] }>(await seed.aws(['iam', 'list-users']))
    assert.ok(!users.Users.some((user) => user.UserName === 'mallory'))
  })

  test('the response is good once, for either role; /saml shows the refusal as the CLI prints it', async () => {
    const replay = await assumeWithSaml(OKTA_PROD_ADMIN, responseFile)
    assert.notEqual(replay.code, 0)
    assert.equal(replay.stdout, '')
    const line = replay.stderr.trim()
    assert.equal(
      line,
      cliErrorLine(
        'InvalidIdentityToken',
        'AssumeRoleWithSAML',
        'The SAML assertion has already been used',
      ),
    )
    // The browser's endpoint, given the same response, answers with the AWS CLI's own line.
    const page = await fetch(`${server.url}/saml`, {
      method: 'POST',
      body: new URLSearchParams({ SAMLResponse: readFileSync(responseFile, 'utf8') }),
    })
    const html = await page.text()
    // Two roles: the chooser comes first, and the choice meets STS's refusal.
    assert.equal(page.status, 200)
    const cookie = /^([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? ''
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
    const chosen = await fetch(`${server.url}/saml`, {
      method: 'POST',
      headers: { cookie, origin: server.url },
      body: new URLSearchParams({
        SAMLResponse: readFileSync(responseFile, 'utf8'),
        roleIndex: OKTA_PROD_ADMIN,
        csrf,
      }),
    })
    assert.equal(chosen.status, 400)
    const alert = /<p class="error" role="alert">(.*?)<\/p>/.exec(await chosen.text())?.[1] ?? ''
    assert.equal(alert.replace(/<[^>]+>/g, ''), line)
  })

  test('a fresh response for OktaProdAdminRole gives that role', async () => {
    const file = join(dir, 'prod-admin.b64')
    writeFileSync(
      file,
      (
        await seed.rolegate(['idp', 'assertion', '--user', ALICE.name, '--role', OKTA_PROD_ADMIN])
      ).trim(),
    )
    const answer = json<Assumed>(await assumeWithSaml(OKTA_PROD_ADMIN, file))
    const identity = json<Identity>(
      await seed.aws(['sts', 'get-caller-identity'], {
        accessKeyId: answer.Credentials.AccessKeyId,
        secretAccessKey: answer.Credentials.SecretAccessKey,
        sessionToken: answer.Credentials.SessionToken,
      }),
    )
    assert.equal(
      identity.Arn,
      `arn:aws:sts::${SEED_ACCOUNT}:assumed-role/OktaProdAdminRole/alice@example.com`,
    )
  })
})
