// Builds real SAML IdP metadata for tests: throwaway self-signed certificates made by openssl and
// an EntityDescriptor around them, with knobs for the parts the checks look at.
import { execFileSync } from 'node:child_process'
import { devNull } from 'node:os'

export interface TestCertificate {
  pem: string
  /** The DER as base64 on one line, as it sits in ds:X509Certificate. */
  base64: string
}

/** A fresh RSA-2048 self-signed certificate (the key is thrown away at once). */
export function makeCertificate(commonName = 'idp.example.com'): TestCertificate {
  const pem = execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      devNull,
      '-subj',
      `/CN=${commonName}`,
      '-days',
      '30',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  )
  return { pem, base64: pemBody(pem) }
}

export const pemBody = (pem: string): string =>
  pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')

export interface MetadataOptions {
  entityId?: string
  /** base64 DER certificates, each in its own KeyDescriptor. */
  certificates: string[]
  /** The KeyDescriptor `use` (default `signing`; null leaves it out). */
  use?: string | null
  validUntil?: string
  protocols?: string
  ssoLocation?: string
}

export function metadataDocument(options: MetadataOptions): string {
  const entityId = options.entityId ?? 'https://idp.example.com/saml'
  const use =
    options.use === undefined
      ? ' use="signing"'
      : options.use === null
        ? ''
        : ` use="${options.use}"`
  const keys = options.certificates
    .map(
      (base64) => `    <md:KeyDescriptor${use}>
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
${base64.replace(/(.{64})/g, '$1\n')}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>`,
    )
    .join('\n')
  const validUntil = options.validUntil ? ` validUntil="${options.validUntil}"` : ''
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}"${validUntil}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${options.protocols ?? 'urn:oasis:names:tc:SAML:2.0:protocol'}">
${keys}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${options.ssoLocation ?? 'https://idp.example.com/sso/redirect'}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`
}
