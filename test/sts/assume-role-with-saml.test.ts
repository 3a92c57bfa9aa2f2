// AssumeRoleWithSAML through the app, unsigned, with responses the test signs (xml-crypto): the
// trust policy's saml: keys (single and multi-valued, with StringLike and the set operators), the
// Role pair, the session name, duration, source identity and tags, the five-minute window and the
// clock skew, the answer's members in AWS's order, and the replay record. Each refusal has AWS's
// code and message and issues nothing.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { makeIdp, metadataWithValidity, samlAssertion } from '../support/saml-idp.js'
import type { ResponseOptions, SignOptions, TestIdp } from '../support/saml-idp.js'
import type { Harness } from './support.js'
import { ACCOUNT, IAM, assertError, createRole, credentialsOf, doc, stsHarness } from './support.js'

const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/okta`
const AWS_ENDPOINT = 'https://signin.aws.amazon.com/saml'
const ATTR = 'https://aws.amazon.com/SAML/Attributes/'
const AFFILIATION = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1'
const PRINCIPAL_NAME = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6'
const DENIED = 'Not authorized to perform sts:AssumeRoleWithSAML'

describe('AssumeRoleWithSAML', () => {
  let h: Harness
  let idp: TestIdp
  let roleCount = 0

  /** A role trusting the provider with `condition`, and `actions` (AssumeRoleWithSAML). */
  async function role(
    condition: Record<string, Record<string, unknown>> | undefined,
    actions: string[] = ['sts:AssumeRoleWithSAML'],
    extra: Record<string, string> = {},
  ): Promise<string> {
    roleCount += 1
    return createRole(
      h,
      `saml-${roleCount}`,
      doc({
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: actions,
        ...(condition === undefined ? {} : { Condition: condition }),
      }),
      extra,
    )
  }

  const assertionFor = (
    roleArn: string,
    options: Partial<ResponseOptions> = {},
    sign: SignOptions = {},
  ) =>
    samlAssertion(
      idp,
      { issueInstant: h.clock.now(), roles: [`${roleArn},${PROVIDER}`], ...options },
      sign,
    )

  const assume = (roleArn: string, assertion: string, extra: Record<string, string> = {}) =>
    h.unsigned({
      Action: 'AssumeRoleWithSAML',
      RoleArn: roleArn,
      PrincipalArn: PROVIDER,
      SAMLAssertion: assertion,
      ...extra,
    })

  before(async () => {
    h = await stsHarness()
    idp = makeIdp('https://idp.example.com/saml')
    await h.ok({
      ...IAM,
      Action: 'CreateSAMLProvider',
      Name: 'okta',
      SAMLMetadataDocument: idp.metadata,
    })
  })
  after(() => h.close())

  test('the answer carries AWS members, in the API reference order', async () => {
    const arn = await role(undefined)
    const answer = await assume(arn, assertionFor(arn))
    assert.equal(answer.status, 200, answer.body)
    const order = [
      'Credentials',
      'AssumedRoleUser',
      'Subject',
      'SubjectType',
      'Issuer',
      'Audience',
      'NameQualifier',
    ].map((name) => answer.body.indexOf(`<${name}>`))
    assert.ok(
      order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)),
      answer.body,
    )
    assert.equal(answer.text('Subject'), 'alice@example.com')
    assert.equal(answer.text('Audience'), AWS_ENDPOINT)
    assert.equal(answer.text('SourceIdentity'), undefined)
    assert.equal(answer.text('PackedPolicySize'), undefined)
    assert.match(answer.text('Arn') ?? '', /:assumed-role\/saml-\d+\/alice@example\.com$/)
  })

  test('saml:aud, saml:iss, saml:sub, saml:sub_type, saml:doc and saml:namequalifier', async () => {
    const nameQualifier = createHash('sha1')
      .update(`${idp.entityId}${ACCOUNT}/okta`)
      .digest('base64')
    const arn = await role({
      StringEquals: {
        'SAML:aud': AWS_ENDPOINT,
        'saml:iss': idp.entityId,
        'saml:sub': 'alice@example.com',
        'saml:sub_type': 'persistent',
        'saml:doc': `${ACCOUNT}/okta`,
        'saml:namequalifier': nameQualifier,
      },
    })
    const answer = await assume(arn, assertionFor(arn))
    assert.equal(answer.status, 200, answer.body)
    assert.equal(answer.text('NameQualifier'), nameQualifier)
    assertError(
      await assume(arn, assertionFor(arn, { nameId: 'bob@example.com' })),
      403,
      'AccessDenied',
      DENIED,
    )
  })

  test('saml:sub_type: transient, the full Format URI, or the unspecified default', async () => {
    const cases: Array<[string | null, string]> = [
      ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient', 'transient'],
      [
        'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      ],
      [null, 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
    ]
    for (const [format, subType] of cases) {
      const arn = await role({ StringEquals: { 'saml:sub_type': subType } })
      const answer = await assume(arn, assertionFor(arn, { nameIdFormat: format }))
      assert.equal(answer.status, 200, answer.body)
      assert.equal(answer.text('SubjectType'), subType)
    }
  })

  test('multi-valued eduPerson keys: StringLike, ForAnyValue and ForAllValues', async () => {
    const staff = { attributes: { [AFFILIATION]: ['member', 'staff'] } }
    const student = { attributes: { [AFFILIATION]: ['member', 'student'] } }
    // Without a qualifier a multi-valued key matches when any value does.
    const like = await role({ StringLike: { 'saml:edupersonaffiliation': 'sta*' } })
    assert.equal((await assume(like, assertionFor(like, staff))).status, 200)
    assertError(await assume(like, assertionFor(like, student)), 403, 'AccessDenied', DENIED)

    const any = await role({
      'ForAnyValue:StringLike': { 'saml:edupersonaffiliation': ['staff', 'fac*'] },
    })
    assert.equal((await assume(any, assertionFor(any, staff))).status, 200)
    assertError(await assume(any, assertionFor(any, student)), 403, 'AccessDenied', DENIED)

    // The IAM User Guide's example: faculty or staff, but not students.
    const all = await role({
      'ForAllValues:StringLike': { 'saml:edupersonaffiliation': ['faculty', 'staff', 'member'] },
    })
    assert.equal((await assume(all, assertionFor(all, staff))).status, 200)
    assertError(await assume(all, assertionFor(all, student)), 403, 'AccessDenied', DENIED)

    // A single-valued key, and one the response lacks.
    const one = await role({ StringEquals: { 'saml:edupersonprincipalname': 'alice@example.edu' } })
    assert.equal(
      (
        await assume(
          one,
          assertionFor(one, { attributes: { [PRINCIPAL_NAME]: ['alice@example.edu'] } }),
        )
      ).status,
      200,
    )
    assertError(await assume(one, assertionFor(one)), 403, 'AccessDenied', DENIED)
  })

  test('the Role attribute must hold the requested pair, in either order', async () => {
    const arn = await role(undefined)
    const other = await role(undefined)
    assert.equal(
      (await assume(arn, assertionFor(arn, { roles: [`${PROVIDER},${arn}`] }))).status,
      200,
    )
    for (const roles of [[`${other},${PROVIDER}`], [`${arn}`], [`${arn},${PROVIDER},x`], []]) {
      assertError(await assume(arn, assertionFor(arn, { roles })), 403, 'AccessDenied', DENIED)
    }
    // A role that does not exist answers alike.
    const ghost = `arn:aws:iam::${ACCOUNT}:role/ghost`
    assertError(await assume(ghost, assertionFor(ghost)), 403, 'AccessDenied', DENIED)
  })

  test('RoleSessionName is required, 2-64 characters of [a-zA-Z_0-9+=,.@-]', async () => {
    const arn = await role(undefined)
    assertError(
      await assume(arn, assertionFor(arn, { roleSessionName: null })),
      400,
      'InvalidIdentityToken',
      'RoleSessionName is required in AuthnResponse',
    )
    for (const name of ['John Doe', 'x', 'a'.repeat(65), 'ümlaut']) {
      assertError(
        await assume(arn, assertionFor(arn, { roleSessionName: name })),
        400,
        'InvalidIdentityToken',
        'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}',
      )
    }
    const fine = await assume(arn, assertionFor(arn, { roleSessionName: 'a.b+c=d,e@f-g_h' }))
    assert.match(fine.text('Arn') ?? '', /\/a\.b\+c=d,e@f-g_h$/)
  })

  test('DurationSeconds, capped by SessionDuration and by the role', async () => {
    const arn = await role(undefined, ['sts:AssumeRoleWithSAML'], { MaxSessionDuration: '7200' })
    const expiresIn = async (options: Partial<ResponseOptions>, extra: Record<string, string>) => {
      const answer = await assume(arn, assertionFor(arn, options), extra)
      return (Date.parse(credentialsOf(answer).expiration) - h.clock.now().getTime()) / 1000
    }
    const duration = (seconds: string) => ({ [`${ATTR}SessionDuration`]: [seconds] })
    assert.equal(await expiresIn({}, {}), 3600)
    assert.equal(await expiresIn({}, { DurationSeconds: '7200' }), 7200)
    assert.equal(await expiresIn({ attributes: duration('1800') }, {}), 1800)
    assert.equal(await expiresIn({ attributes: duration('1800') }, { DurationSeconds: '900' }), 900)
    // SessionDuration shortens; it never lengthens.
    assert.equal(await expiresIn({ attributes: duration('43200') }, {}), 3600)
    assertError(
      await assume(arn, assertionFor(arn), { DurationSeconds: '10800' }),
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    )
    for (const bad of ['899', '43201', 'an hour']) {
      assertError(
        await assume(arn, assertionFor(arn, { attributes: duration(bad) })),
        400,
        'InvalidIdentityToken',
        'SessionDuration in AuthnResponse must be an integer from 900 to 43200',
      )
    }
  })

  test('SourceIdentity needs sts:SetSourceIdentity, and AWS pattern', async () => {
    const source = (value: string) => ({ attributes: { [`${ATTR}SourceIdentity`]: [value] } })
    const without = await role(undefined)
    assertError(
      await assume(without, assertionFor(without, source('alice'))),
      403,
      'AccessDenied',
      'Not authorized to perform sts:SetSourceIdentity',
    )
    const arn = await role(undefined, ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'])
    const answer = await assume(arn, assertionFor(arn, source('alice')))
    assert.equal(answer.text('SourceIdentity'), 'alice')
    for (const bad of ['a', 'aws:alice', 'Alice Smith']) {
      assertError(
        await assume(arn, assertionFor(arn, source(bad))),
        400,
        'InvalidIdentityToken',
        'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"',
      )
    }
  })

  test('PrincipalTag attributes become session tags, which need sts:TagSession', async () => {
    const tags = {
      attributes: {
        [`${ATTR}PrincipalTag:Project`]: ['Marketing'],
        [`${ATTR}PrincipalTag:CostCenter`]: ['12345'],
        [`${ATTR}TransitiveTagKeys`]: ['Project'],
      },
    }
    const untagged = await role(undefined)
    assertError(
      await assume(untagged, assertionFor(untagged, tags)),
      403,
      'AccessDenied',
      'Not authorized to perform sts:TagSession',
    )
    const arn = await role({ StringEquals: { 'aws:RequestTag/Project': 'Marketing' } }, [
      'sts:AssumeRoleWithSAML',
      'sts:TagSession',
    ])
    const name = arn.split('/').pop()!
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: name,
      PolicyName: 'by-tag',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/CostCenter': '12345' } },
      }),
    })
    const answer = await assume(arn, assertionFor(arn, tags))
    assert.ok(Number(answer.text('PackedPolicySize')) > 0, answer.body)
    const session = credentialsOf(answer)
    const listed = await h.iam({ Action: 'ListRoles' }, session)
    assert.equal(listed.status, 200, listed.body)

    assertError(
      await assume(
        arn,
        assertionFor(arn, {
          attributes: { ...tags.attributes, [`${ATTR}TransitiveTagKeys`]: ['Team'] },
        }),
      ),
      400,
      'InvalidParameterValue',
      'The specified transitive tag key must be included in the requested tags.',
    )
  })

  test("the role's permissions policies see saml:sub, saml:sub_type and saml:namequalifier", async () => {
    const arn = await role(undefined)
    const nameQualifier = createHash('sha1')
      .update(`${idp.entityId}${ACCOUNT}/okta`)
      .digest('base64')
    await h.ok({
      ...IAM,
      Action: 'PutRolePolicy',
      RoleName: arn.split('/').pop()!,
      PolicyName: 'only-alice',
      PolicyDocument: doc({
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: {
          StringEquals: {
            'saml:sub': 'alice@example.com',
            'saml:sub_type': 'persistent',
            'saml:namequalifier': nameQualifier,
          },
        },
      }),
    })
    const alice = credentialsOf(await assume(arn, assertionFor(arn)))
    assert.equal((await h.iam({ Action: 'ListRoles' }, alice)).status, 200)
    const bob = credentialsOf(await assume(arn, assertionFor(arn, { nameId: 'bob@example.com' })))
    assertError(
      await h.iam({ Action: 'ListRoles' }, bob),
      403,
      'AccessDenied',
      /because no identity-based policy allows the iam:ListRoles action$/,
    )
  })

  test('five minutes to redeem, and at most 60 s of clock skew either way', async () => {
    const arn = await role(undefined)
    const now = h.clock.now().getTime()
    const at = (ms: number) => new Date(now + ms)
    assert.equal(
      (await assume(arn, assertionFor(arn, { issueInstant: at(-4 * 60_000) }))).status,
      200,
    )
    assertError(
      await assume(
        arn,
        assertionFor(arn, { issueInstant: at(-7 * 60_000), notOnOrAfter: at(60_000) }),
      ),
      400,
      'ExpiredTokenException',
      'Token must be redeemed within 5 minutes of issuance',
    )
    // NotBefore a little ahead is within the skew; more is not.
    assert.equal((await assume(arn, assertionFor(arn, { notBefore: at(50_000) }))).status, 200)
    assertError(
      await assume(arn, assertionFor(arn, { notBefore: at(70_000) })),
      400,
      'InvalidIdentityToken',
      'Response is not yet valid',
    )
    // NotOnOrAfter a little behind is within the skew; more is expired.
    assert.equal((await assume(arn, assertionFor(arn, { notOnOrAfter: at(-50_000) }))).status, 200)
    assertError(
      await assume(arn, assertionFor(arn, { notOnOrAfter: at(-70_000) })),
      400,
      'ExpiredTokenException',
      'Response has expired',
    )
  })

  test('an assertion is redeemed once, and a refusal does not use it up', async () => {
    const arn = await role({ StringEquals: { 'saml:sub': 'carol@example.com' } })
    const once = assertionFor(arn, { nameId: 'alice@example.com' })
    assertError(await assume(arn, once), 403, 'AccessDenied', DENIED)
    await h.ok({
      ...IAM,
      Action: 'UpdateAssumeRolePolicy',
      RoleName: arn.split('/').pop()!,
      PolicyDocument: doc({
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithSAML',
      }),
    })
    assert.equal((await assume(arn, once)).status, 200)
    assertError(
      await assume(arn, once),
      400,
      'InvalidIdentityToken',
      'The SAML assertion has already been used',
    )
  })

  test('PrincipalArn must be a SAML provider that exists and has not expired', async () => {
    const arn = await role(undefined)
    assertError(
      await assume(arn, assertionFor(arn), { PrincipalArn: arn }),
      400,
      'ValidationError',
      'Request ARN is invalid',
    )
    assertError(
      await assume(arn, assertionFor(arn), { PrincipalArn: 'not an arn at all, quite long' }),
      400,
      'ValidationError',
      'not an arn at all, quite long is invalid',
    )
    assertError(
      await assume(arn, assertionFor(arn), {
        PrincipalArn: `arn:aws:iam::${ACCOUNT}:saml-provider/nobody`,
      }),
      400,
      'InvalidIdentityToken',
      "Specified provider doesn't exist",
    )
    // A provider whose metadata ran out (validUntil).
    const soon = new Date(h.clock.now().getTime() + 60_000).toISOString()
    await h.ok({
      ...IAM,
      Action: 'CreateSAMLProvider',
      Name: 'brief',
      SAMLMetadataDocument: metadataWithValidity(idp, soon),
    })
    const brief = `arn:aws:iam::${ACCOUNT}:saml-provider/brief`
    h.clock.advance(120_000)
    try {
      assertError(
        await assume(arn, assertionFor(arn, { roles: [`${arn},${brief}`] }), {
          PrincipalArn: brief,
        }),
        400,
        'InvalidIdentityToken',
        'The SAML provider metadata has expired (validUntil)',
      )
    } finally {
      h.clock.advance(-120_000)
    }
  })

  test('a SAMLAssertion over 100,000 characters is a ValidationError', async () => {
    const arn = await role(undefined)
    const answer = await assume(arn, 'A'.repeat(100_004))
    assert.equal(answer.status, 400)
    assert.equal(answer.text('Code'), 'ValidationError')
    assert.match(
      answer.text('Message') ?? '',
      /Member must have length less than or equal to 100000/,
    )
  })
})
