// AssumeRoleWithSAML end to end through the real AWS CLI: a SAML provider made from an IdP's
// metadata, roles trusting it on SAML:aud, `aws sts assume-role-with-saml` with a response the test
// signs itself, then `aws sts get-caller-identity` as the session; and every way a response must be
// refused, each with AWS's exact error line and no credentials printed.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import {
  AWS_SAML_ENDPOINT,
  base64,
  buildResponse,
  makeIdp,
  makeKeyPair,
  samlAssertion,
  signResponse,
} from '../support/saml-idp.js'
import type { ResponseOptions, SignOptions, TestIdp } from '../support/saml-idp.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'
import { assertRefused } from '../support/web-identity.js'

const ACCOUNT = '123456789012'
const OPERATION = 'AssumeRoleWithSAML'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/okta`
const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/other`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`
const pair = (role: string, provider = PROVIDER) => `${role},${provider}`

// AWS's words, as the IAM User Guide's "Troubleshoot SAML federation with IAM" and users' reports
// give them (src/federation/saml/aws-messages.ts records which are on record).
const SIGNATURE_INVALID = 'Response signature invalid'
const DENIED = 'Not authorized to perform sts:AssumeRoleWithSAML'

/** A trust policy for SAML sign-in through AWS's endpoint, as IAM's console writes it. */
const samlTrust = (provider: string, conditions?: Record<string, Record<string, unknown>>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: provider },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: conditions ?? { StringEquals: { 'SAML:aud': AWS_SAML_ENDPOINT } },
      },
    ],
  })

interface AssumeAnswer {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
  AssumedRoleUser: { Arn: string; AssumedRoleId: string }
  Subject: string
  SubjectType: string
  Issuer: string
  Audience: string
  NameQualifier: string
  PackedPolicySize?: number
  SourceIdentity?: string
}

describe('AssumeRoleWithSAML through the AWS CLI', () => {
  let server: TestServer
  let idp: TestIdp
  let otherIdp: TestIdp
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-saml-cli-'))
  const sts = (...args: string[]) => awsCli({ endpoint: server.url }, ['sts', ...args])
  const iam = (...args: string[]) =>
    awsCli({ endpoint: server.url, credentials: server.admin }, ['iam', ...args])
  const assumeArgs = (assertion: string, role = DEVELOPER, provider = PROVIDER) => [
    'assume-role-with-saml',
    '--role-arn',
    role,
    '--principal-arn',
    provider,
    '--saml-assertion',
    assertion,
  ]
  const assertionFor = (options: Partial<ResponseOptions> = {}, sign: SignOptions = {}) =>
    samlAssertion(idp, { roles: [pair(DEVELOPER), pair(ADMIN)], ...options }, sign)
  const refused = async (code: string, message: string | RegExp, args: string[]) =>
    assertRefused(await sts(...args), { code, operation: OPERATION, message })

  before(async () => {
    server = await startTestServer()
    idp = makeIdp('https://idp.example.com/saml')
    otherIdp = makeIdp('https://other-idp.example.org/saml')
    for (const [name, provider] of [
      ['okta', idp],
      ['other', otherIdp],
    ] as const) {
      const file = join(dir, `${name}.xml`)
      writeFileSync(file, provider.metadata)
      json(
        await iam(
          'create-saml-provider',
          '--name',
          name,
          '--saml-metadata-document',
          `file://${file}`,
        ),
      )
    }
    for (const role of ['OktaDeveloper', 'OktaProdAdminRole']) {
      json(
        await iam(
          'create-role',
          '--role-name',
          role,
          '--assume-role-policy-document',
          samlTrust(PROVIDER),
        ),
      )
    }
    json(
      await iam(
        'attach-role-policy',
        '--role-name',
        'OktaDeveloper',
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
      ),
    )
  })
  after(() => server.cleanup())

  test('assume-role-with-saml answers as AWS does, and the session is assumed-role/ROLE/SESSION', async () => {
    const answer = json<AssumeAnswer>(await sts(...assumeArgs(assertionFor())))
    assert.match(answer.Credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/)
    assert.equal(
      answer.AssumedRoleUser.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com`,
    )
    assert.match(answer.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]+:alice@example\.com$/)
    assert.equal(answer.Subject, 'alice@example.com')
    assert.equal(answer.SubjectType, 'persistent')
    assert.equal(answer.Issuer, idp.entityId)
    // AWS's Audience answer is the Recipient (API reference, AssumeRoleWithSAML).
    assert.equal(answer.Audience, AWS_SAML_ENDPOINT)
    // "Uniquely identifying users in SAML-based federation": BASE64(SHA1(issuer + account + "/" +
    // provider name)).
    assert.equal(
      answer.NameQualifier,
      createHash('sha1').update(`${idp.entityId}${ACCOUNT}/okta`).digest('base64'),
    )
    assert.equal(answer.PackedPolicySize, undefined)

    const session: Credentials = {
      accessKeyId: answer.Credentials.AccessKeyId,
      secretAccessKey: answer.Credentials.SecretAccessKey,
      sessionToken: answer.Credentials.SessionToken,
    }
    const whoami = json<{ Arn: string; Account: string; UserId: string }>(
      await awsCli({ endpoint: server.url, credentials: session }, ['sts', 'get-caller-identity']),
    )
    assert.equal(whoami.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com`)
    assert.equal(whoami.Account, ACCOUNT)
    assert.equal(whoami.UserId, answer.AssumedRoleUser.AssumedRoleId)

    // AmazonEC2ReadOnlyAccess allows no IAM write.
    const write = await awsCli({ endpoint: server.url, credentials: session }, [
      'iam',
      'create-user',
      '--user-name',
      'mallory',
    ])
    assertRefused(write, {
      code: 'AccessDenied',
      operation: 'CreateUser',
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/OktaDeveloper/alice@example.com is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    })
  })

  test('either order of the Role pair, SessionDuration shortening the session, and a source identity', async () => {
    json(
      await iam(
        'update-assume-role-policy',
        '--role-name',
        'OktaProdAdminRole',
        '--policy-document',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: PROVIDER },
              Action: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'],
              Condition: { StringEquals: { 'SAML:aud': AWS_SAML_ENDPOINT } },
            },
          ],
        }),
      ),
    )
    const issued = Date.now()
    const answer = json<AssumeAnswer & { Credentials: { Expiration: string } }>(
      await sts(
        ...assumeArgs(
          assertionFor({
            roles: [`${PROVIDER},${ADMIN}`],
            attributes: {
              'https://aws.amazon.com/SAML/Attributes/SessionDuration': ['1800'],
              'https://aws.amazon.com/SAML/Attributes/SourceIdentity': ['alice'],
            },
          }),
          ADMIN,
        ),
      ),
    )
    assert.equal(answer.SourceIdentity, 'alice')
    const lasts = Date.parse(answer.Credentials.Expiration) - issued
    assert.ok(lasts > 1700_000 && lasts <= 1810_000, `the session lasts ${lasts} ms, not 1800 s`)
  })

  test('a tampered assertion', async () => {
    const signed = signResponse(
      buildResponse({
        issuer: idp.entityId,
        roles: [pair(DEVELOPER)],
        nameId: 'alice@example.com',
      }),
      idp,
    )
    const tampered = signed.replace(
      '>alice@example.com</saml:NameID>',
      '>root@example.com</saml:NameID>',
    )
    assert.notEqual(tampered, signed)
    await refused('InvalidIdentityToken', SIGNATURE_INVALID, assumeArgs(base64(tampered)))
  })

  test('a wrapped assertion (XSW): the signed one hidden, an unsigned one in its place', async () => {
    const signed = signResponse(
      buildResponse({ issuer: idp.entityId, roles: [pair(DEVELOPER)], assertionId: '_signed' }),
      idp,
    )
    const original = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0]
    const evil = original
      .replace('ID="_signed"', 'ID="_evil"')
      .replace('>alice@example.com<', '>admin@example.com<')
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
    // The signed assertion moves into the evil one's Advice (XSW #7), or beside it under an
    // extension element (XSW #3-#4), or the evil one takes the signed one's ID (XSW #8).
    const variants = [
      signed.replace(
        original,
        evil.replace('<saml:Conditions', `<saml:Advice>${original}</saml:Advice><saml:Conditions`),
      ),
      signed.replace(original, `${evil}<samlp:Extensions>${original}</samlp:Extensions>`),
      signed.replace(original, `<samlp:Extensions>${original}</samlp:Extensions>${evil}`),
      signed.replace(original, evil.replace('ID="_evil"', 'ID="_signed"')),
    ]
    for (const wrapped of variants) {
      await refused('InvalidIdentityToken', SIGNATURE_INVALID, assumeArgs(base64(wrapped)))
    }
  })

  test('an expired assertion, and one redeemed more than five minutes after issuance', async () => {
    const issued = new Date(Date.now() - 10 * 60_000)
    await refused(
      'ExpiredTokenException',
      'Response has expired',
      assumeArgs(
        assertionFor({ issueInstant: issued, notOnOrAfter: new Date(Date.now() - 2 * 60_000) }),
      ),
    )
    await refused(
      'ExpiredTokenException',
      'Token must be redeemed within 5 minutes of issuance',
      assumeArgs(
        assertionFor({ issueInstant: issued, notOnOrAfter: new Date(Date.now() + 60_000) }),
      ),
    )
  })

  test('the wrong audience', async () => {
    await refused(
      'InvalidIdentityToken',
      'Response does not contain the required audience.',
      assumeArgs(assertionFor({ audiences: ['https://app.example.com/sp'] })),
    )
  })

  test('the wrong recipient', async () => {
    await refused(
      'InvalidIdentityToken',
      'Invalid SAML response: no bearer SubjectConfirmation for this service is valid now',
      assumeArgs(assertionFor({ recipient: 'https://app.example.com/acs', destination: null })),
    )
    await refused(
      'InvalidIdentityToken',
      'Invalid SAML response: the Destination is not this service',
      assumeArgs(assertionFor({ destination: 'https://app.example.com/acs' })),
    )
  })

  test('a role missing from the Role attribute', async () => {
    await refused('AccessDenied', DENIED, assumeArgs(assertionFor({ roles: [pair(ADMIN)] })))
    // The pair names another provider than PrincipalArn.
    await refused(
      'AccessDenied',
      DENIED,
      assumeArgs(assertionFor({ roles: [pair(DEVELOPER, OTHER_PROVIDER)] })),
    )
  })

  test('a mismatched provider: PrincipalArn names a provider the response is not from', async () => {
    await refused(
      'InvalidIdentityToken',
      /^Issuer not present in specified provider \(Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: [\w-]+; Proxy: null\)$/,
      assumeArgs(
        assertionFor({ roles: [pair(DEVELOPER, OTHER_PROVIDER)] }),
        DEVELOPER,
        OTHER_PROVIDER,
      ),
    )
    // Another IdP's response for this provider: its issuer is not the provider's entity id either.
    await refused(
      'InvalidIdentityToken',
      /^Issuer not present in specified provider/,
      assumeArgs(samlAssertion(otherIdp, { roles: [pair(DEVELOPER)] })),
    )
    await refused(
      'InvalidIdentityToken',
      "Specified provider doesn't exist",
      assumeArgs(assertionFor(), DEVELOPER, `arn:aws:iam::${ACCOUNT}:saml-provider/nobody`),
    )
  })

  test('a replay: the same assertion is redeemed once', async () => {
    const once = assertionFor()
    json(await sts(...assumeArgs(once)))
    await refused(
      'InvalidIdentityToken',
      'The SAML assertion has already been used',
      assumeArgs(once),
    )
  })

  test('an unsigned response', async () => {
    const unsigned = buildResponse({ issuer: idp.entityId, roles: [pair(DEVELOPER)] })
    await refused('InvalidIdentityToken', SIGNATURE_INVALID, assumeArgs(base64(unsigned)))
  })

  test('a certificate that appears only in KeyInfo', async () => {
    const attacker = makeKeyPair('idp.example.com')
    await refused(
      'InvalidIdentityToken',
      SIGNATURE_INVALID,
      assumeArgs(
        base64(
          signResponse(
            buildResponse({ issuer: idp.entityId, roles: [pair(DEVELOPER)] }),
            attacker,
            { sign: 'both' },
          ),
        ),
      ),
    )
  })

  test('SHA-1 signatures and digests', async () => {
    await refused(
      'InvalidIdentityToken',
      SIGNATURE_INVALID,
      assumeArgs(assertionFor({}, { algorithm: 'sha1' })),
    )
  })

  test('UpdateSAMLProvider with new metadata rotates the keys: the old key no longer signs', async () => {
    const signedWithOld = assertionFor()
    const rotated = makeIdp(idp.entityId)
    const file = join(dir, 'rotated.xml')
    writeFileSync(file, rotated.metadata)
    json(
      await iam(
        'update-saml-provider',
        '--saml-provider-arn',
        PROVIDER,
        '--saml-metadata-document',
        `file://${file}`,
      ),
    )
    await refused('InvalidIdentityToken', SIGNATURE_INVALID, assumeArgs(signedWithOld))
    json(await sts(...assumeArgs(samlAssertion(rotated, { roles: [pair(DEVELOPER)] }))))
    idp = rotated
  })
})

describe('AssumeRoleWithSAML on a server started with --allow-saml-sha1', () => {
  let server: TestServer
  const idp = makeIdp('https://legacy-idp.example.com/saml')

  before(async () => {
    server = await startTestServer({ allowSamlSha1: true })
    const admin = { endpoint: server.url, credentials: server.admin }
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-saml-sha1-'))
    writeFileSync(join(dir, 'legacy.xml'), idp.metadata)
    json(
      await awsCli(admin, [
        'iam',
        'create-saml-provider',
        '--name',
        'legacy',
        '--saml-metadata-document',
        `file://${join(dir, 'legacy.xml')}`,
      ]),
    )
    json(
      await awsCli(admin, [
        'iam',
        'create-role',
        '--role-name',
        'Legacy',
        '--assume-role-policy-document',
        samlTrust(`arn:aws:iam::${ACCOUNT}:saml-provider/legacy`),
      ]),
    )
  })
  after(() => server.cleanup())

  test('accepts the SHA-1 response the default refuses', async () => {
    const provider = `arn:aws:iam::${ACCOUNT}:saml-provider/legacy`
    const role = `arn:aws:iam::${ACCOUNT}:role/Legacy`
    const answer = json<AssumeAnswer>(
      await awsCli({ endpoint: server.url }, [
        'sts',
        'assume-role-with-saml',
        '--role-arn',
        role,
        '--principal-arn',
        provider,
        '--saml-assertion',
        samlAssertion(idp, { roles: [pair(role, provider)] }, { algorithm: 'sha1', sign: 'both' }),
      ]),
    )
    assert.equal(
      answer.AssumedRoleUser.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/Legacy/alice@example.com`,
    )
  })
})
