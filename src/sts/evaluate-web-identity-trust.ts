// Step 5 of AssumeRoleWithWebIdentity: the role's trust policy decides alone (a web identity has no
// policies of its own). The caller is the IAM OIDC provider (`Federated`), and the request context
// holds the token's keys (ISSUER:aud, :sub, :azp, :amr, :oaud), aws:FederatedProvider, the role
// session name, the source identity and the token's session tags.
import type { RequestInfo } from '../core/caller.js'
import { accessDenied } from '../core/errors.js'
import type { VerifiedWebIdentity } from '../federation/oidc/index.js'
import { buildRequestContext, evaluate } from '../policy/index.js'
import type { PolicyCache } from '../policy/index.js'
import type { RoleRecord } from '../store/ports.js'
import type { SessionTagSet } from './session-tags.js'
import { tagContext } from './session-tags.js'

export interface WebIdentityTrustRequest {
  role: RoleRecord
  identity: VerifiedWebIdentity
  sessionName: string
  tags: SessionTagSet
  sourceIdentity: string | undefined
  request: RequestInfo
  policies: PolicyCache
}

/** Throws AccessDenied `Not authorized to perform ACTION` unless the trust policy allows. */
export function evaluateWebIdentityTrust(trust: WebIdentityTrustRequest): void {
  const { role, identity, request } = trust
  const context = buildRequestContext({
    currentTime: request.now,
    secureTransport: request.secureTransport,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    requestedRegion: request.region,
    federatedProvider: identity.provider.arn,
    sts: {
      roleSessionName: trust.sessionName,
      ...(trust.sourceIdentity === undefined ? {} : { sourceIdentity: trust.sourceIdentity }),
    },
    // Joined only when there are tags: most calls have none, and they are spared the copy.
    extra:
      trust.tags.requested.length === 0
        ? identity.conditionKeys
        : { ...identity.conditionKeys, ...tagContext(trust.tags) },
  })
  const trustPolicy = trust.policies.get(
    role.assumeRolePolicyDocument,
    'trust',
    `${role.arn}/trust-policy`,
  )
  const actions = ['sts:AssumeRoleWithWebIdentity']
  if (trust.tags.requested.length > 0) actions.push('sts:TagSession')
  if (trust.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity')
  for (const action of actions) {
    const evaluation = {
      principal: {
        kind: 'web-identity' as const,
        arn: identity.provider.arn,
        provider: identity.provider.arn,
      },
      action,
      resource: role.arn,
      resourceAccount: role.accountId,
      context,
      identityPolicies: [],
      resourcePolicy: trustPolicy,
    }
    if (evaluate(evaluation).decision === 'Allowed') continue
    throw accessDenied(`Not authorized to perform ${action}`, {
      principal: { id: identity.subject, name: identity.subject, arn: identity.provider.arn },
      action,
      resource: role.arn,
      decision: evaluate(evaluation, { trace: true }),
      context: context.entries(),
    })
  }
}
