// Stateless temporary credentials. The session token is a sealed box holding everything about the
// session, the random secret access key included, so whoever holds the keyring reads it back from
// the token alone, with no database round trip.
import type { Caller, CallerSession, SessionOrigin } from '../core/caller.js'
import { assumedRoleArn, federatedUserArn } from '../core/arn.js'
import type { IdSource } from '../core/ids.js'
import type { Tag } from '../core/input.js'
import { temporaryAccessKeyId } from './access-key-id.js'
import type { SessionKeyring } from './keyring.js'
import { open, seal, sealedKeyId } from './sealed-box.js'

/** Everything a session token carries. Times are epoch milliseconds. */
export interface SessionClaims {
  /** 2 since the secret is sealed in the token (1 derived it with an HMAC; those do not open). */
  v: 2
  accessKeyId: string
  /** 40 random characters, as AWS's secret access keys are (the id source's secretKey). */
  secretAccessKey: string
  accountId: string
  /**
   * The role (with path in its ARN); the IAM user / root behind GetSessionToken; for a federated
   * user (GetFederationToken), the IAM user / root that federated it (id '' for root).
   */
  principal: {
    type: 'assumed-role' | 'user' | 'root' | 'federated-user'
    id: string
    name: string
    arn: string
  }
  /** The role session name, or the federated user's name. */
  sessionName?: string
  obtainedBy: SessionOrigin
  chained: boolean
  issuedAt: number
  expiresAt: number
  policy?: string
  policyArns?: string[]
  tags?: Tag[]
  transitiveTagKeys?: string[]
  sourceIdentity?: string
  federatedProvider?: string
  /** When the user signed in with an MFA code, if they did: the session carries MFA. */
  mfaAuthenticatedAt?: number
  /** A SAML session's saml:namequalifier, saml:sub and saml:sub_type. */
  samlKeys?: Record<string, string>
}

/** The claims of a session about to be issued; the key id, secret and times are added here. */
export type SessionDraft = Omit<
  SessionClaims,
  'v' | 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'
>

export interface IssuedCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
  claims: SessionClaims
}

/** Seals a new session lasting `durationSeconds` from `now`; `ids` supplies its key id and secret. */
export async function issueSessionCredentials(
  keyring: SessionKeyring,
  ids: Pick<IdSource, 'randomBytes' | 'secretKey'>,
  draft: SessionDraft,
  now: Date,
  durationSeconds: number,
): Promise<IssuedCredentials> {
  const key = keyring.loadedSealingKey() ?? (await keyring.sealingKey())
  // Kept to the millisecond: revocation compares aws:TokenIssueTime with a cut-off that precise.
  const issuedAt = now.getTime()
  const claims: SessionClaims = {
    v: 2,
    accessKeyId: temporaryAccessKeyId(draft.accountId, ids),
    secretAccessKey: ids.secretKey(),
    issuedAt,
    expiresAt: issuedAt + durationSeconds * 1000,
    ...draft,
  }
  return {
    accessKeyId: claims.accessKeyId,
    secretAccessKey: claims.secretAccessKey,
    sessionToken: seal(claims, key, 'session-token', ids),
    expiration: new Date(claims.expiresAt),
    claims,
  }
}

export type OpenedSession =
  | { kind: 'valid'; claims: SessionClaims; secretAccessKey: string }
  | { kind: 'expired'; claims: SessionClaims }
  | { kind: 'invalid' }

const isClaims = (value: unknown): value is SessionClaims =>
  typeof value === 'object' &&
  value !== null &&
  (value as { v?: unknown }).v === 2 &&
  typeof (value as { accessKeyId?: unknown }).accessKeyId === 'string' &&
  typeof (value as { secretAccessKey?: unknown }).secretAccessKey === 'string' &&
  typeof (value as { expiresAt?: unknown }).expiresAt === 'number'

/**
 * Opens a session token presented with `accessKeyId`: invalid when it does not open with a key
 * still in the keyring or names another access key; expired once past its expiration.
 */
export async function openSessionToken(
  keyring: SessionKeyring,
  token: string,
  accessKeyId: string,
  now: Date,
): Promise<OpenedSession> {
  const keyId = sealedKeyId(token)
  if (keyId === undefined) return { kind: 'invalid' }
  const key = await keyring.openingKey(keyId)
  if (!key) return { kind: 'invalid' }
  const claims = open(token, key, 'session-token')
  if (!isClaims(claims) || claims.accessKeyId !== accessKeyId) return { kind: 'invalid' }
  if (now.getTime() >= claims.expiresAt) return { kind: 'expired', claims }
  return { kind: 'valid', claims, secretAccessKey: claims.secretAccessKey }
}

/** The session facts authorisation reads. */
export function callerSession(claims: SessionClaims): CallerSession {
  return {
    obtainedBy: claims.obtainedBy,
    chained: claims.chained,
    issuedAt: new Date(claims.issuedAt),
    expiresAt: new Date(claims.expiresAt),
    ...(claims.principal.type === 'assumed-role' ? { roleArn: claims.principal.arn } : {}),
    ...(claims.policy === undefined ? {} : { policy: claims.policy }),
    ...(claims.policyArns === undefined ? {} : { policyArns: claims.policyArns }),
    tags: claims.tags ?? [],
    transitiveTagKeys: claims.transitiveTagKeys ?? [],
    ...(claims.sourceIdentity === undefined ? {} : { sourceIdentity: claims.sourceIdentity }),
    ...(claims.federatedProvider === undefined
      ? {}
      : { federatedProvider: claims.federatedProvider }),
    ...(claims.mfaAuthenticatedAt === undefined
      ? {}
      : { mfaAuthenticatedAt: new Date(claims.mfaAuthenticatedAt) }),
    ...(claims.principal.type === 'federated-user' ? { sourceArn: claims.principal.arn } : {}),
    ...(claims.samlKeys === undefined ? {} : { samlKeys: claims.samlKeys }),
  }
}

/** The Caller a request signed with this session's credentials stands for. */
export function callerFromClaims(claims: SessionClaims): Caller {
  const { principal } = claims
  const session = callerSession(claims)
  if (principal.type === 'assumed-role') {
    const sessionName = claims.sessionName ?? ''
    return {
      type: 'assumed-role',
      accountId: claims.accountId,
      arn: assumedRoleArn(claims.accountId, principal.name, sessionName),
      userId: `${principal.id}:${sessionName}`,
      principalId: principal.id,
      name: principal.name,
      accessKeyId: claims.accessKeyId,
      sessionName,
      session,
    }
  }
  if (principal.type === 'federated-user') {
    const name = claims.sessionName ?? ''
    return {
      type: 'federated-user',
      accountId: claims.accountId,
      arn: federatedUserArn(claims.accountId, name),
      userId: `${claims.accountId}:${name}`,
      principalId: principal.id,
      name,
      accessKeyId: claims.accessKeyId,
      sessionName: name,
      session,
    }
  }
  return {
    type: principal.type,
    accountId: claims.accountId,
    arn: principal.arn,
    userId: principal.type === 'root' ? claims.accountId : principal.id,
    principalId: principal.type === 'root' ? '' : principal.id,
    name: principal.name,
    accessKeyId: claims.accessKeyId,
    session,
  }
}
