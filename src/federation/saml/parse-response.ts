// Steps 1 and 2 of a SAML response: decode the posted base64 to UTF-8 XML and parse it, then find
// its shape: one samlp:Response holding one saml:Assertion, no ID twice, and every ds:Signature
// where a signature may stand (one at most in the Response and in the Assertion, or inside the
// Assertion's Advice, whose assertions are content the outer signature covers). Nothing read here
// is trusted: values are read later from what the signatures cover.
import {
  IDP_STATUS,
  MALFORMED,
  NOT_BASE64,
  SIGNATURE_INVALID,
  SamlRefusal,
  invalidToken,
} from './aws-messages.js'
import { STATUS_SUCCESS, readResponse } from './read-assertion.js'
import {
  SAML_ASSERTION_NS,
  SAML_PROTOCOL_NS,
  XMLDSIG_NS,
  XmlRefused,
  attribute,
  childElements,
  descendants,
  isElement,
  parseXml,
} from './saml-xml.js'
import type { XmlDocument, XmlElement } from './saml-xml.js'

/** AWS's limit on SAMLAssertion: 100,000 characters of base64 (botocore's SAMLAssertionType). */
export const MAX_SAML_ASSERTION_CHARS = 100_000

/** Deeper than any SAML response needs; canonicalisation recurses, so the depth is bounded. */
export const MAX_XML_DEPTH = 48

export interface ParsedResponse {
  /** The XML text as decoded; signatures are checked against exactly this text. */
  xml: string
  document: XmlDocument
  response: XmlElement
  assertion: XmlElement
  /** The ds:Signature child of the Response, if it has one. */
  responseSignature: XmlElement | undefined
  /** The ds:Signature child of the Assertion, if it has one. */
  assertionSignature: XmlElement | undefined
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The posted form: base64 of UTF-8 XML; line breaks and spaces some clients insert are dropped. */
export function decodeSamlResponse(posted: string): string {
  const base64 = posted.replace(/\s+/g, '')
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw invalidToken(NOT_BASE64, 'encoding', 'not base64')
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64'))
  } catch {
    throw invalidToken(NOT_BASE64, 'encoding', 'not UTF-8')
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

const malformed = (detail: string, rule: 'xml' | 'structure' | 'version' | 'id' = 'structure') =>
  invalidToken(MALFORMED, rule, detail)

/** What signature wrapping leaves behind is answered as the signature it tried to reuse. */
const wrapped = (detail: string, rule: 'structure' | 'id' = 'structure') =>
  invalidToken(SIGNATURE_INVALID, rule, detail)

/** The attributes xml-crypto takes for IDs (`Id`, `ID`, `id`, in any namespace). */
const ID_NAMES = new Set(['ID', 'Id', 'id'])

function checkUniqueIds(elements: readonly XmlElement[]): void {
  const seen = new Set<string>()
  for (const element of elements) {
    const attributes = element.attributes
    for (let i = 0; i < attributes.length; i++) {
      const attr = attributes.item(i)
      if (attr === null || !ID_NAMES.has(attr.localName ?? attr.name)) continue
      if (seen.has(attr.value)) {
        throw wrapped(`the ID '${attr.value}' appears more than once`, 'id')
      }
      seen.add(attr.value)
    }
  }
}

/** Whether `element` lies inside a saml:Advice that lies inside `assertion`. */
function insideAdvice(element: XmlElement, assertion: XmlElement): boolean {
  for (let node = element.parentNode; node !== null && node !== assertion; node = node.parentNode) {
    if (node.nodeType === 1 && isElement(node as XmlElement, SAML_ASSERTION_NS, 'Advice')) {
      return isInside(node as XmlElement, assertion)
    }
  }
  return false
}

function isInside(element: XmlElement, ancestor: XmlElement): boolean {
  for (let node = element.parentNode; node !== null; node = node.parentNode) {
    if (node === ancestor) return true
  }
  return false
}

/** The one ds:Signature child of `parent`, or undefined for none. */
function ownSignature(parent: XmlElement, what: string): XmlElement | undefined {
  const signatures = childElements(parent, XMLDSIG_NS, 'Signature')
  if (signatures.length > 1) throw wrapped(`the ${what} carries several signatures`)
  return signatures[0]
}

export function parseSamlResponse(xml: string): ParsedResponse {
  let document: XmlDocument
  try {
    document = parseXml(xml, { maxDepth: MAX_XML_DEPTH })
  } catch (error) {
    if (error instanceof XmlRefused) throw malformed(error.message, 'xml')
    throw error
  }
  const response = document.documentElement!
  if (!isElement(response, SAML_PROTOCOL_NS, 'Response')) {
    throw malformed('the root element is not a samlp:Response')
  }
  if (attribute(response, 'Version') !== '2.0') {
    throw malformed('the Response is not SAML 2.0', 'version')
  }
  if (!attribute(response, 'ID')) throw malformed('the Response has no ID', 'id')

  // An IdP that reports failure sends no assertion; its status is the answer (checked again in
  // the signed XML when there is one).
  const facts = readResponse(response)
  if (facts.status !== undefined && facts.status !== STATUS_SUCCESS) {
    throw new SamlRefusal('IDPRejectedClaim', IDP_STATUS(facts.statusDetail), 'status')
  }

  const all = [response, ...descendants(response)]
  checkUniqueIds(all)
  if (childElements(response, SAML_ASSERTION_NS, 'EncryptedAssertion').length > 0) {
    // rolegate holds no SP decryption key (GetSAMLProvider reports no private keys).
    throw malformed('encrypted assertions are not accepted')
  }
  const assertions = childElements(response, SAML_ASSERTION_NS, 'Assertion')
  if (assertions.length !== 1) {
    throw malformed(`the Response holds ${assertions.length} assertions, not one`)
  }
  const assertion = assertions[0]!
  if (attribute(assertion, 'Version') !== '2.0') {
    throw malformed('the Assertion is not SAML 2.0', 'version')
  }
  if (!attribute(assertion, 'ID')) throw malformed('the Assertion has no ID', 'id')

  for (const element of all) {
    if (
      isElement(element, SAML_ASSERTION_NS, 'Assertion') &&
      element !== assertion &&
      !insideAdvice(element, assertion)
    ) {
      throw wrapped('an assertion stands outside the Response and its Advice')
    }
    if (isElement(element, SAML_ASSERTION_NS, 'EncryptedAssertion')) {
      throw malformed('encrypted assertions are not accepted')
    }
    if (!isElement(element, XMLDSIG_NS, 'Signature')) continue
    const parent = element.parentNode
    if (parent === response || parent === assertion || insideAdvice(element, assertion)) continue
    throw wrapped(`a signature stands inside ${(parent as XmlElement | null)?.localName}`)
  }
  return {
    xml,
    document,
    response,
    assertion,
    responseSignature: ownSignature(response, 'Response'),
    assertionSignature: ownSignature(assertion, 'Assertion'),
  }
}
