// The signed SAMLResponse the app posts to AWS's SAML endpoint, as the IAM User Guide's
// "Configure SAML assertions for the authentication response" asks: a bearer Subject whose
// SubjectConfirmationData has NotOnOrAfter and the endpoint as Recipient, the audience
// `urn:amazon:webservices`, and the Role (`roleArn,providerArn`), RoleSessionName,
// SessionDuration and PrincipalTag attributes. The assertion and then the response are signed
// with xml-crypto (RSA-SHA256, SHA-256 digests, exclusive C14N), the certificate in KeyInfo.
import { SignedXml } from 'xml-crypto'
import type { Tag } from '../store/ports.js'
import type { IdpSigningKeyRecord } from '../store/idp-records.js'
import { NAME_ID_PERSISTENT } from './metadata.js'
import { XML_DECLARATION, serialize, xmlDocument } from './xml-writer.js'

export const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
export const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
export const AWS_AUDIENCE = 'urn:amazon:webservices'
/** AWS's sign-in endpoint: where an IdP posts, and the Recipient AWS expects by default. */
export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml'
export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role'
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName'
export const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration'
export const PRINCIPAL_TAG_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:'

const ENTITY_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity'
const URI_NAME_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri'
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer'
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success'
const PASSWORD_PROTECTED = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'
/** A password and a one-time code (the MFA class Okta and AD FS send). */
const MULTI_FACTOR = 'http://schemas.microsoft.com/claims/multipleauthn'

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature'

/** How long a response may be presented: five minutes, as Okta's are. */
export const RESPONSE_LIFETIME_MS = 5 * 60 * 1000

/** One role the user may assume, with the IAM SAML provider that vouches for the user. */
export interface RolePair {
  roleArn: string
  providerArn: string
}

export interface ResponseInput {
  issuer: string
  /** The SAML endpoint the response goes to: Destination and Recipient. */
  recipient: string
  /** The user's persistent name ID. */
  nameId: string
  roleSessionName: string
  roles: readonly RolePair[]
  sessionDuration: number
  sessionTags: readonly Tag[]
  /** True when the user gave a one-time code as well as a password. */
  multiFactor: boolean
  authnInstant: Date
  now: Date
  /** Fresh random bytes, for the XML IDs. */
  random: (size: number) => Uint8Array
}

export interface SignedResponse {
  /** The signed XML. */
  xml: string
  /** Base64 of the XML: the form field SAMLResponse and STS's SAMLAssertion. */
  base64: string
  expiresAt: Date
}

/** An xs:ID: it must not start with a digit, so a letter goes first. */
const xmlId = (random: ResponseInput['random']) => `_${Buffer.from(random(20)).toString('hex')}`

const instant = (date: Date) => date.toISOString()

function responseXml(input: ResponseInput, ids: { response: string; assertion: string }) {
  const notOnOrAfter = instant(new Date(input.now.getTime() + RESPONSE_LIFETIME_MS))
  const xml = xmlDocument(PROTOCOL_NS, 'saml2p:Response', {
    Destination: input.recipient,
    ID: ids.response,
    IssueInstant: instant(input.now),
    Version: '2.0',
  })
  const { root } = xml
  xml.add(root, ASSERTION_NS, 'saml2:Issuer', { Format: ENTITY_FORMAT }, input.issuer)
  const status = xml.add(root, PROTOCOL_NS, 'saml2p:Status')
  xml.add(status, PROTOCOL_NS, 'saml2p:StatusCode', { Value: SUCCESS })

  const assertion = xml.add(root, ASSERTION_NS, 'saml2:Assertion', {
    ID: ids.assertion,
    IssueInstant: instant(input.now),
    Version: '2.0',
  })
  xml.add(assertion, ASSERTION_NS, 'saml2:Issuer', { Format: ENTITY_FORMAT }, input.issuer)
  const subject = xml.add(assertion, ASSERTION_NS, 'saml2:Subject')
  xml.add(subject, ASSERTION_NS, 'saml2:NameID', { Format: NAME_ID_PERSISTENT }, input.nameId)
  const confirmation = xml.add(subject, ASSERTION_NS, 'saml2:SubjectConfirmation', {
    Method: BEARER,
  })
  xml.add(confirmation, ASSERTION_NS, 'saml2:SubjectConfirmationData', {
    NotOnOrAfter: notOnOrAfter,
    Recipient: input.recipient,
  })
  const conditions = xml.add(assertion, ASSERTION_NS, 'saml2:Conditions', {
    NotBefore: instant(input.now),
    NotOnOrAfter: notOnOrAfter,
  })
  const restriction = xml.add(conditions, ASSERTION_NS, 'saml2:AudienceRestriction')
  xml.add(restriction, ASSERTION_NS, 'saml2:Audience', {}, AWS_AUDIENCE)
  const authn = xml.add(assertion, ASSERTION_NS, 'saml2:AuthnStatement', {
    AuthnInstant: instant(input.authnInstant),
    SessionIndex: ids.assertion,
  })
  const context = xml.add(authn, ASSERTION_NS, 'saml2:AuthnContext')
  xml.add(
    context,
    ASSERTION_NS,
    'saml2:AuthnContextClassRef',
    {},
    input.multiFactor ? MULTI_FACTOR : PASSWORD_PROTECTED,
  )

  const statement = xml.add(assertion, ASSERTION_NS, 'saml2:AttributeStatement')
  const attribute = (name: string, values: readonly string[]) => {
    const element = xml.add(statement, ASSERTION_NS, 'saml2:Attribute', {
      Name: name,
      NameFormat: URI_NAME_FORMAT,
    })
    for (const value of values) xml.add(element, ASSERTION_NS, 'saml2:AttributeValue', {}, value)
  }
  attribute(
    ROLE_ATTRIBUTE,
    input.roles.map((pair) => `${pair.roleArn},${pair.providerArn}`),
  )
  attribute(ROLE_SESSION_NAME_ATTRIBUTE, [input.roleSessionName])
  attribute(SESSION_DURATION_ATTRIBUTE, [String(input.sessionDuration)])
  for (const tag of input.sessionTags)
    attribute(`${PRINCIPAL_TAG_ATTRIBUTE}${tag.key}`, [tag.value])
  return serialize(xml)
}

/** Signs the element with this ID, placing the signature right after its Issuer (the schema's place). */
function sign(xml: string, id: string, key: IdpSigningKeyRecord): string {
  const element = `//*[@ID='${id}']`
  const signer = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificate,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  })
  signer.addReference({
    xpath: element,
    digestAlgorithm: SHA256,
    transforms: [ENVELOPED, EXC_C14N],
  })
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' },
  })
  return signer.getSignedXml()
}

/** A response for one user and the roles given, signed (assertion and response) with `key`. */
export function signedResponse(input: ResponseInput, key: IdpSigningKeyRecord): SignedResponse {
  const ids = { response: xmlId(input.random), assertion: xmlId(input.random) }
  const unsigned = responseXml(input, ids)
  const signed = sign(sign(unsigned, ids.assertion, key), ids.response, key)
  const xml = `${XML_DECLARATION}${signed}`
  return {
    xml,
    base64: Buffer.from(xml, 'utf8').toString('base64'),
    expiresAt: new Date(input.now.getTime() + RESPONSE_LIFETIME_MS),
  }
}
