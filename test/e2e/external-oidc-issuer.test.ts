// An issuer we did not write: `oidc-provider` (npm) on loopback HTTPS with a self-signed openssl
// certificate, which rolegate trusts through its CA bundle option. Its ID tokens, from a real
// authorization code flow, go through discovery and JWKS over that TLS connection and are
// accepted exactly when the role's trust policy allows; a thumbprint pins the served certificate.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../support/aws-cli.js'
import { startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { startExternalIssuer } from '../support/oidc-provider-issuer.js'
import type { ExternalIssuer } from '../support/oidc-provider-issuer.js'
import { decodeJwt, hostPath, stsCli, webIdentityTrustPolicy } from '../support/web-identity.js'
import type { StsCli } from '../support/web-identity.js'

const ACCOUNT = '123456789012'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/external-app`

interface Assumed {
  Credentials: { AccessKeyId: string }
  SubjectFromWebIdentityToken: string
  Provider: string
  Audience: string
  AssumedRoleUser: { Arn: string }
}

describe('an oidc-provider issuer on loopback HTTPS', () => {
  let issuer: ExternalIssuer
  let server: FederationServer
  let sts: StsCli
  let providerArn: string
  const iam = (...args: string[]) =>
    awsCli({ endpoint: server.url, credentials: server.admin }, ['iam', ...args])
  const assume = (token: string) => [
    'assume-role-with-web-identity',
    '--role-arn',
    ROLE_ARN,
    '--role-session-name',
    'external',
    '--web-identity-token',
    token,
  ]

  before(async () => {
    issuer = await startExternalIssuer()
    server = await startFederationServer({ caBundle: issuer.certificatePem })
    sts = stsCli({ endpoint: server.url })
    providerArn = json<{ OpenIDConnectProviderArn: string }>(
      await iam(
        'create-open-id-connect-provider',
        '--url',
        issuer.issuer,
        '--client-id-list',
        issuer.clientId,
      ),
    ).OpenIDConnectProviderArn
    const prefix = hostPath(issuer.issuer)
    json(
      await iam(
        'create-role',
        '--role-name',
        'external-app',
        '--assume-role-policy-document',
        webIdentityTrustPolicy(providerArn, {
          StringEquals: { [`${prefix}:aud`]: issuer.clientId, [`${prefix}:sub`]: 'alice' },
        }),
      ),
    )
  })
  after(async () => {
    await server?.cleanup()
    await issuer?.close()
  })

  test('its ID token is accepted when the trust policy allows, refused when it does not', async () => {
    const alice = await issuer.idToken('alice')
    assert.equal(decodeJwt(alice).claims['iss'], issuer.issuer)
    const answer = await sts.ok<Assumed>(...assume(alice))
    assert.equal(answer.SubjectFromWebIdentityToken, 'alice')
    assert.equal(answer.Provider, issuer.issuer)
    assert.equal(answer.Audience, issuer.clientId)
    assert.equal(
      answer.AssumedRoleUser.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/external-app/external`,
    )
    assert.match(answer.Credentials.AccessKeyId, /^ASIA/)

    await sts.refuses(
      {
        code: 'AccessDenied',
        operation: 'AssumeRoleWithWebIdentity',
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      },
      ...assume(await issuer.idToken('mallory')),
    )
  })

  test('a thumbprint on the provider must name the certificate the issuer serves', async () => {
    const alice = await issuer.idToken('alice')
    const pin = (thumbprint: string) =>
      iam(
        'update-open-id-connect-provider-thumbprint',
        '--open-id-connect-provider-arn',
        providerArn,
        '--thumbprint-list',
        thumbprint,
      )
    json(await pin('0123456789abcdef0123456789abcdef01234567'))
    await sts.refuses(
      {
        code: 'InvalidIdentityToken',
        operation: 'AssumeRoleWithWebIdentity',
        message: "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
      },
      ...assume(alice),
    )
    json(await pin(issuer.thumbprint))
    await sts.ok(...assume(alice))
  })
})
