// Every way a web identity token must be refused, through `aws sts assume-role-with-web-identity`:
// the CLI prints AWS's exact error line and no credentials. Tokens come from a built-in issuer at
// https://rolegate.invalid (verified in process, never fetched); forgeries are made from them.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { JWK } from 'jose'
import { awsCli, json } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import { ShiftedClock, startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import {
  algNoneCopy,
  assertRefused,
  decodeJwt,
  flipSignatureByte,
  hostPath,
  hs256WithPublicKey,
  signedWithUnknownKey,
  stsCli,
  webIdentityTrustPolicy,
} from '../support/web-identity.js'
import type { StsCli } from '../support/web-identity.js'

const PUBLIC_URL = 'https://rolegate.invalid'
const ACCOUNT = '123456789012'
const OTHER_ACCOUNT = '210987654321'
const AUDIENCE = 'sts.amazonaws.com'
const SUBJECT = 'system:serviceaccount:payments:api'
const OPERATION = 'AssumeRoleWithWebIdentity'

// AWS's words (src/federation/oidc/aws-messages.ts records which of them are on record).
const NOT_A_JWT =
  'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'
const KEY_NOT_RETRIEVED =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

describe('AssumeRoleWithWebIdentity refusals through the AWS CLI', () => {
  const clock = new ShiftedClock()
  let server: FederationServer
  let sts: StsCli
  const issuerUrl = (name: string) => `${PUBLIC_URL}/issuers/${ACCOUNT}/${name}`
  const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`
  const token = async (options: { issuer?: string; sub?: string; aud?: string; ttl?: string }) =>
    (
      await server.rolegateOk([
        'token',
        '--issuer',
        options.issuer ?? 'ci',
        '--sub',
        options.sub ?? SUBJECT,
        '--aud',
        options.aud ?? AUDIENCE,
        ...(options.ttl === undefined ? [] : ['--ttl', options.ttl]),
      ])
    ).trim()
  const assumeArgs = (webIdentityToken: string, role = roleArn(ACCOUNT, 'payments-api')) => [
    'assume-role-with-web-identity',
    '--role-arn',
    role,
    '--role-session-name',
    'attacker',
    '--web-identity-token',
    webIdentityToken,
  ]
  const refused = (code: string, message: string | RegExp, args: string[]) =>
    sts.refuses({ code, operation: OPERATION, message }, ...args)

  /** Registers `issuer` as a provider in `account` and a role there trusting its aud/sub. */
  async function trust(
    account: string,
    key: Credentials,
    issuer: string,
    providerAccount = account,
  ) {
    const iam = (args: string[]) =>
      awsCli({ endpoint: server.url, credentials: key }, ['iam', ...args])
    const url = issuerUrl(issuer)
    if (providerAccount === account) {
      json(
        await iam(['create-open-id-connect-provider', '--url', url, '--client-id-list', AUDIENCE]),
      )
    }
    const providerArn = `arn:aws:iam::${providerAccount}:oidc-provider/${hostPath(url)}`
    json(
      await iam([
        'create-role',
        '--role-name',
        issuer === 'ci' ? 'payments-api' : `${issuer}-role`,
        '--assume-role-policy-document',
        webIdentityTrustPolicy(providerArn, {
          StringEquals: { [`${hostPath(url)}:aud`]: AUDIENCE, [`${hostPath(url)}:sub`]: SUBJECT },
        }),
      ]),
    )
    return providerArn
  }

  before(async () => {
    server = await startFederationServer({ publicUrl: PUBLIC_URL, clock })
    sts = stsCli({ endpoint: server.url })
    await server.rolegateOk(['issuer', 'create', 'ci'])
    await server.rolegateOk(['issuer', 'create', 'gone'])
    await trust(ACCOUNT, server.admin, 'ci')
    await trust(ACCOUNT, server.admin, 'gone')
  })
  after(() => server.cleanup())

  test('the untouched token is accepted (the control for every refusal below)', async () => {
    const answer = await sts.ok<{ Credentials: { AccessKeyId: string } }>(
      ...assumeArgs(await token({})),
    )
    assert.match(answer.Credentials.AccessKeyId, /^ASIA/)
  })

  test('claims the trust policy or the provider does not accept', async () => {
    await refused(
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      assumeArgs(await token({ sub: 'system:serviceaccount:payments:other' })),
    )
    await refused(
      'InvalidIdentityToken',
      'Incorrect token audience',
      assumeArgs(await token({ aud: 'someone-else.example.com' })),
    )
  })

  test('an expired token is ExpiredTokenException, with both times in epoch seconds', async () => {
    const minted = await token({ ttl: '60' })
    const exp = decodeJwt(minted).claims['exp'] as number
    // Ten minutes on: well past exp plus the 60 seconds of skew allowed.
    clock.offsetMs = 10 * 60 * 1000
    try {
      const result = await sts.run(...assumeArgs(minted))
      const message = new RegExp(
        `^Token expired: current date/time (\\d+) must be before the expiration date/time ${exp}$`,
      )
      assertRefused(result, { code: 'ExpiredTokenException', operation: OPERATION, message })
      const now = Number(/current date\/time (\d+)/.exec(result.stderr)?.[1])
      assert.ok(Math.abs(now - (exp - 60 + 600)) <= 30, `the server's clock time, got ${now}`)
    } finally {
      clock.offsetMs = 0
    }
  })

  test('forged signatures: a flipped byte, alg none, HS256 keyed with the public key, unknown kid', async () => {
    const genuine = await token({})
    await refused(
      'InvalidIdentityToken',
      'Signature verification failed',
      assumeArgs(flipSignatureByte(genuine)),
    )
    await refused('InvalidIdentityToken', NOT_A_JWT, assumeArgs(algNoneCopy(genuine)))
    await refused('InvalidIdentityToken', NOT_A_JWT, assumeArgs(algNoneCopy(genuine, 'genuine')))

    // The attacker reads the public key from the issuer's own JWKS.
    const jwks = (await (await fetch(`${server.url}/issuers/${ACCOUNT}/ci/keys`)).json()) as {
      keys: JWK[]
    }
    const kid = decodeJwt(genuine).header['kid']
    const published = jwks.keys.find((key) => key.kid === kid)
    assert.ok(published, 'the JWKS publishes the signing key')
    await refused(
      'InvalidIdentityToken',
      NOT_A_JWT,
      assumeArgs(await hs256WithPublicKey(genuine, published)),
    )

    await refused(
      'InvalidIdentityToken',
      KEY_NOT_RETRIEVED,
      assumeArgs(await signedWithUnknownKey(genuine, 'not-a-published-kid')),
    )
  })

  test('a deleted provider no longer admits its tokens', async () => {
    const minted = await token({ issuer: 'gone' })
    const role = roleArn(ACCOUNT, 'gone-role')
    await sts.ok(...assumeArgs(minted, role))
    json(
      await awsCli({ endpoint: server.url, credentials: server.admin }, [
        'iam',
        'delete-open-id-connect-provider',
        '--open-id-connect-provider-arn',
        `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath(issuerUrl('gone'))}`,
      ]),
    )
    await refused(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${issuerUrl('gone')}`,
      assumeArgs(minted, role),
    )
  })

  test("a role in another account: the provider must be in the role's account", async () => {
    const created = JSON.parse(await server.rolegateOk(['accounts', 'create', OTHER_ACCOUNT])) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }
    const otherAdmin = {
      accessKeyId: created.AccessKey.AccessKeyId,
      secretAccessKey: created.AccessKey.SecretAccessKey,
    }
    // Account B's role names account A's provider; B registered none for this issuer.
    await trust(OTHER_ACCOUNT, otherAdmin, 'ci', ACCOUNT)
    await refused(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${issuerUrl('ci')}`,
      assumeArgs(await token({}), roleArn(OTHER_ACCOUNT, 'payments-api')),
    )
  })
})
