// The result members several STS operations share, in AWS's element order.
import { assumedRoleArn } from '../core/arn.js'
import type { ResultObject } from '../core/result.js'
import type { RoleRecord } from '../store/ports.js'
import type { IssuedCredentials } from './session-token.js'

export const credentialsResult = (issued: IssuedCredentials): ResultObject => ({
  AccessKeyId: issued.accessKeyId,
  SecretAccessKey: issued.secretAccessKey,
  SessionToken: issued.sessionToken,
  Expiration: issued.expiration,
})

export const assumedRoleUser = (role: RoleRecord, sessionName: string): ResultObject => ({
  AssumedRoleId: `${role.roleId}:${sessionName}`,
  Arn: assumedRoleArn(role.accountId, role.roleName, sessionName),
})

/** AWS's default session length for AssumeRole*, and the cap on chained role sessions. */
export const DEFAULT_ROLE_SESSION_SECONDS = 3600
export const CHAINED_SESSION_MAX_SECONDS = 3600
