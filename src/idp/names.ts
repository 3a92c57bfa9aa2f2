// What the IdP's directory accepts as names, addresses and passwords. A user name is also the
// RoleSessionName sent to AWS, so it keeps to what AWS allows there: 2 to 64 of [\w+=,.@-].
import type { Pattern } from '../core/input.js'

export const USER_NAME = {
  min: 2,
  max: 64,
  pattern: { regex: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' },
}
export const GROUP_NAME = {
  min: 1,
  max: 128,
  pattern: { regex: /^[\w+=,.@-]+$/, text: '[\\w+=,.@-]+' },
}
const EMAIL_PATTERN: Pattern = { regex: /^[^\s@]+@[^\s@]+$/, text: '[^\\s@]+@[^\\s@]+' }
export const EMAIL = { min: 3, max: 254, pattern: EMAIL_PATTERN }
/** NIST SP 800-63B: at least 8 characters, and at least 64 allowed. */
export const PASSWORD = { min: 8, max: 128 }

/** `arn:aws:iam::ACCOUNT:role/PATH/NAME`. */
export const ROLE_ARN: Pattern = {
  regex: /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  text: 'arn:aws:iam::\\d{12}:role/[\\w+=,.@/-]+',
}
export const SAML_PROVIDER_ARN: Pattern = {
  regex: /^arn:aws:iam::\d{12}:saml-provider\/[\w.-]+$/,
  text: 'arn:aws:iam::\\d{12}:saml-provider/[\\w.-]+',
}

/** AWS's bounds on the SessionDuration attribute: 15 minutes to 12 hours. */
export const SESSION_DURATION = { min: 900, max: 43200 }
export const DEFAULT_SESSION_DURATION = 3600

export const accountIdOfArn = (arn: string): string => arn.split(':')[4] ?? ''
export const roleNameOfArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1)
