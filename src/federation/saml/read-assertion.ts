// Step 4: the facts of a Response and its Assertion, read from elements the caller took out of the
// XML a signature covers (or, for the Response, its unsigned envelope when only the Assertion is
// signed). Only direct children are read, by namespace and name: no XPath, no searching the
// document, so nothing outside the signed element can be picked up.
import { MALFORMED, invalidToken } from './aws-messages.js'
import {
  SAML_ASSERTION_NS,
  SAML_PROTOCOL_NS,
  attribute,
  childElements,
  elementChildren,
  textOf,
} from './saml-xml.js'
import type { XmlElement } from './saml-xml.js'

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'

export interface ResponseFacts {
  id: string
  destination: string | undefined
  /** The Response's Issuer text, trimmed; undefined when it has none. */
  issuer: string | undefined
  inResponseTo: string | undefined
  /** The top-level StatusCode Value; undefined when there is no Status or StatusCode. */
  status: string | undefined
  /** Second-level code and message, for the refusal's detail. */
  statusDetail: string
}

export interface SubjectConfirmation {
  method: string
  /** Whether it has a SubjectConfirmationData element at all. */
  hasData: boolean
  recipient: string | undefined
  notBefore: Date | undefined
  notOnOrAfter: Date | undefined
  inResponseTo: string | undefined
}

export interface NameId {
  value: string
  format: string | undefined
  spNameQualifier: string | undefined
}

export interface Conditions {
  notBefore: Date | undefined
  notOnOrAfter: Date | undefined
  /** The Audience values of each AudienceRestriction; every restriction must be met. */
  audienceRestrictions: string[][]
}

export interface SamlAttribute {
  name: string
  values: string[]
}

export interface AssertionFacts {
  id: string
  version: string | undefined
  issuer: string | undefined
  issueInstant: Date
  nameId: NameId | undefined
  confirmations: SubjectConfirmation[]
  conditions: Conditions | undefined
  authnStatements: number
  attributes: SamlAttribute[]
}

const malformed = (detail: string) => invalidToken(MALFORMED, 'structure', detail)

// xs:dateTime as SAML writes it; SAML requires UTC, but IdPs sometimes give an offset.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/

function dateAttribute(element: XmlElement, name: string): Date | undefined {
  const text = attribute(element, name)?.trim()
  if (text === undefined) return undefined
  if (!DATE_TIME.test(text)) throw malformed(`${element.localName} ${name} is not an xs:dateTime`)
  const at = new Date(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`)
  if (Number.isNaN(at.getTime())) {
    throw malformed(`${element.localName} ${name} is not an xs:dateTime`)
  }
  return at
}

function oneChild(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
  const found = childElements(parent, ns, name)
  if (found.length > 1) throw malformed(`${parent.localName} holds several ${name} elements`)
  return found[0]
}

const issuerOf = (parent: XmlElement): string | undefined => {
  const issuer = oneChild(parent, SAML_ASSERTION_NS, 'Issuer')
  return issuer === undefined ? undefined : textOf(issuer).trim()
}

export function readResponse(response: XmlElement): ResponseFacts {
  const status = oneChild(response, SAML_PROTOCOL_NS, 'Status')
  const code = status && oneChild(status, SAML_PROTOCOL_NS, 'StatusCode')
  const subCode = code && childElements(code, SAML_PROTOCOL_NS, 'StatusCode')[0]
  const message = status && childElements(status, SAML_PROTOCOL_NS, 'StatusMessage')[0]
  const detail = [code, subCode]
    .map((c) => (c ? attribute(c, 'Value') : undefined))
    .filter((v): v is string => v !== undefined)
  if (message) detail.push(textOf(message).trim())
  return {
    id: attribute(response, 'ID') ?? '',
    destination: attribute(response, 'Destination'),
    issuer: issuerOf(response),
    inResponseTo: attribute(response, 'InResponseTo'),
    status: code ? attribute(code, 'Value') : undefined,
    statusDetail: detail.length === 0 ? 'no status' : detail.join(' -> '),
  }
}

function readNameId(subject: XmlElement | undefined): NameId | undefined {
  if (subject === undefined) return undefined
  const nameId = oneChild(subject, SAML_ASSERTION_NS, 'NameID')
  if (nameId === undefined) return undefined
  return {
    value: textOf(nameId).trim(),
    format: attribute(nameId, 'Format'),
    spNameQualifier: attribute(nameId, 'SPNameQualifier'),
  }
}

function readConfirmations(subject: XmlElement | undefined): SubjectConfirmation[] {
  if (subject === undefined) return []
  return childElements(subject, SAML_ASSERTION_NS, 'SubjectConfirmation').map((confirmation) => {
    const data = oneChild(confirmation, SAML_ASSERTION_NS, 'SubjectConfirmationData')
    return {
      method: attribute(confirmation, 'Method') ?? '',
      hasData: data !== undefined,
      recipient: data && attribute(data, 'Recipient'),
      notBefore: data && dateAttribute(data, 'NotBefore'),
      notOnOrAfter: data && dateAttribute(data, 'NotOnOrAfter'),
      inResponseTo: data && attribute(data, 'InResponseTo'),
    }
  })
}

function readConditions(assertion: XmlElement): Conditions | undefined {
  const conditions = oneChild(assertion, SAML_ASSERTION_NS, 'Conditions')
  if (conditions === undefined) return undefined
  return {
    notBefore: dateAttribute(conditions, 'NotBefore'),
    notOnOrAfter: dateAttribute(conditions, 'NotOnOrAfter'),
    audienceRestrictions: childElements(conditions, SAML_ASSERTION_NS, 'AudienceRestriction').map(
      (restriction) =>
        childElements(restriction, SAML_ASSERTION_NS, 'Audience').map((a) => textOf(a).trim()),
    ),
  }
}

function readAttributes(assertion: XmlElement): SamlAttribute[] {
  return childElements(assertion, SAML_ASSERTION_NS, 'AttributeStatement').flatMap((statement) =>
    childElements(statement, SAML_ASSERTION_NS, 'Attribute').map((attr) => ({
      name: attribute(attr, 'Name') ?? '',
      values: childElements(attr, SAML_ASSERTION_NS, 'AttributeValue').map(textOf),
    })),
  )
}

export function readAssertion(assertion: XmlElement): AssertionFacts {
  const subject = oneChild(assertion, SAML_ASSERTION_NS, 'Subject')
  const issueInstant = dateAttribute(assertion, 'IssueInstant')
  if (issueInstant === undefined) throw malformed('the Assertion has no IssueInstant')
  if (elementChildren(assertion).length === 0) throw malformed('the Assertion is empty')
  return {
    id: attribute(assertion, 'ID') ?? '',
    version: attribute(assertion, 'Version'),
    issuer: issuerOf(assertion),
    issueInstant,
    nameId: readNameId(subject),
    confirmations: readConfirmations(subject),
    conditions: readConditions(assertion),
    authnStatements: childElements(assertion, SAML_ASSERTION_NS, 'AuthnStatement').length,
    attributes: readAttributes(assertion),
  }
}
