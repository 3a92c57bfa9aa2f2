// The trust decision of AssumeRoleWithWebIdentity and AssumeRoleWithSAML: the role's trust policy
// decides alone (a federated identity has no policies of its own). The caller is the IAM OIDC or
// SAML provider (`Federated`), and the request context holds the identity's keys (the token's
// ISSUER:aud, :sub, ... or the assertion's saml: keys), the role session name, the source identity
// and the session tags; tags need sts:TagSession and a source identity sts:SetSourceIdentity too.
import type { RequestInfo } from '../core/caller.js'
import { accessDenied } from '../core/errors.js'
import { buildRequestContext, evaluate } from '../policy/index.js'
import type { ContextValue, PolicyCache } from '../policy/index.js'
import type { RoleRecord } from '../store/ports.js'
import type { SessionTagSet } from './session-tags.js'
import { tagContext } from './session-tags.js'

export interface FederatedTrustRequest {
  /** The call's own action: `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`. */
  action: string
  principalKind: 'web-identity' | 'saml'
  role: RoleRecord
  identity: {
    readonly subject: string
    readonly provider: { readonly arn: string }
    readonly conditionKeys: Readonly<Record<string, ContextValue>>
  }
  /**
   * aws:FederatedProvider. AWS documents it for OIDC providers only (IAM User Guide, "AWS global
   * condition context keys"), so AssumeRoleWithSAML leaves it out.
   */
  federatedProvider: string | undefined
  sessionName: string
  sourceIdentity: string | undefined
  tags: SessionTagSet
  request: RequestInfo
  policies: PolicyCache
}

/** Throws AccessDenied `Not authorized to perform ACTION` unless the trust policy allows. */
export function evaluateFederatedTrust(trust: FederatedTrustRequest): void {
  const { role, identity, request } = trust
  const context = buildRequestContext({
    currentTime: request.now,
    secureTransport: request.secureTransport,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    requestedRegion: request.region,
    ...(trust.federatedProvider === undefined
      ? {}
      : { federatedProvider: trust.federatedProvider }),
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
  const actions = [trust.action]
  if (trust.tags.requested.length > 0) actions.push('sts:TagSession')
  if (trust.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity')
  for (const action of actions) {
    const evaluation = {
      principal: {
        kind: trust.principalKind,
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
