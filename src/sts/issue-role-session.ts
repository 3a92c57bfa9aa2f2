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
  /** When the user signed in with MFA, for a session that carries it. */
  mfaAuthenticatedAt?: Date | undefined
  /** A SAML session's keys for its permissions policies. */
  samlKeys?: Record<string, string> | undefined
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
  const { role, policies, tags, sourceIdentity, federatedProvider } = session
  const packed = packedPolicySize({
    policy: policies.policy,
    policyArns: policies.policyArns,
    tags: tags.tags,
  })
  const draft: SessionDraft = {
    accountId: role.accountId,
    principal: { type: 'assumed-role', id: role.roleId, name: role.roleName, arn: role.arn },
    sessionName: session.sessionName,
    obtainedBy: session.obtainedBy,
    chained: session.chained,
  }
  // Optional members are set, not spread: this runs on every call (bench/sts/HISTORY.md, "Costs
  // noted in the code").
  if (policies.policy !== undefined) draft.policy = policies.policy
  if (policies.policyArns !== undefined) draft.policyArns = policies.policyArns
  if (tags.tags.length > 0) draft.tags = tags.tags
  if (tags.transitiveTagKeys.length > 0) draft.transitiveTagKeys = tags.transitiveTagKeys
  if (sourceIdentity !== undefined) draft.sourceIdentity = sourceIdentity
  if (federatedProvider !== undefined) draft.federatedProvider = federatedProvider
  if (session.samlKeys !== undefined) draft.samlKeys = session.samlKeys
  if (session.mfaAuthenticatedAt !== undefined) {
    draft.mfaAuthenticatedAt = session.mfaAuthenticatedAt.getTime()
  }
  const issued = await issueSessionCredentials(
    deps.keyring,
    deps.ids,
    draft,
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
