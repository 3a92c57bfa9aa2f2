// Who made an authenticated request: the identity that SigV4 (or a session token) resolved to.

export type CallerType = 'user' | 'root' | 'assumed-role' | 'federated-user'

export interface Caller {
  type: CallerType
  accountId: string
  /**
   * `arn:aws:iam::ACCOUNT:user/PATH/NAME`, `arn:aws:iam::ACCOUNT:root`, the assumed-role ARN or
   * `arn:aws:sts::ACCOUNT:federated-user/NAME`.
   */
  arn: string
  /**
   * `aws:userid`: the user id (AIDA...), the account id for root, `ROLEID:SESSION` for a role,
   * `ACCOUNT:NAME` for a federated user.
   */
  userId: string
  /**
   * The unique id of the IAM entity behind the caller: a user id or a role id ('' for root, and
   * for a federated user whose session the root user obtained).
   */
  principalId: string
  /** User name, role name for an assumed role, the caller-chosen name for a federated user. */
  name: string
  /** The access key that signed the request. */
  accessKeyId: string
  /** For an assumed role, the session name. */
  sessionName?: string
  /** Present when the request was signed with temporary credentials (an ASIA key and token). */
  session?: CallerSession
}

/** How temporary credentials were obtained. */
export type SessionOrigin =
  | 'AssumeRole'
  | 'AssumeRoleWithWebIdentity'
  | 'GetSessionToken'
  | 'GetFederationToken'
  | 'AssumeRoleWithSAML'

/** What authorisation needs to know about a temporary-credential session, read from its token. */
export interface CallerSession {
  obtainedBy: SessionOrigin
  /** True for a role session obtained with another role session's credentials. */
  chained: boolean
  /** aws:TokenIssueTime. */
  issuedAt: Date
  expiresAt: Date
  /** Role sessions: the role's ARN with its path (aws:PrincipalArn). */
  roleArn?: string
  /** The inline session policy passed as `Policy`. */
  policy?: string
  /** Managed session policies passed as `PolicyArns`. */
  policyArns?: readonly string[]
  /** Session tags; they override the role's tags of the same key (case-insensitively). */
  tags: readonly { key: string; value: string }[]
  /** Keys of the session tags that pass on to chained sessions. */
  transitiveTagKeys: readonly string[]
  sourceIdentity?: string
  /** aws:FederatedProvider: the IAM OIDC provider ARN of a web identity session. */
  federatedProvider?: string
  /**
   * When the user behind the session signed in with an MFA code (GetSessionToken, AssumeRole):
   * aws:MultiFactorAuthPresent is true and aws:MultiFactorAuthAge counts from it.
   */
  mfaAuthenticatedAt?: Date
  /** Federated user sessions: the IAM user (or root) that called GetFederationToken. */
  sourceArn?: string
  /**
   * AssumeRoleWithSAML sessions: saml:namequalifier, saml:sub and saml:sub_type, which AWS lets
   * the role's permissions policies test too.
   */
  samlKeys?: Readonly<Record<string, string>>
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
