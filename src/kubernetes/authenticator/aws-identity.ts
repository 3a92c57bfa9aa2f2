// The AWS identity a verified token stands for, read from STS's GetCallerIdentity answer as
// aws-iam-authenticator reads it: the canonical ARN it is mapped by, the principal id without the
// session name, and the session name of a role session.
import type { Caller } from '../../core/caller.js'
import { canonicalizeArn } from './canonical-arn.js'
import { stsError } from './token-rejection.js'

/** GetCallerIdentity's result elements. */
export interface CallerIdentityResult {
  Arn: string
  Account: string
  UserId: string
}

/**
 * What rolegate's STS answers GetCallerIdentity with for a caller (src/sts/get-caller-identity.ts:
 * the signed caller's ARN, account and user id), computed here so that no request goes out.
 */
export const callerIdentityResult = (caller: Caller): CallerIdentityResult => ({
  Arn: caller.arn,
  Account: caller.accountId,
  UserId: caller.userId,
})

export interface AwsIdentity {
  /** The caller's ARN as GetCallerIdentity answers it. */
  arn: string
  /** The ARN mappings match: a role session's role, otherwise the ARN itself. */
  canonicalArn: string
  accountId: string
  /** The principal's unique id: a role session's role id without `:SESSION`. */
  userId: string
  /** A role session's name; '' for other principals. */
  sessionName: string
  /** The access key that signed the token. */
  accessKeyId: string
  /** The STS endpoint the token named (its URL's authority). */
  stsEndpoint: string
}

/** The identity from a GetCallerIdentity result; throws a TokenRejection of kind 'sts'. */
export function awsIdentity(
  result: CallerIdentityResult,
  accessKeyId: string,
  stsEndpoint: string,
): AwsIdentity {
  let canonical: ReturnType<typeof canonicalizeArn>
  try {
    canonical = canonicalizeArn(result.Arn)
  } catch (error) {
    throw stsError((error as Error).message)
  }
  const identity = {
    arn: result.Arn,
    canonicalArn: canonical.arn,
    accountId: result.Account,
    accessKeyId,
    stsEndpoint,
  }
  // A federated user's id (ACCOUNT:NAME) stays whole: its account part alone would read as root.
  if (
    canonical.type === 'user' ||
    canonical.type === 'root' ||
    canonical.type === 'federated-user'
  ) {
    return { ...identity, userId: result.UserId, sessionName: '' }
  }
  const parts = result.UserId.split(':')
  if (parts.length !== 2) throw stsError(`malformed UserID "${result.UserId}"`)
  return { ...identity, userId: parts[0] ?? '', sessionName: parts[1] ?? '' }
}
