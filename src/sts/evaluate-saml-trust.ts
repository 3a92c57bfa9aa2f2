// AssumeRoleWithSAML's trust decision: the role's trust policy decides alone (a SAML identity has no
// policies of its own). The caller is the IAM SAML provider (`Federated`), and the request context
// holds the assertion's saml: keys, the role session name, the source identity and the session
// tags; tags need sts:TagSession and a source identity sts:SetSourceIdentity as well.
import type { RequestInfo } from '../core/caller.js'
import { accessDenied } from '../core/errors.js'
import type { VerifiedSamlIdentity } from '../federation/saml/index.js'
import { buildRequestContext, evaluate } from '../policy/index.js'
import type { PolicyCache } from '../policy/index.js'
import type { RoleRecord } from '../store/ports.js'
import type { SessionTagSet } from './session-tags.js'
import { tagContext } from './session-tags.js'

export interface SamlTrustRequest {
  role: RoleRecord
  identity: VerifiedSamlIdentity
  tags: SessionTagSet
  request: RequestInfo
  policies: PolicyCache
}

/** Throws AccessDenied `Not authorized to perform ACTION` unless the trust policy allows. */
export function evaluateSamlTrust(trust: SamlTrustRequest): void {
  const { role, identity, request } = trust
  const context = buildRequestContext({
    currentTime: request.now,
    secureTransport: request.secureTransport,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    requestedRegion: request.region,
    sts: {
      roleSessionName: identity.roleSessionName,
      ...(identity.sourceIdentity === undefined ? {} : { sourceIdentity: identity.sourceIdentity }),
    },
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
  const actions = ['sts:AssumeRoleWithSAML']
  if (trust.tags.requested.length > 0) actions.push('sts:TagSession')
  if (identity.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity')
  const principal = { id: identity.subject, name: identity.subject, arn: identity.provider.arn }
  for (const action of actions) {
    const evaluation = {
      principal: {
        kind: 'saml' as const,
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
      principal,
      action,
      resource: role.arn,
      decision: evaluate(evaluation, { trace: true }),
      context: context.entries(),
    })
  }
}
