// The AWS Account Federation app's SAML 2.0 IdP metadata: its entity ID, every published signing
// certificate (the signing key first, then the next one), the name ID format it sends, and where
// it takes sign-ins. What `aws iam create-saml-provider --saml-metadata-document` reads.
import type { IdpSigningKeyRecord } from '../store/idp-records.js'
import { certificateBase64 } from './signing-keys.js'
import { XML_DECLARATION, indent, serialize, xmlDocument } from './xml-writer.js'

export const METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
export const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'
export const NAME_ID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
const HTTP_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'

export interface MetadataInput {
  entityId: string
  /** Where a sign-in starts (the IdP-initiated flow AWS uses). */
  signInUrl: string
  /** The published keys, in the order to list them. */
  keys: readonly IdpSigningKeyRecord[]
}

export function metadataDocument(input: MetadataInput): string {
  const xml = xmlDocument(METADATA_NS, 'md:EntityDescriptor', { entityID: input.entityId })
  const descriptor = xml.add(xml.root, METADATA_NS, 'md:IDPSSODescriptor', {
    WantAuthnRequestsSigned: 'false',
    protocolSupportEnumeration: SAML2_PROTOCOL,
  })
  for (const key of input.keys) {
    const keyDescriptor = xml.add(descriptor, METADATA_NS, 'md:KeyDescriptor', { use: 'signing' })
    const info = xml.add(keyDescriptor, DSIG_NS, 'ds:KeyInfo')
    const data = xml.add(info, DSIG_NS, 'ds:X509Data')
    xml.add(data, DSIG_NS, 'ds:X509Certificate', {}, certificateBase64(key.certificate))
  }
  xml.add(descriptor, METADATA_NS, 'md:NameIDFormat', {}, NAME_ID_PERSISTENT)
  for (const binding of [HTTP_POST, HTTP_REDIRECT]) {
    xml.add(descriptor, METADATA_NS, 'md:SingleSignOnService', {
      Binding: binding,
      Location: input.signInUrl,
    })
  }
  indent(xml)
  return `${XML_DECLARATION}\n${serialize(xml)}\n`
}
