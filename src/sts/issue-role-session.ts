// The last step of every AssumeRole*: size the session's policies and tags, seal the session for
// the role, note the role as used, and hand back the answer members the operations share.
import type { RequestInfo } from '../core/caller.js'
import type { ResultObject } from '../core/result.js'
import type { RoleRecord } from '../store/ports.js'
import type { StsDeps } from './operation.js'
import { packedPolicySize } from './packed-size.js'
import { assumedRoleUser, credentialsResult } from './results.js'
import type { SessionPolicies } from './session-policies.js'
import type { SessionTagSet } from './session-tags.js'
import type { SessionDraft } from './session-token.js'
import { issueSessionCredentials } from './session-token.js'

export interface RoleSessionRequest {
  role: RoleRecord
  sessionName: string
  obtainedBy: SessionDraft['obtainedBy']
  chained: boolean
  policies: SessionPolicies
  tags: Pick<SessionTagSet, 'tags' | 'transitiveTagKeys'>
  sourceIdentity: string | undefined
  federatedProvider?: string
  durationSeconds: number
}

export interface RoleSession {
  Credentials: ResultObject
  AssumedRoleUser: ResultObject
  PackedPolicySize: number | undefined
}

export async function issueRoleSession(
  deps: StsDeps,
  request: RequestInfo,
  session: RoleSessionRequest,
): Promise<RoleSession> {
  const { role, tags, sourceIdentity, federatedProvider } = session
  const packed = packedPolicySize({ ...session.policies, tags: tags.tags })
  const issued = await issueSessionCredentials(
    deps.keyring,
    {
      accountId: role.accountId,
      principal: { type: 'assumed-role', id: role.roleId, name: role.roleName, arn: role.arn },
      sessionName: session.sessionName,
      obtainedBy: session.obtainedBy,
      chained: session.chained,
      ...session.policies,
      ...(tags.tags.length > 0 ? { tags: tags.tags } : {}),
      ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      ...(federatedProvider === undefined ? {} : { federatedProvider }),
    },
    request.now,
    session.durationSeconds,
  )
  deps.usage?.noteRole(role.roleId, request.region, request.now)
  return {
    Credentials: credentialsResult(issued),
    AssumedRoleUser: assumedRoleUser(role, session.sessionName),
    PackedPolicySize: packed,
  }
}
