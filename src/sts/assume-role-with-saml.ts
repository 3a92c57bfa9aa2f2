// AssumeRoleWithSAML, unsigned, as a pipeline of named checks: read the ARNs, verify the SAML
// response against the provider PrincipalArn names (federation/saml), find the requested pair in
// its Role attribute, evaluate the role's trust policy, check the duration, record the assertion
// as used (once across every process on the store), then seal credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html
import { parseArn } from '../core/arn.js'
import { AwsError, accessDenied } from '../core/errors.js'
import { requiredString } from '../core/input.js'
import { SamlRefusal, samlMessages } from '../federation/saml/index.js'
import type { VerifiedSamlIdentity } from '../federation/saml/index.js'
import { durationExceedsRoleMaximum } from './aws-messages.js'
import { evaluateFederatedTrust } from './evaluate-federated-trust.js'
import * as field from './input-fields.js'
import { issueRoleSession } from './issue-role-session.js'
import { defineStsOperation } from './operation.js'
import { packedPolicySize } from './packed-size.js'
import { DEFAULT_ROLE_SESSION_SECONDS } from './results.js'
import { readRoleArn } from './role-arn.js'
import { checkSessionPolicies } from './session-policies.js'
import { sessionTagSet } from './session-tags.js'

/**
 * A PrincipalArn that is no IAM SAML provider ARN: AWS's ValidationError as users report it for a
 * role and a provider ARN passed the wrong way round.
 */
const requestArnInvalid = () => new AwsError('ValidationError', 'Request ARN is invalid')

function readProviderArn(text: string): string {
  const arn = parseArn(text)
  if (!arn || arn.resource === '') throw new AwsError('ValidationError', `${text} is invalid`)
  if (arn.service !== 'iam' || arn.region !== '' || !arn.resource.startsWith('saml-provider/')) {
    throw requestArnInvalid()
  }
  return text
}

const denied = (identity: VerifiedSamlIdentity, roleArn: string, why: string) =>
  accessDenied(samlMessages.SAML_DENIED, {
    principal: { id: identity.subject, name: identity.subject, arn: identity.provider.arn },
    action: 'sts:AssumeRoleWithSAML',
    resource: roleArn,
    decision: { reason: why },
  })

export const assumeRoleWithSaml = defineStsOperation({
  name: 'AssumeRoleWithSAML',
  // Unsigned: the SAML response and the role's trust policy decide.
  authorizesItself: true,
  unsigned: true,
  input: {
    RoleArn: field.roleArn(),
    PrincipalArn: requiredString({ min: 20, max: 2048 }),
    SAMLAssertion: requiredString({ min: 4, max: 100_000 }),
    PolicyArns: field.policyArnList(),
    Policy: field.sessionPolicy(),
    DurationSeconds: field.roleDuration(),
  },
  async run(input, { deps, request }) {
    const target = readRoleArn(input.RoleArn)
    const providerArn = readProviderArn(input.PrincipalArn)
    const policies = checkSessionPolicies(input.Policy, input.PolicyArns)
    const identity = await deps.verifySaml(input.SAMLAssertion, providerArn, request)
    // The IdP must have mapped the user to exactly this role and provider (the Role attribute).
    if (
      !identity.roles.some(
        (pair) => pair.roleArn === target.arn && pair.providerArn === identity.provider.arn,
      )
    ) {
      throw denied(
        identity,
        target.arn,
        'the role and provider are not a pair of the Role attribute',
      )
    }
    const tags = sessionTagSet(identity.sessionTags, identity.transitiveTagKeys, undefined)
    const role = await deps.roles.find(target)
    if (!role) throw denied(identity, target.arn, 'no such role')
    evaluateFederatedTrust({
      action: 'sts:AssumeRoleWithSAML',
      principalKind: 'saml',
      role,
      identity,
      federatedProvider: undefined,
      sessionName: identity.roleSessionName,
      sourceIdentity: identity.sourceIdentity,
      tags,
      request,
      policies: deps.policies,
    })
    const requested = input.DurationSeconds ?? DEFAULT_ROLE_SESSION_SECONDS
    if (requested > role.maxSessionDuration) throw durationExceedsRoleMaximum()
    // SessionDuration may shorten the session, never lengthen it (IAM User Guide, "SAML
    // SessionDuration attribute").
    const duration = Math.min(requested, identity.sessionDuration ?? requested)
    // Every refusal comes before the assertion is used up: a retry may then still redeem it.
    packedPolicySize({ policy: policies.policy, policyArns: policies.policyArns, tags: tags.tags })
    if (!(await deps.samlAssertions.claim(identity, request.now))) {
      throw new SamlRefusal('InvalidIdentityToken', samlMessages.ALREADY_USED, 'replay')
    }
    const session = await issueRoleSession(deps, request, {
      role,
      sessionName: identity.roleSessionName,
      obtainedBy: 'AssumeRoleWithSAML',
      chained: false,
      policies,
      tags,
      sourceIdentity: identity.sourceIdentity,
      // The keys AWS lists for SAML role permissions policies ("Available keys for SAML-based
      // AWS STS federation").
      samlKeys: {
        'saml:namequalifier': identity.nameQualifier,
        'saml:sub': identity.subject,
        'saml:sub_type': identity.subjectType,
      },
      durationSeconds: duration,
    })
    return {
      Credentials: session.Credentials,
      AssumedRoleUser: session.AssumedRoleUser,
      PackedPolicySize: session.PackedPolicySize,
      Subject: identity.subject,
      SubjectType: identity.subjectType,
      Issuer: identity.issuer,
      Audience: identity.audience,
      NameQualifier: identity.nameQualifier,
      SourceIdentity: identity.sourceIdentity,
    }
  },
})
