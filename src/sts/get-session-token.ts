// GetSessionToken: temporary credentials for an IAM user (or the root user, for at most an hour)
// with the user's own permissions. Not from temporary credentials, and no IAM policy controls it.
// With SerialNumber and TokenCode the user signs in with MFA, and the session carries it.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
import { notWithSessionCredentials } from './aws-messages.js'
import * as field from './input-fields.js'
import { defineStsOperation, signedCaller } from './operation.js'
import { credentialsResult } from './results.js'
import type { SessionDraft } from './session-token.js'
import { issueSessionCredentials } from './session-token.js'
import { givesMfa, verifyMfaCode } from './verify-mfa.js'

export const DEFAULT_USER_SESSION_SECONDS = 43200
/** Sessions of the account's root user last at most an hour; longer requests are cut to it. */
export const ROOT_SESSION_MAX_SECONDS = 3600

export const getSessionToken = defineStsOperation({
  name: 'GetSessionToken',
  // No permission is asked, as AWS documents: it authenticates the caller (MFA) rather than
  // grants anything; sessions may not call it.
  authorizesItself: true,
  input: {
    DurationSeconds: field.userSessionDuration(),
    SerialNumber: field.serialNumber(),
    TokenCode: field.tokenCode(),
  },
  async run(input, context) {
    const caller = signedCaller(context)
    if (caller.session) {
      throw notWithSessionCredentials('GetSessionToken', {
        principal: { id: caller.userId, name: caller.name, arn: caller.arn },
        action: 'sts:GetSessionToken',
        resource: '*',
      })
    }
    const mfa = { serialNumber: input.SerialNumber, tokenCode: input.TokenCode }
    const mfaAt = givesMfa(mfa)
      ? await verifyMfaCode(context.deps.store, caller, mfa, context.request.now)
      : undefined
    const requested = input.DurationSeconds ?? DEFAULT_USER_SESSION_SECONDS
    const duration =
      caller.type === 'root' ? Math.min(requested, ROOT_SESSION_MAX_SECONDS) : requested
    const draft: SessionDraft = {
      accountId: caller.accountId,
      principal: {
        type: caller.type === 'root' ? 'root' : 'user',
        id: caller.principalId,
        name: caller.name,
        arn: caller.arn,
      },
      obtainedBy: 'GetSessionToken',
      chained: false,
    }
    if (mfaAt !== undefined) draft.mfaAuthenticatedAt = mfaAt.getTime()
    const issued = await issueSessionCredentials(
      context.deps.keyring,
      context.deps.ids,
      draft,
      context.request.now,
      duration,
    )
    return { Credentials: credentialsResult(issued) }
  },
})
