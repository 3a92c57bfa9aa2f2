import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { X509Certificate } from 'node:crypto'
import { isAwsError } from '../../../src/core/errors.js'
import { parseSamlMetadata, SamlMetadataError } from '../../../src/federation/saml/metadata.js'
import { makeCertificate, metadataDocument, pemBody } from './idp-metadata.js'
import { corpus } from '../../support/requirements.js'

const first = makeCertificate('idp-one.example.com')
const second = makeCertificate('idp-two.example.com')

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256

describe('parseSamlMetadata', () => {
  test('reads the entity id, signing certificates and SSO endpoints', () => {
    const metadata = parseSamlMetadata(metadataDocument({ certificates: [first.base64] }))
    assert.equal(metadata.entityId, 'https://idp.example.com/saml')
    assert.equal(metadata.certificates.length, 1)
    assert.match(metadata.certificates[0] ?? '', /^-----BEGIN CERTIFICATE-----\n/)
    assert.equal(fingerprint(metadata.certificates[0] ?? ''), fingerprint(first.pem))
    assert.deepEqual(metadata.ssoUrls, [
      {
        binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        location: 'https://idp.example.com/sso/redirect',
      },
      {
        binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
        location: 'https://idp.example.com/sso/post',
      },
    ])
    assert.equal(metadata.validUntil, undefined)
  })

  test('keeps every signing certificate once, in document order', () => {
    const metadata = parseSamlMetadata(
      metadataDocument({ certificates: [second.base64, first.base64, second.base64] }),
    )
    assert.deepEqual(metadata.certificates.map(fingerprint), [
      fingerprint(second.pem),
      fingerprint(first.pem),
    ])
  })

  test('a KeyDescriptor without use serves signing; use="encryption" does not', () => {
    const unmarked = parseSamlMetadata(
      metadataDocument({ certificates: [first.base64], use: null }),
    )
    assert.equal(unmarked.certificates.length, 1)
    assert.throws(
      () =>
        parseSamlMetadata(metadataDocument({ certificates: [first.base64], use: 'encryption' })),
      SamlMetadataError,
    )
  })

  test('validUntil is read as a UTC instant, with or without a zone', () => {
    const zoned = parseSamlMetadata(
      metadataDocument({ certificates: [first.base64], validUntil: '2031-05-06T07:08:09Z' }),
    )
    assert.deepEqual(zoned.validUntil, new Date('2031-05-06T07:08:09Z'))
    const offset = parseSamlMetadata(
      metadataDocument({
        certificates: [first.base64],
        validUntil: '2031-05-06T09:08:09.500+02:00',
      }),
    )
    assert.deepEqual(offset.validUntil, new Date('2031-05-06T07:08:09.500Z'))
    const bare = parseSamlMetadata(
      metadataDocument({ certificates: [first.base64], validUntil: '2031-05-06T07:08:09' }),
    )
    assert.deepEqual(bare.validUntil, new Date('2031-05-06T07:08:09Z'))
  })

  test('the earliest validUntil of the entity and its IdP role wins', () => {
    const xml = metadataDocument({
      certificates: [first.base64],
      validUntil: '2035-01-01T00:00:00Z',
    }).replace('<md:IDPSSODescriptor ', '<md:IDPSSODescriptor validUntil="2030-01-01T00:00:00Z" ')
    assert.deepEqual(parseSamlMetadata(xml).validUntil, new Date('2030-01-01T00:00:00Z'))
  })

  test('an EntitiesDescriptor holding exactly one entity is read through', () => {
    const inner = metadataDocument({ certificates: [first.base64] }).replace(/^<\?xml[^>]*>\n/, '')
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}</md:EntitiesDescriptor>`
    assert.equal(parseSamlMetadata(wrapped).entityId, 'https://idp.example.com/saml')
    const two = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}${inner}</md:EntitiesDescriptor>`
    assert.throws(
      () => parseSamlMetadata(two),
      (error: unknown) =>
        error instanceof SamlMetadataError && /exactly one EntityDescriptor/.test(error.reason),
    )
  })

  const good = metadataDocument({ certificates: [first.base64] })
  const refused: [string, string, RegExp][] = [
    [
      'a DOCTYPE (billion laughs)',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${good.replace(/^<\?xml[^>]*>\n/, '').replace('<md:NameIDFormat>', '<md:NameIDFormat>&lol2;')}`,
      /DOCTYPE/,
    ],
    [
      'an external entity',
      good.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE md [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      ),
      /DOCTYPE/,
    ],
    ['XML that is not well-formed', good.replace('</md:IDPSSODescriptor>', ''), /malformed XML/],
    [
      'two root elements',
      good + '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>',
      /malformed XML/,
    ],
    ['not XML at all', 'x'.repeat(2000), /malformed XML|root/],
    [
      'a root in another namespace',
      good.replaceAll('urn:oasis:names:tc:SAML:2.0:metadata', 'urn:example:metadata'),
      /md:EntityDescriptor/,
    ],
    ['no entityID', good.replace(' entityID="https://idp.example.com/saml"', ''), /entityID/],
    [
      'an empty entityID',
      good.replace('entityID="https://idp.example.com/saml"', 'entityID="  "'),
      /entityID/,
    ],
    ['only an SP role', good.replaceAll('IDPSSODescriptor', 'SPSSODescriptor'), /IDPSSODescriptor/],
    [
      'an IdP role for SAML 1.1 only',
      metadataDocument({
        certificates: [first.base64],
        protocols: 'urn:oasis:names:tc:SAML:1.1:protocol',
      }),
      /SAML 2.0/,
    ],
    ['no certificate', metadataDocument({ certificates: [] }), /no signing certificate/],
    [
      'a certificate that is not base64',
      metadataDocument({ certificates: ['not*base64!'] }),
      /not base64/,
    ],
    [
      'base64 that is no certificate',
      metadataDocument({
        certificates: [Buffer.from('hello, not a certificate').toString('base64')],
      }),
      /not an X.509 certificate/,
    ],
    [
      'a certificate cut short',
      metadataDocument({ certificates: [first.base64.slice(0, 400)] }),
      /not an X.509 certificate|not base64/,
    ],
    [
      'a validUntil that is no date',
      metadataDocument({ certificates: [first.base64], validUntil: 'next tuesday' }),
      /validUntil/,
    ],
  ]
  for (const [name, xml, reason] of refused) {
    test(`refuses ${name}: InvalidInput with AWS's one message, the reason kept`, () => {
      assert.throws(
        () => parseSamlMetadata(xml),
        (error: unknown) => {
          assert.ok(error instanceof SamlMetadataError && isAwsError(error))
          assert.equal(error.code, 'InvalidInput')
          assert.equal(error.status, 400)
          assert.equal(error.type, 'Sender')
          assert.equal(error.message, 'Could not parse metadata')
          assert.match(error.reason, reason)
          return true
        },
      )
    })
  }
})

// Certificates published with the node-saml and ruby-saml test suites (see the corpus README).
const corpusCertificates = ['node-saml/cert.pem', 'ruby-saml/certificates/ruby-saml.crt']

describe('parseSamlMetadata with corpus certificates', () => {
  for (const file of corpusCertificates) {
    const { path, skip } = corpus(`saml/${file}`)
    test(`reads ${file}`, { skip }, () => {
      const pem = readFileSync(path, 'utf8')
      const metadata = parseSamlMetadata(metadataDocument({ certificates: [pemBody(pem)] }))
      // Long-expired certificates are still read: validity is not the parser's business.
      assert.equal(fingerprint(metadata.certificates[0] ?? ''), fingerprint(pem))
    })
  }
})
