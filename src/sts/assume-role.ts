// AssumeRole: check the request, find the role, let its trust policy and the caller's own policies
// decide (both, across accounts), then seal a session carrying the session policies, tags and
// source identity. Role chaining (a role session assuming a role) is capped at one hour. An MFA
// code given here (or the MFA of the GetSessionToken session calling) counts in the trust policy
// and carries into the role's session; a chained session does not carry MFA on.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
import { accessDenied } from '../core/errors.js'
import {
  durationExceedsChainingLimit,
  durationExceedsRoleMaximum,
  rootMayNotAssumeRoles,
} from './aws-messages.js'
import * as field from './input-fields.js'
import { defineStsOperation, signedCaller } from './operation.js'
import { issueRoleSession } from './issue-role-session.js'
import { CHAINED_SESSION_MAX_SECONDS, DEFAULT_ROLE_SESSION_SECONDS } from './results.js'
import { readRoleArn } from './role-arn.js'
import { checkSessionPolicies } from './session-policies.js'
import { sessionTagSet, tagContext } from './session-tags.js'
import { givesMfa, verifyMfaCode } from './verify-mfa.js'

const notAuthorized = (who: string, action: string, resource: string) =>
  `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`

export const assumeRole = defineStsOperation({
  name: 'AssumeRole',
  // The caller's policies and the role's trust policy decide together (AWS's cross-account rule).
  authorizesItself: true,
  input: {
    RoleArn: field.roleArn(),
    RoleSessionName: field.roleSessionName(),
    PolicyArns: field.policyArnList(),
    Policy: field.unrestrictedSessionPolicy(),
    DurationSeconds: field.roleDuration(),
    Tags: field.sessionTags(),
    TransitiveTagKeys: field.transitiveTagKeys(),
    ExternalId: field.externalId(),
    SerialNumber: field.serialNumber(),
    TokenCode: field.tokenCode(),
    SourceIdentity: field.sourceIdentity(),
  },
  async run(input, context) {
    const caller = signedCaller(context)
    const { deps, request } = context
    if (caller.type === 'root') throw rootMayNotAssumeRoles()
    const target = readRoleArn(input.RoleArn)
    const policies = checkSessionPolicies(input.Policy, input.PolicyArns)
    const tags = sessionTagSet(input.Tags, input.TransitiveTagKeys, caller.session)
    const mfa = { serialNumber: input.SerialNumber, tokenCode: input.TokenCode }
    const provedMfaAt = givesMfa(mfa)
      ? await verifyMfaCode(deps.store, caller, mfa, request.now)
      : undefined
    const principal = { id: caller.userId, name: caller.name, arn: caller.arn }
    const role = await deps.roles.find(target)
    if (!role) {
      // No such role answers as a trust policy that does not name the caller, as AWS does.
      const action = 'sts:AssumeRole'
      throw accessDenied(notAuthorized(caller.arn, action, target.arn), {
        principal,
        action,
        resource: target.arn,
      })
    }

    // A source identity, once set, stays for every chained session.
    const inherited = caller.session?.sourceIdentity
    const sourceIdentity = inherited ?? input.SourceIdentity
    if (
      inherited !== undefined &&
      input.SourceIdentity !== undefined &&
      input.SourceIdentity !== inherited
    ) {
      const action = 'sts:SetSourceIdentity'
      throw accessDenied(notAuthorized(caller.arn, action, role.arn), {
        principal,
        action,
        resource: role.arn,
      })
    }
    const conditionKeys = {
      'sts:RoleSessionName': input.RoleSessionName,
      ...(input.ExternalId === undefined ? {} : { 'sts:ExternalId': input.ExternalId }),
      ...(sourceIdentity === undefined ? {} : { 'sts:SourceIdentity': sourceIdentity }),
      ...tagContext(tags),
    }
    const trust = {
      resourcePolicy: {
        text: role.assumeRolePolicyDocument,
        kind: 'trust' as const,
        source: `${role.arn}/trust-policy`,
      },
      resourceAccount: role.accountId,
      ...(provedMfaAt === undefined ? {} : { mfaAuthenticatedAt: provedMfaAt }),
    }
    const actions = ['sts:AssumeRole']
    if (tags.requested.length > 0) actions.push('sts:TagSession')
    if (sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity')
    for (const action of actions) {
      await deps.authorizer.authorize(caller, action, role.arn, conditionKeys, request, trust)
    }

    const chained = caller.type === 'assumed-role'
    // A GetSessionToken session's MFA carries into the role session, with its original time.
    const mfaAuthenticatedAt =
      provedMfaAt ??
      (caller.session?.obtainedBy === 'GetSessionToken'
        ? caller.session.mfaAuthenticatedAt
        : undefined)
    const duration = input.DurationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
    if (chained && duration > CHAINED_SESSION_MAX_SECONDS) throw durationExceedsChainingLimit()
    if (duration > role.maxSessionDuration) throw durationExceedsRoleMaximum()
    const session = await issueRoleSession(deps, request, {
      role,
      sessionName: input.RoleSessionName,
      obtainedBy: 'AssumeRole',
      chained,
      policies,
      tags,
      sourceIdentity,
      mfaAuthenticatedAt,
      durationSeconds: duration,
    })
    return {
      Credentials: session.Credentials,
      AssumedRoleUser: session.AssumedRoleUser,
      PackedPolicySize: session.PackedPolicySize,
      SourceIdentity: sourceIdentity,
    }
  },
})
