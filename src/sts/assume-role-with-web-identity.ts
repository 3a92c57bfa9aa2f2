// AssumeRoleWithWebIdentity, unsigned, as a pipeline of named checks: read the role ARN, verify
// the token (decode, find the provider in the role's account, check the audience, verify the
// signature, check the times: federation/oidc), evaluate the role's trust policy, then seal.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
import { accessDenied } from '../core/errors.js'
import { invalidIdentityToken } from '../federation/oidc/aws-messages.js'
import { WEB_IDENTITY_DENIED, durationExceedsRoleMaximum } from './aws-messages.js'
import { evaluateFederatedTrust } from './evaluate-federated-trust.js'
import * as field from './input-fields.js'
import { defineStsOperation } from './operation.js'
import { optionalString, requiredString } from '../core/input.js'
import { issueRoleSession } from './issue-role-session.js'
import { DEFAULT_ROLE_SESSION_SECONDS } from './results.js'
import { readRoleArn } from './role-arn.js'
import { checkSessionPolicies } from './session-policies.js'
import { sessionTagSet } from './session-tags.js'

/** The claim an issuer sets the source identity in. */
export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity'

function sourceIdentityOf(claims: Record<string, unknown>): string | undefined {
  const value = claims[SOURCE_IDENTITY_CLAIM]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^[\w+=,.@-]{2,64}$/.test(value)) {
    // AWS's wording for this refusal is not on record.
    throw invalidIdentityToken('Invalid source identity in the token')
  }
  return value
}

export const assumeRoleWithWebIdentity = defineStsOperation({
  name: 'AssumeRoleWithWebIdentity',
  // Unsigned: the token and the role's trust policy decide (verify-web-identity-token and
  // evaluate-federated-trust).
  authorizesItself: true,
  unsigned: true,
  input: {
    RoleArn: field.roleArn(),
    RoleSessionName: field.roleSessionName(),
    WebIdentityToken: requiredString({ min: 4, max: 20000 }),
    ProviderId: optionalString({ min: 4, max: 2048 }),
    PolicyArns: field.policyArnList(),
    Policy: field.sessionPolicy(),
    DurationSeconds: field.roleDuration(),
  },
  async run(input, { deps, request }) {
    const target = readRoleArn(input.RoleArn)
    const policies = checkSessionPolicies(input.Policy, input.PolicyArns)
    // Token files written by `echo` or `rolegate token > file` end in a newline, which SDKs send
    // as read; a compact JWS never contains white space, so trimming it loses nothing.
    const identity = await deps.verifyWebIdentity(input.WebIdentityToken.trim(), target.account)
    const tags = sessionTagSet(identity.sessionTags, identity.transitiveTagKeys, undefined)
    const sourceIdentity = sourceIdentityOf(identity.claims)
    const role = await deps.roles.find(target)
    if (!role) {
      throw accessDenied(WEB_IDENTITY_DENIED, {
        principal: { id: identity.subject, name: identity.subject, arn: identity.provider.arn },
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: target.arn,
      })
    }
    evaluateFederatedTrust({
      action: 'sts:AssumeRoleWithWebIdentity',
      principalKind: 'web-identity',
      role,
      identity,
      federatedProvider: identity.provider.arn,
      sessionName: input.RoleSessionName,
      sourceIdentity,
      tags,
      request,
      policies: deps.policies,
    })
    const duration = input.DurationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
    if (duration > role.maxSessionDuration) throw durationExceedsRoleMaximum()
    const session = await issueRoleSession(deps, request, {
      role,
      sessionName: input.RoleSessionName,
      obtainedBy: 'AssumeRoleWithWebIdentity',
      chained: false,
      policies,
      tags,
      sourceIdentity,
      federatedProvider: identity.provider.arn,
      durationSeconds: duration,
    })
    return {
      Credentials: session.Credentials,
      SubjectFromWebIdentityToken: identity.subject,
      AssumedRoleUser: session.AssumedRoleUser,
      PackedPolicySize: session.PackedPolicySize,
      Provider: identity.issuer,
      Audience: identity.audience,
      SourceIdentity: sourceIdentity,
    }
  },
})
