// AssumeRoleWithWebIdentity, unsigned, as a pipeline of named checks: read the role ARN, verify
// the token (decode, find the provider in the role's account, check the audience, verify the
// signature, check the times: federation/oidc), evaluate the role's trust policy, then seal.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
import { accessDenied } from '../core/errors.js'
import { invalidIdentityToken } from '../federation/oidc/aws-messages.js'
import { WEB_IDENTITY_DENIED, durationExceedsRoleMaximum } from './aws-messages.js'
import { evaluateWebIdentityTrust } from './evaluate-web-identity-trust.js'
import * as field from './input-fields.js'
import { defineStsOperation } from './operation.js'
import { optionalString, requiredString } from '../core/input.js'
import { packedPolicySize } from './packed-size.js'
import { DEFAULT_ROLE_SESSION_SECONDS, assumedRoleUser, credentialsResult } from './results.js'
import { findRole, readRoleArn } from './role-arn.js'
import { checkSessionPolicies } from './session-policies.js'
import { sessionTagSet } from './session-tags.js'
import { issueSessionCredentials } from './session-token.js'

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
    const role = await findRole(deps.store, target)
    if (!role) {
      throw accessDenied(WEB_IDENTITY_DENIED, {
        principal: { id: identity.subject, name: identity.subject, arn: identity.provider.arn },
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: target.arn,
      })
    }
    evaluateWebIdentityTrust({
      role,
      identity,
      sessionName: input.RoleSessionName,
      tags,
      sourceIdentity,
      request,
      policies: deps.policies,
    })
    const duration = input.DurationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
    if (duration > role.maxSessionDuration) throw durationExceedsRoleMaximum()
    const packed = packedPolicySize({ ...policies, tags: tags.tags })
    const issued = await issueSessionCredentials(
      deps.keyring,
      {
        accountId: role.accountId,
        principal: { type: 'assumed-role', id: role.roleId, name: role.roleName, arn: role.arn },
        sessionName: input.RoleSessionName,
        obtainedBy: 'AssumeRoleWithWebIdentity',
        chained: false,
        ...policies,
        ...(tags.tags.length > 0 ? { tags: tags.tags } : {}),
        ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
        ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
        federatedProvider: identity.provider.arn,
      },
      request.now,
      duration,
    )
    deps.usage?.noteRole(role.roleId, request.region, request.now)
    return {
      Credentials: credentialsResult(issued),
      SubjectFromWebIdentityToken: identity.subject,
      AssumedRoleUser: assumedRoleUser(role, input.RoleSessionName),
      PackedPolicySize: packed,
      Provider: identity.issuer,
      Audience: identity.audience,
      SourceIdentity: sourceIdentity,
    }
  },
})
