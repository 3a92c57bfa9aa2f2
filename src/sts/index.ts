// The public surface of STS, for the composition root, the CLI and the admin API.
export { composeSts, refuseUserSessions, storeProviders } from './compose.js'
export type { BuiltInKeys, Sts, StsOptions } from './compose.js'
export { StsService, STS_NAMESPACE, STS_VERSION } from './service.js'
export { stsOperations } from './operations.js'
export type { StsContext, StsDeps, StsOperation, VerifyWebIdentity } from './operation.js'
export { SessionKeyring, newSessionKey, retireSessionKey, rotateSessionKey } from './keyring.js'
export type { KeyPurpose, KeyringKey } from './keyring.js'
export { callerFromClaims, issueSessionCredentials, openSessionToken } from './session-token.js'
export type {
  IssuedCredentials,
  OpenedSession,
  SessionClaims,
  SessionDraft,
} from './session-token.js'
export { SessionCredentialResolver, expiredToken } from './session-resolver.js'
export {
  AuthorizationMessages,
  MAX_ENCODED_MESSAGE,
  decodedMessage,
} from './authorization-message.js'
export type { DecodedAuthorizationMessage } from './authorization-message.js'
export { REVOKE_OLDER_SESSIONS_POLICY_NAME, revokeOlderSessionsPolicy } from './revoke-sessions.js'
export { accountOfAccessKeyId, temporaryAccessKeyId } from './access-key-id.js'
export { PACKED_BUDGET_BYTES, packedPolicySize } from './packed-size.js'
