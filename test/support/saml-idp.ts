// A SAML identity provider for tests: a key pair with a self-signed certificate (openssl), its IdP
// metadata, SAML responses built to order (AWS's attributes, any time, audience or recipient), and
// enveloped signatures made with xml-crypto on the Response, the Assertion or both.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignedXml } from 'xml-crypto'
import { metadataDocument, pemBody } from '../federation/saml/idp-metadata.js'

export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml'
export const AWS_AUDIENCE = 'urn:amazon:webservices'
const ATTR = 'https://aws.amazon.com/SAML/Attributes/'

export interface TestKeyPair {
  /** PEM private key. */
  key: string
  /** PEM self-signed certificate. */
  cert: string
  /** The certificate's DER, base64 on one line. */
  certBase64: string
}

/** A fresh RSA key (2048 bits unless told) and a self-signed certificate for it. */
export function makeKeyPair(commonName = 'idp.example.com', bits = 2048): TestKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-saml-key-'))
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', `rsa:${bits}`, '-nodes', '-sha256'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        ...['-subj', `/CN=${commonName}`, '-days', '30'],
      ],
      { stdio: 'ignore' },
    )
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert, certBase64: pemBody(cert) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface TestIdp extends TestKeyPair {
  entityId: string
  metadata: string
}

export function makeIdp(entityId = 'https://idp.example.com/saml', keys = makeKeyPair()): TestIdp {
  return {
    ...keys,
    entityId,
    metadata: metadataDocument({ entityId, certificates: [keys.certBase64] }),
  }
}

/** The IdP's metadata with a validUntil, after which IAM's provider no longer holds. */
export const metadataWithValidity = (idp: TestIdp, validUntil: string): string =>
  metadataDocument({ entityId: idp.entityId, certificates: [idp.certBase64], validUntil })

export interface ResponseOptions {
  issuer: string
  /** The Response's Issuer; the assertion's unless given; null leaves it out. */
  responseIssuer?: string | null
  /** null leaves Destination out. */
  destination?: string | null
  recipient?: string
  audiences?: string[]
  nameId?: string
  nameIdFormat?: string | null
  issueInstant?: Date
  notBefore?: Date
  notOnOrAfter?: Date
  /** The bearer SubjectConfirmationData NotOnOrAfter; notOnOrAfter unless given. */
  confirmationNotOnOrAfter?: Date
  status?: string
  /** `roleArn,providerArn` values of the Role attribute. */
  roles?: string[]
  /** null leaves RoleSessionName out. */
  roleSessionName?: string | null
  /** More attributes by Name. */
  attributes?: Record<string, string[]>
  responseId?: string
  assertionId?: string
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const iso = (date: Date) => date.toISOString()

/** An unsigned samlp:Response with one Assertion, as an IdP posts it to AWS. */
export function buildResponse(options: ResponseOptions): string {
  const now = options.issueInstant ?? new Date()
  const notOnOrAfter = options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)
  const notBefore = options.notBefore ?? new Date(now.getTime() - 60_000)
  const responseId = options.responseId ?? `_r${randomUUID().replace(/-/g, '')}`
  const assertionId = options.assertionId ?? `_a${randomUUID().replace(/-/g, '')}`
  const recipient = options.recipient ?? AWS_SAML_ENDPOINT
  const destination =
    options.destination === null ? '' : ` Destination="${escape(options.destination ?? recipient)}"`
  const responseIssuer =
    options.responseIssuer === null
      ? ''
      : `<saml:Issuer>${escape(options.responseIssuer ?? options.issuer)}</saml:Issuer>`
  const format =
    options.nameIdFormat === null
      ? ''
      : ` Format="${options.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}"`
  const attributes: Record<string, string[]> = {}
  if (options.roles !== undefined) attributes[`${ATTR}Role`] = options.roles
  if (options.roleSessionName !== null) {
    attributes[`${ATTR}RoleSessionName`] = [options.roleSessionName ?? 'alice@example.com']
  }
  Object.assign(attributes, options.attributes)
  const attributeXml = Object.entries(attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escape(name)}">${values
          .map((v) => `<saml:AttributeValue>${escape(v)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('')
  const audiences = (options.audiences ?? [AWS_AUDIENCE])
    .map((a) => `<saml:Audience>${escape(a)}</saml:Audience>`)
    .join('')
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${responseId}" Version="2.0" IssueInstant="${iso(now)}"${destination}>` +
    responseIssuer +
    `<samlp:Status><samlp:StatusCode Value="${options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${escape(options.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID${format}>${escape(options.nameId ?? 'alice@example.com')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${iso(options.confirmationNotOnOrAfter ?? notOnOrAfter)}" Recipient="${escape(recipient)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}">` +
    `<saml:AudienceRestriction>${audiences}</saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${assertionId}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    (attributeXml === ''
      ? ''
      : `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>`) +
    `</saml:Assertion></samlp:Response>`
  )
}

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'
const ALGORITHMS = {
  sha256: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
  sha512: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha512',
  },
  sha1: {
    signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    digest: 'http://www.w3.org/2000/09/xmldsig#sha1',
  },
} as const

export interface SignOptions {
  /** Which element to sign (default the Assertion). */
  sign?: 'response' | 'assertion' | 'both'
  algorithm?: keyof typeof ALGORITHMS
  /** The certificate KeyInfo shows; the signing key's own unless given; null for no KeyInfo. */
  keyInfoCert?: string | null
}

function signElement(
  xml: string,
  element: 'Response' | 'Assertion',
  keys: TestKeyPair,
  options: SignOptions,
): string {
  const algorithm = ALGORITHMS[options.algorithm ?? 'sha256']
  const keyInfoCert = options.keyInfoCert === undefined ? keys.cert : options.keyInfoCert
  const signed = new SignedXml({
    privateKey: keys.key,
    ...(keyInfoCert === null ? {} : { publicCert: keyInfoCert }),
    signatureAlgorithm: algorithm.signature,
    canonicalizationAlgorithm: EXC_C14N,
  })
  const target = `/*[local-name(.)='Response']${element === 'Assertion' ? "/*[local-name(.)='Assertion']" : ''}`
  signed.addReference({
    xpath: target,
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: algorithm.digest,
  })
  signed.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  })
  return signed.getSignedXml()
}

/** Signs the Assertion (then) the Response, as an IdP does when asked for both. */
export function signResponse(xml: string, keys: TestKeyPair, options: SignOptions = {}): string {
  const which = options.sign ?? 'assertion'
  let out = xml
  if (which !== 'response') out = signElement(out, 'Assertion', keys, options)
  if (which !== 'assertion') out = signElement(out, 'Response', keys, options)
  return out
}

export const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64')

/** A signed, base64 response for `idp` with `options`, ready for SAMLAssertion. */
export function samlAssertion(
  idp: TestIdp,
  options: Partial<ResponseOptions> = {},
  sign: SignOptions = {},
): string {
  return base64(signResponse(buildResponse({ issuer: idp.entityId, ...options }), idp, sign))
}
