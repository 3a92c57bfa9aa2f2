// The seed flow of issue #4 with the real AWS CLI over HTTPS (`serve --tls`, AWS_CA_BUNDLE naming
// the local CA): a built-in issuer registered as an IAM OIDC provider, a role that trusts its
// `aud`/`sub`, a token file, and the CLI's own web identity credential provider.
//
// What AWS CLI v1 (1.45, botocore 1.43) does with endpoints, checked here: the web identity
// credential provider builds its own STS client, which ignores `--endpoint-url` but honours
// AWS_ENDPOINT_URL_STS (and AWS_ENDPOINT_URL), and a profile's `services` section
// (`sts = endpoint_url = ...`). Every workload call below runs without `--endpoint-url`, so both
// the AssumeRoleWithWebIdentity call and the call it signs find rolegate only through those.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import { startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { cliErrorLine } from '../support/iam-cli.js'
import {
  assertRefused,
  awsWithoutEndpoint,
  hostPath,
  stsCli,
  webIdentityTrustPolicy,
} from '../support/web-identity.js'

const ACCOUNT = '123456789012'
const AUDIENCE = 'okteto.example.com/us-east-2'
const SUBJECT = 'system:serviceaccount:ns:sa'

interface Identity {
  UserId: string
  Account: string
  Arn: string
}

interface AssumedCredentials {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  SubjectFromWebIdentityToken: string
  AssumedRoleUser: { AssumedRoleId: string; Arn: string }
  Provider: string
  Audience: string
}

describe('seed flow: built-in issuer -> IAM OIDC provider -> role -> AWS CLI web identity', () => {
  let server: FederationServer
  let issuerUrl: string
  let providerArn: string
  let dir: string
  /** `aws iam ...` as `credentials` (the admin unless given), over HTTPS. */
  let iam: (args: string[], credentials?: Credentials) => ReturnType<typeof awsCli>
  const token = async (sub: string, aud = AUDIENCE) =>
    (await server.rolegateOk(['token', '--issuer', 'ci', '--sub', sub, '--aud', aud])).trim()
  const tokenFile = (name: string, content: string) => {
    const file = join(dir, name)
    writeFileSync(file, content)
    return file
  }
  const condition = (key: 'aud' | 'sub') => `${hostPath(issuerUrl)}:${key}`
  const createRole = async (name: string, operator: string, sub: string) =>
    json(
      await iam([
        'create-role',
        '--role-name',
        name,
        '--assume-role-policy-document',
        webIdentityTrustPolicy(providerArn, {
          [operator]: { [condition('aud')]: AUDIENCE, [condition('sub')]: sub },
        }),
      ]),
    )

  before(async () => {
    server = await startFederationServer({ tls: true })
    assert.ok(server.caFile, 'serve --tls made a local CA')
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    dir = mkdtempSync(join(tmpdir(), 'rolegate-seed-'))
    iam = (args, credentials = server.admin) =>
      awsCli({ endpoint: server.url, credentials, env: server.clientEnv }, ['iam', ...args])
    const created = JSON.parse(await server.rolegateOk(['issuer', 'create', 'ci'])) as {
      Issuer: { IssuerUrl: string }
    }
    issuerUrl = created.Issuer.IssuerUrl
    assert.equal(issuerUrl, `${server.url}/issuers/${ACCOUNT}/ci`)
  })
  after(async () => {
    await server.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('register, trust, attach; the CLI exchanges a token file and is held to the role', async () => {
    // (1) The provider, with a port in its URL.
    const provider = json<{ OpenIDConnectProviderArn: string }>(
      await iam([
        'create-open-id-connect-provider',
        '--url',
        issuerUrl,
        '--client-id-list',
        AUDIENCE,
      ]),
    )
    providerArn = provider.OpenIDConnectProviderArn
    assert.equal(providerArn, `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath(issuerUrl)}`)
    // (2) The role, trusting exactly this service account for this audience; (3) S3 for it.
    await createRole('okteto', 'StringEquals', SUBJECT)
    json(
      await iam([
        'attach-role-policy',
        '--role-name',
        'okteto',
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      ]),
    )

    // (4) The token as a Kubernetes projected service-account token, in a file.
    const minted = await token(SUBJECT)
    const workload = {
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile('token', minted),
      AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/okteto`,
      AWS_ROLE_SESSION_NAME: 'okteto-pod',
      AWS_ENDPOINT_URL_STS: server.url,
      ...server.clientEnv,
    }
    // (5) No static keys anywhere: the CLI's web identity provider gets them from rolegate.
    const identity = json<Identity>(
      await awsWithoutEndpoint(workload, ['sts', 'get-caller-identity']),
    )
    assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/okteto/okteto-pod`)
    assert.equal(identity.Account, ACCOUNT)
    assert.match(identity.UserId, /^AROA[A-Z0-9]{17}:okteto-pod$/)

    // (6) The role allows S3 only: IAM refuses with AWS's message for the assumed-role session.
    const listRoles = await awsWithoutEndpoint({ ...workload, AWS_ENDPOINT_URL_IAM: server.url }, [
      'iam',
      'list-roles',
    ])
    assert.notEqual(listRoles.code, 0)
    assert.equal(
      listRoles.stderr.trim(),
      cliErrorLine(
        'AccessDenied',
        'ListRoles',
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/okteto/okteto-pod is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCOUNT}:role/ because no identity-based policy allows the iam:ListRoles action`,
      ),
    )

    // (7) The same through a profile: role_arn + web_identity_token_file, endpoint from `services`.
    const config = join(dir, 'config')
    writeFileSync(
      config,
      [
        '[profile okteto]',
        `role_arn = arn:aws:iam::${ACCOUNT}:role/okteto`,
        `web_identity_token_file = ${join(dir, 'token')}`,
        'role_session_name = from-profile',
        `ca_bundle = ${server.caFile ?? ''}`,
        'services = rolegate',
        '',
        '[services rolegate]',
        'sts =',
        `  endpoint_url = ${server.url}`,
        '',
      ].join('\n'),
    )
    const fromProfile = json<Identity>(
      await awsWithoutEndpoint({ AWS_CONFIG_FILE: config }, [
        'sts',
        'get-caller-identity',
        '--profile',
        'okteto',
      ]),
    )
    assert.equal(fromProfile.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/okteto/from-profile`)
  })

  test('StringLike matches ns:* as a pattern; StringEquals takes the * literally', async () => {
    await createRole('any-in-ns', 'StringLike', 'system:serviceaccount:ns:*')
    await createRole('literal-star', 'StringEquals', 'system:serviceaccount:ns:*')
    const sts = stsCli({ endpoint: server.url, env: server.clientEnv })
    const assume = (role: string, webIdentityToken: string) => [
      'assume-role-with-web-identity',
      '--role-arn',
      `arn:aws:iam::${ACCOUNT}:role/${role}`,
      '--role-session-name',
      'pattern-check',
      '--web-identity-token',
      webIdentityToken,
    ]
    const other = await token('system:serviceaccount:ns:other')

    const matched = await sts.ok<AssumedCredentials>(...assume('any-in-ns', other))
    assert.equal(matched.SubjectFromWebIdentityToken, 'system:serviceaccount:ns:other')
    assert.equal(
      matched.AssumedRoleUser.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/any-in-ns/pattern-check`,
    )
    assert.equal(matched.Provider, issuerUrl)
    assert.equal(matched.Audience, AUDIENCE)
    assert.match(matched.Credentials.AccessKeyId, /^ASIA/)

    await sts.refuses(
      {
        code: 'AccessDenied',
        operation: 'AssumeRoleWithWebIdentity',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      },
      ...assume('literal-star', other),
    )
    // Another namespace is no match for the pattern either.
    await sts.refuses(
      {
        code: 'AccessDenied',
        operation: 'AssumeRoleWithWebIdentity',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      },
      ...assume('any-in-ns', await token('system:serviceaccount:ns2:sa')),
    )
    // The literal subject `...:ns:*` is what StringEquals does let in.
    const literal = await sts.ok<AssumedCredentials>(
      ...assume('literal-star', await token('system:serviceaccount:ns:*')),
    )
    assert.equal(literal.SubjectFromWebIdentityToken, 'system:serviceaccount:ns:*')
  })

  test("session credentials act with the role's policies until its sessions are revoked", async () => {
    await createRole('reader', 'StringEquals', 'system:serviceaccount:ns:reader')
    json(
      await iam([
        'attach-role-policy',
        '--role-name',
        'reader',
        '--policy-arn',
        'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      ]),
    )
    const sts = stsCli({ endpoint: server.url, env: server.clientEnv })
    const assumeReader = async (session: string) =>
      (
        await sts.ok<AssumedCredentials>(
          'assume-role-with-web-identity',
          '--role-arn',
          `arn:aws:iam::${ACCOUNT}:role/reader`,
          '--role-session-name',
          session,
          '--web-identity-token',
          await token('system:serviceaccount:ns:reader'),
        )
      ).Credentials
    const asSession = (c: AssumedCredentials['Credentials']): Credentials => ({
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    })
    const before = asSession(await assumeReader('before-revoke'))
    const role = json<{ Role: { RoleName: string } }>(
      await iam(['get-role', '--role-name', 'reader'], before),
    )
    assert.equal(role.Role.RoleName, 'reader')
    // ... and only what IAMReadOnlyAccess allows.
    assertRefused(await iam(['create-user', '--user-name', 'nope'], before), {
      code: 'AccessDenied',
      operation: 'CreateUser',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/before-revoke is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/nope because no identity-based policy allows the iam:CreateUser action`,
    })

    const revoked = JSON.parse(await server.rolegateOk(['roles', 'revoke-sessions', 'reader'])) as {
      PolicyName: string
    }
    assert.equal(revoked.PolicyName, 'AWSRevokeOlderSessions')
    assertRefused(await iam(['get-role', '--role-name', 'reader'], before), {
      code: 'AccessDenied',
      operation: 'GetRole',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/before-revoke is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${ACCOUNT}:role/reader with an explicit deny in an identity-based policy`,
    })
    // A session that starts after the cut-off works again.
    const after = asSession(await assumeReader('after-revoke'))
    json(await iam(['get-role', '--role-name', 'reader'], after))
  })
})
