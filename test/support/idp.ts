// Reading what the built-in IdP hands out with code that is not ours: its metadata through
// @xmldom/xmldom (the entity ID and certificates an SP would take), its responses through
// @node-saml/node-saml configured from that metadata alone, as an independent SP would be.
import { DOMParser } from '@xmldom/xmldom'
import { SAML } from '@node-saml/node-saml'
import type { Profile } from '@node-saml/node-saml'

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS = 'http://www.w3.org/2000/09/xmldsig#'

export interface ReadMetadata {
  entityId: string
  /** PEM certificates of the signing KeyDescriptors, in document order. */
  certificates: string[]
  ssoLocations: string[]
}

export function readMetadata(xml: string): ReadMetadata {
  const document = new DOMParser().parseFromString(xml, 'text/xml')
  const root = document.documentElement
  if (!root || root.namespaceURI !== MD || root.localName !== 'EntityDescriptor') {
    throw new Error('not SAML metadata')
  }
  const certificates: string[] = []
  for (const descriptor of Array.from(root.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
    if (descriptor.getAttribute('use') !== 'signing') continue
    for (const cert of Array.from(descriptor.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const body = (cert.textContent ?? '').replace(/\s+/g, '')
      const lines = body.match(/.{1,64}/g) ?? []
      certificates.push(
        `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
      )
    }
  }
  const ssoLocations = Array.from(root.getElementsByTagNameNS(MD, 'SingleSignOnService')).map(
    (service) => service.getAttribute('Location') ?? '',
  )
  return { entityId: root.getAttribute('entityID') ?? '', certificates, ssoLocations }
}

export interface SpOptions {
  /** Where the SP takes responses: the Destination it expects. */
  callbackUrl?: string
}

/**
 * An SP that trusts only what the metadata says, wants both the response and the assertion
 * signed, and expects AWS's audience: validates a base64 SAMLResponse and answers the profile.
 */
export async function validateWithNodeSaml(
  base64: string,
  metadataXml: string,
  options: SpOptions = {},
): Promise<Profile> {
  const metadata = readMetadata(metadataXml)
  const saml = new SAML({
    callbackUrl: options.callbackUrl ?? 'https://signin.aws.amazon.com/saml',
    issuer: 'urn:amazon:webservices',
    audience: 'urn:amazon:webservices',
    idpIssuer: metadata.entityId,
    idpCert: metadata.certificates,
    wantAuthnResponseSigned: true,
    wantAssertionsSigned: true,
    acceptedClockSkewMs: 1000,
  })
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: base64 })
  if (!profile) throw new Error('node-saml answered no profile')
  return profile
}

/** The values of one attribute of a decoded response, in document order. */
export function attributeValues(xml: string, name: string): string[] {
  const document = new DOMParser().parseFromString(xml, 'text/xml')
  const ns = 'urn:oasis:names:tc:SAML:2.0:assertion'
  for (const attribute of Array.from(document.getElementsByTagNameNS(ns, 'Attribute'))) {
    if (attribute.getAttribute('Name') !== name) continue
    return Array.from(attribute.getElementsByTagNameNS(ns, 'AttributeValue')).map(
      (value) => value.textContent ?? '',
    )
  }
  return []
}

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role'
export const ROLE_SESSION_NAME = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName'
export const SESSION_DURATION = 'https://aws.amazon.com/SAML/Attributes/SessionDuration'

/** A role trust policy for SAML federation as AWS's console writes it (SAML:aud condition). */
export const samlTrustPolicy = (
  providerArn: string,
  audience = 'https://signin.aws.amazon.com/saml',
) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': audience } },
      },
    ],
  })

/** The least privilege the IdP app needs, as the issue names it. */
export const APP_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['iam:ListRoles', 'iam:ListAccountAliases'], Resource: '*' },
  ],
}
