// Reads a SAML 2.0 IdP metadata document: who the IdP is, which certificates sign its responses,
// where it takes sign-in requests and until when the document holds. No DTDs, no entities.
import { X509Certificate } from 'node:crypto'
import { DOMParser } from '@xmldom/xmldom'
import type { Element as XmlElement } from '@xmldom/xmldom'
import { AwsError } from '../../core/errors.js'

export const METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata'
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'
export const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol'

export interface SamlEndpoint {
  binding: string
  location: string
}

export interface SamlMetadata {
  /** The `entityID` of the IdP: the Issuer its responses must carry. */
  entityId: string
  /** Signing certificates, PEM encoded, in document order and without repeats. */
  certificates: string[]
  /** `SingleSignOnService` endpoints of the IDPSSODescriptor. */
  ssoUrls: SamlEndpoint[]
  /** The earliest `validUntil` on the entity or its IdP role, when the document states one. */
  validUntil?: Date
}

/**
 * A refused document: InvalidInput with the one message AWS answers every unusable metadata
 * document with; `reason` says what was wrong, for logs and tests.
 */
export class SamlMetadataError extends AwsError {
  constructor(readonly reason: string) {
    super('InvalidInput', 'Could not parse metadata')
  }
}

const fail = (reason: string): never => {
  throw new SamlMetadataError(reason)
}

const ELEMENT_NODE = 1

function childElements(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  const found: XmlElement[] = []
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== ELEMENT_NODE) continue
    const element = node as XmlElement
    if (element.namespaceURI === namespace && element.localName === localName) found.push(element)
  }
  return found
}

function parseDocument(xml: string): XmlElement {
  // A DOCTYPE is the door to entity expansion and external fetches; metadata never needs one.
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) fail('a DOCTYPE is not allowed')
  let document: ReturnType<DOMParser['parseFromString']>
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new SamlMetadataError(`malformed XML: ${message}`)
      },
    }).parseFromString(xml, 'text/xml')
  } catch (error) {
    if (error instanceof SamlMetadataError) throw error
    return fail(`malformed XML: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (document.doctype !== null) fail('a DOCTYPE is not allowed')
  const root = document.documentElement
  return root ?? fail('no root element')
}

/** The one EntityDescriptor: the root, or the only one inside an EntitiesDescriptor. */
function entityDescriptor(root: XmlElement): { entity: XmlElement; outer: XmlElement[] } {
  if (root.namespaceURI === METADATA_NS && root.localName === 'EntityDescriptor') {
    return { entity: root, outer: [] }
  }
  if (root.namespaceURI === METADATA_NS && root.localName === 'EntitiesDescriptor') {
    const entities = childElements(root, METADATA_NS, 'EntityDescriptor')
    const [entity] = entities
    if (entities.length !== 1 || !entity) fail('expected exactly one EntityDescriptor')
    return { entity: entity as XmlElement, outer: [root] }
  }
  return fail('the root element is not an md:EntityDescriptor')
}

function samlIdpDescriptor(entity: XmlElement): XmlElement {
  const descriptor = childElements(entity, METADATA_NS, 'IDPSSODescriptor').find((candidate) =>
    (candidate.getAttribute('protocolSupportEnumeration') ?? '')
      .split(/\s+/)
      .includes(SAML2_PROTOCOL),
  )
  return descriptor ?? fail('no IDPSSODescriptor supporting the SAML 2.0 protocol')
}

/** Base64 DER from a ds:X509Certificate, as a PEM certificate that node:crypto could read. */
function certificatePem(element: XmlElement): string {
  const base64 = (element.textContent ?? '').replace(/\s+/g, '')
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) fail('a certificate is not base64')
  try {
    return new X509Certificate(Buffer.from(base64, 'base64')).toString()
  } catch {
    return fail('a certificate is not an X.509 certificate')
  }
}

function signingCertificates(descriptor: XmlElement): string[] {
  const pems: string[] = []
  for (const key of childElements(descriptor, METADATA_NS, 'KeyDescriptor')) {
    const use = key.getAttribute('use')
    // No `use` means the key serves both signing and encryption (metadata spec 2.4.1.1).
    if (use !== null && use !== '' && use !== 'signing') continue
    for (const info of childElements(key, XMLDSIG_NS, 'KeyInfo')) {
      for (const data of childElements(info, XMLDSIG_NS, 'X509Data')) {
        for (const cert of childElements(data, XMLDSIG_NS, 'X509Certificate')) {
          const pem = certificatePem(cert)
          if (!pems.includes(pem)) pems.push(pem)
        }
      }
    }
  }
  if (pems.length === 0) fail('no signing certificate')
  return pems
}

// xs:dateTime, which SAML requires in UTC but which IdPs sometimes write with an offset.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/

function validUntil(elements: readonly XmlElement[]): Date | undefined {
  let earliest: Date | undefined
  for (const element of elements) {
    const text = element.getAttribute('validUntil')
    if (text === null) continue
    const trimmed = text.trim()
    if (!DATE_TIME.test(trimmed)) fail('validUntil is not an xs:dateTime')
    const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(trimmed)
    const at = new Date(hasZone ? trimmed : `${trimmed}Z`)
    if (Number.isNaN(at.getTime())) fail('validUntil is not an xs:dateTime')
    if (earliest === undefined || at < earliest) earliest = at
  }
  return earliest
}

/**
 * Parses and checks IdP metadata; throws SamlMetadataError unless the document is well-formed XML
 * without a DOCTYPE, has one EntityDescriptor with an entityID, an IDPSSODescriptor for SAML 2.0
 * and at least one signing certificate that is a real X.509 certificate.
 */
export function parseSamlMetadata(xml: string): SamlMetadata {
  const root = parseDocument(xml)
  const { entity, outer } = entityDescriptor(root)
  const entityId = (entity.getAttribute('entityID') ?? '').trim()
  if (entityId === '') fail('the EntityDescriptor has no entityID')
  const descriptor = samlIdpDescriptor(entity)
  const certificates = signingCertificates(descriptor)
  const ssoUrls = childElements(descriptor, METADATA_NS, 'SingleSignOnService').flatMap(
    (service) => {
      const binding = service.getAttribute('Binding')
      const location = service.getAttribute('Location')
      return binding && location ? [{ binding, location }] : []
    },
  )
  const until = validUntil([...outer, entity, descriptor])
  const metadata: SamlMetadata = { entityId, certificates, ssoUrls }
  if (until !== undefined) metadata.validUntil = until
  return metadata
}
