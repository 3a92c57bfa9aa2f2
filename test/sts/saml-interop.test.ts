// SAML identity providers that are not rolegate's, nor its tests' own signer: Debian's xmlsec1
// (libxmlsec1, C) signing a response template, and samlify in IdP mode. What they sign is
// accepted by AssumeRoleWithSAML through the app, and refused as it should be when tampered with,
// signed by a key the provider's metadata lacks, addressed to another SP, or signed with SHA-1
// (accepted once the server allows SHA-1).
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import samlify from 'samlify'
import { requireOrSkip } from '../support/requirements.js'
import {
  AWS_AUDIENCE,
  AWS_SAML_ENDPOINT,
  base64,
  buildResponse,
  makeIdp,
  makeKeyPair,
} from '../support/saml-idp.js'
import type { TestIdp, TestKeyPair } from '../support/saml-idp.js'
import type { Harness } from './support.js'
import { ACCOUNT, IAM, assertError, createRole, doc, stsHarness } from './support.js'

const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/external`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/External`
const ATTR = 'https://aws.amazon.com/SAML/Attributes/'
const SIGNATURE_INVALID = 'Response signature invalid'
const DSIG = 'http://www.w3.org/2000/09/xmldsig#'

const xmlsecMissing = (): string | undefined =>
  spawnSync('xmlsec1', ['--version']).status === 0 ? undefined : 'xmlsec1 is not installed'

/** A harness with the IdP registered as provider `external` and role External trusting it. */
async function setUp(idp: TestIdp, allowSamlSha1 = false): Promise<Harness> {
  const h = await stsHarness({ allowSamlSha1 })
  await h.ok({
    ...IAM,
    Action: 'CreateSAMLProvider',
    Name: 'external',
    SAMLMetadataDocument: idp.metadata,
  })
  await createRole(
    h,
    'External',
    doc({ Effect: 'Allow', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithSAML' }),
  )
  return h
}

const assume = (h: Harness, assertion: string) =>
  h.unsigned({
    Action: 'AssumeRoleWithSAML',
    RoleArn: ROLE,
    PrincipalArn: PROVIDER,
    SAMLAssertion: assertion,
  })

const assumedAs = async (h: Harness, assertion: string, session = 'alice@example.com') => {
  const answer = await assume(h, assertion)
  assert.equal(answer.status, 200, answer.body)
  assert.equal(answer.text('Arn'), `arn:aws:sts::${ACCOUNT}:assumed-role/External/${session}`)
}

describe('responses signed by xmlsec1', { skip: requireOrSkip(xmlsecMissing()) }, () => {
  const idp = makeIdp('https://xmlsec-idp.example.com/saml')
  let h: Harness
  let lenient: Harness
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-xmlsec-'))

  /**
   * Signs `element` of a response with xmlsec1 from a template: exclusive C14N with an
   * InclusiveNamespaces PrefixList of `xs` (as Okta signs), the KeyInfo filled by xmlsec1.
   */
  function xmlsecSigned(
    xml: string,
    keys: TestKeyPair,
    element: 'Assertion' | 'Response',
    algorithm: 'sha256' | 'sha512' | 'sha1' = 'sha256',
  ): string {
    const id = new RegExp(`<(?:saml|samlp):${element} [^>]*\\bID="([^"]+)"`).exec(xml)![1]!
    const methods = {
      sha256: [
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        'http://www.w3.org/2001/04/xmlenc#sha256',
      ],
      sha512: [
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
        'http://www.w3.org/2001/04/xmlenc#sha512',
      ],
      sha1: [`${DSIG}rsa-sha1`, `${DSIG}sha1`],
    }[algorithm]
    const template =
      `<ds:Signature xmlns:ds="${DSIG}"><ds:SignedInfo>` +
      `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
      `<ds:SignatureMethod Algorithm="${methods[0]}"/><ds:Reference URI="#${id}"><ds:Transforms>` +
      `<ds:Transform Algorithm="${DSIG}enveloped-signature"/>` +
      `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="xs"/></ds:Transform>` +
      `</ds:Transforms><ds:DigestMethod Algorithm="${methods[1]}"/><ds:DigestValue/></ds:Reference>` +
      `</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>`
    // The template goes right after the element's Issuer.
    const issuerEnd =
      xml.indexOf('</saml:Issuer>', xml.indexOf(`:${element} `)) + '</saml:Issuer>'.length
    const file = join(dir, `${randomUUID()}.xml`)
    writeFileSync(join(dir, 'key.pem'), keys.key)
    writeFileSync(join(dir, 'cert.pem'), keys.cert)
    writeFileSync(file, xml.slice(0, issuerEnd) + template + xml.slice(issuerEnd))
    const ns =
      element === 'Assertion'
        ? 'urn:oasis:names:tc:SAML:2.0:assertion'
        : 'urn:oasis:names:tc:SAML:2.0:protocol'
    execFileSync('xmlsec1', [
      '--sign',
      ...['--privkey-pem', `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`],
      ...['--id-attr:ID', `${ns}:${element}`],
      ...['--output', `${file}.signed`, file],
    ])
    return readFileSync(`${file}.signed`, 'utf8')
  }

  /** A response whose attribute values are typed xs:string, with xs and xsi declared on the root. */
  const typedResponse = (options: { nameId?: string } = {}) =>
    buildResponse({
      issuer: idp.entityId,
      roles: [`${ROLE},${PROVIDER}`],
      nameId: options.nameId ?? 'alice@example.com',
    })
      .replace(
        '<samlp:Response ',
        '<samlp:Response xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
      )
      .replace(/<saml:AttributeValue>/g, '<saml:AttributeValue xsi:type="xs:string">')

  before(async () => {
    h = await setUp(idp)
    lenient = await setUp(idp, true)
  })
  after(async () => {
    await h.close()
    await lenient.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('an assertion signed with RSA-SHA256 and an InclusiveNamespaces PrefixList', async () => {
    await assumedAs(h, base64(xmlsecSigned(typedResponse(), idp, 'Assertion')))
  })

  test('a response signed with RSA-SHA512', async () => {
    await assumedAs(h, base64(xmlsecSigned(typedResponse(), idp, 'Response', 'sha512')))
  })

  test('tampered after signing: refused', async () => {
    const signed = xmlsecSigned(typedResponse(), idp, 'Assertion')
    const tampered = signed.replace('>alice@example.com<', '>admin@example.com<')
    assert.notEqual(tampered, signed)
    assertError(await assume(h, base64(tampered)), 400, 'InvalidIdentityToken', SIGNATURE_INVALID)
  })

  test('signed by a key the metadata lacks (its certificate in KeyInfo): refused', async () => {
    const stranger = makeKeyPair('xmlsec-idp.example.com')
    const signed = xmlsecSigned(typedResponse(), stranger, 'Response')
    assert.match(signed, /<ds:X509Certificate>/)
    assertError(await assume(h, base64(signed)), 400, 'InvalidIdentityToken', SIGNATURE_INVALID)
  })

  test('RSA-SHA1: refused by default, accepted with --allow-saml-sha1', async () => {
    assertError(
      await assume(h, base64(xmlsecSigned(typedResponse(), idp, 'Assertion', 'sha1'))),
      400,
      'InvalidIdentityToken',
      SIGNATURE_INVALID,
    )
    await assumedAs(lenient, base64(xmlsecSigned(typedResponse(), idp, 'Assertion', 'sha1')))
  })
})

describe('responses made by samlify in IdP mode', () => {
  const keys = makeKeyPair('samlify-idp.example.com')
  const entityID = 'https://samlify-idp.example.com/metadata'
  const idp = makeIdp(entityID, keys)
  let h: Harness
  let lenient: Harness

  /** samlify's IdP with AWS's attributes in its login response template. */
  function samlifyIdp(signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') {
    const attribute = (name: string, valueTag: string) => ({
      name: `${ATTR}${name}`,
      valueTag,
      nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
      valueXsiType: 'xs:string',
    })
    return samlify.IdentityProvider({
      entityID,
      privateKey: keys.key,
      signingCert: keys.cert,
      requestSignatureAlgorithm: signatureAlgorithm,
      nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
      singleSignOnService: [
        { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: `${entityID}/sso` },
      ],
      loginResponseTemplate: {
        context: samlify.SamlLib.defaultLoginResponseTemplate.context.replace(
          '{AuthnStatement}',
          '<saml:AuthnStatement AuthnInstant="{IssueInstant}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>',
        ),
        attributes: [attribute('Role', 'role'), attribute('RoleSessionName', 'sessionName')],
      },
    })
  }

  /** AWS as samlify's SP: its entity id, its ACS, what it wants signed. */
  const awsSp = (sign: { assertion: boolean; message: boolean }, entityId = AWS_AUDIENCE) =>
    samlify.ServiceProvider({
      entityID: entityId,
      assertionConsumerService: [
        { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: AWS_SAML_ENDPOINT },
      ],
      wantAssertionsSigned: sign.assertion,
      wantMessageSigned: sign.message,
    })

  /** An IdP-initiated response for alice, as samlify posts it (base64). */
  async function samlifyResponse(
    provider: ReturnType<typeof samlifyIdp>,
    sp: ReturnType<typeof awsSp>,
    audience = AWS_AUDIENCE,
  ): Promise<string> {
    const now = new Date()
    const later = new Date(now.getTime() + 5 * 60_000)
    // IdP-initiated: no AuthnRequest to answer (samlify's request info is then empty).
    const noRequest = {} as Parameters<typeof provider.createLoginResponse>[1]
    const response = await provider.createLoginResponse(
      sp,
      noRequest,
      'post',
      { email: 'alice@example.com' },
      (template: string) => {
        const id = `_${randomUUID()}`
        return {
          id,
          context: samlify.SamlLib.replaceTagsByValue(template, {
            ID: id,
            AssertionID: `_${randomUUID()}`,
            Destination: AWS_SAML_ENDPOINT,
            Audience: audience,
            SubjectRecipient: AWS_SAML_ENDPOINT,
            Issuer: entityID,
            IssueInstant: now.toISOString(),
            StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
            ConditionsNotBefore: now.toISOString(),
            ConditionsNotOnOrAfter: later.toISOString(),
            SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
            NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
            NameID: 'alice@example.com',
            InResponseTo: undefined,
            attrRole: `${ROLE},${PROVIDER}`,
            attrSessionName: 'alice@example.com',
          }),
        }
      },
    )
    return response.context
  }

  before(async () => {
    h = await setUp(idp)
    lenient = await setUp(idp, true)
  })
  after(async () => {
    await h.close()
    await lenient.close()
  })

  test('the Response and the Assertion both signed', async () => {
    await assumedAs(
      h,
      await samlifyResponse(samlifyIdp(), awsSp({ assertion: true, message: true })),
    )
  })

  test('only the Assertion signed', async () => {
    const response = await samlifyResponse(samlifyIdp(), awsSp({ assertion: true, message: false }))
    const signatures = Buffer.from(response, 'base64')
      .toString()
      .match(/<ds:Signature[\s>]/g)
    assert.equal(signatures?.length, 1)
    await assumedAs(h, response)
  })

  test('addressed to another SP: refused for its audience', async () => {
    const other = 'https://app.example.com/sp'
    assertError(
      await assume(
        h,
        await samlifyResponse(
          samlifyIdp(),
          awsSp({ assertion: true, message: true }, other),
          other,
        ),
      ),
      400,
      'InvalidIdentityToken',
      'Response does not contain the required audience.',
    )
  })

  test('RSA-SHA1: refused by default, accepted with --allow-saml-sha1', async () => {
    const sha1 = samlifyIdp(`${DSIG}rsa-sha1`)
    const sp = awsSp({ assertion: true, message: true })
    assertError(
      await assume(h, await samlifyResponse(sha1, sp)),
      400,
      'InvalidIdentityToken',
      SIGNATURE_INVALID,
    )
    await assumedAs(lenient, await samlifyResponse(sha1, sp))
  })
})
