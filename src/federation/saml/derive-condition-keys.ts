// The trust policy's request context for a SAML assertion: saml:aud (the Recipient, not the
// Audience), saml:iss, saml:sub, saml:sub_type, saml:doc, saml:namequalifier, and the attributes
// AWS maps to saml: keys. Lists from the IAM User Guide: "Available keys for SAML-based AWS STS
// federation" (reference_policies_iam-condition-keys) and "Mapping SAML attributes to AWS trust
// policy context keys" (id_roles_providers_create_saml_assertions).
import { createHash } from 'node:crypto'
import type { SamlAttribute } from './read-assertion.js'

export type SamlContextValue = string | readonly string[]

const NAME_ID_FORMATS = 'urn:oasis:names:tc:SAML:2.0:nameid-format:'
/** A NameID without Format has saml-core's default format. */
export const UNSPECIFIED_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'

/** `persistent`, `transient`, or the NameID's whole Format URI (saml:sub_type). */
export function subjectType(format: string | undefined): string {
  if (format === `${NAME_ID_FORMATS}persistent`) return 'persistent'
  if (format === `${NAME_ID_FORMATS}transient`) return 'transient'
  return format ?? UNSPECIFIED_FORMAT
}

/**
 * saml:namequalifier and the NameQualifier STS answers: Base64(SHA1(issuer + account id + "/" +
 * provider name)), as "Uniquely identifying users in SAML-based federation" computes it.
 */
export const nameQualifier = (issuer: string, accountId: string, providerName: string): string =>
  createHash('sha1').update(`${issuer}${accountId}/${providerName}`).digest('base64')

/** Attribute names AWS maps to a context key; `list` keys keep every value. */
const MAPPED: ReadonlyArray<readonly [string[], string, 'list' | 'one']> = [
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.1'], 'edupersonaffiliation', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.2'], 'edupersonnickname', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.3'], 'edupersonorgdn', 'one'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.4'], 'edupersonorgunitdn', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.5'], 'edupersonprimaryaffiliation', 'one'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.6'], 'edupersonprincipalname', 'one'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.7'], 'edupersonentitlement', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.8'], 'edupersonprimaryorgunitdn', 'one'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.9'], 'edupersonscopedaffiliation', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.10'], 'edupersontargetedid', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.1.1.11'], 'edupersonassurance', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.2.1.2'], 'eduorghomepageuri', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.2.1.3'], 'eduorgidentityauthnpolicyuri', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.2.1.4'], 'eduorglegalname', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.2.1.5'], 'eduorgsuperioruri', 'list'],
  [['urn:oid:1.3.6.1.4.1.5923.1.2.1.6'], 'eduorgwhitepagesuri', 'list'],
  [['urn:oid:2.5.4.3'], 'cn', 'list'],
  // Active Directory claims.
  [['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'], 'name', 'list'],
  [['http://schemas.xmlsoap.org/claims/CommonName', '2.5.4.3'], 'commonName', 'list'],
  [
    [
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
      '2.5.4.42',
      'urn:oid:2.5.4.42',
    ],
    'givenName',
    'list',
  ],
  [
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', '2.5.4.4', 'urn:oid:2.5.4.4'],
    'surname',
    'list',
  ],
  [
    [
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      '0.9.2342.19200300.100.1.3',
      'urn:oid:0.9.2342.19200300.100.1.3',
    ],
    'mail',
    'list',
  ],
  [
    ['http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid'],
    'primaryGroupSID',
    'list',
  ],
  [['0.9.2342.19200300.100.1.1', 'urn:oid:0.9.2342.19200300.100.1.1'], 'uid', 'list'],
  [['2.5.4.45', 'urn:oid:2.5.4.45'], 'x500UniqueIdentifier', 'list'],
  [
    ['0.9.2342.19200300.100.1.45', 'urn:oid:0.9.2342.19200300.100.1.45'],
    'organizationStatus',
    'list',
  ],
]

const KEY_BY_NAME = new Map(
  MAPPED.flatMap(([names, key, kind]) => names.map((name) => [name, { key, kind }] as const)),
)

export interface SamlKeySource {
  issuer: string
  subject: string
  subjectFormat: string | undefined
  recipient: string
  accountId: string
  providerName: string
  attributes: readonly SamlAttribute[]
}

export function deriveConditionKeys(source: SamlKeySource): Record<string, SamlContextValue> {
  const keys: Record<string, SamlContextValue> = {}
  for (const { name, values } of source.attributes) {
    const mapped = KEY_BY_NAME.get(name)
    // "You should include only one claim per AWS context key. If you include more than one, only
    // one claim will be mapped": the first.
    if (mapped === undefined || `saml:${mapped.key}` in keys || values.length === 0) continue
    keys[`saml:${mapped.key}`] = mapped.kind === 'list' ? [...values] : values[0]!
  }
  keys['saml:aud'] = source.recipient
  keys['saml:iss'] = source.issuer
  keys['saml:sub'] = source.subject
  keys['saml:sub_type'] = subjectType(source.subjectFormat)
  keys['saml:doc'] = `${source.accountId}/${source.providerName}`
  keys['saml:namequalifier'] = nameQualifier(source.issuer, source.accountId, source.providerName)
  return keys
}
