// The Role pairs a SAML response names, read before any signature is checked: only to learn which
// IAM SAML provider's keys to verify it with (rolegate's /saml page, for a response that names
// several roles). Nothing read here is trusted; the roles offered come from the verified response.
import { MALFORMED, invalidToken } from './aws-messages.js'
import { ROLE_ATTRIBUTE, readRolePair } from './aws-attributes.js'
import type { RolePair } from './aws-attributes.js'
import {
  MAX_SAML_ASSERTION_CHARS,
  decodeSamlResponse,
  parseSamlResponse,
} from './parse-response.js'
import { readAssertion } from './read-assertion.js'

/** The well-formed pairs of the response's Role attribute, in document order. */
export function namedRolePairs(samlResponse: string): RolePair[] {
  if (samlResponse.length > MAX_SAML_ASSERTION_CHARS) {
    throw invalidToken(MALFORMED, 'structure', 'longer than AWS allows a SAMLAssertion')
  }
  const parsed = parseSamlResponse(decodeSamlResponse(samlResponse))
  const role = readAssertion(parsed.assertion).attributes.find((a) => a.name === ROLE_ATTRIBUTE)
  return (role?.values ?? []).flatMap((value) => readRolePair(value) ?? [])
}
