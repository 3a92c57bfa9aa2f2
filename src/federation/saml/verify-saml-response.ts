// A SAML 2.0 Response checked as a pipeline of named steps: decode and parse, find its shape, check
// the issuer, verify the signatures against the provider's certificates, then read everything from
// the signed XML and check status, destination, times, audience, subject confirmation and
// attributes. AWS's own rules (Role attribute, session name, issuance window, replay) come after,
// in the STS operation.
import {
  IDP_STATUS,
  MALFORMED,
  NOT_YET_VALID,
  NO_AUDIENCE,
  RESPONSE_EXPIRED,
  SAML_DENIED,
  SIGNATURE_INVALID,
  SamlRefusal,
  WRONG_DESTINATION,
  WRONG_RECIPIENT,
  invalidToken,
  issuerNotPresent,
} from './aws-messages.js'
import { checkSignature } from './check-signature.js'
import type { SignaturePolicy } from './check-signature.js'
import { decodeSamlResponse, parseSamlResponse, MAX_XML_DEPTH } from './parse-response.js'
import type { ParsedResponse } from './parse-response.js'
import { BEARER, STATUS_SUCCESS, readAssertion, readResponse } from './read-assertion.js'
import type { AssertionFacts, ResponseFacts, SamlAttribute } from './read-assertion.js'
import {
  SAML_ASSERTION_NS,
  SAML_PROTOCOL_NS,
  XmlRefused,
  childElements,
  isElement,
  parseXml,
  textOf,
} from './saml-xml.js'
import type { XmlElement } from './saml-xml.js'

/** The most clock skew allowed between the IdP and this server. */
export const MAX_CLOCK_SKEW_SECONDS = 60

export interface SamlVerificationOptions {
  /** The provider's signing certificates (PEM): the only keys that may verify. */
  certificates: readonly string[]
  /** The provider's entityID: the Issuer the Response and Assertion must carry. */
  entityId: string
  /** SAML endpoints of this service: what Destination and Recipient may say. */
  recipients: readonly string[]
  /** Audiences this service answers to. */
  audiences: readonly string[]
  now: Date
  /** Allowed skew for every time, 0-60 s. Default 60. */
  clockSkewSeconds?: number
  allowSha1: boolean
  /** Require a signature on the Response itself (node-saml's wantAuthnResponseSigned). */
  requireSignedResponse?: boolean
  /** Require a signature on the Assertion itself (node-saml's wantAssertionsSigned). */
  requireSignedAssertion?: boolean
  /**
   * Check the AudienceRestriction (default true). Only the node-saml corpus turns it off, as its
   * harness does (`audience: false`): its responses carry none.
   */
  checkAudience?: boolean
  /** For refusals AWS words with a request id of its own. */
  requestId?: string
}

export interface VerifiedSamlResponse {
  responseId: string
  assertionId: string
  /** The Assertion's Issuer (the provider's entityID). */
  issuer: string
  issueInstant: Date
  /** NameID text and Format. */
  subject: string
  subjectFormat: string | undefined
  /** The bearer SubjectConfirmationData Recipient that was accepted. */
  recipient: string
  /** The latest moment the assertion is still accepted (NotOnOrAfter less skew, the earliest). */
  acceptedUntil: Date
  attributes: SamlAttribute[]
  /** Which of the two carried a signature that verified. */
  signed: { response: boolean; assertion: boolean }
}

const malformed = (detail: string) => invalidToken(MALFORMED, 'structure', detail)

/** Parses XML a signature covered, and finds the element it must be. */
function signedElement(
  canonical: string | undefined,
  localName: string,
  ns: string,
  id: string,
): XmlElement {
  if (canonical === undefined) {
    throw invalidToken(SIGNATURE_INVALID, 'signature', 'the signature covers nothing')
  }
  let root: XmlElement | null
  try {
    root = parseXml(canonical, { maxDepth: MAX_XML_DEPTH }).documentElement
  } catch (error) {
    if (error instanceof XmlRefused) throw malformed(`signed content: ${error.message}`)
    throw error
  }
  if (root === null || !isElement(root, ns, localName) || root.getAttribute('ID') !== id) {
    throw invalidToken(
      SIGNATURE_INVALID,
      'signature',
      `the signature does not cover the ${localName}`,
    )
  }
  return root
}

/**
 * AWS answers an unknown issuer before it looks at signatures; the Issuers read here are not yet
 * trusted, only compared, and are checked again in the signed XML.
 */
function checkIssuers(parsed: ParsedResponse, entityId: string, requestId: string): void {
  for (const parent of [parsed.response, parsed.assertion]) {
    const issuers = childElements(parent, SAML_ASSERTION_NS, 'Issuer')
    if (issuers.length === 0 && parent === parsed.assertion) continue
    if (issuers.length !== 1 || textOf(issuers[0]!).trim() !== entityId) {
      throw invalidToken(issuerNotPresent(requestId), 'issuer', `Issuer of the ${parent.localName}`)
    }
  }
}

/** Verifies the signatures present and returns the signed Response (if signed) and Assertion. */
function verifiedElements(
  parsed: ParsedResponse,
  options: SamlVerificationOptions,
): { response: XmlElement | undefined; assertion: XmlElement } {
  const { responseSignature, assertionSignature } = parsed
  if (responseSignature === undefined && assertionSignature === undefined) {
    throw invalidToken(
      SIGNATURE_INVALID,
      'signature',
      'neither the Response nor the Assertion is signed',
    )
  }
  const policy: SignaturePolicy = { allowSha1: options.allowSha1 }
  const { certificates } = options
  const responseId = parsed.response.getAttribute('ID') ?? ''
  const assertionId = parsed.assertion.getAttribute('ID') ?? ''
  let response: XmlElement | undefined
  if (responseSignature !== undefined) {
    const [xml] = checkSignature(parsed.xml, responseSignature, responseId, certificates, policy)
    response = signedElement(xml, 'Response', SAML_PROTOCOL_NS, responseId)
  }
  let assertion: XmlElement | undefined
  if (assertionSignature !== undefined) {
    const [xml] = checkSignature(parsed.xml, assertionSignature, assertionId, certificates, policy)
    assertion = signedElement(xml, 'Assertion', SAML_ASSERTION_NS, assertionId)
  }
  // What must be signed is asked after what is signed has verified (node-saml's order).
  if (options.requireSignedResponse === true && responseSignature === undefined) {
    throw invalidToken(SIGNATURE_INVALID, 'signature', 'the Response is not signed')
  }
  if (options.requireSignedAssertion === true && assertionSignature === undefined) {
    throw invalidToken(SIGNATURE_INVALID, 'signature', 'the Assertion is not signed')
  }
  if (assertion !== undefined) return { response, assertion }
  const inSigned = childElements(response!, SAML_ASSERTION_NS, 'Assertion')
  if (inSigned.length !== 1 || inSigned[0]!.getAttribute('ID') !== assertionId) {
    throw invalidToken(
      SIGNATURE_INVALID,
      'signature',
      'the signed Response holds another assertion',
    )
  }
  return { response, assertion: inSigned[0]! }
}

interface Checked {
  response: ResponseFacts
  assertion: AssertionFacts
  options: SamlVerificationOptions
  skewMs: number
  now: number
}

function checkResponse({ response, options }: Checked): void {
  if (response.issuer !== options.entityId) {
    throw invalidToken(
      issuerNotPresent(options.requestId ?? ''),
      'issuer',
      'Issuer of the Response',
    )
  }
  if (response.status !== STATUS_SUCCESS) {
    throw new SamlRefusal('IDPRejectedClaim', IDP_STATUS(response.statusDetail), 'status')
  }
  // Destination is optional in SAML, but when given it must be this service (saml-bindings 3.5.5.2).
  if (response.destination !== undefined && !options.recipients.includes(response.destination)) {
    throw invalidToken(WRONG_DESTINATION, 'destination', `Destination ${response.destination}`)
  }
}

function checkTimes({ assertion, options, skewMs, now }: Checked): void {
  if (assertion.issueInstant.getTime() > now + skewMs) {
    throw invalidToken(NOT_YET_VALID, 'not-yet-valid', 'IssueInstant is in the future')
  }
  const conditions = assertion.conditions
  if (conditions === undefined) {
    if (options.checkAudience === false) return
    throw invalidToken(NO_AUDIENCE, 'audience', 'no Conditions')
  }
  if (conditions.notBefore !== undefined && conditions.notBefore.getTime() > now + skewMs) {
    throw invalidToken(NOT_YET_VALID, 'not-yet-valid', 'Conditions NotBefore is in the future')
  }
  if (conditions.notOnOrAfter !== undefined && conditions.notOnOrAfter.getTime() <= now - skewMs) {
    throw new SamlRefusal('ExpiredTokenException', RESPONSE_EXPIRED, 'expired', 'Conditions')
  }
}

function checkAudience({ assertion, options }: Checked): void {
  if (options.checkAudience === false) return
  const restrictions = assertion.conditions?.audienceRestrictions ?? []
  // Each AudienceRestriction must be met by one of its audiences (saml-core 2.5.1.4).
  if (
    restrictions.length === 0 ||
    !restrictions.every((audiences) => audiences.some((a) => options.audiences.includes(a)))
  ) {
    throw invalidToken(NO_AUDIENCE, 'audience', `audiences ${JSON.stringify(restrictions)}`)
  }
}

/** The one bearer SubjectConfirmation AWS requires, valid now and for this service. */
function checkSubject({ response, assertion, options, skewMs, now }: Checked): string {
  const nameId = assertion.nameId
  // troubleshoot_saml: a Subject without a NameID is answered with AccessDenied.
  if (nameId === undefined || nameId.value === '') {
    throw new SamlRefusal('AccessDenied', SAML_DENIED, 'name-id', 'no NameID, or an empty one')
  }
  if (nameId.spNameQualifier !== undefined && !options.audiences.includes(nameId.spNameQualifier)) {
    throw invalidToken(NO_AUDIENCE, 'name-id', `SPNameQualifier ${nameId.spNameQualifier}`)
  }
  const bearers = assertion.confirmations.filter((c) => c.method === BEARER)
  const bearer = bearers[0]
  if (bearers.length !== 1 || bearer === undefined || !bearer.hasData) {
    throw invalidToken(WRONG_RECIPIENT, 'subject-confirmation', 'one bearer confirmation with data')
  }
  if (bearer.recipient === undefined || !options.recipients.includes(bearer.recipient)) {
    throw invalidToken(WRONG_RECIPIENT, 'recipient', `Recipient ${bearer.recipient}`)
  }
  if (bearer.notBefore !== undefined && bearer.notBefore.getTime() > now + skewMs) {
    throw invalidToken(NOT_YET_VALID, 'not-yet-valid', 'SubjectConfirmationData NotBefore')
  }
  if (bearer.notOnOrAfter === undefined) {
    throw invalidToken(WRONG_RECIPIENT, 'subject-confirmation', 'no NotOnOrAfter')
  }
  if (bearer.notOnOrAfter.getTime() <= now - skewMs) {
    throw new SamlRefusal('ExpiredTokenException', RESPONSE_EXPIRED, 'expired', 'confirmation')
  }
  if (bearer.inResponseTo !== undefined && bearer.inResponseTo !== response.inResponseTo) {
    throw invalidToken(WRONG_RECIPIENT, 'in-response-to', 'InResponseTo differs from the Response')
  }
  return bearer.recipient
}

function checkStatements({ assertion }: Checked): void {
  if (assertion.authnStatements !== 1) {
    const detail = `the Assertion holds ${assertion.authnStatements} AuthnStatements, not one`
    throw invalidToken(MALFORMED, 'authn-statement', detail)
  }
  const names = new Set<string>()
  for (const { name } of assertion.attributes) {
    if (names.has(name)) {
      throw invalidToken(MALFORMED, 'attributes', `the attribute ${name} appears twice`)
    }
    names.add(name)
  }
}

/** The earliest NotOnOrAfter, plus the skew: until then the assertion could still be accepted. */
function acceptedUntil({ assertion, skewMs }: Checked): Date {
  const times = [
    assertion.conditions?.notOnOrAfter,
    ...assertion.confirmations.filter((c) => c.method === BEARER).map((c) => c.notOnOrAfter),
  ].filter((t): t is Date => t !== undefined)
  return new Date(Math.min(...times.map((t) => t.getTime())) + skewMs)
}

/** Runs every step; the first failure throws its SamlRefusal (an AwsError). */
export function verifySamlResponse(
  samlResponse: string,
  options: SamlVerificationOptions,
): VerifiedSamlResponse {
  const skew = Math.min(Math.max(options.clockSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS, 0), 60)
  const parsed = parseSamlResponse(decodeSamlResponse(samlResponse))
  checkIssuers(parsed, options.entityId, options.requestId ?? '')
  const signed = verifiedElements(parsed, options)
  const checked: Checked = {
    response: readResponse(signed.response ?? parsed.response),
    assertion: readAssertion(signed.assertion),
    options,
    skewMs: skew * 1000,
    now: options.now.getTime(),
  }
  const { assertion } = checked
  if (assertion.version !== '2.0') throw invalidToken(MALFORMED, 'version', 'not SAML 2.0')
  if (assertion.issuer !== options.entityId) {
    throw invalidToken(
      issuerNotPresent(options.requestId ?? ''),
      'issuer',
      'Issuer of the Assertion',
    )
  }
  checkResponse(checked)
  checkTimes(checked)
  checkAudience(checked)
  const recipient = checkSubject(checked)
  checkStatements(checked)
  return {
    responseId: checked.response.id,
    assertionId: assertion.id,
    issuer: assertion.issuer,
    issueInstant: assertion.issueInstant,
    subject: assertion.nameId!.value,
    subjectFormat: assertion.nameId!.format,
    recipient,
    acceptedUntil: acceptedUntil(checked),
    attributes: assertion.attributes,
    signed: {
      response: signed.response !== undefined,
      assertion: parsed.assertionSignature !== undefined,
    },
  }
}
