// AWS's words for each way AssumeRoleWithSAML refuses a SAML response, in one place so every check
// answers alike. Sources: the IAM User Guide's "Troubleshoot SAML federation with IAM"
// (troubleshoot_saml.html), which quotes the message, code and status of most of them, and users'
// reports of AWS's answers; a constant whose text is not on record says so.
import { AwsError } from '../../core/errors.js'
import type { ErrorCode } from '../../core/errors.js'

/**
 * Which rule refused a response. AWS answers many of them with one message; the rule tells tests
 * and logs which check it was.
 */
export type SamlRule =
  | 'encoding'
  | 'xml'
  | 'structure'
  | 'version'
  | 'id'
  | 'signature'
  | 'algorithm'
  | 'issuer'
  | 'status'
  | 'destination'
  | 'recipient'
  | 'in-response-to'
  | 'subject-confirmation'
  | 'audience'
  | 'not-yet-valid'
  | 'expired'
  | 'name-id'
  | 'authn-statement'
  | 'attributes'
  | 'provider'
  | 'replay'

/** A refused SAML response: AWS's code and message, and the rule behind it. */
export class SamlRefusal extends AwsError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly rule: SamlRule,
    /** What exactly was wrong, for logs and tests; never sent to the caller. */
    readonly detail: string = message,
  ) {
    super(code, message)
  }
}

/** On record (troubleshoot_saml): the signature does not verify with the provider's keys. */
export const SIGNATURE_INVALID = 'Response signature invalid'

/**
 * On record (troubleshoot_saml; the full text from a user's report): the Issuer is not the
 * provider's entity id. AWS passes on its discovery service's message with that service's own
 * request id.
 */
export const issuerNotPresent = (requestId: string) =>
  `Issuer not present in specified provider (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlInvalidSamlResponseException; Request ID: ${requestId}; Proxy: null)`

/** On record (troubleshoot_saml): PrincipalArn names no SAML provider. */
export const PROVIDER_DOES_NOT_EXIST = "Specified provider doesn't exist"

/** On record (troubleshoot_saml). */
export const NO_AUDIENCE = 'Response does not contain the required audience.'

/** On record (ExpiredTokenException, reported by saml2aws users): NotOnOrAfter has passed. */
export const RESPONSE_EXPIRED = 'Response has expired'

/** On record (ExpiredTokenException, reported by gimme-aws-creds users). */
export const REDEEM_WITHIN_FIVE_MINUTES = 'Token must be redeemed within 5 minutes of issuance'

/** On record (troubleshoot_saml). */
export const ROLE_SESSION_NAME_REQUIRED = 'RoleSessionName is required in AuthnResponse'
export const ROLE_SESSION_NAME_INVALID =
  'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}'
export const SOURCE_IDENTITY_INVALID =
  'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"'

/**
 * On record (troubleshoot_saml): a role missing from the Role attribute, a trust policy that does
 * not allow, and a Subject without a NameID are all answered so, with 403 AccessDenied.
 */
export const SAML_DENIED = 'Not authorized to perform sts:AssumeRoleWithSAML'

// Not on record: AWS's words for these refusals; ours name the rule that failed.
export const NOT_BASE64 = 'Invalid SAML response: not base64-encoded UTF-8'
export const MALFORMED = 'Invalid SAML response: not a well-formed SAML 2.0 Response'
export const NOT_YET_VALID = 'Response is not yet valid'
export const WRONG_DESTINATION = 'Invalid SAML response: the Destination is not this service'
export const WRONG_RECIPIENT =
  'Invalid SAML response: no bearer SubjectConfirmation for this service is valid now'
export const IDP_STATUS = (status: string) =>
  `The identity provider did not report success: ${status}`
export const ATTRIBUTES_INVALID = (why: string) => `Invalid SAML response: ${why}`
export const SESSION_DURATION_INVALID =
  'SessionDuration in AuthnResponse must be an integer from 900 to 43200'
export const PROVIDER_EXPIRED = 'The SAML provider metadata has expired (validUntil)'
export const ALREADY_USED = 'The SAML assertion has already been used'

export const invalidToken = (message: string, rule: SamlRule, detail?: string) =>
  new SamlRefusal('InvalidIdentityToken', message, rule, detail)
