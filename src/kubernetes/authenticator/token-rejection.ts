// How a token fails, worded as aws-iam-authenticator words it: the token itself is malformed
// (its FormatError), STS refused what it signs (its STSError), or the identity behind it maps to
// no Kubernetes user. The message is what a TokenReview or a 401 may carry.

/** Which step refused the token: for logs and metrics; the message says why. */
export type RejectionKind = 'format' | 'sts' | 'mapping'

export class TokenRejection extends Error {
  override readonly name = 'TokenRejection'
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message)
  }
}

/** aws-iam-authenticator's FormatError: `input token was not properly formatted: ...`. */
export const formatError = (detail: string): TokenRejection =>
  new TokenRejection('format', `input token was not properly formatted: ${detail}`)

/** aws-iam-authenticator's STSError: `sts getCallerIdentity failed: ...`. */
export const stsError = (detail: string): TokenRejection =>
  new TokenRejection('sts', `sts getCallerIdentity failed: ${detail}`)

export const mappingError = (message: string): TokenRejection =>
  new TokenRejection('mapping', message)
