// One error family for everything rolegate refuses: a stable AWS error code, its HTTP status and
// whether the fault is the caller's (Sender) or ours (Receiver). Only http/ turns it into XML/JSON.

export type ErrorType = 'Sender' | 'Receiver'

/** The AWS error codes rolegate answers with, and the HTTP status AWS uses for each. */
export const errorStatus = {
  AccessDenied: 403,
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  EntityTemporarilyUnmodifiable: 409,
  ExpiredToken: 403,
  ExpiredTokenException: 400,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidAuthenticationCode: 403,
  InvalidAuthorizationMessageException: 400,
  InvalidClientTokenId: 403,
  InvalidIdentityToken: 400,
  InvalidInput: 400,
  InvalidParameterValue: 400,
  InvalidParameterCombination: 400,
  // EKS's codes (Amazon EKS API Reference, Common Errors and each action's Errors), for clusters.
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  InvalidUserType: 400,
  LimitExceeded: 409,
  MalformedHttpRequestException: 400,
  MalformedPolicyDocument: 400,
  MissingAction: 400,
  MissingAuthenticationToken: 403,
  MissingParameter: 400,
  NoSuchEntity: 404,
  NotFound: 404,
  OptInRequired: 403,
  PackedPolicyTooLarge: 400,
  PasswordPolicyViolation: 400,
  PolicyNotAttachable: 400,
  RegionDisabledException: 403,
  ReportExpired: 410,
  ReportInProgress: 404,
  ReportNotPresent: 410,
  RequestEntityTooLargeException: 413,
  RequestExpired: 400,
  RequestTimeTooSkewed: 403,
  RequestTimeoutException: 408,
  ResourceInUseException: 409,
  ResourceNotFoundException: 404,
  ServiceFailure: 500,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  UnmodifiableEntity: 400,
  UnrecognizedClient: 403,
  ValidationError: 400,
} as const

export type ErrorCode = keyof typeof errorStatus

/**
 * What an AccessDenied knows about the refused request, so the protocol layer can attach an
 * encoded authorization message (decoded only through sts:DecodeAuthorizationMessage).
 */
export interface AuthorizationDetails {
  principal: { id: string; name: string; arn: string }
  action: string
  resource: string
  /** The policy engine's decision behind the refusal, with its trace when one was taken. */
  decision?: unknown
  /** The request context the decision read, as key/value pairs. */
  context?: ReadonlyArray<readonly [string, unknown]>
}

export class AwsError extends Error {
  override readonly name = 'AwsError'
  readonly status: number
  readonly type: ErrorType
  readonly authorization: AuthorizationDetails | undefined

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: {
      status?: number
      type?: ErrorType
      cause?: unknown
      authorization?: AuthorizationDetails
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = options.status ?? errorStatus[code]
    this.type = options.type ?? (this.status >= 500 ? 'Receiver' : 'Sender')
    this.authorization = options.authorization
  }
}

export const isAwsError = (value: unknown): value is AwsError => value instanceof AwsError

/** Shorthands for the errors raised most often, with AWS's own wording left to the caller. */
export const noSuchEntity = (message: string) => new AwsError('NoSuchEntity', message)
export const alreadyExists = (message: string) => new AwsError('EntityAlreadyExists', message)
export const deleteConflict = (message: string) => new AwsError('DeleteConflict', message)
export const invalidInput = (message: string) => new AwsError('InvalidInput', message)
export const validationError = (message: string) => new AwsError('ValidationError', message)
export const limitExceeded = (message: string) => new AwsError('LimitExceeded', message)
export const malformedPolicy = (message: string) => new AwsError('MalformedPolicyDocument', message)
export const accessDenied = (message: string, authorization?: AuthorizationDetails) =>
  new AwsError('AccessDenied', message, authorization ? { authorization } : {})
