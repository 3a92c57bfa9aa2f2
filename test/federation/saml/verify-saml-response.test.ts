// The SAML response pipeline against what attackers and odd IdPs send: each case is a response the
// test signs (xml-crypto, test/support/saml-idp.ts) and then changes, and the rule that must refuse
// it, or what must be read from it when accepted. No AWS layer here: the STS tests cover that.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SamlRefusal } from '../../../src/federation/saml/aws-messages.js'
import type { SamlRule } from '../../../src/federation/saml/aws-messages.js'
import { verifySamlResponse } from '../../../src/federation/saml/verify-saml-response.js'
import type {
  SamlVerificationOptions,
  VerifiedSamlResponse,
} from '../../../src/federation/saml/verify-saml-response.js'
import {
  AWS_AUDIENCE,
  AWS_SAML_ENDPOINT,
  base64,
  buildResponse,
  makeIdp,
  makeKeyPair,
  signResponse,
} from '../../support/saml-idp.js'
import type { ResponseOptions, SignOptions } from '../../support/saml-idp.js'

const idp = makeIdp('https://idp.example.com/saml')
const stranger = makeKeyPair('idp.example.com')
const DSIG = 'http://www.w3.org/2000/09/xmldsig#'

const options = (more: Partial<SamlVerificationOptions> = {}): SamlVerificationOptions => ({
  certificates: [idp.cert],
  entityId: idp.entityId,
  recipients: [AWS_SAML_ENDPOINT],
  audiences: [AWS_AUDIENCE],
  now: new Date(),
  allowSha1: false,
  requestId: 'req-1',
  ...more,
})

const signed = (response: Partial<ResponseOptions> = {}, sign: SignOptions = {}) =>
  signResponse(buildResponse({ issuer: idp.entityId, assertionId: '_a1', ...response }), idp, sign)

function verify(xml: string, more?: Partial<SamlVerificationOptions>): VerifiedSamlResponse {
  return verifySamlResponse(base64(xml), options(more))
}

function refusedBy(xml: string, more?: Partial<SamlVerificationOptions>): SamlRefusal {
  try {
    verify(xml, more)
  } catch (error) {
    if (error instanceof SamlRefusal) return error
    throw error
  }
  assert.fail('the response was accepted')
}

const assertion = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
const signatureOf = (xml: string) => /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(xml)![0]

describe('verifySamlResponse accepts', () => {
  for (const [what, sign] of [
    ['a signed Assertion', { sign: 'assertion' }],
    ['a signed Response', { sign: 'response' }],
    ['both signed', { sign: 'both' }],
    ['RSA-SHA512', { algorithm: 'sha512' }],
    ['no KeyInfo at all', { keyInfoCert: null }],
    ['a KeyInfo naming another certificate (it is never read)', { keyInfoCert: stranger.cert }],
  ] as Array<[string, SignOptions]>) {
    test(what, () => {
      const verified = verify(signed({}, sign))
      assert.equal(verified.subject, 'alice@example.com')
      assert.equal(verified.issuer, idp.entityId)
      assert.equal(verified.recipient, AWS_SAML_ENDPOINT)
      assert.deepEqual(verified.signed, {
        response: sign.sign === 'response' || sign.sign === 'both',
        assertion: sign.sign !== 'response',
      })
    })
  }

  test('a key that is second among the provider certificates (a rotation under way)', () => {
    assert.equal(verify(signed(), { certificates: [stranger.cert, idp.cert] }).assertionId, '_a1')
  })

  test('times within 60 s of skew, and no Destination at all', () => {
    const now = Date.now()
    const xml = signed({
      destination: null,
      notBefore: new Date(now + 55_000),
      issueInstant: new Date(now + 55_000),
    })
    assert.equal(verify(xml).subject, 'alice@example.com')
    assert.equal(
      refusedBy(xml, { clockSkewSeconds: 30 }).rule,
      'not-yet-valid',
      'a smaller allowance is honoured',
    )
    // More than 60 s is never allowed.
    assert.equal(verify(xml, { clockSkewSeconds: 3600 }).subject, 'alice@example.com')
    const later = signed({ notBefore: new Date(now + 65_000) })
    assert.equal(refusedBy(later, { clockSkewSeconds: 3600 }).rule, 'not-yet-valid')
  })

  test('comment injection (CVE-2017-11428): the whole NameID is read, comments or not', () => {
    const xml = signed({ nameId: 'alice@example.com.evil.com' })
    const injected = xml.replace('alice@example.com.evil.com', 'alice@example.com<!---->.evil.com')
    assert.notEqual(injected, xml)
    // Exclusive C14N drops comments, so the signature still holds, and the subject is whole.
    assert.equal(verify(injected).subject, 'alice@example.com.evil.com')
    // CDATA is text: the same text in CDATA keeps the signature, more text breaks it.
    const same = xml.replace('alice@example.com.evil.com', 'alice@example.com<![CDATA[.evil.com]]>')
    assert.equal(verify(same).subject, 'alice@example.com.evil.com')
    const plain = signed({ nameId: 'alice@example.com' })
    const more = plain.replace('alice@example.com<', 'alice@example.com<![CDATA[.evil.com]]><')
    assert.notEqual(more, plain)
    assert.equal(refusedBy(more).rule, 'signature')
  })
})

describe('verifySamlResponse refuses', () => {
  const cases: Array<[string, () => string, SamlRule, Partial<SamlVerificationOptions>?]> = [
    [
      'a DOCTYPE with an entity',
      () =>
        signed().replace(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "alice">]>',
        ),
      'xml',
    ],
    [
      'elements nested 60 deep',
      () =>
        signed().replace(
          '<samlp:Status>',
          `<samlp:Extensions>${'<x>'.repeat(60)}${'</x>'.repeat(60)}</samlp:Extensions><samlp:Status>`,
        ),
      'xml',
    ],
    ['two root elements', () => `${signed()}<samlp:Response/>`, 'xml'],
    ['a SAML 1.1 version', () => signed().replace('Version="2.0"', 'Version="1.1"'), 'version'],
    ['no Response ID', () => signed({ responseId: '' }), 'id'],
    [
      "an ID used twice (the signed assertion's, on an extension element)",
      () =>
        signed().replace(
          '<samlp:Status>',
          '<samlp:Extensions><x ID="_a1"/></samlp:Extensions><samlp:Status>',
        ),
      'id',
    ],
    ['no signature', () => buildResponse({ issuer: idp.entityId }), 'signature'],
    [
      'a key not in the metadata (its certificate in KeyInfo)',
      () => signResponse(buildResponse({ issuer: idp.entityId }), stranger),
      'signature',
    ],
    ['SHA-1 unless allowed', () => signed({}, { algorithm: 'sha1' }), 'algorithm'],
    [
      'HMAC in place of RSA (key confusion)',
      () => signed().replace(/Algorithm="[^"]*rsa-sha256"/, `Algorithm="${DSIG}hmac-sha1"`),
      'algorithm',
    ],
    [
      'inclusive C14N',
      () =>
        signed().replace(
          'CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
          'CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
        ),
      'algorithm',
    ],
    [
      'a second signature on the Assertion',
      () => {
        const xml = signed()
        return xml.replace(signatureOf(xml), signatureOf(xml).repeat(2))
      },
      'structure',
    ],
    [
      "the Assertion's signature re-parented onto the Response",
      () => {
        const xml = signed()
        const signature = signatureOf(xml)
        return xml.replace(signature, '').replace('<samlp:Status>', `${signature}<samlp:Status>`)
      },
      'signature',
    ],
    [
      'a signature covering the whole document (URI="")',
      () => signed({}, { sign: 'response' }).replace(/URI="#[^"]+"/, 'URI=""'),
      'signature',
    ],
    [
      'a signature inside the Status',
      () => {
        const xml = signed({}, { sign: 'response' })
        const signature = signatureOf(xml)
        return xml.replace(signature, '').replace('</samlp:Status>', `${signature}</samlp:Status>`)
      },
      'structure',
    ],
    [
      'the signed assertion hidden in Extensions, a forged one in its place',
      () => {
        const xml = signed()
        const forged = assertion(xml)
          .replace('ID="_a1"', 'ID="_forged"')
          .replace(signatureOf(xml), '')
        return xml.replace(
          assertion(xml),
          `<samlp:Extensions>${assertion(xml)}</samlp:Extensions>${forged}`,
        )
      },
      'structure',
    ],
    [
      'an encrypted assertion',
      () =>
        signed({}, { sign: 'response' }).replace(
          /<saml:Assertion [\s\S]*<\/saml:Assertion>/,
          '<saml:EncryptedAssertion/>',
        ),
      'structure',
    ],
    ['another Issuer', () => signed({ issuer: 'https://evil.example.com/saml' }), 'issuer'],
    [
      'a Response Issuer that is not the provider',
      () => signed({ responseIssuer: 'https://evil.example.com' }),
      'issuer',
    ],
    [
      'a failure status',
      () => signed({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }, { sign: 'both' }),
      'status',
    ],
    [
      'another Destination',
      () => signed({ destination: 'https://app.example.com/acs' }),
      'destination',
    ],
    [
      'another Recipient',
      () => signed({ recipient: 'https://app.example.com/acs', destination: null }),
      'recipient',
    ],
    ['another audience', () => signed({ audiences: ['https://app.example.com/sp'] }), 'audience'],
    [
      'two AudienceRestrictions, one not met',
      () =>
        signResponse(
          buildResponse({ issuer: idp.entityId }).replace(
            '</saml:AudienceRestriction>',
            '</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>https://app.example.com/sp</saml:Audience></saml:AudienceRestriction>',
          ),
          idp,
        ),
      'audience',
    ],
    [
      'two bearer confirmations',
      () =>
        signResponse(
          buildResponse({ issuer: idp.entityId }).replace(
            /<saml:SubjectConfirmation [\s\S]*<\/saml:SubjectConfirmation>/,
            (confirmation) => confirmation.repeat(2),
          ),
          idp,
        ),
      'subject-confirmation',
    ],
    ['an empty NameID', () => signed({ nameId: '' }), 'name-id'],
    [
      'a Conditions NotOnOrAfter 61 s ago',
      () => signed({ notOnOrAfter: new Date(Date.now() - 61_000) }),
      'expired',
    ],
    [
      'a confirmation NotOnOrAfter 61 s ago',
      () => signed({ confirmationNotOnOrAfter: new Date(Date.now() - 61_000) }),
      'expired',
    ],
    [
      'an attribute twice',
      () =>
        signed({ attributes: { a: ['1'] } }).replace(
          '<saml:AttributeStatement>',
          '<saml:AttributeStatement><saml:Attribute Name="a"/>',
        ),
      'signature',
    ],
    [
      'an attribute twice, signed so',
      () =>
        signResponse(
          buildResponse({ issuer: idp.entityId, attributes: { a: ['1'] } }).replace(
            '<saml:AttributeStatement>',
            '<saml:AttributeStatement><saml:Attribute Name="a"><saml:AttributeValue>2</saml:AttributeValue></saml:Attribute>',
          ),
          idp,
        ),
      'attributes',
    ],
  ]

  for (const [what, make, rule, more] of cases) {
    test(what, () => {
      const refusal = refusedBy(make(), more)
      assert.equal(refusal.rule, rule, refusal.detail)
    })
  }

  test('a SAMLAssertion that is not base64, or not UTF-8', () => {
    for (const posted of ['%%%', 'abc', Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('base64')]) {
      assert.throws(
        () => verifySamlResponse(posted, options()),
        (error) => error instanceof SamlRefusal && error.rule === 'encoding',
      )
    }
  })

  test("each with AWS's code, status and message", () => {
    const issuer = refusedBy(signed({ issuer: 'https://evil.example.com/saml' }))
    assert.equal(issuer.code, 'InvalidIdentityToken')
    assert.equal(issuer.status, 400)
    assert.match(issuer.message, /^Issuer not present in specified provider .*Request ID: req-1;/)
    const status = refusedBy(signed({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }))
    assert.equal(status.code, 'IDPRejectedClaim')
    assert.equal(status.status, 403)
    const expired = refusedBy(signed({ notOnOrAfter: new Date(Date.now() - 120_000) }))
    assert.deepEqual(
      [expired.code, expired.status, expired.message],
      ['ExpiredTokenException', 400, 'Response has expired'],
    )
    const nameId = refusedBy(signed({ nameId: '' }))
    assert.deepEqual([nameId.code, nameId.status], ['AccessDenied', 403])
  })
})
