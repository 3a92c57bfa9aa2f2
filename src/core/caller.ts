// Who made an authenticated request: the identity that SigV4 (or a session token) resolved to.

export type CallerType = 'user' | 'root' | 'assumed-role'

export interface Caller {
  type: CallerType
  accountId: string
  /** `arn:aws:iam::ACCOUNT:user/PATH/NAME`, `arn:aws:iam::ACCOUNT:root` or the assumed-role ARN. */
  arn: string
  /** `aws:userid`: the user id (AIDA...), the account id for root, `ROLEID:SESSION` for a role. */
  userId: string
  /** The unique id of the IAM entity behind the caller: a user id or a role id ('' for root). */
  principalId: string
  /** User name, or role name for an assumed role. */
  name: string
  /** The access key that signed the request. */
  accessKeyId: string
  /** For an assumed role, the session name. */
  sessionName?: string
}

/** Facts about the request itself that feed the policy context (aws:SourceIp, ...). */
export interface RequestInfo {
  requestId: string
  /** The region from the SigV4 credential scope, or the server's default. */
  region: string
  sourceIp: string
  userAgent: string
  secureTransport: boolean
  now: Date
}
