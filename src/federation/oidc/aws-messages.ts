// AWS's words for each way AssumeRoleWithWebIdentity refuses a web identity token, kept in one place
// so every check answers alike. Where AWS's exact text is not on record the constant says so.
import { AwsError } from '../../core/errors.js'

/** Malformed token, JSON serialisation, unsupported `alg` (AWS answers a non-RSA token this way). */
export const NOT_A_JWT =
  'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'

/** Discovery or JWKS unreachable/malformed, or no key for the token's `kid` (AWS's double space). */
export const KEY_NOT_RETRIEVED =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

export const THUMBPRINT_MISMATCH =
  "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"

export const INCORRECT_AUDIENCE = 'Incorrect token audience'

export const noProviderFor = (issuer: string) =>
  `No OpenIDConnect provider found in your account for ${issuer}`

/** Both times in epoch seconds, as AWS prints them. */
export const tokenExpired = (nowSeconds: number, expSeconds: number) =>
  `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${expSeconds}`

// The next four are ours: no AWS response with these conditions is on record.
export const SIGNATURE_INVALID = 'Signature verification failed'
export const NOT_YET_VALID = 'Token is not yet valid (nbf is in the future)'
export const ISSUED_IN_FUTURE = 'Token was issued in the future (iat)'
export const MISSING_SUBJECT = 'Token is missing the sub claim'

export const invalidIdentityToken = (message: string) =>
  new AwsError('InvalidIdentityToken', message)
