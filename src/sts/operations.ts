// Every STS action rolegate serves.
import { assumeRole } from './assume-role.js'
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity.js'
import { decodeAuthorizationMessage } from './decode-authorization-message.js'
import { getAccessKeyInfo } from './get-access-key-info.js'
import { getCallerIdentity } from './get-caller-identity.js'
import { getSessionToken } from './get-session-token.js'
import { getFederationToken } from './get-federation-token.js'
import { assumeRoleWithSaml } from './assume-role-with-saml.js'
import type { StsOperation } from './operation.js'

export const stsOperations: readonly StsOperation[] = [
  assumeRole,
  assumeRoleWithWebIdentity,
  decodeAuthorizationMessage,
  getAccessKeyInfo,
  getCallerIdentity,
  getSessionToken,
  getFederationToken,
  assumeRoleWithSaml,
]
