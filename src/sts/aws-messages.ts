// AWS's words for each way STS refuses, in one place so every operation answers alike. Where
// AWS's exact text is not on record the constant says so.
import { AwsError, accessDenied } from '../core/errors.js'
import type { AuthorizationDetails } from '../core/errors.js'

/** A RoleArn that is not an ARN at all (recorded from AWS: `arn::b:::x is invalid`). */
export const invalidArn = (arn: string) => new AwsError('ValidationError', `${arn} is invalid`)

export const rootMayNotAssumeRoles = () =>
  accessDenied('Roles may not be assumed by root accounts.')

export const durationExceedsRoleMaximum = () =>
  new AwsError(
    'ValidationError',
    'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  )

export const durationExceedsChainingLimit = () =>
  new AwsError(
    'ValidationError',
    'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  )

/** GetSessionToken from temporary credentials; also the other STS calls such sessions may not make. */
export const notWithSessionCredentials = (action: string, details?: AuthorizationDetails) =>
  accessDenied(`Cannot call ${action} with session credentials`, details)

// Session tags (recorded from AWS).
export const DUPLICATE_TAG_KEYS =
  'Duplicate tag keys found. Please note that Tag keys are case insensitive.'
export const TRANSITIVE_KEY_NOT_IN_TAGS =
  'The specified transitive tag key must be included in the requested tags.'
export const TRANSITIVE_KEY_CONFLICT =
  "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."

export const invalidParameterValue = (message: string) =>
  new AwsError('InvalidParameterValue', message)

// Packed size (AWS knowledge-center article "PackedPolicyTooLarge").
export const packedPolicyTooLarge = (percent: number) =>
  new AwsError(
    'PackedPolicyTooLarge',
    `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
  )
export const packedTagsTooLarge = (percent: number) =>
  new AwsError(
    'PackedPolicyTooLarge',
    `Packed size of session tags consumes ${percent}% of allotted space.`,
  )

export const WEB_IDENTITY_DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity'

/**
 * A SerialNumber that names no MFA device enabled for the calling user (recorded from AWS by its
 * users, with its two spaces).
 */
export const MFA_UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.'

/** A TokenCode that is wrong, stale or already used (recorded from AWS by its users). */
export const MFA_INVALID_CODE =
  'MultiFactorAuthentication failed with invalid MFA one time pass code.'

/** Not on record: AWS's wording for an encoded message it cannot decode. */
export const INVALID_AUTHORIZATION_MESSAGE = 'The encoded authorization message is invalid.'
