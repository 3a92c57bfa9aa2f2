// The context every STS operation runs with, in the one operation shape (define-operation.ts): its
// input is checked with STS's value-echoing messages, some are served unsigned, none takes a store
// transaction (they read through caches), and each authorises itself: AssumeRole is decided by the
// role's trust policy as much as by the caller's.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { Clock } from '../core/clock.js'
import type { IdSource } from '../core/ids.js'
import type { Shape } from '../core/input.js'
import type { Operation } from '../operation/define-operation.js'
import type { VerifiedWebIdentity } from '../federation/oidc/index.js'
import type { VerifiedSamlIdentity } from '../federation/saml/index.js'
import type { Authorizer } from '../authorization/authorizer.js'
import type { UsageNotes } from '../credentials/usage-recorder.js'
import type { PolicyCache } from '../policy/index.js'
import type { Store } from '../store/ports.js'
import type { AuthorizationMessages } from './authorization-message.js'
import type { SessionKeyring } from './keyring.js'
import type { StoredRoles } from './role-arn.js'

/** Verifies a web identity token against the IAM OIDC providers of `accountId`. */
export type VerifyWebIdentity = (token: string, accountId: string) => Promise<VerifiedWebIdentity>

/**
 * Verifies a SAML response against the IAM SAML provider `principalArn` names, at the request's
 * time (its id is for the refusals AWS words with one).
 */
export type VerifySaml = (
  samlAssertion: string,
  principalArn: string,
  request: Pick<RequestInfo, 'requestId' | 'now'>,
) => Promise<VerifiedSamlIdentity>

/** Where accepted SAML assertions are recorded, so each is redeemed once. */
export interface SamlReplayRecord {
  /** True the first time an assertion (its issuer and ID) is claimed, false after. */
  claim(
    assertion: Pick<VerifiedSamlIdentity, 'issuer' | 'assertionId' | 'acceptedUntil'>,
    now: Date,
  ): Promise<boolean>
}

export interface StsDeps {
  store: Store
  /** The roles AssumeRole* name, cached for this service. */
  roles: StoredRoles
  keyring: SessionKeyring
  authorizer: Authorizer
  messages: AuthorizationMessages
  verifyWebIdentity: VerifyWebIdentity
  verifySaml: VerifySaml
  samlAssertions: SamlReplayRecord
  /** Compiles trust policies for web identity decisions, once per text. */
  policies: PolicyCache
  clock: Clock
  /** Randomness for session credentials: access key ids, secrets, sealing nonces. */
  ids: IdSource
  /** Where an assumed role is noted as used (RoleLastUsed); nothing is noted without it. */
  usage?: Pick<UsageNotes, 'noteRole'> | undefined
}

export interface StsContext {
  /** Undefined for an unsigned call (AssumeRoleWithWebIdentity). */
  caller: Caller | undefined
  request: RequestInfo
  deps: StsDeps
}

export type StsOperation<S extends Shape = Shape> = Operation<S, StsContext, unknown>

/** An operation without what STS sets for all of its own. */
type StsDeclaration<S extends Shape> =
  Operation<S, StsContext> extends infer O
    ? O extends unknown
      ? Omit<O, 'messages' | 'store'>
      : never
    : never

/** Declares an STS operation: `sts:` + its name, STS's messages, no store transaction. */
export const defineStsOperation = <S extends Shape>(
  operation: StsDeclaration<S>,
): Operation<S, StsContext> =>
  ({ ...operation, messages: 'echo-value', store: 'none' }) as Operation<S, StsContext>

/** The caller of a signed call; signed operations are never run without one. */
export function signedCaller(context: StsContext): Caller {
  if (!context.caller) throw new Error('signed STS operation called without a caller')
  return context.caller
}
